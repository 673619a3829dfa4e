import { afterEach, describe, expect, it } from 'vitest';
import { httpError, reply, startScriptedServer, toolReply, type ScriptedServer } from './scripted-server';

let server: ScriptedServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

describe('scripted server', () => {
  it('listens on 127.0.0.1 and plays its steps in order, recording each request', async () => {
    server = await startScriptedServer([
      toolReply('mark_complete', { summary: 'ok' }, { prompt_tokens: 3, completion_tokens: 2, cost: 0.01 }),
      httpError(429, { retryAfter: '2' }),
    ]);
    expect(server.baseURL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);

    const first = await post(server.baseURL, { model: 'x', messages: [] }, { 'x-mle-stage': 'proposal' });
    const body = (await first.json()) as {
      choices: {
        message: { tool_calls: { function: { name: string; arguments: string } }[] };
        finish_reason: string;
      }[];
      usage: { cost: number; total_tokens: number };
    };
    expect(body.choices[0]!.finish_reason).toBe('tool_calls');
    expect(body.choices[0]!.message.tool_calls[0]!.function).toEqual({
      name: 'mark_complete',
      arguments: '{"summary":"ok"}',
    });
    expect(body.usage).toMatchObject({ cost: 0.01, total_tokens: 5 });

    const second = await post(server.baseURL, {});
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBe('2');

    expect(server.requests.map((r) => [r.method, r.path, r.step?.kind])).toEqual([
      ['POST', '/v1/chat/completions', 'reply'],
      ['POST', '/v1/chat/completions', 'error'],
    ]);
    expect(server.requests[0]!.headers['x-mle-stage']).toBe('proposal');
    expect(server.requests[0]!.body).toEqual({ model: 'x', messages: [] });
  });

  it('says so when the script runs out, with a status the client does not retry', async () => {
    server = await startScriptedServer([reply({ content: 'only one' })]);
    await post(server.baseURL, {});
    const extra = await post(server.baseURL, {});
    expect(extra.status).toBe(418);
    expect(await extra.text()).toContain('script exhausted');
    expect(server.exhausted).toBe(1);
    expect(server.remaining()).toBe(0);
  });

  it('lists its models', async () => {
    server = await startScriptedServer([], { models: ['a', 'b'] });
    const res = await fetch(`${server.baseURL}/models`);
    expect(((await res.json()) as { data: { id: string }[] }).data.map((m) => m.id)).toEqual(['a', 'b']);
  });

  it('asks respond first for each chat request and falls back to the queue when it returns undefined', async () => {
    server = await startScriptedServer([reply({ content: 'from the queue' })], {
      respond: async (request) => {
        const stage = request.headers['x-mle-stage'];
        if (stage === 'boom') throw new Error('no handler for boom');
        return stage === 'proposal' ? reply({ content: `computed for ${stage}` }) : undefined;
      },
    });
    const content = async (res: Response) =>
      ((await res.json()) as { choices: { message: { content: string } }[] }).choices[0]!.message.content;

    expect(await content(await post(server.baseURL, {}, { 'x-mle-stage': 'proposal' }))).toBe(
      'computed for proposal',
    );
    expect(await content(await post(server.baseURL, {}, { 'x-mle-stage': 'baseline' }))).toBe(
      'from the queue',
    );
    const failed = await post(server.baseURL, {}, { 'x-mle-stage': 'boom' });
    expect(failed.status).toBe(418);
    expect(await failed.text()).toContain('respond failed: no handler for boom');
    const exhausted = await post(server.baseURL, {}, { 'x-mle-stage': 'baseline' });
    expect(exhausted.status).toBe(418);
    expect(server.exhausted).toBe(1);
    expect(server.requests.map((r) => r.step?.kind ?? null)).toEqual(['reply', 'reply', null, null]);
  });
});
