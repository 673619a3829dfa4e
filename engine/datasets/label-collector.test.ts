import { describe, expect, it } from 'vitest';
import {
  classCounts,
  decideTask,
  LabelCollector,
  MAX_CLASSES,
  MAX_INTEGER_CLASSES,
  sortClasses,
  targetStats,
} from './label-collector';

function collect(values: string[]): LabelCollector {
  const labels = new LabelCollector();
  values.forEach((v, i) => labels.add(v, 'train.csv', i + 2));
  return labels;
}

describe('decideTask', () => {
  it('text labels are classes', () => {
    const d = decideTask(collect(['cat', 'dog', 'cat']), 'y', undefined);
    expect(d).toEqual({
      ok: true,
      task: { type: 'classification', inferred: true, reason: "label values are not numbers ('cat', 'dog')" },
    });
  });

  it('two numeric values are classes', () => {
    const d = decideTask(collect(['0', '1', '1', '0.0']), 'y', undefined);
    expect(d.ok && d.task.type).toBe('classification');
  });

  it('a few integers are classes; many integers are a quantity', () => {
    const few = collect(Array.from({ length: 100 }, (_, i) => String(i % 7)));
    const fewDecision = decideTask(few, 'y', undefined);
    expect(fewDecision.ok && fewDecision.task).toMatchObject({
      type: 'classification',
      reason: 'integer label with 7 distinct values (at most 20 are read as classes)',
    });
    const many = collect(Array.from({ length: 100 }, (_, i) => String(i % (MAX_INTEGER_CLASSES + 1))));
    const manyDecision = decideTask(many, 'y', undefined);
    expect(manyDecision.ok && manyDecision.task).toMatchObject({
      type: 'regression',
      reason: 'integer label with 21 distinct values (more than 20)',
    });
  });

  it('fractions are a quantity', () => {
    const d = decideTask(collect(['1.5', '2.25', '3']), 'price', undefined);
    expect(d.ok && d.task).toMatchObject({
      type: 'regression',
      reason: 'numeric label with 3 distinct values, including non-integers',
    });
  });

  it('a forced regression on text labels fails with file and line', () => {
    const d = decideTask(collect(['1', '2', 'high']), 'y', 'regression');
    expect(d.ok).toBe(false);
    if (!d.ok) {
      expect(d.message).toContain('train.csv line 4');
      expect(d.message).toContain("'high' is not a number");
      expect(d.line).toBe(4);
    }
  });

  it('a forced choice wins and is not marked inferred', () => {
    const d = decideTask(collect(['1.5', '2.5']), 'y', 'classification');
    expect(d.ok && d.task).toEqual({ type: 'classification', inferred: false, reason: 'set for this run' });
  });
});

describe('label helpers', () => {
  it('sorts numeric classes by value and others by code point', () => {
    expect(sortClasses(['10', '9', '-1'])).toEqual(['-1', '9', '10']);
    expect(sortClasses(['b', 'B', 'a'])).toEqual(['B', 'a', 'b']);
  });

  it('counts classes, most frequent first', () => {
    expect(classCounts(collect(['a', 'b', 'b', 'c', 'c']))).toEqual([
      { label: 'b', count: 2 },
      { label: 'c', count: 2 },
      { label: 'a', count: 1 },
    ]);
  });

  it('describes a regression target with interpolated quartiles', () => {
    const s = targetStats(Float64Array.from([4, 1, 3, 2]));
    expect(s).toMatchObject({ count: 4, min: 1, max: 4, mean: 2.5, p25: 1.75, median: 2.5, p75: 3.25 });
    expect(s.std).toBeCloseTo(Math.sqrt(5 / 3), 12);
  });

  it('keeps per-example codes and values in order', () => {
    const labels = collect(['b', 'a', 'b', '2']);
    expect([...labels.classCodes()]).toEqual([0, 1, 0, 2]);
    expect(labels.classNames).toEqual(['b', 'a', '2']);
    expect(Number.isNaN(labels.numericValues()[0])).toBe(true);
    expect(labels.numericValues()[3]).toBe(2);
  });

  it('grows past its initial capacity', () => {
    const labels = collect(Array.from({ length: 5000 }, (_, i) => String(i % 3)));
    expect(labels.size).toBe(5000);
    expect(labels.classCodes()[4999]).toBe(4999 % 3);
  });

  it('past MAX_CLASSES distinct values, keeps one number per example instead of codes', () => {
    const labels = collect(Array.from({ length: MAX_CLASSES + 10 }, (_, i) => `${i}.5`));
    expect(labels.overflow).toBe(true);
    const values = labels.numericValues();
    expect(values[0]).toBe(0.5);
    expect(values[MAX_CLASSES + 9]).toBe(MAX_CLASSES + 9.5);
    expect(labels.classCodes()[MAX_CLASSES + 9]).toBe(-1);
    const d = decideTask(labels, 'y', undefined);
    expect(d.ok && d.task).toMatchObject({
      type: 'regression',
      reason: 'numeric label with more than 100,000 distinct values, including non-integers',
    });
    const text = collect(Array.from({ length: MAX_CLASSES + 1 }, (_, i) => `name${i}`));
    expect(decideTask(text, 'y', undefined)).toMatchObject({
      ok: false,
      message: expect.stringContaining('neither a set of classes nor a quantity'),
    });
  });
});

describe('LabelCollector.mergeNumericSpellings', () => {
  it('merges spellings of one number into its most frequent spelling, and remaps every example', () => {
    const labels = collect(['0', '1.0', '1', '0.0', '1', '01']);
    const merges = labels.mergeNumericSpellings();
    expect(labels.classNames).toEqual(['0', '1']);
    expect(labels.classCounts).toEqual([2, 4]);
    expect([...labels.classCodes()]).toEqual([0, 1, 1, 0, 1, 1]);
    expect(labels.canonical('1.0')).toBe('1');
    expect(labels.canonical('0.0')).toBe('0');
    // In the order the other spellings were first seen.
    expect(merges).toEqual([
      {
        canonical: '1',
        others: [
          { label: '1.0', count: 1, file: 'train.csv', line: 3 },
          { label: '01', count: 1, file: 'train.csv', line: 7 },
        ],
      },
      {
        canonical: '0',
        others: [{ label: '0.0', count: 1, file: 'train.csv', line: 5 }],
      },
    ]);
    expect(classCounts(labels)).toEqual([
      { label: '1', count: 4 },
      { label: '0', count: 2 },
    ]);
  });

  it('leaves text labels, and numbers written once, as they are', () => {
    const text = collect(['1', '1.0', 'x']);
    expect(text.mergeNumericSpellings()).toEqual([]);
    expect(text.classNames).toEqual(['1', '1.0', 'x']);
    const plain = collect(['1.0', '2.0', '1.0']);
    expect(plain.mergeNumericSpellings()).toEqual([]);
    expect(plain.classNames).toEqual(['1.0', '2.0']);
  });

  it('counts distinct values after the merge when deciding the task', () => {
    const labels = collect(['0', '1', '1.0', '0.0', '1']);
    labels.mergeNumericSpellings();
    const d = decideTask(labels, 'y', undefined);
    expect(d.ok && d.task.reason).toBe('numeric label with only 2 distinct values');
  });
});
