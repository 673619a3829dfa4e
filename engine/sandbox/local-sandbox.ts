import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { SandboxError, failWith, messageOf, succeed, type SandboxResult } from './errors';
import { EXEC_TOKEN_ENV } from './exec-scripts';
import { StreamCapture } from './output-buffer';
import { prepareExec } from './exec-request';
import { killProcessGroup, sweepProcessTree } from './process-tree';
import { CANCEL_MESSAGE, cancelledBeforeStart, checkSpec, timeoutMessage } from './spec';
import type { ExecRequest, ExecResult, Sandbox, SandboxSpec } from './types';

/**
 * The local sandbox: commands run on this machine, in the workspace, with a chosen Python first on PATH (a
 * user's venv for brownfield work, or python3). It is NOT isolated: no memory, CPU, pids or network limits, and
 * the safety policy is the only guard. Same interface and error model as the Docker sandbox (errors.ts).
 * Each command leads its own session and process group (detached), so a timeout or cancel kills the whole
 * tree (process-tree.ts); when a command ends on its own, what it left running in its group is killed too.
 */

export const LOCAL_WARNING =
  'local sandbox: not isolated. Commands run on this machine as you, with your files and network, and no ' +
  'memory, CPU or process limits; only the safety policy screens them. Use Docker for isolation.';

/** After a command's main process exits, how long its output pipes may stay open (held by escaped children). */
const DRAIN_MS = 500;

interface PythonInfo {
  executable: string;
  /** sys.prefix when it is a virtual environment. */
  venv: string | null;
  version: string;
}

export interface LocalSandboxOptions {
  /** The environment commands start from (default: this process's). */
  baseEnv?: NodeJS.ProcessEnv;
}

export class LocalSandbox implements Sandbox {
  readonly kind = 'local' as const;
  readonly gpu = false;
  readonly id: string;
  readonly paths: { workspace: string; data: string | null };
  readonly warnings: readonly string[];
  readonly python: PythonInfo;
  private readonly running = new Set<() => void>();
  private stopped = false;

  constructor(
    readonly runId: string,
    workspace: string,
    data: string | null,
    python: PythonInfo,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    this.id = `local-${runId}`;
    this.paths = { workspace, data };
    this.python = python;
    this.warnings = [LOCAL_WARNING];
  }

  async exec(request: ExecRequest): Promise<ExecResult> {
    if (this.stopped) throw new SandboxError('sandbox_gone', 'the sandbox was stopped');
    const prepared = prepareExec(request);
    const { argv, cwd, env, timeoutMs, stdout, stderr, started } = prepared;
    if (request.signal?.aborted) return cancelledBeforeStart();
    // The marker as it stands in each process's environment, which the sweep looks for.
    const token = `${EXEC_TOKEN_ENV}=${prepared.token}`;

    let child: ReturnType<typeof spawnDetached>;
    try {
      child = spawnDetached(argv, cwd ? path.join(this.paths.workspace, cwd) : this.paths.workspace, {
        ...this.env,
        ...env,
        [EXEC_TOKEN_ENV]: token.slice(EXEC_TOKEN_ENV.length + 1),
      });
    } catch (error) {
      return spawnFailure(started, stdout, stderr, error);
    }
    child.stdout?.on('data', (chunk: Buffer) => stdout.write(chunk));
    child.stderr?.on('data', (chunk: Buffer) => stderr.write(chunk));

    const pid = child.pid;
    let stopReason: 'timeout' | 'cancel' | null = null;
    let killing: Promise<unknown> | null = null;
    const stopTree = (reason: 'timeout' | 'cancel') => {
      if (stopReason || pid === undefined) return;
      stopReason = reason;
      killing = sweepProcessTree(pid, token);
    };
    const timer = timeoutMs === null ? null : setTimeout(() => stopTree('timeout'), timeoutMs);
    const onAbort = () => stopTree('cancel');
    request.signal?.addEventListener('abort', onAbort, { once: true });
    const onStop = () => stopTree('cancel');
    this.running.add(onStop);

    // The Node process object, for its exit event: execa's own promise also waits for the output pipes, which
    // an escaped child may hold open.
    const node = child.nodeChildProcess;
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>(
      (resolve) => {
        node.once('exit', (code, signal) => resolve({ code, signal }));
        node.once('error', (error) => resolve({ code: null, signal: null, error }));
      },
    );
    const streamsClosed = Promise.all([closed(child.stdout), closed(child.stderr)]);

    const exit = await exited;
    if (timer) clearTimeout(timer);
    request.signal?.removeEventListener('abort', onAbort);
    this.running.delete(onStop);
    // Whatever the command left running in its group goes with it; if its output pipes still stay open, a
    // child escaped the group holding them: sweep the whole tree.
    if (pid !== undefined) killProcessGroup(pid);
    if (killing) await killing;
    const closedSoon = await Promise.race([streamsClosed.then(() => true), delay(100).then(() => false)]);
    if (!closedSoon && pid !== undefined) await sweepProcessTree(pid, token);
    await Promise.race([streamsClosed, delay(DRAIN_MS)]);
    child.stdout?.destroy();
    child.stderr?.destroy();
    await child.catch(() => undefined);

    if (exit.error) return spawnFailure(started, stdout, stderr, exit.error);
    const exitCode = stopReason
      ? null
      : (exit.code ?? (exit.signal ? 128 + (os.constants.signals[exit.signal] ?? 0) : null));
    const out = stdout.finish();
    const err = stderr.finish();
    const note =
      stopReason === 'timeout'
        ? timeoutMessage(timeoutMs ?? 0)
        : stopReason === 'cancel'
          ? CANCEL_MESSAGE
          : null;
    if (note) request.onOutput?.('stderr', note);
    return {
      exitCode,
      durationMs: Math.round(performance.now() - started),
      timedOut: stopReason === 'timeout',
      cancelled: stopReason === 'cancel',
      oomKilled: false,
      stdout: out.text,
      stderr: err.text + (note ?? ''),
      stdoutDroppedBytes: out.droppedBytes,
      stderrDroppedBytes: err.droppedBytes,
    };
  }

  /** Kills every command still running. Safe to call twice. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const stop of [...this.running]) stop();
  }
}

/** Starts a run's local sandbox: checks the spec and that the Python runs. */
export async function startLocalSandbox(
  spec: SandboxSpec,
  options: LocalSandboxOptions = {},
): Promise<SandboxResult<LocalSandbox>> {
  const checked = checkSpec(spec, true);
  if (!checked.ok) return checked;
  const s = checked.value;
  const baseEnv = options.baseEnv ?? process.env;
  const python = await probePython(s.python ?? 'python3', baseEnv);
  if (!python.ok) return python;

  // The interpreter's folder goes first on PATH, so python, pip and pytest are the chosen environment's.
  const bin = path.dirname(python.value.executable);
  const env: NodeJS.ProcessEnv = {
    ...baseEnv,
    PATH: [bin, baseEnv.PATH ?? ''].filter(Boolean).join(path.delimiter),
    MPLBACKEND: 'Agg',
    PYTHONUNBUFFERED: '1',
    MLE_BEAST_RUN_ID: s.runId,
    MLE_BEAST_WORKSPACE: s.workspaceDir,
    ...(s.dataDir ? { MLE_BEAST_DATA: s.dataDir } : {}),
    ...(python.value.venv ? { VIRTUAL_ENV: python.value.venv } : {}),
    ...s.env,
  };
  delete env.PYTHONHOME;
  return succeed(new LocalSandbox(s.runId, s.workspaceDir, s.dataDir ?? null, python.value, env));
}

async function probePython(python: string, env: NodeJS.ProcessEnv): Promise<SandboxResult<PythonInfo>> {
  const script =
    'import sys; print(sys.executable); print(sys.prefix if sys.prefix != sys.base_prefix else ""); print(sys.version.split()[0])';
  try {
    const result = await execa(python, ['-c', script], {
      env,
      extendEnv: false,
      timeout: 20_000,
      reject: false,
    });
    if (result.exitCode !== 0 || result.failed) {
      const why = String(result.stderr || result.shortMessage || '')
        .trim()
        .split('\n')
        .pop();
      return failWith(
        'python_unavailable',
        `the Python interpreter ${python} does not run (${why}). Give the path of a working python ` +
          "(a virtual environment's bin/python, or python3).",
      );
    }
    const [executable = python, venv = '', version = ''] = String(result.stdout).split('\n');
    return succeed({ executable, venv: venv || null, version });
  } catch (error) {
    return failWith('python_unavailable', `cannot run ${python}: ${messageOf(error)}`, error);
  }
}

/** A command in its own session and process group, its output unbuffered (the captures keep what is needed). */
function spawnDetached(argv: string[], cwd: string, env: NodeJS.ProcessEnv) {
  return execa(argv[0]!, argv.slice(1), {
    cwd,
    env,
    extendEnv: false,
    detached: true,
    buffer: false,
    reject: false,
    stdin: 'ignore',
    cleanup: false,
  });
}

function closed(stream: NodeJS.ReadableStream | null | undefined): Promise<void> {
  if (!stream) return Promise.resolve();
  return new Promise((resolve) => {
    stream.once('close', resolve);
    stream.once('end', resolve);
    stream.once('error', () => resolve());
  });
}

function spawnFailure(
  started: number,
  stdout: StreamCapture,
  stderr: StreamCapture,
  error: unknown,
): ExecResult {
  const err = stderr.finish();
  const out = stdout.finish();
  // What a shell says for a missing program: exit 127, a message on stderr.
  return {
    exitCode: 127,
    durationMs: Math.round(performance.now() - started),
    timedOut: false,
    cancelled: false,
    oomKilled: false,
    stdout: out.text,
    stderr: `${err.text}${messageOf(error)}\n`,
    stdoutDroppedBytes: out.droppedBytes,
    stderrDroppedBytes: err.droppedBytes,
  };
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
