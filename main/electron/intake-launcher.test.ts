import os from 'node:os';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  inspectDatasetOffLoop,
  intakeWorkerEntry,
  runIntakeWorker,
} from '../../engine/datasets/intake-off-loop';
import { inspectDataset } from '../../engine/datasets/run-data';
import type { DatasetSource } from '../../engine/datasets/schemas';
import { csv, write } from '../../engine/datasets/testing/files';
import { useTempDir } from '../../engine/testing/temp-dir';
import { INTAKE_SERVICE_NAME, utilityIntakeLauncher } from './intake-launcher';
import type { ScriptedUtilityProcess } from './testing/utility-process';

/**
 * The desktop app's dataset intake launcher (intake-launcher.ts) under the engine's own intake
 * (runIntakeWorker), with Electron's utilityProcess stood in for (testing/utility-process.ts): scripted where a
 * test plays the child, a real Node process with a parentPort where the real worker bundle answers.
 */
const fake = vi.hoisted(() => ({
  current: null as ReturnType<typeof import('./testing/utility-process').fakeUtilityProcess> | null,
}));
vi.mock('electron', async () => {
  const { fakeUtilityProcess } = await import('./testing/utility-process');
  fake.current = fakeUtilityProcess();
  return { utilityProcess: fake.current.utilityProcess };
});
// Spied on, not replaced: the real-process stand-in forks its shim; the intake must fork nothing itself.
vi.mock('node:child_process', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:child_process')>();
  return { ...real, fork: vi.fn(real.fork) };
});

const temp = useTempDir();
const request = { op: 'inspect' as const, source: { kind: 'tabular', path: 'x' } };
const entry = () => {
  const found = intakeWorkerEntry();
  if (!found.ok) throw new Error(found.error.message);
  return found.value;
};

async function utility() {
  await import('electron');
  return fake.current!;
}

/** Starts an intake on a scripted utility process; returns its pending result and the process. */
async function started(signal?: AbortSignal) {
  const f = await utility();
  f.use('scripted');
  const pending = runIntakeWorker(request, {
    entry: entry(),
    launch: utilityIntakeLauncher,
    ...(signal ? { signal } : {}),
  });
  const child = f.made.at(-1) as ScriptedUtilityProcess;
  return { pending, child, f };
}

/** Whether a promise has settled by now (after pending callbacks have run). */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true));
  await new Promise((r) => setTimeout(r, 10));
  return done;
}

beforeEach(async () => {
  const f = await utility();
  f.calls.length = 0;
  f.made.length = 0;
  const { fork } = await import('node:child_process');
  vi.mocked(fork).mockClear();
});
afterEach(() => vi.restoreAllMocks());

describe('the dataset intake in an Electron utility process', () => {
  it('starts the worker with utilityProcess.fork, sends the request, and answers once the process has gone', async () => {
    const setPriority = vi.spyOn(os, 'setPriority').mockImplementation(() => {});
    const { pending, child, f } = await started();
    expect(f.calls).toEqual([
      {
        modulePath: entry(),
        args: [],
        options: { serviceName: INTAKE_SERVICE_NAME, stdio: ['ignore', 'ignore', 'pipe'] },
      },
    ]);
    expect(child.posted).toEqual([request]);
    child.spawn(4242);
    // Below main's priority, once it has a pid.
    expect(setPriority).toHaveBeenCalledWith(4242, os.constants.priority.PRIORITY_BELOW_NORMAL);

    const result = { ok: true, value: { rows: 3 }, warnings: [] };
    child.answer({ type: 'result', result });
    // The worker does not exit by itself after answering: the launcher ends it, and the answer waits for that.
    expect(child.kills).toBe(1);
    expect(await settled(pending)).toBe(false);
    child.exit(0);
    expect(await pending).toEqual({ ok: true, value: result });
    const { fork } = await import('node:child_process');
    expect(fork).not.toHaveBeenCalled();
  });

  it('a crash: its exit code and the error from its stderr', async () => {
    const { pending, child } = await started();
    child.spawn();
    child.writeStderr('file:///app.asar/out/main/intake-worker.js:12\n    throw e;\n    ^\n\n');
    child.writeStderr('Error: boom: an intake bug\n    at serve (intake-worker.js:12:5)\n');
    child.exit(1);
    expect(await pending).toEqual({
      ok: false,
      error: {
        code: 'internal',
        message: 'it exited (code 1) without an answer: Error: boom: an intake bug',
      },
    });
    expect(child.kills).toBe(0);
  });

  it('an exit without an answer and without a word on stderr', async () => {
    const { pending, child } = await started();
    child.spawn();
    child.exit(3);
    expect(await pending).toMatchObject({
      ok: false,
      error: { message: 'it exited (code 3) without an answer' },
    });
  });

  it("V8's fatal error is said as such, and the intake waits for the exit that follows", async () => {
    const { pending, child } = await started();
    child.spawn();
    child.emit('error', 'FatalError', 'v8::internal::Heap::FatalProcessOutOfMemory', '{}');
    expect(child.kills).toBe(1);
    expect(await settled(pending)).toBe(false);
    child.exit(134);
    expect(await pending).toMatchObject({
      ok: false,
      error: { message: 'it stopped on a FatalError (v8::internal::Heap::FatalProcessOutOfMemory)' },
    });
  });

  it('a malformed answer is refused, and the process is ended', async () => {
    const { pending, child } = await started();
    child.spawn();
    child.answer({ type: 'result' });
    expect(child.kills).toBe(1);
    child.exit(0);
    const result = await pending;
    expect(result.ok || result.error.message).toMatch(/^it sent a malformed message/);
  });

  it('a cancel kills it and answers once it has gone; a cancel before it spawned kills it on spawn', async () => {
    const stop = new AbortController();
    const { pending, child } = await started(stop.signal);
    child.spawn();
    stop.abort();
    expect(child.kills).toBe(1);
    expect(await settled(pending)).toBe(false);
    child.exit(0);
    expect(await pending).toEqual({
      ok: false,
      error: { code: 'conflict', message: 'the dataset intake was cancelled.' },
    });

    const early = new AbortController();
    const second = await started(early.signal);
    early.abort();
    expect(second.child.kills).toBe(0);
    second.child.spawn();
    expect(second.child.kills).toBe(1);
    second.child.exit(0);
    expect((await second.pending).ok).toBe(false);
  });

  it('a fork that throws (e.g. before the app is ready) is a clear error, not a throw', async () => {
    const f = await utility();
    const fork = vi.spyOn(f.utilityProcess, 'fork').mockImplementation(() => {
      throw new Error('utilityProcess cannot be forked before app is ready');
    });
    const result = await runIntakeWorker(request, { entry: entry(), launch: utilityIntakeLauncher });
    expect(fork).toHaveBeenCalledTimes(1);
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'unavailable',
        message: `it could not start (${entry()}): utilityProcess cannot be forked before app is ready`,
      },
    });
  });

  it('the real intake worker answers through a parentPort, and is ended at once after', async () => {
    const f = await utility();
    f.use('node');
    const file = write(
      temp.dir,
      'data/train.csv',
      csv(
        ['id', 'x', 'label'],
        Array.from({ length: 80 }, (_, i) => [`r${i}`, String(i % 9), i % 3 ? 'yes' : 'no']),
      ),
    );
    const source: DatasetSource = { kind: 'tabular', path: file, labelColumn: 'label' };
    const began = Date.now();
    const there = await inspectDatasetOffLoop(source, { launch: utilityIntakeLauncher });
    const here = await inspectDataset(source);
    expect(here.ok).toBe(true);
    expect(there).toEqual(here);
    // Ended by the launcher, not by the worker's own 10 s grace.
    expect(Date.now() - began).toBeLessThan(8_000);
    expect(f.calls.map((c) => c.modulePath)).toEqual([entry()]);
    expect(f.made[0]!.pid).toBeUndefined();
    // The only fork was the stand-in's own shim, never the worker file itself.
    const { fork } = await import('node:child_process');
    expect(vi.mocked(fork).mock.calls.map((c) => c[0])).toEqual([
      expect.stringMatching(/parent-port-shim\.mjs$/),
    ]);
  });
});
