import type { ApiError } from '../api/errors';
import type { DatasetIssue } from './schemas';

/**
 * Dataset problems are values, not exceptions: intake collects every problem it can (all ragged rows, every
 * bad line) so the user fixes them in one go instead of one per attempt.
 */
export type IntakeResult<T> =
  | { ok: true; value: T; warnings: DatasetIssue[] }
  | { ok: false; errors: DatasetIssue[]; warnings: DatasetIssue[] };

/** How many examples a message lists before it says "and N more". */
export const LIST_CAP = 5;

/** `17, 42, 99` or `17, 42, 99, 103, 110 and 12 more`. */
export function cappedList(
  items: readonly (string | number)[],
  total = items.length,
  cap = LIST_CAP,
): string {
  const shown = items.slice(0, cap).map(String).join(', ');
  const more = total - Math.min(cap, items.length);
  return more > 0 ? `${shown} and ${more} more` : shown;
}

export const plural = (n: number, one: string, many = `${one}s`): string =>
  `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** `'a'`: values in messages are quoted so empty strings and spaces stay visible. */
export const quote = (value: string): string => `'${value.length > 60 ? `${value.slice(0, 57)}...` : value}'`;

export function issue(
  severity: DatasetIssue['severity'],
  code: string,
  message: string,
  where: { file?: string; line?: number } = {},
): DatasetIssue {
  return { severity, code, message, ...where };
}

export const error = (code: string, message: string, where?: { file?: string; line?: number }) =>
  issue('error', code, message, where);
export const warning = (code: string, message: string, where?: { file?: string; line?: number }) =>
  issue('warning', code, message, where);

/** `/data/train.csv line 42: ` — the prefix every located message starts with. */
export function at(file: string, line?: number): string {
  return line === undefined ? `${file}: ` : `${file} line ${line}: `;
}

/**
 * Collects occurrences of one kind of problem (e.g. ragged rows) and turns them into a single issue that
 * names the first lines and the total, instead of thousands of issues for one broken export.
 */
export class IssueTally {
  private readonly lines: number[] = [];
  private count = 0;
  private firstDetail = '';

  constructor(
    private readonly severity: DatasetIssue['severity'],
    private readonly code: string,
    private readonly file: string,
  ) {}

  add(line: number, detail = ''): void {
    if (this.count === 0) this.firstDetail = detail;
    this.count += 1;
    if (this.lines.length < LIST_CAP) this.lines.push(line);
  }

  get total(): number {
    return this.count;
  }

  /** `describe(count, lineList, firstDetail)` writes the sentence; null when nothing was added. */
  toIssue(describe: (count: number, lineList: string, firstDetail: string) => string): DatasetIssue | null {
    if (this.count === 0) return null;
    const lineList = `${this.count === 1 ? 'line' : 'lines'} ${cappedList(this.lines, this.count)}`;
    const message = `${this.file} ${lineList}: ${describe(this.count, lineList, this.firstDetail)}`;
    return issue(this.severity, this.code, message, { file: this.file, line: this.lines[0] });
  }
}

export function splitIssues(issues: DatasetIssue[]): { errors: DatasetIssue[]; warnings: DatasetIssue[] } {
  return {
    errors: issues.filter((i) => i.severity === 'error'),
    warnings: issues.filter((i) => i.severity === 'warning'),
  };
}

/** The engine/api shape of a failed intake: the first error as the message, every issue listed. */
/** A warning per file found beside the dataset that is left out of it (`why`: what it is not). */
export const ignoredFileWarnings = (
  files: readonly string[],
  why = 'is not part of the dataset',
): DatasetIssue[] =>
  files.map((f) => warning('ignored_file', `${f} ${why} and is not given to the agent.`, { file: f }));

/** The failed intake result for the issues gathered so far (errors and warnings apart). */
export const failedIntake = <T>(issues: DatasetIssue[]): IntakeResult<T> => ({
  ok: false,
  ...splitIssues(issues),
});

export function intakeErrorToApiError(errors: readonly DatasetIssue[]): ApiError {
  const first = errors[0];
  const more = errors.length > 1 ? ` (and ${plural(errors.length - 1, 'more problem')})` : '';
  return {
    code: 'invalid_input',
    message: first ? `${first.message}${more}` : 'the dataset could not be read',
    issues: errors.map((e) => ({
      path: e.file ? (e.line ? `${e.file}:${e.line}` : e.file) : 'dataset',
      message: e.message,
    })),
  };
}
