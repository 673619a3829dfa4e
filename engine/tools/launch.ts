import fs from 'node:fs';
import { GROUP_WRITABLE, shareWithSandbox } from './files';
import path from 'node:path';
import { splitArgs } from './args';
import { ToolError, type ToolContext } from './context';
import { Ring, capText, seconds } from './output';
import { FdOutputFile } from './output-file';
import { adoptOwner, writablePath } from './paths';
import { endingNote, logStreams, pythonEnv, screenPythonFile } from './shell';

// launch_training / launch_evaluate, and launchScript, which the pipeline also calls to run train.py and
// evaluate.py itself: `python3 -u <script> ...args` in the sandbox, every output line streamed to a log file in
// the workspace and to ctx.onLog, and (training) logs/metrics.jsonl tailed into ctx.onMetrics.

export const METRICS_FILE = 'logs/metrics.jsonl';
const METRICS_POLL_MS = 250;
const TAIL_LINES = 100;
const ANCHOR_BYTES = 64;

export interface LaunchOptions {
  kind: 'training' | 'evaluate';
  /** Relative to the workspace (or an absolute sandbox or host path in it). */
  scriptPath: string;
  args: string[];
  /** Relative to the workspace; created with its folder, truncated at the start. */
  logFile: string;
  timeoutMs: number;
}

export interface LaunchResult {
  /** Null when the process was killed (timeout, cancel) or never started (blocked, error). */
  exitCode: number | null;
  timedOut: boolean;
  cancelled: boolean;
  oomKilled: boolean;
  durationMs: number;
  /** The last output lines (up to 100). */
  tail: string[];
  /** The log file, relative to the workspace. */
  logPath: string;
  /**
   * Set when the script did not start: the safety policy refused it, or the script or log path is unusable.
   * The message for the model, starting with `ERROR: ` (also the only line of `tail`).
   */
  error?: string;
}

/**
 * Runs a training or evaluation script in the sandbox. A script that cannot start (missing, refused by the
 * policy, a bad log path) gives exitCode null and `error`; only sandbox failures throw.
 */
export async function launchScript(ctx: ToolContext, options: LaunchOptions): Promise<LaunchResult> {
  const started = performance.now();
  const notStarted = (error: string, logPath: string): LaunchResult => ({
    exitCode: null,
    timedOut: false,
    cancelled: false,
    oomKilled: false,
    durationMs: Math.round(performance.now() - started),
    tail: [error],
    logPath,
    error,
  });
  let log: ReturnType<typeof writablePath>;
  let screened: Awaited<ReturnType<typeof screenPythonFile>>;
  try {
    log = writablePath(ctx, options.logFile);
    screened = await screenPythonFile(ctx, options.scriptPath);
  } catch (error) {
    if (error instanceof ToolError) return notStarted(`ERROR: ${error.message}`, options.logFile);
    throw error;
  }
  const logPath = log.path.rel;
  if ('blocked' in screened) return notStarted(screened.blocked, logPath);

  const { O_WRONLY, O_CREAT, O_TRUNC, O_NOFOLLOW } = fs.constants;
  const fd = fs.openSync(log.host, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, GROUP_WRITABLE);
  if (!log.exists) {
    shareWithSandbox(fd);
    adoptOwner(ctx, log.host);
  }
  const tail = new Ring<string>(TAIL_LINES);
  // Written asynchronously: a flood of output must not hold the event loop in write(2) (a full disk ends the
  // file quietly; the tail still comes back).
  const logFile = new FdOutputFile(fd);
  const output = logStreams(ctx, options.kind, (_stream, line) => tail.push(line));
  const metrics = options.kind === 'training' && ctx.onMetrics ? new MetricsTail(ctx) : null;
  metrics?.start();
  try {
    const result = await ctx.sandbox.exec({
      argv: ['python3', '-u', screened.sandboxPath, ...options.args],
      env: pythonEnv(ctx),
      timeoutMs: options.timeoutMs,
      signal: ctx.signal,
      outputCapBytes: 64 * 1024,
      onOutput: (stream, chunk) => {
        logFile.write(chunk);
        output.onOutput(stream, chunk);
      },
    });
    output.flush();
    return {
      exitCode: result.exitCode,
      timedOut: result.timedOut,
      cancelled: result.cancelled,
      oomKilled: result.oomKilled,
      durationMs: Math.round(performance.now() - started),
      tail: tail.last(TAIL_LINES),
      logPath,
    };
  } finally {
    output.flush();
    metrics?.stop();
    // Whole before the caller (or the model) reads it.
    await logFile.close();
  }
}

/** The numeric fields of one metrics line, or null for a line that is not a JSON object. */
export function metricsOf(line: string): Record<string, number> | null {
  const text = line.trim();
  if (!text.startsWith('{')) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const out: Record<string, number> = {};
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === 'number' && Number.isFinite(v)) out[key] = v;
  }
  return Object.keys(out).length > 0 ? out : null;
}

/**
 * Follows <workspace>/logs/metrics.jsonl while a script runs: only what is appended after the start; a file the
 * script truncates or recreates is read again from its beginning. Never follows a symbolic link.
 */
export class MetricsTail {
  private offset = 0;
  private ino: number | null = null;
  private rest = '';
  /** The bytes just before `offset`, as last read: if they change, the file was rewritten from its start. */
  private anchor: Buffer = Buffer.alloc(0);
  private timer: NodeJS.Timeout | null = null;
  private readonly file: string;

  constructor(private readonly ctx: ToolContext) {
    this.file = path.join(ctx.workspaceDir, METRICS_FILE);
  }

  start(): void {
    const st = this.lstat();
    if (st) {
      this.ino = st.ino;
      this.offset = st.size;
      this.anchor =
        this.read(Math.max(0, st.size - ANCHOR_BYTES), Math.min(st.size, ANCHOR_BYTES)) ?? Buffer.alloc(0);
    }
    this.timer = setInterval(() => this.poll(), METRICS_POLL_MS);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.poll();
    // A last line without its newline: the script has ended, so it is complete.
    if (this.rest.trim()) this.emit(this.rest);
    this.rest = '';
  }

  private lstat(): fs.Stats | null {
    try {
      const st = fs.lstatSync(this.file);
      return st.isFile() ? st : null;
    } catch {
      return null;
    }
  }

  /** Reads `length` bytes at `position`, never through a link; null when the file cannot be read. */
  private read(position: number, length: number): Buffer | null {
    let fd: number;
    try {
      fd = fs.openSync(this.file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    } catch {
      return null;
    }
    try {
      const buffer = Buffer.alloc(length);
      const n = fs.readSync(fd, buffer, 0, length, position);
      return buffer.subarray(0, n);
    } catch {
      return null;
    } finally {
      fs.closeSync(fd);
    }
  }

  private restart(ino: number): void {
    this.offset = 0;
    this.ino = ino;
    this.rest = '';
    this.anchor = Buffer.alloc(0);
  }

  poll(): void {
    const st = this.lstat();
    if (!st) return;
    // A new file (recreated), a shorter one (truncated), or one rewritten past its old size (truncated and
    // written again between two polls: the bytes before the offset changed): read it from its start.
    if (this.ino !== st.ino || st.size < this.offset) this.restart(st.ino);
    else if (this.anchor.length > 0) {
      const now = this.read(this.offset - this.anchor.length, this.anchor.length);
      if (!now || !now.equals(this.anchor)) this.restart(st.ino);
    }
    if (st.size <= this.offset) return;
    const chunk = this.read(this.offset, Math.min(st.size - this.offset, 4 * 1024 * 1024));
    if (!chunk || chunk.length === 0) return;
    this.offset += chunk.length;
    this.anchor = Buffer.from(
      Buffer.concat([this.anchor, chunk]).subarray(-Math.min(ANCHOR_BYTES, this.offset)),
    );
    const text = this.rest + chunk.toString('utf8');
    const lines = text.split('\n');
    this.rest = lines.pop() ?? '';
    if (this.rest.length > 1024 * 1024) this.rest = '';
    for (const line of lines) this.emit(line);
  }

  private emit(line: string): void {
    const values = metricsOf(line);
    if (values) {
      try {
        this.ctx.onMetrics?.(values);
      } catch {
        // a listener's failure is not the script's
      }
    }
  }
}

const KIND_TEXT = { training: 'Training', evaluate: 'Evaluation' } as const;
const TAIL_SHOWN = { training: [10, 25], evaluate: [15, 30] } as const;

/** The launch_training / launch_evaluate tools: status, log path and the last lines. */
export async function launchTool(
  ctx: ToolContext,
  kind: 'training' | 'evaluate',
  args: { script_path: string; args: string; log_file: string },
  timeoutMs: number,
): Promise<{ ok: boolean; text: string }> {
  const argv = await splitArgs(args.args);
  if (args.script_path.trim() === '') throw new ToolError('script_path is empty');
  const run = await launchScript(ctx, {
    kind,
    scriptPath: args.script_path,
    args: argv,
    logFile: args.log_file,
    timeoutMs,
  });
  if (run.error) return { ok: false, text: run.error };
  const ok = run.exitCode === 0 && !run.timedOut && !run.cancelled;
  const [okLines, failLines] = TAIL_SHOWN[kind];
  const lines = run.tail.slice(-(ok ? okLines : failLines));
  const note = endingNote(run, timeoutMs);
  const status = ok
    ? `${KIND_TEXT[kind]} finished successfully (exit code 0) in ${seconds(run.durationMs)}.`
    : `ERROR: ${KIND_TEXT[kind].toLowerCase()} failed (exit code ${run.exitCode ?? 'none'}) after ${seconds(run.durationMs)}.` +
      (note ? ` ${note}` : '');
  const shown = lines.map((l) => (l.length > 500 ? `${l.slice(0, 500)}...` : l)).join('\n');
  const head = `${status}\nLog: ${run.logPath}\nLast ${lines.length} lines of output:\n`;
  return { ok, text: head + capText(shown, Math.max(500, ctx.outputCapChars - head.length)) };
}
