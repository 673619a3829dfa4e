import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { checkTransientTarget, gitMountKind } from './docker-container';
import { SandboxError, failWith, messageOf, succeed, type SandboxResult } from './errors';
import { EXEC_TOKEN_ENV } from './exec-scripts';
import { engineReportFiles } from './engine-only';
import { StreamCapture } from './output-buffer';
import { prepareExec } from './exec-request';
import { OS_SANDBOX_PATHS, bwrapArgs, isolatedEnv, isolatedPath } from './os-sandbox/bwrap';
import { noOsSandboxMessage, probeOsSandbox, type OsSandbox, type OsSandboxProbe } from './os-sandbox/probe';
import { seatbeltProfile } from './os-sandbox/seatbelt';
import { killProcessGroup, sweepProcessTree } from './process-tree';
import { choosePython, type PythonInfo } from './python-probe';
import { CANCEL_MESSAGE, cancelledBeforeStart, checkSpec, timeoutMessage } from './spec';
import type {
  ExecRequest,
  ExecResult,
  NetworkMode,
  Sandbox,
  SandboxIsolation,
  SandboxSpec,
  TransientMount,
} from './types';

/**
 * The local sandbox: commands run on this machine, with a chosen Python first on PATH (a user's venv for
 * brownfield work, or the first python3 that has the workspace's packages). Each command runs inside an OS
 * sandbox (os-sandbox/): bubblewrap on Linux, where it sees the workspace at /workspace and the data at /data as
 * in Docker, and nothing of the host but the system folders and its Python; Seatbelt on macOS, with host paths.
 * Without one (Windows, bwrap missing or refused) it starts only when the run chose `local-unisolated`, and then
 * says so. There are no memory, CPU or pids limits locally. Same interface and error model as the Docker sandbox
 * (errors.ts). Each command leads its own session and process group (detached), so a timeout or cancel kills the
 * whole tree (process-tree.ts; bwrap's --die-with-parent takes the sandboxed tree with it); when a command ends
 * on its own, what it left running is killed too.
 */

export const LOCAL_WARNING =
  'local sandbox: not isolated. Commands run on this machine as you, with your files and network, and no ' +
  'memory, CPU or process limits; only the safety policy screens them. Use Docker for isolation.';

export const ISOLATED_LOCAL_NOTE =
  'local sandbox: isolated by the OS (writes only to the workspace and private temp and home folders; no network ' +
  'unless allowed), but with no memory, CPU or process limits. Docker adds those.';

/** After a command's main process exits, how long its output pipes may stay open (held by escaped children). */
const DRAIN_MS = 500;

export type { PythonInfo } from './python-probe';

export interface LocalSandboxOptions {
  /** The environment commands start from (default: this process's). */
  baseEnv?: NodeJS.ProcessEnv;
  /** Run without an OS sandbox, on purpose (the `local-unisolated` choice). */
  unisolated?: boolean;
  /** Which OS sandbox this machine has (default: probe it; tests simulate a machine without one). */
  probe?: OsSandboxProbe;
  /** Host paths the sandbox must never show, beyond the defaults (the engine's home, credentials). */
  hiddenPaths?: string[];
}

/** How commands are confined: the OS sandbox with its private folders, or nothing. */
type Confinement =
  | { kind: 'none' }
  | {
      kind: 'bubblewrap' | 'seatbelt';
      program: string;
      /** Private folder of this sandbox on the host, holding home/ and tmp/; removed on stop. */
      privateDir: string;
      hidden: string[];
      readOnly: string[];
      network: NetworkMode;
      devices: string[];
    };

export class LocalSandbox implements Sandbox {
  readonly kind = 'local' as const;
  readonly gpu = false;
  readonly id: string;
  readonly paths: { workspace: string; data: string | null };
  /** Host paths of the workspace and data. */
  readonly hostPaths: { workspace: string; data: string | null };
  readonly warnings: readonly string[];
  readonly python: PythonInfo;
  readonly isolation: SandboxIsolation;
  /** Commands running now: how to stop each, and its end. */
  private readonly running = new Map<() => void, Promise<unknown>>();
  private stopped = false;

  constructor(
    readonly runId: string,
    workspace: string,
    data: string | null,
    python: PythonInfo,
    private readonly env: NodeJS.ProcessEnv,
    private readonly confinement: Confinement = { kind: 'none' },
  ) {
    this.id = `local-${runId}`;
    this.hostPaths = { workspace, data };
    this.isolation = confinement.kind;
    this.paths =
      confinement.kind === 'bubblewrap'
        ? { workspace: OS_SANDBOX_PATHS.workspace, data: data ? OS_SANDBOX_PATHS.data : null }
        : { workspace, data };
    this.python = python;
    this.warnings = [confinement.kind === 'none' ? LOCAL_WARNING : ISOLATED_LOCAL_NOTE];
  }

  /** The program and arguments that run `argv` in this sandbox, and the host folder to start it in. */
  private launch(
    argv: string[],
    cwd: string,
    mounts: readonly TransientMount[],
  ): { argv: string[]; cwd: string } {
    const ws = this.hostPaths.workspace;
    const c = this.confinement;
    if (c.kind === 'none') return { argv, cwd: cwd ? path.join(ws, cwd) : ws };
    for (const m of mounts) {
      const problem =
        (c.kind === 'bubblewrap' ? checkTransientTarget(m.sandboxPath) : null) ??
        (path.isAbsolute(m.hostPath) && fs.existsSync(m.hostPath) ? null : `${m.hostPath} does not exist`);
      if (problem) throw new SandboxError('invalid_spec', `transient mount: ${problem}`);
    }
    const home = path.join(c.privateDir, 'home');
    const tmp = path.join(c.privateDir, 'tmp');
    if (c.kind === 'bubblewrap') {
      const args = bwrapArgs({
        workspaceDir: ws,
        git: gitMountKind(path.join(ws, '.git')),
        dataDir: this.hostPaths.data,
        homeDir: home,
        tmpDir: tmp,
        readOnly: c.readOnly,
        mounts,
        // The engine's report files (earlier runs' final-holdout scores), looked for at each command: one the
        // engine writes while the sandbox lives is covered from the next command on. Each existing regular file
        // is covered like a hidden file (read-only /dev/null); the rest of reports/ stays the agent's.
        hidden: [...c.hidden, ...engineReportFiles(ws).map((rel) => path.join(ws, rel))],
        devices: c.devices,
        network: c.network,
        cwd,
      });
      // Through env, so a missing program is exit 127 as in a shell (bwrap itself would exit 1).
      return { argv: [c.program, ...args, '--', '/usr/bin/env', '--', ...argv], cwd: ws };
    }
    const profile = seatbeltProfile({
      workspaceDir: ws,
      homeDir: home,
      tmpDir: tmp,
      hidden: c.hidden,
      readable: [
        ws,
        ...(this.hostPaths.data ? [this.hostPaths.data] : []),
        ...c.readOnly,
        ...mounts.map((m) => m.hostPath),
      ],
      network: c.network,
    });
    return { argv: [c.program, '-p', profile, ...argv], cwd: cwd ? path.join(ws, cwd) : ws };
  }

  async exec(request: ExecRequest): Promise<ExecResult> {
    if (this.stopped) throw new SandboxError('sandbox_gone', 'the sandbox was stopped');
    const prepared = prepareExec(request);
    const { argv, cwd, env, timeoutMs, stdout, stderr, started } = prepared;
    if (request.signal?.aborted) return cancelledBeforeStart();
    // The marker as it stands in each process's environment, which the sweep looks for.
    const token = `${EXEC_TOKEN_ENV}=${prepared.token}`;

    let child: ReturnType<typeof spawnDetached>;
    // A malformed mount rejects, as a malformed request does.
    const launch = this.launch(argv, cwd, request.mounts ?? []);
    try {
      child = spawnDetached(launch.argv, launch.cwd, {
        ...this.env,
        ...env,
        [EXEC_TOKEN_ENV]: token.slice(EXEC_TOKEN_ENV.length + 1),
      });
    } catch (error) {
      return spawnFailure(started, stdout, stderr, error);
    }
    // A listener that returns a promise asks the command to wait (a reader that fell behind): the pipe is paused
    // until it settles, so the command blocks on its writes instead of piling output up in our memory.
    let flowWaits = 0;
    const follow = (source: NodeJS.ReadableStream | null | undefined, capture: StreamCapture) =>
      source?.on('data', (chunk: Buffer) => {
        const wait = capture.write(chunk);
        if (!wait) return;
        flowWaits += 1;
        source.pause();
        void wait.finally(() => {
          flowWaits -= 1;
          if (flowWaits === 0) source.resume();
        });
      });
    follow(child.stdout, stdout);
    follow(child.stderr, stderr);

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
    this.running.set(onStop, exited);

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
    // The rest of the output, unless a child escaped with the pipes; a reader that is still catching up (a
    // pending flow wait) is waited for, unless the command was stopped.
    let drained: boolean;
    do {
      drained = await Promise.race([streamsClosed.then(() => true), delay(DRAIN_MS).then(() => false)]);
    } while (!drained && flowWaits > 0 && !stopReason);
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

  /** Kills every command still running and removes the private folders. Safe to call twice. */
  async stop(): Promise<void> {
    this.stopped = true;
    const ends = [...this.running].map(([stop, end]) => {
      stop();
      return end;
    });
    // The private folders go once nothing runs in them any more.
    await Promise.race([Promise.all(ends), delay(5000)]);
    if (this.confinement.kind !== 'none') {
      fs.rmSync(this.confinement.privateDir, { recursive: true, force: true, maxRetries: 3 });
    }
  }
}

/**
 * Starts a run's local sandbox: checks the spec, finds the OS sandbox (refusing to go on without one unless
 * `unisolated`), and picks the Python (the spec's, or the first python3 with the workspace's packages).
 */
export async function startLocalSandbox(
  spec: SandboxSpec,
  options: LocalSandboxOptions = {},
): Promise<SandboxResult<LocalSandbox>> {
  const checked = checkSpec(spec, true);
  if (!checked.ok) return checked;
  const s = checked.value;
  const baseEnv = options.baseEnv ?? process.env;
  let os_: OsSandbox = { kind: 'none', reason: 'local-unisolated was chosen' };
  if (!options.unisolated) {
    os_ = await (options.probe ?? probeOsSandbox)(baseEnv);
    if (os_.kind === 'none') return failWith('isolation_unavailable', noOsSandboxMessage(os_.reason));
  }
  const chosen = await choosePython(s.python, baseEnv);
  if (!chosen.ok) return chosen;
  const python = chosen.value;
  const bin = path.dirname(python.executable);
  const common = {
    MPLBACKEND: 'Agg',
    PYTHONUNBUFFERED: '1',
    MLE_BEAST_RUN_ID: s.runId,
    ...(python.venv ? { VIRTUAL_ENV: python.venv } : {}),
  };

  if (os_.kind === 'none') {
    // The interpreter's folder goes first on PATH, so python, pip and pytest are the chosen environment's.
    const env: NodeJS.ProcessEnv = {
      ...baseEnv,
      PATH: [bin, baseEnv.PATH ?? ''].filter(Boolean).join(path.delimiter),
      ...common,
      MLE_BEAST_WORKSPACE: s.workspaceDir,
      ...(s.dataDir ? { MLE_BEAST_DATA: s.dataDir } : {}),
      ...s.env,
    };
    delete env.PYTHONHOME;
    return succeed(new LocalSandbox(s.runId, s.workspaceDir, s.dataDir ?? null, python, env));
  }

  let privateDir: string;
  try {
    // Real paths: Seatbelt matches resolved paths (macOS's /var is /private/var).
    privateDir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mle-beast-sandbox-')));
    fs.mkdirSync(path.join(privateDir, 'home'), { mode: 0o700 });
    fs.mkdirSync(path.join(privateDir, 'tmp'), { mode: 0o700 });
  } catch (error) {
    return failWith(
      'start_failed',
      `cannot create the sandbox's private folders: ${messageOf(error)}`,
      error,
    );
  }
  const bubblewrap = os_.kind === 'bubblewrap';
  const home = bubblewrap ? OS_SANDBOX_PATHS.home : path.join(privateDir, 'home');
  const tmp = bubblewrap ? OS_SANDBOX_PATHS.tmp : path.join(privateDir, 'tmp');
  // `python` means the chosen interpreter even where its folder has only python3 (Debian's /usr/bin).
  const localBin = path.join(home, '.local', 'bin');
  if (!fs.existsSync(path.join(bin, 'python'))) {
    const hostLocalBin = path.join(privateDir, 'home', '.local', 'bin');
    fs.mkdirSync(hostLocalBin, { recursive: true });
    fs.symlinkSync(python.executable, path.join(hostLocalBin, 'python'));
  }
  const env: NodeJS.ProcessEnv = {
    ...isolatedEnv(baseEnv, {
      path: bubblewrap
        ? isolatedPath(`${bin}:${localBin}`)
        : [bin, localBin, baseEnv.PATH ?? ''].filter(Boolean).join(':'),
      home,
      tmp,
    }),
    ...common,
    MLE_BEAST_WORKSPACE: bubblewrap ? OS_SANDBOX_PATHS.workspace : s.workspaceDir,
    ...(s.dataDir ? { MLE_BEAST_DATA: bubblewrap ? OS_SANDBOX_PATHS.data : s.dataDir } : {}),
    ...s.env,
  };
  return succeed(
    new LocalSandbox(s.runId, s.workspaceDir, s.dataDir ?? null, python, env, {
      kind: os_.kind,
      program: os_.program,
      privateDir,
      hidden: hiddenPaths(baseEnv, options.hiddenPaths ?? []),
      readOnly: python.roots,
      network: s.network,
      devices: bubblewrap ? gpuDevices() : [],
    }),
  );
}

/**
 * What the sandbox must never show, wherever it lies: the engine's home (runs with their hidden labels and
 * holdouts, the database, the user's policy file), the database named by MLE_BEAST_DB_PATH, credentials and
 * keychains. Bubblewrap binds none of the user's home anyway; these matter where a bound folder holds them (a
 * Python prefix under HOME) and for Seatbelt, which filters a full view of the disk.
 */
export function hiddenPaths(env: NodeJS.ProcessEnv, extra: readonly string[]): string[] {
  const home = env.HOME || os.homedir();
  const list = [
    path.join(home, '.mle-beast'),
    path.join(home, '.ssh'),
    path.join(home, '.aws'),
    path.join(home, '.gnupg'),
    path.join(home, '.docker'),
    path.join(home, '.kube'),
    path.join(home, '.netrc'),
    path.join(home, '.git-credentials'),
    path.join(home, '.config', 'gcloud'),
    path.join(home, 'Library', 'Keychains'),
    '/Library/Keychains',
    ...extra,
  ];
  if (env.MLE_BEAST_DB_PATH) list.push(path.dirname(path.resolve(env.MLE_BEAST_DB_PATH)));
  // Both spellings where a link leads elsewhere: bubblewrap and Seatbelt see resolved paths.
  const real = list.flatMap((p) => {
    try {
      return [p, fs.realpathSync(p)];
    } catch {
      return [p];
    }
  });
  return [...new Set(real)];
}

/** NVIDIA device nodes, passed through so a local PyTorch still finds the GPU. */
function gpuDevices(): string[] {
  try {
    return fs
      .readdirSync('/dev')
      .filter((name) => /^nvidia/.test(name))
      .map((name) => `/dev/${name}`)
      .filter((p) => !fs.statSync(p).isDirectory());
  } catch {
    return [];
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
