import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Experiment, RunEventBody } from '../api/runs';
import { createLlmClient } from '../llm';
import {
  httpError,
  reply,
  startScriptedServer,
  toolReply,
  type ScriptStep,
  type ScriptedServer,
} from '../llm/scripted-server';
import { toolsFor } from '../tools';
import { makeToolContext } from '../tools/testing/tool-context';
import { useTempDir } from '../testing/temp-dir';
import { runActor } from './actor';
import { RunSession } from './session';
import { DEFAULT_TUNING, INITIAL_STATE, type LlmCallRecord, type PipelineInput } from './types';

/** The actor's tool loop against a real scripted server through the real client; tools on a temp workspace. */
const temp = useTempDir('mle-beast-actor-');
let server: ScriptedServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

async function sessionFor(
  steps: ScriptStep[],
  jsonMode = false,
  sandboxPaths?: { workspace: string; data: string | null },
) {
  server = await startScriptedServer(steps);
  const events: RunEventBody[] = [];
  const calls: LlmCallRecord[] = [];
  const ctx = makeToolContext(temp.dir, sandboxPaths ? { sandboxPaths } : {});
  const client = createLlmClient(
    { provider: 'local', baseURL: server.baseURL, apiKey: 'x', model: 'scripted-model' },
    { retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 } },
  );
  const input = {
    runId: 'run-1',
    config: { sandbox: { network: 'none', forceCpu: true } },
    workspaceDir: ctx.workspaceDir,
    runDir: path.join(temp.dir, '..', 'run-folder'),
    runData: null,
    dataDir: null,
    metric: { name: 'accuracy', direction: 'higher', target: 0.9, resolved: null, classes: undefined },
    sandbox: ctx.sandbox,
    policy: ctx.policy,
    llm: { actor: client, critic: client, jsonMode },
    ledger: {
      emit: (b: RunEventBody) => events.push(b),
      recordLlmCall: (c: LlmCallRecord) => calls.push(c),
      stage: () => undefined,
      recordExperiment: () => undefined,
      experiments: (): Experiment[] => [],
      saveState: () => undefined,
      setFinalScore: () => undefined,
      summary: () => ({ costUsd: 0 }),
    },
    limits: { maxSteps: 5, maxConsecutiveFailures: 5, maxCostUsd: null, maxWallMinutes: null },
    tuning: DEFAULT_TUNING,
    signal: new AbortController().signal,
    whilePaused: async () => undefined,
    stop: () => undefined,
    state: INITIAL_STATE,
  } as unknown as PipelineInput;
  return { session: new RunSession(input), events, calls };
}

const request = {
  stage: 'baseline' as const,
  step: 0,
  tools: toolsFor('coding', { network: false }),
  system: 'system prompt',
  user: 'the brief',
  maxTurns: 6,
};

describe('runActor', () => {
  it('sends a malformed call back as an error the model corrects, then completes', async () => {
    const { session, events, calls } = await sessionFor([
      toolReply('write_file', '{"file_path": "a.py", "content": '),
      toolReply('write_file', { file_path: 'a.py', content: 'x = 1\n' }),
      toolReply('mark_complete', { summary: 'done' }),
    ]);
    const result = await runActor(session, request);
    expect(result).toMatchObject({ completed: true, summary: 'done', turns: 3 });
    expect(fs.readFileSync(path.join(temp.dir, 'a.py'), 'utf8')).toBe('x = 1\n');
    // The second request carries the error as the tool call's answer.
    const second = server!.requests.filter((r) => r.path.endsWith('/chat/completions'))[1]!;
    const messages = second.body!.messages as { role: string; content: string }[];
    expect(messages.at(-1)).toMatchObject({
      role: 'tool',
      content: expect.stringMatching(/^ERROR: .*not valid JSON/),
    });
    expect(second.headers['x-mle-stage']).toBe('baseline');
    expect(second.headers['x-mle-run-id']).toBe('run-1');
    expect(calls).toHaveLength(3);
    expect(events.filter((e) => e.type === 'tool.call').map((e) => e.type === 'tool.call' && e.ok)).toEqual([
      false,
      true,
      true,
    ]);
  });

  it('answers prose with the instruction to call one tool', async () => {
    const { session } = await sessionFor([
      reply({ content: 'I will now write the files.' }),
      toolReply('mark_complete', { summary: 'ok' }),
    ]);
    expect(await runActor(session, request)).toMatchObject({ completed: true });
    const second = server!.requests.filter((r) => r.path.endsWith('/chat/completions'))[1]!;
    const last = (second.body!.messages as { role: string; content: string }[]).at(-1)!;
    expect(last.content).toMatch(/no tool call.*call exactly one tool/);
  });

  it('works in JSON-object mode for models without tool calling', async () => {
    const { session } = await sessionFor(
      [
        reply({
          content:
            '```json\n{"tool": "write_file", "args": {"file_path": "b.py", "content": "y = 2\\n"}}\n```',
        }),
        reply({ content: '{"tool": "mark_complete", "args": {"summary": "json done"}}' }),
      ],
      true,
    );
    expect(await runActor(session, request)).toMatchObject({ completed: true, summary: 'json done' });
    expect(fs.readFileSync(path.join(temp.dir, 'b.py'), 'utf8')).toBe('y = 2\n');
    const first = server!.requests.find((r) => r.path.endsWith('/chat/completions'))!;
    expect(first.body!.tools).toBeUndefined();
    expect(JSON.stringify(first.body!.messages)).toContain('exactly one JSON object');
  });

  it('ends the stage, not the run, when the model cannot be reached', async () => {
    const { session, calls } = await sessionFor([httpError(500), httpError(500)]);
    const result = await runActor(session, request);
    expect(result.completed).toBe(false);
    expect(result.failure).toMatch(/could not be reached.*500/);
    expect(calls[0]).toMatchObject({ ok: false, attempts: 2 });
  });
});

describe('runActor in a sandbox with its own paths', () => {
  it('tells the model sandbox paths: a tool error carrying the host workspace path, and the prompt', async () => {
    const host = fs.realpathSync(temp.dir);
    const runFolder = path.resolve(temp.dir, '..', 'run-folder');
    const { session, calls } = await sessionFor(
      [
        // The model was (wrongly) given a host path somewhere and uses it: the tool's error quotes it back.
        toolReply('read_file', { file_path: path.join(host, 'missing.py') }),
        toolReply('write_file', { file_path: '/workspace/a.py', content: 'x = 1\n' }),
        toolReply('mark_complete', { summary: 'done' }),
      ],
      false,
      { workspace: '/workspace', data: null },
    );
    const result = await runActor(session, {
      ...request,
      user: `The workspace is ${host}; the engine keeps its files in ${runFolder}/data. Not ${host}2.`,
    });
    expect(result).toMatchObject({ completed: true });
    expect(fs.readFileSync(path.join(host, 'a.py'), 'utf8')).toBe('x = 1\n');

    const sent = server!.requests.filter((r) => r.path.endsWith('/chat/completions'));
    const second = sent[1]!.body!.messages as { role: string; content: string }[];
    expect(second.at(-1)).toMatchObject({
      role: 'tool',
      content: 'ERROR: /workspace/missing.py does not exist',
    });
    expect(second[1]!.content).toBe(
      `The workspace is /workspace; the engine keeps its files in <the engine run folder>/data. Not ${host}2.`,
    );
    // No request carried the host path of the workspace or of the run folder, but the model's own words
    // (its tool call, as it sent it) and a longer name that only starts like it.
    for (const request of sent) {
      const text = JSON.stringify(
        (request.body!.messages as { role: string }[]).filter((m) => m.role !== 'assistant'),
      );
      expect(text.replaceAll(`${host}2`, '')).not.toContain(host);
      expect(text).not.toContain(runFolder);
    }
    // What was recorded is what was sent.
    expect(JSON.stringify(calls[1]!.messages)).toContain('ERROR: /workspace/missing.py does not exist');
  });
});

describe('runActor with acceptsText', () => {
  it('takes a prose answer the stage accepts as the completion', async () => {
    const { session } = await sessionFor([
      reply({ content: 'HYPOTHESIS: more trees help.\nCHANGE: n_estimators=500' }),
    ]);
    const result = await runActor(session, { ...request, acceptsText: (t) => /HYPOTHESIS:/.test(t) });
    expect(result).toMatchObject({
      completed: true,
      summary: expect.stringMatching(/^HYPOTHESIS: more trees/),
    });
  });
});
