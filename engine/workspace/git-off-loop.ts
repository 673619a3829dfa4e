import { SHARE_ENV, Worker } from 'node:worker_threads';
import { findBuiltEntry } from '../config/built-entry';
import { GitError } from './errors';
import { GitReply, type GitCall } from './git-thread-protocol';

/**
 * git calls from a worker thread (issue 10 section 5). Starting a process is synchronous in Node: the
 * calling thread forks, then waits until the child has exec'd. On a busy machine that wait is the child's
 * turn on a CPU: measured under load, each git call held the engine's loop (Electron main) 300-600 ms, three
 * of them per experiment commit. From a thread, the wait holds only that thread; the engine's loop gets the
 * answer as a message.
 *
 * One thread per process, started on the first call and not kept alive for its own sake (unref'd while no
 * call waits). It shares this process's environment (SHARE_ENV), so git sees the same PATH. When the
 * thread's file is not there (a host that did not build it), git runs on the caller's thread as before:
 * slower for the loop, never wrong. A thread that dies fails its pending calls with a GitError saying so,
 * and the next call starts a new one.
 */

export const GIT_THREAD_FILE = 'git-thread.js';
export const GIT_THREAD_ENV = 'MLE_BEAST_GIT_THREAD';

type Encoding = GitCall['encoding'];
/** git.ts's GitCallOptions, spelled here so this file does not import git.ts (which imports it). */
interface GitCallOptions {
  timeoutMs?: number;
  gitBinary?: string;
  configOverrides?: readonly string[];
  okExitCodes?: readonly number[];
  input?: string;
}
export interface GitThreadResult {
  stdout: string | Uint8Array;
  stderr: string;
  exitCode: number;
}

interface Pending {
  resolve(result: GitThreadResult): void;
  reject(error: Error): void;
  call: GitCall;
}

let thread: { worker: Worker; pending: Map<number, Pending> } | null = null;
let nextId = 1;
/** null until looked up; false when the file is not there (git then runs on the caller's thread). */
let entry: string | false | null = null;

/** Whether git calls go through the thread (the file is there). */
export function gitThreadAvailable(): boolean {
  if (entry === null) {
    const found = findBuiltEntry(GIT_THREAD_FILE, GIT_THREAD_ENV, import.meta.url);
    entry = found.ok ? found.path : false;
  }
  return entry !== false;
}

/** Runs one git call on the thread; rejects with the GitError the caller's thread would have thrown. */
export function spawnGitOnThread(
  cwd: string,
  args: readonly string[],
  options: GitCallOptions,
  encoding: Encoding,
): Promise<GitThreadResult> {
  if (!gitThreadAvailable()) throw new Error('the git thread is not built');
  const current = (thread ??= start(entry as string));
  const call: GitCall = { id: nextId++, cwd, args: [...args], options: plain(options), encoding };
  return new Promise((resolve, reject) => {
    current.pending.set(call.id, { resolve, reject, call });
    if (current.pending.size === 1) current.worker.ref();
    current.worker.postMessage(call);
  });
}

function start(file: string): { worker: Worker; pending: Map<number, Pending> } {
  const pending = new Map<number, Pending>();
  const worker = new Worker(file, { env: SHARE_ENV, stdout: false, stderr: false });
  worker.unref();
  const self = { worker, pending };
  const done = (id: number) => {
    pending.delete(id);
    if (pending.size === 0) worker.unref();
  };
  worker.on('message', (raw: unknown) => {
    const parsed = GitReply.safeParse(raw);
    const id = parsed.success ? parsed.data.id : (raw as { id?: number })?.id;
    const waiting = typeof id === 'number' ? pending.get(id) : undefined;
    if (!waiting || id === undefined) return;
    done(id);
    if (!parsed.success) {
      waiting.reject(
        threadFailed(waiting.call, `it answered with a malformed reply (${parsed.error.message})`),
      );
      return;
    }
    const reply = parsed.data;
    if (reply.ok) {
      waiting.resolve({ stdout: reply.stdout, stderr: reply.stderr, exitCode: reply.exitCode });
    } else if (reply.error.kind === 'git') {
      const e = reply.error;
      waiting.reject(new GitError(e.code, e.message, e.command, e.cwd, e.exitCode, e.stderr));
    } else waiting.reject(threadFailed(waiting.call, reply.error.message));
  });
  const fail = (why: string) => {
    if (thread === self) thread = null;
    for (const [id, waiting] of pending) {
      done(id);
      waiting.reject(threadFailed(waiting.call, why));
    }
  };
  worker.on('error', (error) => fail(`it crashed: ${error.message}`));
  worker.on('exit', (code) => fail(`it stopped (code ${code})`));
  return self;
}

function threadFailed(call: GitCall, why: string): GitError {
  const command = ['git', ...call.args].join(' ');
  return new GitError(
    'git_failed',
    `${command} could not run: the engine's git thread failed (${why}). Try again; if it keeps failing, report it with this message.`,
    command,
    call.cwd,
    null,
    '',
  );
}

/** Only the fields a message can carry (readonly arrays copied; undefined left out). */
function plain(options: GitCallOptions): GitCall['options'] {
  const out: GitCall['options'] = {};
  if (options.timeoutMs !== undefined) out.timeoutMs = options.timeoutMs;
  if (options.gitBinary !== undefined) out.gitBinary = options.gitBinary;
  if (options.configOverrides !== undefined) out.configOverrides = [...options.configOverrides];
  if (options.okExitCodes !== undefined) out.okExitCodes = [...options.okExitCodes];
  if (options.input !== undefined) out.input = options.input;
  return out;
}

/** Whether the thread is running now, and how many calls wait on it (tests, diagnostics). */
export function gitThreadState(): { running: boolean; pending: number } {
  return { running: thread !== null, pending: thread?.pending.size ?? 0 };
}

/** Tests: ends the thread; the next call starts a new one, from `file` when given. */
export async function restartGitThread(file?: string): Promise<void> {
  const current = thread;
  thread = null;
  if (file !== undefined) entry = file;
  if (current) await current.worker.terminate();
}
