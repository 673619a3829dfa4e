/**
 * How a cell's text reads as a value. The agent's code will load the data with pandas, so "missing" means
 * what pandas' read_csv treats as missing by default; otherwise the summary would disagree with what the
 * agent sees.
 */
const MISSING_TOKENS = new Set([
  '',
  '#N/A',
  '#N/A N/A',
  '#NA',
  '-1.#IND',
  '-1.#QNAN',
  '-NaN',
  '-nan',
  '1.#IND',
  '1.#QNAN',
  '<NA>',
  'N/A',
  'NA',
  'NULL',
  'NaN',
  'None',
  'n/a',
  'nan',
  'null',
]);

export function isMissing(value: string): boolean {
  return MISSING_TOKENS.has(value.trim());
}

// Decimal numbers as people and exporters write them: 3, -0.5, .5, 1e-3, +2. Not hex, not "Infinity", not
// "1,000" (a thousands separator is text to pandas as well).
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** The number a cell holds, or null when it is not a plain finite decimal number. */
export function parseNumber(value: string): number | null {
  const text = value.trim();
  if (!NUMBER.test(text)) return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

/** Pairs of values that mean false/true; a column whose values fit one pair is boolean. */
const BOOLEAN_PAIRS: readonly (readonly [string, string])[] = [
  ['false', 'true'],
  ['no', 'yes'],
  ['f', 't'],
  ['n', 'y'],
  ['0', '1'],
];

/** Whether a set of distinct (non-missing) values is one of the boolean pairs, or part of one. */
export function isBooleanSet(values: Iterable<string>): boolean {
  const canonical = new Set<string>();
  for (const value of values) {
    const n = parseNumber(value);
    // 1.0 / 0.0 are how pandas writes a boolean column that went through floats.
    canonical.add(n === 0 ? '0' : n === 1 ? '1' : value.trim().toLowerCase());
  }
  if (canonical.size === 0 || canonical.size > 2) return false;
  return BOOLEAN_PAIRS.some(([no, yes]) => [...canonical].every((v) => v === no || v === yes));
}
