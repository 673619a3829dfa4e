import { describe, expect, it } from 'vitest';
import {
  apportion,
  binCount,
  describeBin,
  describeClass,
  FINAL,
  planHoldout,
  quantileBins,
  SELECTION,
  VISIBLE,
  type HoldoutPlan,
} from './holdout-plan';
import { SeededRandom } from './seeded-random';

/** Class codes: `counts[c]` examples of class c, interleaved the way data files are (not grouped). */
function strata(counts: number[]): Int32Array {
  const out: number[] = [];
  const left = [...counts];
  while (left.some((n) => n > 0)) left.forEach((n, c) => n > 0 && (out.push(c), (left[c] = n - 1)));
  return Int32Array.from(out);
}

function plan(
  s: Int32Array,
  options: Partial<{
    fraction: number;
    seed: number;
    selectionShare: number;
    fromTest: Uint8Array | null;
  }> = {},
): HoldoutPlan {
  const outcome = planHoldout({
    strata: s,
    fromTest: options.fromTest ?? null,
    fraction: options.fraction ?? 0.2,
    selectionShare: options.selectionShare ?? 0.5,
    seed: options.seed ?? 7,
    describe: describeClass(['a', 'b', 'c', 'd']),
  });
  if (!outcome.ok) throw new Error(outcome.message);
  return outcome.plan;
}

function perStratum(p: HoldoutPlan, s: Int32Array, destination: number): number[] {
  const counts: number[] = [];
  s.forEach((c, i) => {
    counts[c] = (counts[c] ?? 0) + (p.assignment[i] === destination ? 1 : 0);
  });
  return counts;
}

describe('planHoldout', () => {
  it('holds out the fraction, stratified by class, and splits it evenly and stratified', () => {
    const s = strata([600, 300, 100]);
    const p = plan(s);
    expect(p.counts).toEqual({ visible: 800, selection: 100, final: 100 });
    expect(perStratum(p, s, SELECTION)).toEqual([60, 30, 10]);
    expect(perStratum(p, s, FINAL)).toEqual([60, 30, 10]);
  });

  it('is deterministic for a seed and different for another', () => {
    const s = strata([50, 30, 20]);
    expect(plan(s, { seed: 1 }).assignment).toEqual(plan(s, { seed: 1 }).assignment);
    expect(plan(s, { seed: 1 }).assignment).not.toEqual(plan(s, { seed: 2 }).assignment);
  });

  it('does not just take the first rows of each class', () => {
    const s = strata([100, 100]);
    const held = [...plan(s).assignment].map((d, i) => (d === VISIBLE ? -1 : i)).filter((i) => i >= 0);
    expect(Math.max(...held)).toBeGreaterThan(100);
    expect(Math.min(...held)).toBeLessThan(100);
  });

  it('keeps a class with one example visible and records why', () => {
    const s = strata([40, 9, 1]);
    const p = plan(s);
    const cIndex = [...s].indexOf(2);
    expect(p.assignment[cIndex]).toBe(VISIBLE);
    expect(p.notes.join(' ')).toContain("class 'c' has a single example and stays visible");
    expect(p.counts.selection + p.counts.final).toBe(10);
  });

  it('always leaves one example of each class visible', () => {
    const s = strata([20, 2, 2, 2]);
    const p = plan(s, { fraction: 0.5 });
    expect(perStratum(p, s, VISIBLE).every((n) => n >= 1)).toBe(true);
  });

  it('notes classes too small to contribute to the holdout', () => {
    const s = strata([97, 3]);
    const p = plan(s, { fraction: 0.05, seed: 3 });
    // 5 held out: quotas 4.85 and 0.15, so the larger remainder takes the fifth and 'b' gets none.
    expect(perStratum(p, s, SELECTION)[1]! + perStratum(p, s, FINAL)[1]!).toBe(0);
    expect(p.notes.join(' ')).toContain("class 'b': too few examples for a 5% share, so none held out");
    expect(p.counts.selection + p.counts.final).toBe(5);
  });

  it('with a test split, holds out exactly the test examples', () => {
    const s = strata([30, 30]);
    const fromTest = new Uint8Array(60);
    for (let i = 40; i < 60; i += 1) fromTest[i] = 1;
    const p = plan(s, { fromTest });
    for (let i = 0; i < 60; i += 1) expect(p.assignment[i] === VISIBLE).toBe(fromTest[i] === 0);
    expect(p.counts).toEqual({ visible: 40, selection: 10, final: 10 });
    expect(p.notes[0]).toContain("the user's test split (20 examples) is the holdout");
  });

  it('fails clearly when the holdout would hold fewer than 2 examples', () => {
    const outcome = planHoldout({
      strata: strata([3, 2]),
      fromTest: null,
      fraction: 0.2,
      selectionShare: 0.5,
      seed: 1,
      describe: String,
    });
    expect(outcome).toEqual({
      ok: false,
      message: expect.stringContaining('a 20% holdout of 5 examples holds 1'),
    });
  });

  it('honours the selection share', () => {
    const p = plan(strata([500, 500]), { selectionShare: 0.3 });
    expect(p.counts).toEqual({ visible: 800, selection: 60, final: 140 });
  });
});

describe('regression strata', () => {
  it('bins by rank into equal-sized quantile bins, ties included', () => {
    const values = Float64Array.from([5, 1, 1, 1, 9, 3, 7, 2]);
    const bins = quantileBins(values, 4);
    expect([...bins]).toEqual([2, 0, 0, 1, 3, 2, 3, 1]);
  });

  it('stratifies a regression holdout over the whole target range', () => {
    const rng = new SeededRandom(5);
    const values = Float64Array.from({ length: 1000 }, () => Math.exp(rng.normal()));
    const bins = binCount(200);
    const outcome = planHoldout({
      strata: quantileBins(values, bins),
      fromTest: null,
      fraction: 0.2,
      selectionShare: 0.5,
      seed: 5,
      describe: describeBin,
    });
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    const held = [...values].filter((_, i) => outcome.plan.assignment[i] === SELECTION).sort((a, b) => a - b);
    const all = [...values].sort((a, b) => a - b);
    // Each decile of the data gives 10 of the 100 selection examples.
    for (let d = 0; d < 10; d += 1) {
      const lo = all[d * 100]!;
      const hi = all[d * 100 + 99]!;
      expect(held.filter((v) => v >= lo && v <= hi)).toHaveLength(10);
    }
  });

  it('uses fewer bins for a small holdout', () => {
    expect(binCount(3)).toBe(1);
    expect(binCount(9)).toBe(4);
    expect(binCount(1000)).toBe(10);
  });
});

describe('apportion', () => {
  it('hands out exactly the total, in proportion, within caps', () => {
    const rng = new SeededRandom(1);
    expect(apportion([10, 10, 10], 10, [10, 10, 10], rng).reduce((a, b) => a + b)).toBe(10);
    expect(apportion([1, 1, 98], 10, [0, 0, 97], rng)).toEqual([0, 0, 10]);
    expect(apportion([5, 5], 20, [4, 4], rng)).toEqual([4, 4]);
  });
});
