import type { ApiError } from '../api/errors';

/**
 * One configuration problem, complete on its own. Where it came from is one of: a place in a file (file, line,
 * column, 1-based), a command-line flag or argument (`arg`), or neither (a value given through the API).
 */
export interface ConfigError {
  /** The field, dotted as in project.yaml (`goals.target_metric.target_value`); '' for the file as a whole. */
  path: string;
  /** The file as the caller named it (`project.yaml`, `.env`); null when the value did not come from a file. */
  file: string | null;
  line: number | null;
  column: number | null;
  /** The flag or argument that supplied the value (`--max-steps`), when one did. */
  arg: string | null;
  message: string;
  /** YAML syntax errors: the offending line with a caret under the column. */
  excerpt?: string;
}

/** Errors as values: the CLI prints them (one per line) and exits 2; hosts map them with `configErrorsToApiError`. */
export type ConfigResult<T> = { ok: true; value: T } | { ok: false; errors: ConfigError[] };

/** `project.yaml:7:17: goals.target_metric.target_value: expected a number, got "high"` (+ the excerpt). */
export function formatConfigError(error: ConfigError): string {
  let where = '';
  if (error.arg) where = `${error.arg}: `;
  else if (error.file) {
    where = error.line !== null ? `${error.file}:${error.line}:${error.column ?? 1}: ` : `${error.file}: `;
  }
  const field = error.path && !error.arg ? `${error.path}: ` : '';
  const head = `${where}${field}${error.message}`;
  return error.excerpt ? `${head}\n${error.excerpt}` : head;
}

export function formatConfigErrors(errors: readonly ConfigError[]): string {
  return errors.map(formatConfigError).join('\n');
}

/** The API's error shape, for hosts that return config problems over IPC or HTTP. */
export function configErrorsToApiError(errors: readonly ConfigError[]): ApiError {
  const first = errors[0];
  const count = errors.length === 1 ? '1 problem' : `${errors.length} problems`;
  return {
    code: 'invalid_input',
    message: first
      ? `configuration has ${count}: ${formatConfigError(first).split('\n')[0]}`
      : 'invalid configuration',
    issues: errors.map((e) => ({
      path: e.arg ?? e.path,
      message: formatConfigError({ ...e, excerpt: undefined }),
    })),
  };
}

/** The source line under a position, with a caret: what a syntax error shows. */
export function excerptAt(source: string, line: number, column: number): string {
  const lines = source.split(/\r?\n/);
  // A tab is shown as one visible character, so the caret stays under the column.
  const raw = (lines[line - 1] ?? '').replace(/\t/g, '→');
  const shown = raw.length > 100 ? `${raw.slice(0, 97)}...` : raw;
  const gutter = `${line} | `;
  const caretAt = Math.min(Math.max(column - 1, 0), shown.length);
  return `  ${gutter}${shown}\n  ${' '.repeat(gutter.length - 2)}| ${' '.repeat(caretAt)}^`;
}
