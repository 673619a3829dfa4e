import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';

/**
 * Stand-ins for Electron's `utilityProcess` (there is no Electron binary here), in two kinds:
 *
 * - ScriptedUtilityProcess: no process at all; the test plays the child's part (spawn, message, stderr, exit,
 *   error) and sees what main asked (the fork's arguments, the messages posted, kills).
 * - NodeUtilityProcess: a real Node process running the given file under parent-port-shim.mjs, which gives it
 *   a `process.parentPort` as Electron's utility process does, so a real worker bundle runs as it would in
 *   the app, and the events main hears ('spawn', 'message', 'exit' with a code) are a real process's.
 *
 * Both follow Electron's documented API (electron.d.ts, UtilityProcess): `pid` undefined until 'spawn' and
 * after 'exit', `stderr` only with stdio 'pipe', 'exit' with a code only, `kill()` answering a boolean.
 */

export interface UtilityForkOptions {
  serviceName?: string;
  stdio?: string | string[];
  env?: NodeJS.ProcessEnv;
  execArgv?: string[];
}

export interface UtilityForkCall {
  modulePath: string;
  args: string[];
  options: UtilityForkOptions;
}

const pipesStderr = (stdio: UtilityForkOptions['stdio']): boolean =>
  stdio === 'pipe' || (Array.isArray(stdio) && stdio[2] === 'pipe');

export class ScriptedUtilityProcess extends EventEmitter {
  pid: number | undefined = undefined;
  readonly stderr: EventEmitter | null;
  readonly posted: unknown[] = [];
  kills = 0;
  constructor(readonly call: UtilityForkCall) {
    super();
    this.stderr = pipesStderr(call.options.stdio) ? new EventEmitter() : null;
  }
  postMessage(message: unknown): void {
    // Structured clone, as Electron's postMessage.
    this.posted.push(structuredClone(message));
  }
  kill(): boolean {
    this.kills++;
    return this.pid !== undefined;
  }
  /** The child's part. */
  spawn(pid = 4242): void {
    this.pid = pid;
    this.emit('spawn');
  }
  answer(message: unknown): void {
    this.emit('message', structuredClone(message));
  }
  writeStderr(text: string): void {
    this.stderr?.emit('data', Buffer.from(text));
  }
  exit(code: number): void {
    this.pid = undefined;
    this.emit('exit', code);
  }
}

const SHIM = path.join(import.meta.dirname, 'parent-port-shim.mjs');

export class NodeUtilityProcess extends EventEmitter {
  private readonly child: ChildProcess;
  private exited = false;
  readonly stderr: Readable | null;
  constructor(readonly call: UtilityForkCall) {
    super();
    this.child = fork(SHIM, [call.modulePath, ...call.args], {
      env: call.options.env ?? process.env,
      execArgv: call.options.execArgv ?? [],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', pipesStderr(call.options.stdio) ? 'pipe' : 'ignore', 'ipc'],
    });
    this.stderr = this.child.stderr;
    this.child.once('spawn', () => this.emit('spawn'));
    this.child.on('message', (message: unknown) => this.emit('message', message));
    this.child.once('exit', (code, signal) => {
      this.exited = true;
      // Electron reports a code only; a signal reads as the shell's 128 + its number.
      this.emit('exit', code ?? 128 + (signal ? os.constants.signals[signal] : 0));
    });
  }
  get pid(): number | undefined {
    return this.exited ? undefined : this.child.pid;
  }
  postMessage(message: unknown): void {
    this.child.send(message as never);
  }
  kill(): boolean {
    return this.child.kill('SIGTERM');
  }
}

/**
 * A `utilityProcess` for an electron mock: `fork` records each call and makes the kind asked for. Tests read
 * `calls` and `made` and pick the kind with `use`.
 */
export function fakeUtilityProcess() {
  const calls: UtilityForkCall[] = [];
  const made: (ScriptedUtilityProcess | NodeUtilityProcess)[] = [];
  let kind: 'scripted' | 'node' = 'scripted';
  return {
    calls,
    made,
    use(next: 'scripted' | 'node') {
      kind = next;
    },
    utilityProcess: {
      fork(modulePath: string, args: string[] = [], options: UtilityForkOptions = {}) {
        const call = { modulePath, args, options };
        calls.push(call);
        const child = kind === 'node' ? new NodeUtilityProcess(call) : new ScriptedUtilityProcess(call);
        made.push(child);
        return child;
      },
    },
  };
}
