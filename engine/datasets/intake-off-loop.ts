import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { describeIssues, issuesToText } from '../api/errors';
import { fail, ok, type Result } from '../api/result';
import { findBuiltEntry } from '../config/built-entry';
import {
  forkIntakeLauncher,
  type IntakeLauncher,
  type IntakeWorker,
  type IntakeWorkerEvents,
} from './intake-launcher';
import { InspectReply, PrepareReply, WorkerMessage, type IntakeRequest } from './intake-protocol';
import { error, type IntakeResult } from './issues';
import type { PreparedRunData } from './run-data';
import { runDataPaths } from './run-data-layout';
import type { DatasetSource, DatasetSummary, HoldoutOptions } from './schemas';

/**
 * The dataset intake off the engine's event loop (issue 10 section 5). The engine lives in Electron's main
 * process, whose loop also carries every IPC call and a run's output: scanning, parsing, hashing and
 * splitting a 200 MB CSV there, even sliced (loop-slice.ts), made main answer in hundreds of ms. Here the
 * same inspectDataset / prepareRunData run in a worker process and the caller awaits its one message.
 *
 * Why a child process rather than a worker thread (tried first): a thread shares the process's memory, and
 * the intake of a big CSV holds hundreds of MB to GBs (260 MB peak for 20 MB of CSV). Every process the
 * engine starts meanwhile (git for each experiment commit, the sandbox's commands) is a fork() of that
 * process, which copies its page tables while main's loop waits: measured under load, spawning git went
 * from about 10 ms to 30-70 ms beside a thread holding 1 GB. A child process keeps that memory out of main,
 * and its end (kill) frees it all at once. The cost is a Node start (tens of ms, against seconds of
 * intake). The process is started by a launcher (intake-launcher.ts): Node's fork by default, Electron's
 * utility process in the desktop app (whose packaged binary cannot run as Node), so nothing else ships.
 *
 * Results are the in-thread ones, checked by zod on arrival (intake-protocol.ts). A worker that cannot
 * start, crashes, or answers nonsense is a failed intake with an `intake_worker_failed` issue that says
 * what happened; a cancel (the signal) ends the worker at once and removes what it had written.
 */

/** Where a host's build puts the worker, and the variable that overrides it (tests, unusual layouts). */
export const INTAKE_WORKER_FILE = 'intake-worker.js';
export const INTAKE_WORKER_ENV = 'MLE_BEAST_INTAKE_WORKER';

export interface OffLoopOptions {
  signal?: AbortSignal;
  /** The worker's file; default: intakeWorkerEntry(). */
  entry?: string;
  /** How its process is started (intake-launcher.ts); default Node's fork. The desktop host passes its own. */
  launch?: IntakeLauncher;
}

/** The built worker file (see findBuiltEntry; vitest's global setup names a bundle of it). */
export function intakeWorkerEntry(): Result<string> {
  const found = findBuiltEntry(INTAKE_WORKER_FILE, INTAKE_WORKER_ENV, import.meta.url);
  return found.ok
    ? ok(found.path)
    : fail({ code: 'unavailable', message: `the dataset intake worker: ${found.message}` });
}

/** inspectDataset, in a worker process. */
export async function inspectDatasetOffLoop(
  source: DatasetSource,
  options: OffLoopOptions = {},
): Promise<IntakeResult<DatasetSummary>> {
  const reply = await runIntakeWorker({ op: 'inspect', source: { ...source } }, options);
  if (!reply.ok) return options.signal?.aborted ? cancelled() : workerFailed(reply.error.message);
  const parsed = InspectReply.safeParse(reply.value);
  if (!parsed.success) return malformed(parsed.error);
  return parsed.data;
}

/**
 * prepareRunData, in a worker process. A cancel or crash mid-write leaves nothing behind: the worker cannot
 * undo its writes once terminated, so this side does, as prepareRunData does on its own failures.
 */
export async function prepareRunDataOffLoop(
  options: { source: DatasetSource; runDataDir: string; holdout?: HoldoutOptions } & OffLoopOptions,
): Promise<IntakeResult<PreparedRunData>> {
  const runDataDir = path.resolve(options.runDataDir);
  const before = folderState(runDataDir);
  const reply = await runIntakeWorker(
    {
      op: 'prepare',
      source: { ...options.source },
      runDataDir,
      ...(options.holdout ? { holdout: { ...options.holdout } } : {}),
    },
    options,
  );
  if (!reply.ok) {
    await undoPartial(runDataDir, before);
    return options.signal?.aborted ? cancelled() : workerFailed(reply.error.message);
  }
  const parsed = PrepareReply.safeParse(reply.value);
  if (!parsed.success) {
    await undoPartial(runDataDir, before);
    return malformed(parsed.error);
  }
  const result = parsed.data;
  if (!result.ok) return result;
  const { manifest } = result.value;
  return {
    ok: true,
    value: { manifest, paths: runDataPaths(runDataDir, manifest) },
    warnings: result.warnings,
  };
}

/**
 * Starts the worker process on one request (with the options' launcher, default Node's fork) and waits for its
 * one message. Errors as values: the worker missing, its crash (an uncaught error, an exit or a kill without a
 * message), a cancel; never a throw.
 */
export function runIntakeWorker(
  request: IntakeRequest,
  options: OffLoopOptions = {},
): Promise<Result<unknown>> {
  const { signal } = options;
  const cancelled = fail({ code: 'conflict', message: 'the dataset intake was cancelled.' });
  if (signal?.aborted) return Promise.resolve(cancelled);
  const entry = options.entry ? ok(options.entry) : intakeWorkerEntry();
  if (!entry.ok) return Promise.resolve(entry);
  if (!fs.existsSync(entry.value)) {
    return Promise.resolve(
      fail({
        code: 'unavailable',
        message: `its file ${entry.value} does not exist: run \`npm run build\`.`,
      }),
    );
  }
  const launch = options.launch ?? forkIntakeLauncher;
  return new Promise((resolve) => {
    let settled = false;
    let worker: IntakeWorker | undefined;
    let exited = false;
    /** The caller's answer, held until the worker has gone. */
    let afterExit: (() => void) | null = null;
    const settle = (result: Result<unknown>) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      // A worker that answered exits by itself; one that failed or was cancelled is killed here, and the
      // caller hears back only once it has gone, so that its undo does not race the worker's writes.
      if (exited || !worker?.running()) resolve(result);
      else {
        afterExit = () => resolve(result);
        if (!result.ok) worker.kill();
      }
    };
    const onAbort = () => settle(cancelled);
    const events: IntakeWorkerEvents = {
      message: (raw) => {
        const message = WorkerMessage.safeParse(raw);
        if (!message.success) {
          settle(
            fail({
              code: 'internal',
              message: `it sent a malformed message: ${issuesToText(describeIssues(message.error))}`,
            }),
          );
        } else if (message.data.type === 'crashed') {
          settle(fail({ code: 'internal', message: `it crashed: ${message.data.message}` }));
        } else settle(ok(message.data.result));
      },
      error: (what) => settle(fail({ code: 'internal', message: what })),
      exit: ({ code, signal: sig }) => {
        exited = true;
        // Node prints an uncaught error as `Error: what` after the source line; that line says most.
        const stderr = worker?.stderrTail() ?? '';
        const thrown = /^\s*(\w*Error\b.*)$/m.exec(stderr)?.[1];
        const last = thrown ?? stderr.trim().split('\n').filter(Boolean).slice(-3).join(' | ');
        settle(
          fail({
            code: 'internal',
            message: `it exited (${sig ? `killed by ${sig}` : `code ${code}`}) without an answer${last ? `: ${last}` : ''}`,
          }),
        );
        afterExit?.();
        afterExit = null;
      },
    };
    try {
      worker = launch(entry.value, events);
    } catch (error) {
      settle(
        fail({
          code: 'unavailable',
          message: `it could not start (${entry.value}): ${error instanceof Error ? error.message : String(error)}`,
        }),
      );
      return;
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.send(request);
  });
}

type FolderState = 'missing' | 'empty' | 'other';

/** Whether the run data folder was there (and empty) before the worker wrote in it. */
function folderState(dir: string): FolderState {
  try {
    return fs.readdirSync(dir).length === 0 ? 'empty' : 'other';
  } catch {
    return 'missing';
  }
}

/** What prepareRunData's own undo does, for a worker that could not run it. Never touches a folder that held files. */
async function undoPartial(dir: string, before: FolderState): Promise<void> {
  if (before === 'other') return;
  if (before === 'missing') {
    await fs.promises.rm(dir, { recursive: true, force: true });
    return;
  }
  for (const entry of await fs.promises.readdir(dir).catch(() => [] as string[])) {
    await fs.promises.rm(path.join(dir, entry), { recursive: true, force: true });
  }
}

function workerFailed<T>(what: string): IntakeResult<T> {
  return {
    ok: false,
    errors: [
      error(
        'intake_worker_failed',
        `the dataset intake worker failed: ${what}. The dataset itself may be fine: try again, and if it fails again, report it with this message.`,
      ),
    ],
    warnings: [],
  };
}

function malformed<T>(err: z.ZodError): IntakeResult<T> {
  return workerFailed(`it answered with a malformed result (${issuesToText(describeIssues(err))})`);
}

function cancelled<T>(): IntakeResult<T> {
  return { ok: false, errors: [error('cancelled', 'the dataset intake was cancelled.')], warnings: [] };
}
