import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { EXAMPLES } from '../../../engine/examples/catalog';
import { EXIT } from '../exit-codes';
import { UsageError } from '../command-errors';
import { FakeEngine, fakeIO } from '../testing/fake-engine';
import { demoCommand, folderStamp, type DemoEnv } from './demo';

function fakeDemoEnv(docker: boolean, osSandbox = true) {
  const closed = vi.fn(async () => undefined);
  const created: string[] = [];
  const env: DemoEnv = {
    home: '/home/u/.mle-beast',
    createExample: async (name, dir) => {
      created.push(dir);
      return { ok: true, value: { dir, dataPath: path.join(dir, `${name}.csv`) } };
    },
    example: (name) => EXAMPLES.find((e) => e.name === name)!,
    startModel: async () => ({
      baseURL: 'http://127.0.0.1:45678/v1',
      model: 'scripted model',
      close: closed,
    }),
    probeDocker: async () =>
      docker
        ? { available: true, error: null }
        : { available: false, error: 'connect ENOENT /var/run/docker.sock' },
    probeOsSandbox: async () =>
      osSandbox ? { isolated: true, reason: null } : { isolated: false, reason: 'bwrap is not installed' },
    env: { LOCAL_LLM_BASE_URL: 'http://mine', OPENAI_API_KEY: 'sk-x' },
    now: () => new Date('2026-11-26T17:12:19.456Z'),
  };
  return { env, closed, created };
}

describe('mle-beast demo', () => {
  it('generates the data, points the provider at the scripted model, and starts a folder run', async () => {
    const { env, closed, created } = fakeDemoEnv(false);
    let seenEnv: Record<string, string | undefined> = {};
    let input: unknown;
    const engine = new FakeEngine({
      onStart: (e, run, i) => {
        seenEnv = { ...env.env };
        input = i;
        setTimeout(() => e.scriptSuccess(run.id), 2);
      },
    });
    const io = fakeIO();
    expect(await demoCommand(engine, 'churn', {}, env, { io, onInterrupt: () => () => undefined })).toBe(
      EXIT.ok,
    );

    const dir = '/home/u/.mle-beast/demo/churn-20261126T171219Z';
    expect(created).toEqual([path.join(dir, 'data')]);
    expect(seenEnv).toMatchObject({
      MLE_BEAST_PROVIDER: 'local',
      LOCAL_LLM_BASE_URL: 'http://127.0.0.1:45678/v1',
      LOCAL_LLM_API_KEY: 'scripted',
      MLE_BEAST_MODEL: 'scripted model',
    });
    expect(input).toEqual({
      folder: path.join(dir, 'data'),
      task: 'Predict whether a customer will churn from their account and usage details.',
      metric: { name: 'accuracy', target_value: 0.82, comparison: '>=' },
      overrides: { sandbox: 'local', workspace: path.join(dir, 'workspace'), maxSteps: '6' },
      cwd: process.cwd(),
    });
    const out = io.out.text();
    expect(out).toMatch(/^Offline demo: scripted model on loopback, no API key needed$/m);
    expect(out).toContain(`workspace: ${path.join(dir, 'workspace')}`);
    expect(out).toMatch(
      /^ {2}no Docker sandbox \(connect ENOENT .*\): using the local sandbox \(isolated by the OS\) instead\.$/m,
    );
    expect(out).toMatch(/completed: target reached/);
    // Afterwards: the model is stopped and the environment is as it was.
    expect(closed).toHaveBeenCalledTimes(1);
    expect(env.env).toEqual({ LOCAL_LLM_BASE_URL: 'http://mine', OPENAI_API_KEY: 'sk-x' });
  });

  it('without Docker or an OS sandbox, runs the scripted code unisolated and says so in one line', async () => {
    const { env } = fakeDemoEnv(false, false);
    let input: unknown;
    const engine = new FakeEngine({
      onStart: (e, run, i) => {
        input = i;
        setTimeout(() => e.scriptSuccess(run.id), 2);
      },
    });
    const io = fakeIO();
    expect(await demoCommand(engine, 'churn', {}, env, { io, onInterrupt: () => () => undefined })).toBe(
      EXIT.ok,
    );
    expect(input).toMatchObject({ overrides: { sandbox: 'local-unisolated' } });
    const notes = io.out
      .text()
      .split('\n')
      .filter((line) => line.includes('no Docker sandbox'));
    expect(notes).toEqual([
      '  no Docker sandbox (connect ENOENT /var/run/docker.sock) and no OS sandbox (bwrap is not installed): ' +
        "running the demo's scripted code NOT isolated.",
    ]);
  });

  it('uses Docker when it answers, the flags given, and keeps stdout for the JSON with --json', async () => {
    const { env } = fakeDemoEnv(true);
    let input: { overrides?: unknown; metric?: unknown } = {};
    const engine = new FakeEngine({
      onStart: (e, run, i) => {
        input = i;
        setTimeout(() => e.scriptSuccess(run.id, 'max_steps'), 2);
      },
    });
    const io = fakeIO();
    expect(
      await demoCommand(engine, 'house-prices', { json: true, maxSteps: '2', workspace: '/tmp/w' }, env, {
        io,
        onInterrupt: () => () => undefined,
      }),
    ).toBe(EXIT.targetNotReached);
    expect(input.overrides).toEqual({ sandbox: 'docker', workspace: '/tmp/w', maxSteps: '2' });
    expect(input.metric).toEqual({ name: 'r2', target_value: 0.83, comparison: '>=' });
    expect(JSON.parse(io.out.text()).run.status).toBe('completed');
    expect(io.err.text()).toMatch(/Offline demo: scripted model on loopback/);
  });

  it('refuses other examples, and stops when the data cannot be made', async () => {
    const { env } = fakeDemoEnv(true);
    await expect(demoCommand(new FakeEngine(), 'shapes', {}, env)).rejects.toThrow(UsageError);
    const io = fakeIO();
    env.createExample = async () => ({
      ok: false,
      error: { code: 'invalid_input', message: 'folder is not empty' },
    });
    expect(await demoCommand(new FakeEngine(), 'churn', {}, env, { io })).toBe(EXIT.badInput);
    expect(io.err.text()).toMatch(/could not create the demo data: folder is not empty/);
  });

  it('names its folders with a sortable UTC stamp', () => {
    expect(folderStamp(new Date('2026-01-02T03:04:05.678Z'))).toBe('20260102T030405Z');
  });
});
