import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { afterEach, describe, expect, it } from 'vitest';
import { createLlmClient, type LlmClient } from '../llm/client';
import { parseSingleToolCall } from '../llm/tools';
import {
  faults,
  say,
  SCRIPTED_MODEL,
  startScenarioModel,
  toolCall,
  withFaults,
  type Scenario,
  type ScenarioCall,
  type ScenarioModel,
} from './scenario';
import { DEMO_TOOLS } from './testing/local-actor';

let model: ScenarioModel | null = null;
afterEach(async () => {
  await model?.close();
  model = null;
});

const FAST = { baseDelayMs: 5, maxDelayMs: 50 };

function clientFor(m: ScenarioModel, timeoutMs?: number): LlmClient {
  return createLlmClient(
    { provider: 'local', baseURL: m.baseURL, apiKey: 'local', model: m.model },
    { retry: FAST, ...(timeoutMs ? { timeoutMs } : {}) },
  );
}

/** A scenario whose handlers echo where they were called from, and record every call. */
function echoScenario(seen: ScenarioCall[]): Scenario {
  const echo = (call: ScenarioCall) => {
    seen.push(call);
    return call.tools.length
      ? toolCall('write_file', {
          file_path: `${call.stage}-${call.conversationIndex}-${call.step}.txt`,
          content: `turn ${call.turn}`,
        })
      : say(`${call.stage} critic, conversation ${call.conversationIndex}`);
  };
  return { name: 'echo', stages: { baseline: echo, implement: echo, testing: echo } };
}

/** One actor conversation: `turns` requests, each appending the reply and a tool result. */
async function converse(client: LlmClient, runId: string, stage: string, turns: number) {
  const messages: ChatCompletionMessageParam[] = [
    { role: 'system', content: `You are the ${stage} actor.` },
    { role: 'user', content: 'Do the work.' },
  ];
  const replies = [];
  for (let i = 0; i < turns; i += 1) {
    const r = await client.chat({ context: { runId, stage }, messages, tools: DEMO_TOOLS });
    if (!r.ok) throw new Error(r.error.message);
    replies.push(r.value);
    messages.push(r.value.assistantMessage);
    const parsed = parseSingleToolCall(r.value.toolCalls, DEMO_TOOLS, r.value.content);
    messages.push({
      role: 'tool',
      tool_call_id: r.value.toolCalls[0]?.id ?? 'call_0',
      content: parsed.ok ? 'ok' : `error: ${parsed.error}`,
    });
  }
  return replies;
}

describe('scenario model', () => {
  it('picks the handler by X-Mle-Stage and counts conversations and turns per stage', async () => {
    const seen: ScenarioCall[] = [];
    model = await startScenarioModel(echoScenario(seen));
    const client = clientFor(model);

    const first = await converse(client, 'run-1', 'baseline', 3);
    expect(first.map((r) => JSON.parse(r.toolCalls[0]!.arguments).file_path)).toEqual([
      'baseline-0-0.txt',
      'baseline-0-1.txt',
      'baseline-0-2.txt',
    ]);
    await converse(client, 'run-1', 'implement', 1);
    const second = await converse(client, 'run-1', 'baseline', 2);
    expect(second.map((r) => JSON.parse(r.toolCalls[0]!.arguments).file_path)).toEqual([
      'baseline-1-0.txt',
      'baseline-1-1.txt',
    ]);
    expect(seen.map((c) => [c.stage, c.conversationIndex, c.turn])).toEqual([
      ['baseline', 0, 0],
      ['baseline', 0, 1],
      ['baseline', 0, 2],
      ['implement', 0, 0],
      ['baseline', 1, 0],
      ['baseline', 1, 1],
    ]);
    expect(seen[0]!.tools).toContain('mark_complete');
    expect(model.conversations('run-1')).toEqual({ baseline: 2, implement: 1 });

    // A critic: no tools, a plain answer; each call is a conversation of its own.
    const critic = await client.chat({
      context: { runId: 'run-1', stage: 'testing' },
      messages: [{ role: 'user', content: 'pytest output: 3 passed' }],
    });
    expect(critic.ok && critic.value.content).toBe('testing critic, conversation 0');

    // Every reply carries usage (with an OpenRouter-style cost) and the scripted model's name.
    expect(first[0]!.model).toBe(SCRIPTED_MODEL);
    expect(first[0]!.usage.promptTokens).toBeGreaterThan(0);
    expect(first[0]!.usage.completionTokens).toBeGreaterThan(0);
    expect(first[0]!.usage.costUsd).toBeGreaterThan(0);
    expect(model.requests.every((r) => r.headers['x-mle-run-id'] === 'run-1')).toBe(true);
  });

  it('keeps state per run id, so runs interleave and a resumed run carries on', async () => {
    const seen: ScenarioCall[] = [];
    model = await startScenarioModel(echoScenario(seen));
    const client = clientFor(model);
    await converse(client, 'run-a', 'baseline', 1);
    await converse(client, 'run-b', 'baseline', 1);
    await converse(client, 'run-a', 'baseline', 1);
    expect(seen.map((c) => [c.runId, c.conversationIndex])).toEqual([
      ['run-a', 0],
      ['run-b', 0],
      ['run-a', 1],
    ]);
    expect(model.conversations('run-a')).toEqual({ baseline: 2 });
    expect(model.conversations('run-b')).toEqual({ baseline: 1 });
    expect(seen[0]!.run).not.toBe(seen[1]!.run);
    expect(seen[0]!.run).toBe(seen[2]!.run);
  });

  it('answers an unexpected stage or a missing script with a reply that says so', async () => {
    model = await startScenarioModel({ name: 'tiny', stages: { baseline: () => undefined } });
    const client = clientFor(model);
    const unknown = await client.chat({
      context: { runId: 'r', stage: 'scoring' },
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(unknown.ok && unknown.value.content).toMatch(
      /scenario "tiny".*no script for this call \(run r, stage "scoring", conversation 0, turn 0\)/,
    );
    const empty = await client.chat({
      context: { runId: 'r', stage: 'baseline' },
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(empty.ok && empty.value.content).toContain('nothing more for this call');

    const throwing = await startScenarioModel({
      name: 'throws',
      stages: {
        baseline: () => {
          throw new Error('bad script');
        },
      },
    });
    try {
      const r = await clientFor(throwing).chat({
        context: { runId: 'r', stage: 'baseline' },
        messages: [{ role: 'user', content: 'hi' }],
      });
      expect(r.ok && r.value.content).toContain('the script failed');
    } finally {
      await throwing.close();
    }
  });

  it('fires each fault once: 429 and 500 are retried into the real answer without a new conversation', async () => {
    const seen: ScenarioCall[] = [];
    model = await startScenarioModel(
      withFaults(echoScenario(seen), [
        { stage: 'baseline', turn: 0, fault: faults.rateLimited() },
        { stage: 'baseline', turn: 1, fault: faults.serverError(), times: 2 },
      ]),
    );
    const client = clientFor(model);
    const replies = await converse(client, 'run-f', 'baseline', 2);
    expect(replies.map((r) => r.attempts)).toEqual([2, 3]);
    expect(replies.map((r) => JSON.parse(r.toolCalls[0]!.arguments).file_path)).toEqual([
      'baseline-0-0.txt',
      'baseline-0-1.txt',
    ]);
    expect(model.conversations('run-f')).toEqual({ baseline: 1 });
    const statuses = model.requests.map((r) => (r.step?.kind === 'error' ? r.step.status : 200));
    expect(statuses).toEqual([429, 200, 500, 500, 200]);
    expect(model.requests[0]!.step).toMatchObject({ retryAfter: '0' });

    // Once per run: the next conversation meets no fault.
    const again = await converse(client, 'run-f', 'baseline', 2);
    expect(again.map((r) => r.attempts)).toEqual([1, 1]);
    // Another run gets its own faults.
    const other = await converse(client, 'run-g', 'baseline', 1);
    expect(other[0]!.attempts).toBe(2);
  });

  it('a malformed tool call comes first; the handler sees the same step again after the error', async () => {
    const seen: ScenarioCall[] = [];
    model = await startScenarioModel(
      withFaults(echoScenario(seen), [
        { stage: 'implement', turn: 1, fault: faults.malformedArguments() },
        { stage: 'implement', turn: 2, fault: faults.unknownTool() },
      ]),
    );
    const client = clientFor(model);
    const replies = await converse(client, 'run-m', 'implement', 5);
    const checked = replies.map((r) => parseSingleToolCall(r.toolCalls, DEMO_TOOLS, r.content));
    expect(checked.map((c) => (c.ok ? (c.value.args.file_path as string) : 'invalid'))).toEqual([
      'implement-0-0.txt',
      'invalid',
      'implement-0-1.txt',
      'invalid',
      'implement-0-2.txt',
    ]);
    expect(checked[1]!.ok ? '' : checked[1]!.error).toMatch(/JSON|arguments/i);
    expect(checked[3]!.ok ? '' : checked[3]!.error).toContain('unknown tool "write_files"');
    expect(seen.map((c) => [c.turn, c.step])).toEqual([
      [0, 0],
      [2, 1],
      [4, 2],
    ]);
  });

  it('a slow answer delays the real reply; a client that times out retries into the same conversation', async () => {
    const seen: ScenarioCall[] = [];
    model = await startScenarioModel(
      withFaults(echoScenario(seen), [
        { stage: 'baseline', conversation: 0, turn: 0, fault: faults.slow(150) },
        { stage: 'baseline', conversation: 1, turn: 0, fault: faults.slow(2000) },
      ]),
    );
    const started = Date.now();
    const slow = await converse(clientFor(model), 'run-s', 'baseline', 1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(JSON.parse(slow[0]!.toolCalls[0]!.arguments).file_path).toBe('baseline-0-0.txt');
    expect(slow[0]!.usage.costUsd).toBeGreaterThan(0);

    const timedOut = await converse(clientFor(model, 300), 'run-s', 'baseline', 1);
    expect(timedOut[0]!.attempts).toBe(2);
    expect(JSON.parse(timedOut[0]!.toolCalls[0]!.arguments).file_path).toBe('baseline-1-0.txt');
    expect(model.conversations('run-s')).toEqual({ baseline: 2 });
  });
});
