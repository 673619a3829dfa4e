import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  DEFAULT_RETRY,
  backoffMs,
  createLlmClient,
  parseRetryAfter,
  type ChatRequest,
  type LlmClientOptions,
} from './client';
import {
  delay,
  drop,
  httpError,
  reply,
  startScriptedServer,
  toolReply,
  type ScriptStep,
  type ScriptedServer,
} from './scripted-server';
import { parseSingleToolCall, type ToolSet } from './tools';

const KEY = 'sk-or-v1-0123456789abcdef0123456789abcdefSECRET';
const FAST = { baseDelayMs: 5, maxDelayMs: 2000 };

let server: ScriptedServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

async function setup(
  steps: ScriptStep[],
  options: LlmClientOptions = {},
  provider: 'openrouter' | 'local' = 'openrouter',
) {
  server = await startScriptedServer(steps);
  const client = createLlmClient(
    { provider, baseURL: server.baseURL, apiKey: KEY, model: 'test/model' },
    { ...options, retry: { ...FAST, ...options.retry } },
  );
  return { server, client };
}

const tools: ToolSet = {
  write_file: {
    description: 'Write a file.',
    args: z.object({ file_path: z.string(), content: z.string() }),
  },
  mark_complete: { description: 'Done.', args: z.object({ summary: z.string() }) },
};

const request = (extra: Partial<ChatRequest> = {}): ChatRequest => ({
  context: { runId: 'run-42', stage: 'baseline' },
  messages: [
    { role: 'system', content: 'You write code.' },
    { role: 'user', content: 'Write main.py' },
  ],
  ...extra,
});

describe('chat: tool calling round trip', () => {
  it('sends schema-generated tools with tool_choice required and parses the call', async () => {
    const { server, client } = await setup([
      toolReply(
        'write_file',
        { file_path: 'main.py', content: 'print(1)' },
        { prompt_tokens: 120, completion_tokens: 30 },
      ),
    ]);
    const r = await client.chat(request({ tools }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.attempts).toBe(1);
    expect(r.value.finishReason).toBe('tool_calls');
    const parsed = parseSingleToolCall(r.value.toolCalls, tools, r.value.content);
    expect(parsed).toMatchObject({ ok: true, value: { name: 'write_file', args: { file_path: 'main.py' } } });
    expect(r.value.assistantMessage.tool_calls?.[0]).toMatchObject({
      type: 'function',
      function: { name: 'write_file' },
    });

    const sent = server.requests[0]!;
    expect(sent.body?.model).toBe('test/model');
    expect(sent.body?.tool_choice).toBe('required');
    expect(sent.body?.provider).toEqual({ require_parameters: true });
    expect(sent.body?.tools).toEqual([
      {
        type: 'function',
        function: {
          name: 'write_file',
          description: 'Write a file.',
          parameters: expect.objectContaining({
            type: 'object',
            required: ['file_path', 'content'],
            properties: { file_path: { type: 'string' }, content: { type: 'string' } },
          }),
        },
      },
      expect.objectContaining({
        type: 'function',
        function: expect.objectContaining({ name: 'mark_complete' }),
      }),
    ]);
  });

  it('sends the run and stage headers, the OpenRouter attribution headers and the key as a bearer token', async () => {
    const { server, client } = await setup([reply({ content: 'hi' })]);
    await client.chat(request());
    const h = server.requests[0]!.headers;
    expect(h['x-mle-run-id']).toBe('run-42');
    expect(h['x-mle-stage']).toBe('baseline');
    expect(h['http-referer']).toMatch(/^https:\/\//);
    expect(h['x-title']).toBe('mle-beast');
    expect(h.authorization).toBe(`Bearer ${KEY}`);
    expect(server.requests[0]!.body).not.toHaveProperty('tools');
  });

  it('local providers get no OpenRouter headers or routing fields; JSON mode asks for json_object', async () => {
    const { server, client } = await setup(
      [reply({ content: '{"tool":"mark_complete","args":{"summary":"x"}}' })],
      {},
      'local',
    );
    const r = await client.chat(request({ jsonMode: true, maxTokens: 100 }));
    expect(r.ok).toBe(true);
    const sent = server.requests[0]!;
    expect(sent.headers['x-title']).toBeUndefined();
    expect(sent.headers['x-mle-stage']).toBe('baseline');
    expect(sent.body?.response_format).toEqual({ type: 'json_object' });
    expect(sent.body?.max_tokens).toBe(100);
  });

  it('lists the models a server offers', async () => {
    const { client } = await setup([]);
    expect(await client.listModels()).toEqual({ ok: true, value: ['scripted-model'] });
  });
});

describe('chat: usage and cost', () => {
  it('takes usage.cost, reasoning and cached tokens when the provider reports them', async () => {
    const { client } = await setup([
      reply({
        content: 'ok',
        usage: {
          prompt_tokens: 1000,
          completion_tokens: 300,
          cost: 0.0123,
          cached_tokens: 600,
          reasoning_tokens: 200,
        },
      }),
    ]);
    const r = await client.chat(request());
    expect(r.ok && r.value.usage).toEqual({
      promptTokens: 1000,
      completionTokens: 300,
      reasoningTokens: 200,
      cachedTokens: 600,
      costUsd: 0.0123,
      costSource: 'provider',
    });
    expect(r.ok && r.value.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('uses the price table without usage.cost, and null without a price', async () => {
    const prices = { 'test/model': { prompt: 2e-6, completion: 8e-6 } };
    const { client } = await setup([reply({ usage: { prompt_tokens: 1000, completion_tokens: 100 } })], {
      prices,
    });
    const priced = await client.chat(request());
    expect(priced.ok && priced.value.usage.costSource).toBe('price_table');
    expect(priced.ok && priced.value.usage.costUsd).toBeCloseTo(0.0028, 10);

    server!.push(reply({ usage: { prompt_tokens: 1000, completion_tokens: 100 } }));
    const unpriced = await client.chat(request({ model: 'other/model' }));
    expect(unpriced.ok && unpriced.value.usage.costUsd).toBeNull();
  });
});

describe('chat: retries', () => {
  it('waits for Retry-After on 429, then succeeds', async () => {
    const { server, client } = await setup([httpError(429, { retryAfter: '1' }), reply({ content: 'ok' })], {
      retry: { baseDelayMs: 1, maxDelayMs: 5000 },
    });
    const r = await client.chat(request());
    expect(r.ok).toBe(true);
    expect(r.ok && r.value.attempts).toBe(2);
    expect(server.requests).toHaveLength(2);
    // The second request came after the Retry-After wait, not after the 1 ms backoff.
    expect(server.requests[1]!.at - server.requests[0]!.at).toBeGreaterThanOrEqual(900);
  });

  it('gives a clear failure after 500 three times', async () => {
    const { server, client } = await setup(
      [
        httpError(500),
        httpError(502),
        httpError(503, { body: { error: { message: 'upstream overloaded' } } }),
      ],
      { retry: { maxAttempts: 3 } },
    );
    const r = await client.chat(request());
    expect(server.requests).toHaveLength(3);
    expect(server.exhausted).toBe(0);
    expect(r).toMatchObject({
      ok: false,
      error: { kind: 'server_error', provider: 'openrouter', status: 503, attempts: 3 },
    });
    if (!r.ok) {
      expect(r.error.message).toMatch(
        /^OpenRouter returned HTTP 503 \(server error\) after 3 attempts \(upstream overloaded\): .*try again later/,
      );
    }
  });

  it('without a retry option makes DEFAULT_RETRY.maxAttempts attempts, the figure the README gives', async () => {
    server = await startScriptedServer(
      Array.from({ length: DEFAULT_RETRY.maxAttempts + 1 }, () => httpError(503)),
    );
    const client = createLlmClient(
      { provider: 'openrouter', baseURL: server.baseURL, apiKey: KEY, model: 'test/model' },
      // Only the waits are shortened: the attempt count is the default one.
      { retry: FAST },
    );
    const r = await client.chat(request());
    expect(server.requests).toHaveLength(DEFAULT_RETRY.maxAttempts);
    expect(r).toMatchObject({ ok: false, error: { attempts: DEFAULT_RETRY.maxAttempts } });

    const readme = fs.readFileSync(path.join(import.meta.dirname, 'README.md'), 'utf8');
    const stated = /`maxAttempts` (\d+) in all/.exec(readme);
    expect(stated?.[1], 'engine/llm/README.md states the attempt count').toBe(
      String(DEFAULT_RETRY.maxAttempts),
    );
    expect(readme).toContain(`\`maxDelayMs\` (${DEFAULT_RETRY.maxDelayMs / 1000} s)`);
  });

  it('retries a dropped connection', async () => {
    const { server, client } = await setup([drop(), reply({ content: 'after the drop' })]);
    const r = await client.chat(request());
    expect(r.ok && r.value.content).toBe('after the drop');
    expect(r.ok && r.value.attempts).toBe(2);
    expect(server.requests).toHaveLength(2);
  });

  it('honours Retry-After as an HTTP date, and retries a 200 without choices', async () => {
    const soon = new Date(Date.now() + 1000).toUTCString();
    const { server, client } = await setup([
      httpError(503, { retryAfter: soon }),
      { kind: 'raw', status: 200, body: { error: { message: 'upstream provider returned nothing' } } },
      reply({ content: 'third time' }),
    ]);
    const r = await client.chat(request());
    expect(r.ok && r.value.content).toBe('third time');
    expect(r.ok && r.value.attempts).toBe(3);
    expect(server.requests).toHaveLength(3);
  });

  it('reports a 200 without choices after the last attempt, with the upstream message', async () => {
    const { client } = await setup(
      [{ kind: 'raw', status: 200, body: { error: { message: 'upstream failed' } } }],
      {
        retry: { maxAttempts: 1 },
      },
    );
    const r = await client.chat(request());
    expect(r).toMatchObject({ ok: false, error: { kind: 'invalid_response', attempts: 1 } });
    if (!r.ok)
      expect(r.error.message).toContain('without a usable message after 1 attempt (upstream failed)');
  });

  it('does not retry a 400 or a 401, and says what to do', async () => {
    const { server, client } = await setup([
      httpError(401, { body: { error: { message: 'No auth credentials found' } } }),
    ]);
    const r = await client.chat(request());
    expect(server.requests).toHaveLength(1);
    expect(r).toMatchObject({ ok: false, error: { kind: 'auth', status: 401, attempts: 1 } });
    if (!r.ok) expect(r.error.message).toContain('check OPENROUTER_API_KEY');
    server.push(httpError(400, { body: { error: { message: 'tools are not supported' } } }));
    const bad = await client.chat(request());
    expect(bad).toMatchObject({ ok: false, error: { kind: 'bad_request', status: 400, attempts: 1 } });
    expect(server.requests).toHaveLength(2);
  });

  it('times out each attempt, retries, then reports a timeout', async () => {
    const { server, client } = await setup([delay(2000), delay(2000)], {
      timeoutMs: 150,
      retry: { maxAttempts: 2 },
    });
    const r = await client.chat(request());
    expect(server.requests).toHaveLength(2);
    expect(r).toMatchObject({ ok: false, error: { kind: 'timeout', status: null, attempts: 2 } });
    if (!r.ok) expect(r.error.message).toMatch(/did not answer within/);
  });
});

describe('chat: cancel', () => {
  it('ends a slow call promptly as cancelled, without retrying', async () => {
    const { server, client } = await setup([delay(5000), reply({ content: 'never asked for' })]);
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 100);
    const r = await client.chat(request({ signal: controller.signal }));
    expect(r).toMatchObject({ ok: false, error: { kind: 'cancelled', attempts: 1 } });
    expect(Date.now() - started).toBeLessThan(4000);
    expect(server.requests).toHaveLength(1);
    expect(server.remaining()).toBe(1);
  });

  it('cancels during a backoff wait', async () => {
    const { server, client } = await setup([httpError(429, { retryAfter: '5' }), reply()]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const r = await client.chat(request({ signal: controller.signal }));
    expect(r).toMatchObject({ ok: false, error: { kind: 'cancelled' } });
    expect(Date.now() - started).toBeLessThan(4000);
    expect(server.requests).toHaveLength(1);
  });

  it('does not start when already cancelled', async () => {
    const { server, client } = await setup([reply()]);
    const r = await client.chat(request({ signal: AbortSignal.abort() }));
    expect(r).toMatchObject({ ok: false, error: { kind: 'cancelled', attempts: 0 } });
    expect(server.requests).toHaveLength(0);
  });
});

describe('secrets', () => {
  it('never puts the key in a failure value, even when the server echoes it', async () => {
    const echo = { error: { message: `Invalid key ${KEY}` } };
    const { client } = await setup(
      [
        httpError(401, { body: echo }),
        httpError(400, { body: echo }),
        httpError(500, { body: echo }),
        httpError(500, { body: echo }),
        drop(),
        drop(),
        httpError(404, { body: echo }),
      ],
      { retry: { maxAttempts: 2 } },
    );
    const outputs: unknown[] = [];
    for (let i = 0; i < 5; i++) outputs.push(await client.chat(request()));
    const elsewhere = createLlmClient(
      { provider: 'openrouter', baseURL: `${server!.baseURL}/nowhere`, apiKey: KEY, model: 'test/model' },
      { retry: FAST },
    );
    const models = await elsewhere.listModels();
    expect(models).toMatchObject({ ok: false, error: { kind: 'not_found', status: 404 } });
    outputs.push(models);
    const text = JSON.stringify(outputs);
    expect(outputs.every((o) => (o as { ok: boolean }).ok === false)).toBe(true);
    expect(text).not.toContain(KEY);
    expect(text).not.toContain(KEY.slice(10, 30));
    expect(text).toContain('...CRET');
  });

  it('a client cannot be made to print its key', async () => {
    const { client } = await setup([]);
    expect(JSON.stringify(client)).not.toContain(KEY);
  });
});

describe('retry policy helpers', () => {
  it('reads Retry-After as seconds, an HTTP date or retry-after-ms', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter(new Headers({ 'retry-after': '3' }), now)).toBe(3000);
    expect(parseRetryAfter(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:10 GMT' }), now)).toBe(
      10_000,
    );
    expect(parseRetryAfter(new Headers({ 'retry-after-ms': '250' }), now)).toBe(250);
    expect(parseRetryAfter(new Headers({ 'retry-after': 'soon' }), now)).toBeNull();
    expect(parseRetryAfter(new Headers(), now)).toBeNull();
  });

  it('backs off exponentially with jitter, capped, and honours Retry-After up to the cap', () => {
    const policy = { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 5000 };
    expect(backoffMs(1, policy, () => 1, null)).toBe(1000);
    expect(backoffMs(2, policy, () => 1, null)).toBe(2000);
    expect(backoffMs(2, policy, () => 0, null)).toBe(1000);
    expect(backoffMs(10, policy, () => 1, null)).toBe(5000);
    expect(backoffMs(1, policy, () => 1, 3000)).toBe(3000);
    expect(backoffMs(1, policy, () => 1, 60_000)).toBe(5000);
  });
});
