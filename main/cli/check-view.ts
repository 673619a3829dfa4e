import type { SetupCheckItem, SetupCheckResult } from '../../engine/api/setup-check';

/**
 * How `mle-beast doctor` and `mle-beast init` print setup.check's list: one line per check (status, label, what
 * was found), the fix indented under each check that is not ok, and a last line that says what to do next.
 * Plain text (no colour), so it reads the same in a terminal, a CI log and a pasted bug report.
 */

const MARK: Record<SetupCheckItem['status'], string> = {
  ok: 'ok',
  warn: 'warn',
  fail: 'FAIL',
  skipped: 'skip',
};

export function formatChecks(checks: readonly SetupCheckItem[]): string {
  const width = Math.max(...checks.map((c) => c.label.length), 0);
  return checks
    .map((c) => {
      const line = `  ${MARK[c.status].padEnd(4)}  ${c.label.padEnd(width)}  ${c.detail}`;
      return c.fix ? `${line}\n        ${' '.repeat(width)}  fix: ${c.fix}` : line;
    })
    .join('\n');
}

/** The last line: all good, or which checks to fix (warnings named, but they do not fail the command). */
export function checksSummary(result: Pick<SetupCheckResult, 'ok' | 'checks'>): string {
  const failed = result.checks.filter((c) => c.status === 'fail');
  const warned = result.checks.filter((c) => c.status === 'warn');
  const warnings = warned.length
    ? ` (${warned.length} warning${warned.length === 1 ? '' : 's'}: ${warned.map((c) => c.label).join(', ')})`
    : '';
  if (failed.length === 0) return `All checks passed${warnings}.`;
  return `${failed.length} check${failed.length === 1 ? '' : 's'} to fix: ${failed.map((c) => c.label).join(', ')}${warnings}. The fix is under each one.`;
}

/**
 * A clear first line when the Docker daemon does not answer, for a script reading stderr: the check list says
 * it too, but among ten lines.
 */
export function dockerDownLine(checks: readonly SetupCheckItem[]): string | null {
  const docker = checks.find((c) => c.id === 'docker');
  if (!docker || docker.status === 'ok' || docker.status === 'skipped') return null;
  return `mle-beast: the Docker daemon does not answer (${docker.detail}). What to do: ${docker.fix ?? 'start Docker.'}`;
}
