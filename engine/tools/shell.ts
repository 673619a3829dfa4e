import fs from 'node:fs';
import { hasOwnFilesystem, type ExecRequest } from '../sandbox';
import { blockMessage, checkPythonFile, checkShellCommand, recordBlock } from '../../policy';
import type { CheckContext, PolicyVerdict } from '../../policy';
import type { ExecResult } from '../sandbox/types';
import { splitArgs } from './args';
import { ToolError, type LogSource, type ToolContext } from './context';
import { LineSplitter, seconds, splitBudget } from './output';
import { displayPath, hostPathOf, readablePath, sandboxPathOf } from './paths';
import type { OutputStream } from '../api/vocabulary';

/** Raw output kept per stream (head and tail) before it is cut down for the model. */
export const RAW_OUTPUT_CAP_BYTES = 512 * 1024;

/**
 * The policy's view of the sandbox: the workspace as commands see it, how to read their files here, the private
 * temp folder (private in a container and under bubblewrap), the app's data folder that is off limits, and the
 * visible data that may be read even where it lies inside that folder.
 */
export function policyContext(ctx: ToolContext): CheckContext {
  return {
    workspaceDir: ctx.sandbox.paths.workspace,
    hostPathOf: (p: string) => hostPathOf(ctx, p),
    // A sandbox with its own view of the filesystem (Docker, bubblewrap) has a private /tmp.
    ...(hasOwnFilesystem(ctx.sandbox) ? { tempDir: '/tmp' } : {}),
    ...(ctx.privateDirs ? { privateDirs: ctx.privateDirs } : {}),
    readableDirs: ctx.sandbox.paths.data ? [ctx.sandbox.paths.data] : [],
  };
}

/** Records a block in <workspace>/logs/safety.log and returns the message for the model. */
export function refuse(ctx: ToolContext, verdict: PolicyVerdict, subject: string): string {
  let note = '';
  try {
    recordBlock(ctx.workspaceDir, verdict, subject);
  } catch (error) {
    note = ` (the safety log was not written: ${(error as Error).message})`;
  }
  return blockMessage(verdict) + note;
}

/** The environment every Python the tools start gets. */
export function pythonEnv(ctx: ToolContext): Record<string, string> {
  return { PYTHONPATH: ctx.sandbox.paths.workspace, MPLBACKEND: 'Agg', PYTHONUNBUFFERED: '1' };
}

/**
 * Streams a command's output to the run's log of it (ctx.openLog: the whole output to a file, whole lines as
 * bounded events), or line by line to ctx.onLog. `onLine` also sees each line. Call flush() when it ends,
 * however it ends (it closes the log).
 */
export function logStreams(
  ctx: ToolContext,
  source: LogSource,
  onLine?: (stream: OutputStream, line: string) => void,
) {
  const log = ctx.openLog?.(source) ?? null;
  const make = (stream: OutputStream) =>
    new LineSplitter((line) => {
      onLine?.(stream, line);
      if (log) log.line(stream, line);
      else ctx.onLog?.(source, stream, line);
    });
  const splitters = { stdout: make('stdout'), stderr: make('stderr') };
  let flushed = false;
  return {
    onOutput: (stream: OutputStream, chunk: string) => {
      log?.chunk(stream, chunk);
      splitters[stream].push(chunk);
    },
    flush: () => {
      if (flushed) return;
      flushed = true;
      splitters.stdout.flush();
      splitters.stderr.flush();
      log?.close();
    },
  };
}

/** `Output:/Errors:/Exit code:` text, cut to the context's budget, with how the command ended. */
export function formatExec(ctx: ToolContext, result: ExecResult, timeoutMs: number): string {
  const [out, err] = splitBudget(result.stdout.trimEnd(), result.stderr.trimEnd(), ctx.outputCapChars);
  const lines = [`Output:\n${out}`, `Errors:\n${err}`, `Exit code: ${result.exitCode ?? 'none'}`];
  const ending = endingNote(result, timeoutMs);
  if (ending) lines.push(ending);
  return lines.join('\n');
}

export function endingNote(
  result: Pick<ExecResult, 'cancelled' | 'timedOut' | 'oomKilled'>,
  timeoutMs: number,
): string | null {
  if (result.cancelled) return 'cancelled: the command was stopped.';
  if (result.timedOut)
    return `timed out after ${seconds(timeoutMs)}: the command and its processes were killed.`;
  if (result.oomKilled) return 'killed: out of memory (use less memory: smaller batches or a smaller model).';
  return null;
}

export async function runShellCommandTool(
  ctx: ToolContext,
  command: string,
  timeoutMs: number,
): Promise<{ ok: boolean; text: string }> {
  const verdict = await checkShellCommand(ctx.policy, command, policyContext(ctx));
  if (!verdict.allowed) return { ok: false, text: refuse(ctx, verdict, command) };
  return execForModel(ctx, { shell: command, env: { MPLBACKEND: 'Agg' } }, timeoutMs);
}

/** Runs a command of the model's in the sandbox, its output streamed as log events, the result as text. */
async function execForModel(
  ctx: ToolContext,
  request: Pick<ExecRequest, 'shell' | 'argv' | 'env'>,
  timeoutMs: number,
): Promise<{ ok: boolean; text: string }> {
  const log = logStreams(ctx, 'tool');
  const result = await ctx.sandbox
    .exec({
      ...request,
      timeoutMs,
      signal: ctx.signal,
      onOutput: log.onOutput,
      outputCapBytes: RAW_OUTPUT_CAP_BYTES,
    })
    .finally(log.flush);
  return { ok: result.exitCode === 0, text: formatExec(ctx, result, timeoutMs) };
}

/** Checks a Python file to run: it exists, lies in the workspace or data folder, and passes the policy. */
export async function screenPythonFile(
  ctx: ToolContext,
  filePath: string,
): Promise<{ sandboxPath: string; shown: string } | { blocked: string }> {
  const { real, path: p } = readablePath(ctx, filePath);
  const shown = displayPath(ctx, p);
  if (!fs.statSync(real).isFile()) throw new ToolError(`${shown} is not a file`);
  const verdict = await checkPythonFile(ctx.policy, real, policyContext(ctx));
  if (!verdict.allowed) {
    const named = { ...verdict, reason: verdict.reason?.split(real).join(shown) ?? null };
    return { blocked: refuse(ctx, named, shown) };
  }
  return { sandboxPath: sandboxPathOf(ctx, p), shown };
}

export async function runPythonFileTool(
  ctx: ToolContext,
  filePath: string,
  argsText: string,
  timeoutMs: number,
): Promise<{ ok: boolean; text: string }> {
  const args = await splitArgs(argsText);
  const screened = await screenPythonFile(ctx, filePath);
  if ('blocked' in screened) return { ok: false, text: screened.blocked };
  return execForModel(
    ctx,
    { argv: ['python3', screened.sandboxPath, ...args], env: pythonEnv(ctx) },
    timeoutMs,
  );
}
