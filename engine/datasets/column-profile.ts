import type { ColumnSummary, ColumnType } from './schemas';
import { isBooleanSet, isMissing, parseNumber } from './values';

/** Distinct values tracked per column; past it the count says "more than". */
export const DISTINCT_CAP = 1000;

/**
 * Everything the summary says about one column, gathered value by value in one streaming pass: missing
 * counts, whether every value is a number, distinct values (up to a cap), lengths for text detection.
 */
export class ColumnProfile {
  missing = 0;
  present = 0;
  numericCount = 0;
  integerCount = 0;
  readonly distinct = new Map<string, number>();
  distinctCapped = false;
  /** The first value that is not a number, and its line: "numeric except 'unknown' on line 17". */
  firstNonNumeric: { value: string; file: string; line: number } | null = null;
  private count = 0;
  private mean = 0;
  private m2 = 0;
  private min = Infinity;
  private max = -Infinity;
  private chars = 0;
  private words = 0;

  constructor(readonly name: string) {}

  add(value: string, file: string, line: number): void {
    if (isMissing(value)) {
      this.missing += 1;
      return;
    }
    this.present += 1;
    this.chars += value.length;
    this.words += countWords(value);
    const seen = this.distinct.get(value);
    if (seen !== undefined) this.distinct.set(value, seen + 1);
    else if (this.distinct.size < DISTINCT_CAP) this.distinct.set(value, 1);
    else this.distinctCapped = true;
    const n = parseNumber(value);
    if (n === null) {
      this.firstNonNumeric ??= { value, file, line };
      return;
    }
    this.numericCount += 1;
    if (Number.isInteger(n)) this.integerCount += 1;
    // Welford: a stable mean and variance in one pass.
    this.count += 1;
    const delta = n - this.mean;
    this.mean += delta / this.count;
    this.m2 += delta * (n - this.mean);
    if (n < this.min) this.min = n;
    if (n > this.max) this.max = n;
  }

  get allNumeric(): boolean {
    return this.present > 0 && this.numericCount === this.present;
  }

  get allInteger(): boolean {
    return this.allNumeric && this.integerCount === this.present;
  }

  get type(): ColumnType {
    if (this.present === 0) return 'categorical';
    if (!this.distinctCapped && isBooleanSet(this.distinct.keys())) return 'boolean';
    if (this.allNumeric) return 'numeric';
    const meanChars = this.chars / this.present;
    const meanWords = this.words / this.present;
    const distinctShare = this.distinctCapped ? 1 : this.distinct.size / this.present;
    // Free text: long values, or several words that rarely repeat. Short repeated strings are categories.
    if (meanChars >= 40 || (meanWords >= 3 && distinctShare > 0.5)) return 'text';
    return 'categorical';
  }

  summary(isLabel: boolean): ColumnSummary {
    const type = this.type;
    const summary: ColumnSummary = {
      name: this.name,
      type,
      missing: this.missing,
      distinct: this.distinct.size,
      distinctCapped: this.distinctCapped,
      isLabel,
    };
    if (type === 'numeric' && this.count > 0) {
      summary.numeric = {
        min: this.min,
        max: this.max,
        mean: this.mean,
        std: this.count > 1 ? Math.sqrt(this.m2 / (this.count - 1)) : 0,
      };
    }
    if (type === 'categorical' || type === 'boolean') {
      summary.top = [...this.distinct.entries()]
        .sort((a, b) => b[1] - a[1] || compareText(a[0], b[0]))
        .slice(0, 5)
        .map(([value, count]) => ({ value, count }));
    }
    return summary;
  }
}

function countWords(value: string): number {
  let words = 0;
  let inWord = false;
  for (let i = 0; i < value.length; i += 1) {
    const space = value.charCodeAt(i) <= 32;
    if (!space && !inWord) words += 1;
    inWord = !space;
  }
  return words;
}

/** Code-point order: the same on every machine, unlike localeCompare. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
