import { z } from 'zod';
import type { ParsedToolCall } from '../llm/tools';
import { ToolError, effectiveTimeoutMs, type ToolContext, type ToolOutcome } from './context';
import { downloadUrlTool } from './download';
import { createDirectoryTool, editFileTool, listFilesTool, readFileTool, writeFileTool } from './files';
import { launchTool } from './launch';
import { runTestsTool } from './pytest';
import {
  TOOL_DEFAULT_TIMEOUTS,
  TOOL_SPECS,
  type CreateDirectoryArgs,
  type DownloadUrlArgs,
  type EditFileArgs,
  type LaunchEvaluateArgs,
  type LaunchTrainingArgs,
  type ListFilesArgs,
  type MarkCompleteArgs,
  type ReadFileArgs,
  type RunPythonFileArgs,
  type RunShellCommandArgs,
  type RunTestsArgs,
  type ToolName,
  type WriteFileArgs,
} from './schemas';
import { runPythonFileTool, runShellCommandTool } from './shell';

type Result = { ok: boolean; text: string; complete?: { summary: string } };

/**
 * Runs one validated tool call. Never throws: every failure becomes text for the model starting with
 * `ERROR: ` (a command that ran and exited non-zero is a result, with ok false and its exit code).
 */
export async function executeTool(call: ParsedToolCall, ctx: ToolContext): Promise<ToolOutcome> {
  const started = performance.now();
  const done = (r: Result): ToolOutcome => ({ ...r, durationMs: Math.round(performance.now() - started) });
  if (!Object.hasOwn(TOOL_SPECS, call.name)) {
    return done({ ok: false, text: `ERROR: Unknown tool: ${call.name}` });
  }
  if (ctx.signal.aborted) return done({ ok: false, text: 'ERROR: cancelled before the tool ran' });
  const name = call.name as ToolName;
  try {
    // The arguments were validated against the role's schema; parse again here so defaults and coercions hold
    // for callers that did not (a schema's output parses to itself).
    const parsed = TOOL_SPECS[name].args.safeParse(call.args);
    if (!parsed.success) {
      return done({ ok: false, text: `ERROR: ${name}: invalid arguments: ${z.prettifyError(parsed.error)}` });
    }
    return done(await dispatch(name, parsed.data as Record<string, unknown>, ctx));
  } catch (error) {
    if (error instanceof ToolError) return done({ ok: false, text: `ERROR: ${error.message}` });
    const message = error instanceof Error ? error.message : String(error);
    return done({ ok: false, text: `ERROR executing ${name}: ${message}` });
  }
}

async function dispatch(name: ToolName, raw: Record<string, unknown>, ctx: ToolContext): Promise<Result> {
  const t = ctx.timeouts;
  switch (name) {
    case 'write_file':
      return { ok: true, text: writeFileTool(ctx, raw as WriteFileArgs) };
    case 'read_file':
      return { ok: true, text: readFileTool(ctx, raw as ReadFileArgs) };
    case 'edit_file':
      return { ok: true, text: editFileTool(ctx, raw as EditFileArgs) };
    case 'list_files':
      return { ok: true, text: listFilesTool(ctx, raw as ListFilesArgs) };
    case 'create_directory':
      return { ok: true, text: createDirectoryTool(ctx, raw as CreateDirectoryArgs) };
    case 'run_shell_command': {
      const a = raw as RunShellCommandArgs;
      const ms = effectiveTimeoutMs(a.timeout, TOOL_DEFAULT_TIMEOUTS.run_shell_command, t.shellMs);
      return runShellCommandTool(ctx, a.command, ms);
    }
    case 'run_python_file': {
      const a = raw as RunPythonFileArgs;
      const ms = effectiveTimeoutMs(a.timeout, TOOL_DEFAULT_TIMEOUTS.run_python_file, t.pythonMs);
      return runPythonFileTool(ctx, a.file_path, a.args, ms);
    }
    case 'run_tests': {
      const a = raw as RunTestsArgs;
      const ms = effectiveTimeoutMs(a.timeout, TOOL_DEFAULT_TIMEOUTS.run_tests, t.testsMs);
      return runTestsTool(ctx, { testFile: a.test_file, verbose: a.verbose, timeoutMs: ms });
    }
    case 'launch_training': {
      const a = raw as LaunchTrainingArgs;
      const ms = effectiveTimeoutMs(a.timeout, TOOL_DEFAULT_TIMEOUTS.launch_training, t.trainingMs);
      return launchTool(ctx, 'training', a, ms);
    }
    case 'launch_evaluate': {
      const a = raw as LaunchEvaluateArgs;
      const ms = effectiveTimeoutMs(a.timeout, TOOL_DEFAULT_TIMEOUTS.launch_evaluate, t.evaluateMs);
      return launchTool(ctx, 'evaluate', a, ms);
    }
    case 'download_url':
      return { ok: true, text: await downloadUrlTool(ctx, raw as DownloadUrlArgs) };
    case 'mark_complete': {
      const a = raw as MarkCompleteArgs;
      return { ok: true, text: 'Marked complete.', complete: { summary: a.summary } };
    }
  }
}
