import { fork } from 'node:child_process';
import os from 'node:os';
import type { IntakeRequest } from './intake-protocol';

/**
 * How the dataset intake's worker process is started (intake-off-loop.ts runs one per intake). The engine's
 * own default is Node's `child_process.fork`, which is right for the CLI and the browser host. Electron's main
 * process needs another: there `fork()` runs the Electron binary as Node (ELECTRON_RUN_AS_NODE), which the
 * packaged app's `runAsNode: false` fuse (electron-builder.yml) switches off, so it would start a second copy
 * of the app (or throw, in recent Electron). The desktop host passes a launcher built on Electron's
 * `utilityProcess.fork` through createEngine's `intakeLauncher` (main/electron/intake-launcher.ts); the engine
 * itself never imports electron.
 *
 * The interface is what the intake needs of a process and no more: start a file, send it the one request,
 * hear its one answer, its end (an exit code or a signal), kill it, the end of its stderr for an error message.
 */

/** How a worker process ended: its exit code, or the signal that killed it (null where the host cannot say). */
export interface IntakeWorkerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** What a launcher reports of the process it started. Called from the process's events, never before launch returns. */
export interface IntakeWorkerEvents {
  /** A message from the worker (it sends one; the intake ignores any after the first). */
  message(raw: unknown): void;
  /** It could not be started or sent the request, or it hit a fatal error: what happened, said whole. An exit may follow. */
  error(what: string): void;
  /** Once, when the process has ended. */
  exit(exit: IntakeWorkerExit): void;
}

/** The started worker process. */
export interface IntakeWorker {
  /** Its process id once started (undefined before, or when it could not start). */
  readonly pid: number | undefined;
  /** True until it has exited (false too when it never started): the intake waits for the exit before answering. */
  running(): boolean;
  /** Sends the request (structured-clone serialization); a failure to deliver is reported through `error`. */
  send(request: IntakeRequest): void;
  /** Ends it now (a cancel, a failed intake); its `exit` follows. */
  kill(): void;
  /** The last of what it wrote on stderr (a crash's stack trace ends there). */
  stderrTail(): string;
}

/** Starts the worker file `entry`, reporting to `events`. May throw if it cannot even try (the intake says so). */
export type IntakeLauncher = (entry: string, events: IntakeWorkerEvents) => IntakeWorker;

/** The last of the worker's stderr kept for an error message (a crash's stack trace ends there). */
export const STDERR_TAIL = 2000;

/**
 * Below main's priority: on a machine with few cores the intake (minutes of parsing and hashing) would otherwise
 * take main's turns, and every command the window sends would wait for a core.
 */
export function lowerIntakePriority(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    os.setPriority(pid, os.constants.priority.PRIORITY_BELOW_NORMAL);
  } catch {
    // not permitted here (some sandboxes refuse it): the intake runs at main's priority, slower replies
  }
}

/**
 * The default launcher: Node's `fork` (plain Node runs node; Electron's fork would run its own executable as
 * Node, which the packaged app forbids: see above). No execArgv: a test runner's or inspector's flags are not
 * the worker's. The worker exits by itself once its answer is sent (intake-worker.ts).
 */
export const forkIntakeLauncher: IntakeLauncher = (entry, events) => {
  const child = fork(entry, [], {
    env: { ...process.env },
    execArgv: [],
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  lowerIntakePriority(child.pid);
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-STDERR_TAIL)));
  child.on('message', (raw: unknown) => events.message(raw));
  child.on('error', (err) => events.error(`it could not start (${entry}): ${err.message}`));
  child.once('exit', (code, signal) => events.exit({ code, signal }));
  return {
    get pid() {
      return child.pid;
    },
    running: () => child.pid !== undefined && child.exitCode === null && child.signalCode === null,
    send: (request) => {
      child.send(request, (err) => {
        if (err) events.error(`it could not be sent the request: ${err.message}`);
      });
    },
    kill: () => void child.kill('SIGKILL'),
    stderrTail: () => stderr,
  };
};
