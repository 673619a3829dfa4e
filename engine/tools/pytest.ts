import type { ToolContext } from './context';
import { capText, seconds } from './output';
import { displayPath, resolveModelPath, sandboxPathOf } from './paths';
import { logStreams, pythonEnv, RAW_OUTPUT_CAP_BYTES } from './shell';
import { ToolError } from './context';

export interface PytestCounts {
  passed: number;
  failed: number;
  errors: number;
  skipped: number;
  /** passed + failed + errors + skipped. */
  total: number;
}

const WORDS = 'passed|failed|errors?|skipped|xfailed|xpassed|deselected|warnings?|rerun';
const COUNT = new RegExp(`(\\d+) (${WORDS})\\b`, 'g');
/** "=== 1 failed, 2 passed, 1 warning in 0.12s (0:00:00) ===", "3 passed", "no tests ran in 0.01s". */
const SUMMARY_LINE = new RegExp(
  `^=*\\s*(?:\\d+ (?:${WORDS})(?:, \\d+ (?:${WORDS}))*|no tests ran)(?: in [\\d.]+s\\b.*?)?\\s*=*$`,
);

/**
 * The counts in pytest's final summary line ("1 failed, 2 passed, 1 error in 2.0s", "no tests ran in 0.01s",
 * with or without the ===== frame), or null when the text has none (pytest crashed or was killed).
 */
export function parsePytestSummary(text: string): PytestCounts | null {
  const lines = text.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = (lines[i] ?? '').trim();
    if (!SUMMARY_LINE.test(line)) continue;
    const counts = { passed: 0, failed: 0, errors: 0, skipped: 0, total: 0 };
    let found = /no tests ran/.test(line);
    for (const m of line.matchAll(COUNT)) {
      const n = Number(m[1]);
      const word = m[2]!;
      found = true;
      if (word === 'passed') counts.passed += n;
      else if (word === 'failed') counts.failed += n;
      else if (word === 'error' || word === 'errors') counts.errors += n;
      else if (word === 'skipped') counts.skipped += n;
    }
    if (!found) continue;
    counts.total = counts.passed + counts.failed + counts.errors + counts.skipped;
    return counts;
  }
  return null;
}

/**
 * The import errors in pytest's output, as Python raised them ("ModuleNotFoundError: No module named
 * 'pandas'"), in order, without duplicates: the real cause behind "error collecting tests/test_smoke.py"
 * ("ImportError while importing test module"), which is what an explanation of the failure must quote.
 */
export function parseImportErrors(text: string): string[] {
  const found: string[] = [];
  for (const raw of text.split('\n')) {
    const m = /^(?:E\s+)?((?:ModuleNotFoundError|ImportError): .+)$/.exec(raw.trim());
    if (m && !found.includes(m[1]!)) found.push(m[1]!);
  }
  return found;
}

/** The ids pytest's short summary (-rA) lists as FAILED or ERROR, in order, without duplicates. */
export function parseFailedIds(text: string): string[] {
  const ids: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^(?:FAILED|ERROR) (\S+)(?: - .*)?$/.exec(line.trim());
    if (m && !ids.includes(m[1]!)) ids.push(m[1]!);
  }
  return ids;
}

export interface TestRun {
  /** All zeros when pytest printed no summary (it crashed, timed out or was cancelled): see summaryFound. */
  counts: PytestCounts;
  summaryFound: boolean;
  failedIds: string[];
  /** stdout then stderr (each capped at 512 KB, head and tail). */
  output: string;
  exitCode: number | null;
  timedOut: boolean;
  cancelled: boolean;
  durationMs: number;
}

/** Runs pytest in the sandbox: `python3 -m pytest -q -rA --tb=short [-v] <tests/ or the file>`. */
export async function runTests(
  ctx: ToolContext,
  options: { testFile?: string; timeoutMs: number; verbose?: boolean },
): Promise<TestRun> {
  let target = 'tests/';
  if (options.testFile && options.testFile.trim() !== '') {
    const p = resolveModelPath(ctx, options.testFile);
    if (p.area !== 'workspace') throw new ToolError(`${options.testFile} is not in the workspace`);
    target = sandboxPathOf(ctx, p);
  }
  const argv = ['python3', '-m', 'pytest', '-q', '-rA', '--tb=short', '-p', 'no:cacheprovider'];
  if (options.verbose) argv.push('-v');
  argv.push(target);
  const log = logStreams(ctx, 'tests');
  const result = await ctx.sandbox
    .exec({
      argv,
      env: pythonEnv(ctx),
      timeoutMs: options.timeoutMs,
      signal: ctx.signal,
      onOutput: log.onOutput,
      outputCapBytes: RAW_OUTPUT_CAP_BYTES,
    })
    .finally(log.flush);
  const output = result.stderr.trim() ? `${result.stdout}\n${result.stderr}` : result.stdout;
  const counts = parsePytestSummary(result.stdout);
  return {
    counts: counts ?? { passed: 0, failed: 0, errors: 0, skipped: 0, total: 0 },
    summaryFound: counts !== null,
    failedIds: parseFailedIds(result.stdout),
    output,
    exitCode: result.exitCode,
    timedOut: result.timedOut,
    cancelled: result.cancelled,
    durationMs: result.durationMs,
  };
}

export function describeCounts(c: PytestCounts): string {
  const parts = [`${c.passed} passed`, `${c.failed} failed`, `${c.errors} errors`, `${c.skipped} skipped`];
  return `${parts.join(', ')} (${c.total} total)`;
}

/** The run_tests tool: the summary first, then the output (cut to the budget). */
export async function runTestsTool(
  ctx: ToolContext,
  args: { testFile: string; verbose: boolean; timeoutMs: number },
): Promise<{ ok: boolean; text: string }> {
  const run = await runTests(ctx, args);
  const head: string[] = [];
  const what = args.testFile ? displayPath(ctx, resolveModelPath(ctx, args.testFile)) : 'tests/';
  if (run.cancelled) head.push(`Tests on ${what} were cancelled.`);
  else if (run.timedOut)
    head.push(`Tests on ${what} timed out after ${seconds(args.timeoutMs)} and were killed.`);
  else if (run.exitCode === 0) head.push('All tests passed!');
  else if (run.exitCode === 5)
    head.push('No tests were collected (name files test_*.py with test_* functions).');
  else head.push(`Tests FAILED (exit code ${run.exitCode ?? 'none'}).`);
  if (run.summaryFound) head.push(`Summary: ${describeCounts(run.counts)}`);
  if (run.failedIds.length > 0) head.push(`Failing: ${run.failedIds.slice(0, 20).join(', ')}`);
  const imports = parseImportErrors(run.output);
  if (imports.length > 0) head.push(`Import errors: ${imports.slice(0, 5).join('; ')}`);
  const body = capText(run.output.trim(), Math.max(500, ctx.outputCapChars - head.join('\n').length));
  return { ok: run.exitCode === 0, text: `${head.join('\n')}\n\nOutput:\n${body}` };
}
