import { Writable, type Duplex } from 'node:stream';
import type Dockerode from 'dockerode';
import { SandboxError, messageOf } from './errors';
import {
  EXEC_TOKEN_ENV,
  KILL_AGENT_UID_SCRIPT,
  KILL_SCRIPT,
  OOM_SCRIPT,
  WRAPPER_ENV,
  WRAPPER_SCRIPT,
  helperCommand,
  parseOomReport,
  wrappedCommand,
} from './exec-scripts';
import { DockerDemux } from './docker-demux';
import { StreamCapture } from './output-buffer';
import { prepareExec } from './exec-request';
import { CANCEL_MESSAGE, cancelledBeforeStart, oomMessage, timeoutMessage } from './spec';
import type { ExecRequest, ExecResult } from './types';

/** One container's exec machinery: the exec itself, its kill, its OOM verdict. See exec-scripts.ts. */
export interface DockerExecContext {
  docker: Dockerode;
  container: Dockerode.Container;
  /** uid:gid the agent's commands run as. */
  user: string;
  /** Absolute workspace path inside the container. */
  workspace: string;
  /** "256 MiB", for the out-of-memory message. */
  memoryLimitText: string;
  /**
   * Last resort when the targeted kill cannot run (e.g. every pid of the container is taken by a fork bomb):
   * must end every process in the container and leave it usable.
   */
  forceKillAll(reason: string): Promise<void>;
  /** The kill helper (default KILL_SCRIPT); tests replace it with one that fails, to exercise forceKillAll. */
  killScript?: string;
  /**
   * Whether this is the only command running in the sandbox. Then a timeout or cancel also ends every process
   * of the agent's uid: that catches a process that left the command's session and dropped its marker
   * (`setsid env -i ...`), which the targeted sweep cannot recognise. The container's keeper runs as another
   * uid, so it survives.
   */
  soleCommand?: () => boolean;
}

/**
 * How long the targeted kill may keep trying before the container is restarted instead. It normally takes
 * well under 200 ms (one exec of a fork-free script, which runs even with every pid taken), and the restart
 * that follows a failure about half a second: both fit the promise that a tree is gone 2 s after a timeout.
 */
const KILL_DEADLINE_MS = 700;
/** After a kill, how long the exec's stream may take to close before it is cut. */
const DRAIN_AFTER_KILL_MS = 1500;

export async function runDockerExec(ctx: DockerExecContext, request: ExecRequest): Promise<ExecResult> {
  const { argv, cwd, env, timeoutMs, stdout, stderr, started, token } = prepareExec(request);
  if (request.signal?.aborted) return cancelledBeforeStart();

  const exec = await dockerCall('start a command', () =>
    ctx.container.exec({
      Cmd: wrappedCommand(token, argv),
      Env: [
        ...Object.entries(env).map(([k, v]) => `${k}=${v}`),
        `${EXEC_TOKEN_ENV}=${token}`,
        `${WRAPPER_ENV}=${WRAPPER_SCRIPT}`,
      ],
      WorkingDir: cwd ? `${ctx.workspace}/${cwd}` : ctx.workspace,
      User: ctx.user,
      AttachStdin: false,
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
    }),
  );
  const stream = await dockerCall('start a command', () => exec.start({ hijack: true, stdin: false }));
  const ended = streamEnded(stream);
  // Flow control: a consumer that asks to wait pauses the socket (see DockerDemux).
  stream.pipe(new DockerDemux((which, data) => (which === 'stderr' ? stderr : stdout).write(data)));

  let stopReason: 'timeout' | 'cancel' | null = null;
  let killing: Promise<void> | null = null;
  let stopRequested!: () => void;
  const stopped = new Promise<void>((resolve) => (stopRequested = resolve));
  const stopTree = (reason: 'timeout' | 'cancel') => {
    if (stopReason || ended.done) return;
    stopReason = reason;
    killing = killTree(ctx, token);
    stopRequested();
  };
  const timer = timeoutMs === null ? null : setTimeout(() => stopTree('timeout'), timeoutMs);
  const onAbort = () => stopTree('cancel');
  request.signal?.addEventListener('abort', onAbort, { once: true });
  // Aborted while the exec was being created: the listener came too late to hear it.
  if (request.signal?.aborted) stopTree('cancel');

  // The stream ends when the wrapper exits (it sweeps the tree first); a kill ends it too, or it is cut.
  await Promise.race([ended.promise, stopped]);
  if (timer) clearTimeout(timer);
  request.signal?.removeEventListener('abort', onAbort);
  if (killing) {
    await killing;
    await Promise.race([ended.promise, delay(DRAIN_AFTER_KILL_MS)]);
  }
  if (!ended.done) stream.destroy();

  let exitCode: number | null = null;
  if (!stopReason) exitCode = await exitCodeOf(exec);

  let oomKilled = false;
  if (!stopReason && exitCode === 137) oomKilled = await wasOomKilled(ctx, token);

  const out = stdout.finish();
  const err = stderr.finish();
  let stderrText = err.text;
  const note =
    stopReason === 'timeout'
      ? timeoutMessage(timeoutMs ?? 0)
      : stopReason === 'cancel'
        ? CANCEL_MESSAGE
        : oomKilled
          ? oomMessage(ctx.memoryLimitText)
          : null;
  if (note) {
    stderrText += note;
    request.onOutput?.('stderr', note);
  }
  return {
    exitCode,
    durationMs: Math.round(performance.now() - started),
    timedOut: stopReason === 'timeout',
    cancelled: stopReason === 'cancel',
    oomKilled,
    stdout: out.text,
    stderr: stderrText,
    stdoutDroppedBytes: out.droppedBytes,
    stderrDroppedBytes: err.droppedBytes,
  };
}

/** Kills a command's whole process tree; restarts the container when the targeted kill cannot run. */
async function killTree(ctx: DockerExecContext, token: string): Promise<void> {
  const deadline = performance.now() + KILL_DEADLINE_MS;
  let lastProblem = 'no attempt';
  while (performance.now() < deadline) {
    try {
      const script = ctx.killScript ?? KILL_SCRIPT;
      const result = await runHelper(ctx, script, [token], Math.max(200, deadline - performance.now()));
      if (result.exitCode === 0) {
        if (ctx.soleCommand?.()) await runHelper(ctx, KILL_AGENT_UID_SCRIPT, [], 1000).catch(() => undefined);
        return;
      }
      lastProblem = result.output.trim() || `kill helper exited with ${result.exitCode}`;
    } catch (error) {
      lastProblem = messageOf(error);
    }
    await delay(50);
  }
  await ctx.forceKillAll(`the command's processes could not be killed one by one (${lastProblem})`);
}

async function wasOomKilled(ctx: DockerExecContext, token: string): Promise<boolean> {
  try {
    const report = await runHelper(ctx, OOM_SCRIPT, [token], 5000);
    const verdict = parseOomReport(report.output);
    if (verdict !== null) return verdict;
  } catch {
    // fall through to the container's own flag
  }
  try {
    const info = await ctx.container.inspect();
    return info.State?.OOMKilled === true;
  } catch {
    return false;
  }
}

/** A short helper script run as the agent's user, its output collected (small), with a time limit. */
export async function runHelper(
  ctx: Pick<DockerExecContext, 'docker' | 'container' | 'user'>,
  script: string,
  args: string[],
  timeoutMs: number,
): Promise<{ exitCode: number | null; output: string }> {
  const exec = await ctx.container.exec({
    Cmd: helperCommand(script, args),
    User: ctx.user,
    AttachStdin: false,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
  });
  const stream = await exec.start({ hijack: true, stdin: false });
  const capture = new StreamCapture('stdout', 64 * 1024);
  const ended = streamEnded(stream);
  ctx.docker.modem.demuxStream(stream, sink(capture), sink(capture));
  const finished = await Promise.race([
    ended.promise.then(
      () => true,
      () => true,
    ),
    delay(timeoutMs).then(() => false),
  ]);
  if (!finished) {
    stream.destroy();
    return { exitCode: null, output: `${capture.finish().text}(helper timed out)` };
  }
  return { exitCode: await exitCodeOf(exec), output: capture.finish().text };
}

/** The exit code once Docker has recorded it (it can lag the stream's end by a moment). */
async function exitCodeOf(exec: Dockerode.Exec): Promise<number | null> {
  for (let attempt = 0; attempt < 40; attempt++) {
    const info = await dockerCall('read a command exit code', () => exec.inspect());
    if (!info.Running) return info.ExitCode;
    await delay(25);
  }
  return null;
}

function streamEnded(stream: Duplex): { promise: Promise<void>; readonly done: boolean } {
  let done = false;
  const promise = new Promise<void>((resolve) => {
    const finish = () => {
      done = true;
      resolve();
    };
    stream.once('end', finish);
    stream.once('close', finish);
    stream.once('error', finish);
  });
  return {
    promise,
    get done() {
      return done;
    },
  };
}

/** A writable that hands each demultiplexed chunk to a capture at once: nothing queues in memory. */
function sink(capture: StreamCapture): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      capture.write(chunk);
      callback();
    },
  });
}

/** Runs a Docker API call; a vanished container or daemon becomes a SandboxError with a clear code. */
export async function dockerCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toSandboxError(what, error);
  }
}

export function toSandboxError(what: string, error: unknown): SandboxError {
  if (error instanceof SandboxError) return error;
  const status = (error as { statusCode?: number }).statusCode;
  const text = messageOf(error);
  if (status === 404)
    return new SandboxError('sandbox_gone', `cannot ${what}: the sandbox container no longer exists`, {
      cause: error,
    });
  if (status === 409 && /not running/i.test(text)) {
    return new SandboxError('sandbox_gone', `cannot ${what}: the sandbox container is not running`, {
      cause: error,
    });
  }
  return new SandboxError('docker_failed', `cannot ${what}: ${text}`, { cause: error });
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
