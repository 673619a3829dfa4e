import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CommandName, CommandOutput } from '../api/contract';
import { dispatch } from '../api/dispatch';
import { forkIntakeLauncher, type IntakeLauncher } from '../datasets/intake-launcher';
import type { IntakeRequest } from '../datasets/intake-protocol';
import { csv, write } from '../datasets/testing/files';
import { startScriptedServer, type ScriptedServer } from '../llm/scripted-server';
import { makeTempDir } from '../testing/temp-dir';
import { createEngine, type Engine } from './engine';

/**
 * The host's intake launcher (createEngine's `intakeLauncher`) is the one the engine's dataset intake uses, at
 * each of its three places: the New run form's preview (datasets.inspect), its check (project.validate) and a
 * run's start (runs.start). The launcher here starts the real worker with Node's fork and records each start
 * and request; at a run's start it answers as a crashed worker would, so no run is started.
 */
let server: ScriptedServer;
let tmp: ReturnType<typeof makeTempDir>;
let dataset: string;

beforeAll(async () => {
  server = await startScriptedServer([], { models: ['scripted-model'] });
  tmp = makeTempDir('mle-beast-launcher-');
  dataset = write(
    tmp.dir,
    'data/train.csv',
    csv(
      ['id', 'x', 'label'],
      Array.from({ length: 60 }, (_, i) => [`r${i}`, String(i % 7), i % 2 ? 'yes' : 'no']),
    ),
  );
});
afterAll(async () => {
  await server.close();
  tmp.cleanup();
});

let engine: Engine;
let home: string;
let started: { entry: string; op: IntakeRequest['op'] | null }[];

/** Node's fork, counted; a run's start gets a crash, said in its own words. */
const counting: IntakeLauncher = (entry, events) => {
  const start = { entry, op: null as IntakeRequest['op'] | null };
  started.push(start);
  const worker = forkIntakeLauncher(entry, events);
  return {
    get pid() {
      return worker.pid;
    },
    running: () => worker.running(),
    kill: () => worker.kill(),
    stderrTail: () => worker.stderrTail(),
    send: (request) => {
      start.op = request.op;
      if (request.op === 'prepare') {
        events.message({ type: 'crashed', message: 'the test launcher refuses run starts' });
      } else worker.send(request);
    },
  };
};

/** A command that must succeed, its output typed. */
async function call<K extends CommandName>(name: K, input: unknown): Promise<CommandOutput<K>> {
  const result = await dispatch(engine.handlers, name, input);
  if (!result.ok) throw new Error(`${name}: ${result.error.message}`);
  return result.value as CommandOutput<K>;
}

beforeEach(() => {
  started = [];
  home = fs.mkdtempSync(path.join(tmp.dir, 'home-'));
  engine = createEngine({
    host: 'cli',
    databasePath: path.join(home, 'db.sqlite'),
    probeDocker: async () => ({ available: false, version: null, endpoint: 'x', error: 'no' }),
    runs: { env: { LOCAL_LLM_BASE_URL: server.baseURL, MLE_BEAST_MODEL: 'scripted-model' } },
    intakeLauncher: counting,
  });
});
afterEach(async () => {
  await engine.close();
});

describe("the host's intake launcher", () => {
  it('starts the preview, the form check (whole or set aside) and a run start', async () => {
    const preview = await dispatch(engine.handlers, 'datasets.inspect', { path: dataset });
    expect(preview).toMatchObject({ ok: true, value: { ok: true, kind: 'tabular', summary: { rows: 60 } } });
    expect(started.map((s) => s.op)).toEqual(['inspect']);
    expect(started[0]!.entry).toBe(process.env.MLE_BEAST_INTAKE_WORKER);

    const form = { dataset, task: 'Predict the label', metric: 'accuracy', target: '0.8' };
    const checked = await dispatch(engine.handlers, 'project.validate', { form, cwd: tmp.dir });
    expect(checked).toMatchObject({ ok: true, value: { issues: [] } });
    expect(started.map((s) => s.op)).toEqual(['inspect', 'inspect']);
    // A form set aside by another field's problem still has its dataset previewed.
    const incomplete = await call('project.validate', { form: { ...form, task: ' ' }, cwd: tmp.dir });
    expect(incomplete.issues.map((i) => i.field)).toEqual(['task']);
    expect(started.map((s) => s.op)).toEqual(['inspect', 'inspect', 'inspect']);

    const run = await dispatch(engine.handlers, 'runs.start', { form, cwd: tmp.dir });
    expect(run).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(run.ok || run.error.message).toMatch(
      /dataset intake worker failed: it crashed: the test launcher refuses run starts/,
    );
    expect(started.map((s) => s.op)).toEqual(['inspect', 'inspect', 'inspect', 'prepare']);
    // Nothing of the refused run is left.
    expect(fs.existsSync(path.join(home, 'runs'))).toBe(false);
  });

  it('a launcher that throws is a clear preview problem, not a crash of the command', async () => {
    await engine.close();
    engine = createEngine({
      host: 'cli',
      databasePath: path.join(home, 'db.sqlite'),
      probeDocker: async () => ({ available: false, version: null, endpoint: 'x', error: 'no' }),
      intakeLauncher: () => {
        throw new Error('no process can be started here');
      },
    });
    const preview = await call('datasets.inspect', { path: dataset });
    if (!preview.ok) throw new Error('the preview should answer with its problems');
    expect(preview.summary).toBeNull();
    expect(preview.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(
        /dataset intake worker failed: it could not start \(.*intake-worker\.mjs\): no process can be started here/,
      ),
    ]);
  });
});
