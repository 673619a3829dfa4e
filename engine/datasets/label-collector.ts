import { compareText } from './column-profile';
import { cappedList, plural, quote, warning } from './issues';
import type { ClassCount, DatasetIssue, TargetStats, TaskType } from './schemas';
import { parseNumber } from './values';

/** Beyond this many distinct label values the column is not a set of classes (and memory stays bounded). */
export const MAX_CLASSES = 100_000;
/** An integer label with at most this many distinct values is read as classes, above it as a quantity. */
export const MAX_INTEGER_CLASSES = 20;

/**
 * The label of every example, in order, in a compact array of class codes: enough to infer the task, stratify
 * the split and route each row, without keeping the rows. A label's number is parsed once per distinct value;
 * only a label with more distinct values than MAX_CLASSES (a continuous target) keeps one number per example.
 */
export class LabelCollector {
  readonly classNames: string[] = [];
  readonly classCounts: number[] = [];
  private readonly classIndex = new Map<string, number>();
  /** The number each class name is, NaN when it is none. */
  private readonly classValues: number[] = [];
  /** Where each class name was first seen. */
  private readonly classFirst: { file: string; line: number }[] = [];
  private codes = new Int32Array(1024);
  /** Per example, only once codes ran out (overflow). */
  private values: Float64Array | null = null;
  private n = 0;
  private numericCount = 0;
  private integerCount = 0;
  /** More distinct values than MAX_CLASSES: codes are no longer assigned (-1). */
  overflow = false;
  firstNonNumeric: { value: string; file: string; line: number } | null = null;

  get size(): number {
    return this.n;
  }

  add(label: string, file: string, line: number): void {
    if (this.n === this.codes.length) this.grow();
    let code = this.classIndex.get(label);
    if (code === undefined && !this.overflow) {
      if (this.classNames.length >= MAX_CLASSES) this.startOverflow();
      else {
        code = this.classNames.length;
        this.classIndex.set(label, code);
        this.classNames.push(label);
        this.classCounts.push(0);
        this.classValues.push(parseNumber(label) ?? Number.NaN);
        this.classFirst.push({ file, line });
      }
    }
    let value: number;
    if (code !== undefined) {
      this.classCounts[code] = (this.classCounts[code] ?? 0) + 1;
      value = this.classValues[code] as number;
    } else value = parseNumber(label) ?? Number.NaN;
    this.codes[this.n] = code ?? -1;
    if (this.values) this.values[this.n] = value;
    if (Number.isNaN(value)) this.firstNonNumeric ??= { value: label, file, line };
    else {
      this.numericCount += 1;
      if (Number.isInteger(value)) this.integerCount += 1;
    }
    this.n += 1;
  }

  /**
   * Merges the spellings of one number ('1', '1.0', '01') into one class, when every label is a number: pandas
   * reads such a column as numbers, so to the agent's code they are one value, and two classes here would
   * score a right answer as wrong. Each group keeps its most frequent spelling (the first seen on a tie).
   * Call once, after the last `add`; text labels (some value not a number) are left as written, as pandas
   * leaves them. Returns what was merged, for `spellingWarnings`.
   */
  mergeNumericSpellings(): SpellingMerge[] {
    if (this.overflow || !this.allNumeric) return [];
    const canonicalOf = numericSpellingGroups(this.classNames, this.classCounts);
    if (!canonicalOf) return [];
    const merges = new Map<number, SpellingMerge>();
    const newCode = new Int32Array(this.classNames.length);
    const kept: number[] = [];
    canonicalOf.forEach((canonical, code) => {
      if (canonical === code) {
        newCode[code] = kept.length;
        kept.push(code);
      }
    });
    canonicalOf.forEach((canonical, code) => {
      newCode[code] = newCode[canonical] as number;
      if (canonical === code) return;
      let merge = merges.get(canonical);
      if (!merge) {
        merge = { canonical: this.classNames[canonical] as string, others: [] };
        merges.set(canonical, merge);
      }
      merge.others.push({
        label: this.classNames[code] as string,
        count: this.classCounts[code] as number,
        ...(this.classFirst[code] as { file: string; line: number }),
      });
    });
    const merged = new Float64Array(kept.length);
    this.classCounts.forEach((count, code) => {
      const at = newCode[code] as number;
      merged[at] = (merged[at] as number) + count;
    });
    const counts = Array.from(merged);
    const pick = <T>(values: T[]) => kept.map((code) => values[code] as T);
    const names = pick(this.classNames);
    const values = pick(this.classValues);
    const first = pick(this.classFirst);
    for (const [label, code] of this.classIndex) this.classIndex.set(label, newCode[code] as number);
    this.classNames.splice(0, Infinity, ...names);
    this.classCounts.splice(0, Infinity, ...counts);
    this.classValues.splice(0, Infinity, ...values);
    this.classFirst.splice(0, Infinity, ...first);
    for (let i = 0; i < this.n; i += 1) this.codes[i] = newCode[this.codes[i] as number] as number;
    return [...merges.values()];
  }

  /** The class name a label is counted under (its merged spelling); the label itself when it is no class. */
  canonical(label: string): string {
    const code = this.classIndex.get(label);
    return code === undefined ? label : (this.classNames[code] as string);
  }

  /** Class code per example (classification). */
  classCodes(): Int32Array {
    return this.codes.subarray(0, this.n);
  }

  /** Numeric value per example (regression); NaN where the label is not a number. */
  numericValues(): Float64Array {
    if (this.values) return this.values.subarray(0, this.n);
    return Float64Array.from(this.codes.subarray(0, this.n), (code) => this.classValues[code] as number);
  }

  get allNumeric(): boolean {
    return this.n > 0 && this.numericCount === this.n;
  }

  get allInteger(): boolean {
    return this.allNumeric && this.integerCount === this.n;
  }

  private startOverflow(): void {
    this.overflow = true;
    this.values = new Float64Array(this.codes.length);
    for (let i = 0; i < this.n; i += 1) this.values[i] = this.classValues[this.codes[i] as number] as number;
  }

  private grow(): void {
    const codes = new Int32Array(this.codes.length * 2);
    codes.set(this.codes);
    this.codes = codes;
    if (this.values) {
      const values = new Float64Array(this.values.length * 2);
      values.set(this.values);
      this.values = values;
    }
  }
}

export interface SpellingMerge {
  canonical: string;
  others: { label: string; count: number; file: string; line: number }[];
}

/**
 * For each name, the index of the name it merges into: names that are the same number, when every name is a
 * number (the rule pandas applies to a column). The most frequent spelling of a group wins, the first listed on
 * a tie. Null when nothing merges. Shared by intake and scoring, so both count the same classes.
 */
export function numericSpellingGroups(
  names: readonly string[],
  counts?: readonly number[],
): Int32Array | null {
  const values = names.map((n) => parseNumber(n));
  if (values.some((v) => v === null)) return null;
  const winner = new Map<number, number>();
  let merged = false;
  values.forEach((value, i) => {
    // -0 and 0 are one key of a Map already (SameValueZero).
    const best = winner.get(value as number);
    if (best === undefined) winner.set(value as number, i);
    else {
      merged = true;
      if ((counts?.[i] ?? 0) > (counts?.[best] ?? 0)) winner.set(value as number, i);
    }
  });
  if (!merged) return null;
  return Int32Array.from(values, (value) => winner.get(value as number) as number);
}

/** The warning that says which spellings were merged, with where each was first seen. */
export function spellingWarnings(merges: readonly SpellingMerge[], labelName: string): DatasetIssue[] {
  if (merges.length === 0) return [];
  const parts = merges.flatMap((m) =>
    m.others.map(
      (o) =>
        `${quote(o.label)} (${plural(o.count, 'row')}, first at ${o.file} line ${o.line}) is the class ${quote(m.canonical)}`,
    ),
  );
  const first = merges[0]?.others[0];
  return [
    warning(
      'label_spellings_merged',
      `the label ${quote(labelName)} writes one number in several ways: ${cappedList(parts, parts.length)}. pandas reads them as one value, so they are one class here too, and a prediction may use either spelling.`,
      first ? { file: first.file, line: first.line } : undefined,
    ),
  ];
}

export interface TaskDecision {
  type: TaskType;
  inferred: boolean;
  reason: string;
}

/**
 * Classification or regression, and why, in words the user can check: text labels are classes; a numeric label
 * with few integer values is classes; a numeric label with fractions or many values is a quantity.
 */
export function decideTask(
  labels: LabelCollector,
  labelName: string,
  forced: TaskType | undefined,
): { ok: true; task: TaskDecision } | { ok: false; message: string; file?: string; line?: number } {
  const distinct = labels.overflow
    ? `more than ${MAX_CLASSES.toLocaleString('en-US')}`
    : labels.classNames.length.toLocaleString('en-US');
  if (forced === 'regression') {
    if (!labels.allNumeric) {
      const bad = labels.firstNonNumeric;
      return {
        ok: false,
        message: `${bad ? `${bad.file} line ${bad.line}: ` : ''}the task is set to regression, but the label ${quote(labelName)} is not numeric: ${quote(bad?.value ?? '')} is not a number. Fix the value or drop the regression setting.`,
        file: bad?.file,
        line: bad?.line,
      };
    }
    return { ok: true, task: { type: 'regression', inferred: false, reason: 'set for this run' } };
  }
  if (forced === 'classification') {
    if (labels.overflow) {
      return {
        ok: false,
        message: `the task is set to classification, but the label ${quote(labelName)} has ${distinct} distinct values: too many to be classes.`,
      };
    }
    return { ok: true, task: { type: 'classification', inferred: false, reason: 'set for this run' } };
  }
  const count = labels.classNames.length;
  if (!labels.allNumeric) {
    if (labels.overflow) {
      return {
        ok: false,
        message: `the label ${quote(labelName)} has ${distinct} distinct values and they are not numbers, so it is neither a set of classes nor a quantity: check that it is the right column.`,
      };
    }
    const examples = cappedList(labels.classNames.slice(0, 3).map(quote), count, 3);
    return {
      ok: true,
      task: { type: 'classification', inferred: true, reason: `label values are not numbers (${examples})` },
    };
  }
  if (count <= 2) {
    return {
      ok: true,
      task: {
        type: 'classification',
        inferred: true,
        reason: `numeric label with only ${plural(count, 'distinct value')}`,
      },
    };
  }
  if (!labels.allInteger) {
    return {
      ok: true,
      task: {
        type: 'regression',
        inferred: true,
        reason: `numeric label with ${distinct} distinct values, including non-integers`,
      },
    };
  }
  if (count <= MAX_INTEGER_CLASSES) {
    return {
      ok: true,
      task: {
        type: 'classification',
        inferred: true,
        reason: `integer label with ${count} distinct values (at most ${MAX_INTEGER_CLASSES} are read as classes)`,
      },
    };
  }
  return {
    ok: true,
    task: {
      type: 'regression',
      inferred: true,
      reason: `integer label with ${distinct} distinct values (more than ${MAX_INTEGER_CLASSES})`,
    },
  };
}

/** Classes, sorted the way scoring and the manifest list them: numbers by value, otherwise by code point. */
export function sortClasses(names: readonly string[]): string[] {
  const numbers = names.map((n) => parseNumber(n));
  if (numbers.every((n) => n !== null)) {
    return names
      .map((name, i) => ({ name, n: numbers[i] as number }))
      .sort((a, b) => a.n - b.n || compareText(a.name, b.name))
      .map((e) => e.name);
  }
  return [...names].sort(compareText);
}

export function classCounts(labels: LabelCollector): ClassCount[] {
  return labels.classNames
    .map((label, i) => ({ label, count: labels.classCounts[i] ?? 0 }))
    .sort((a, b) => b.count - a.count || compareText(a.label, b.label));
}

/** Distribution of a numeric target; quantiles interpolate linearly, as numpy and pandas do by default. */
export function targetStats(values: Float64Array): TargetStats {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  let mean = 0;
  let m2 = 0;
  for (let i = 0; i < n; i += 1) {
    const v = sorted[i] as number;
    const delta = v - mean;
    mean += delta / (i + 1);
    m2 += delta * (v - mean);
  }
  const quantile = (q: number): number => {
    if (n === 0) return Number.NaN;
    const pos = (n - 1) * q;
    const lo = Math.floor(pos);
    const hi = Math.ceil(pos);
    const a = sorted[lo] as number;
    const b = sorted[hi] as number;
    return a + (b - a) * (pos - lo);
  };
  return {
    count: n,
    min: n ? (sorted[0] as number) : Number.NaN,
    max: n ? (sorted[n - 1] as number) : Number.NaN,
    mean,
    std: n > 1 ? Math.sqrt(m2 / (n - 1)) : 0,
    p25: quantile(0.25),
    median: quantile(0.5),
    p75: quantile(0.75),
  };
}
