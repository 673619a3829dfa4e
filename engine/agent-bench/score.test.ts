import { describe, expect, it } from 'vitest';
import type { BenchRunResult, Scoreboard, TaskBaselines } from '../api/agent-bench';
import {
  compareScoreboards,
  countTiers,
  meanSe,
  overallOf,
  rateOverSeeds,
  thresholdsOf,
  tierFor,
} from './score';

const higher: TaskBaselines = {
  metric: 'accuracy',
  direction: 'higher',
  linear: { model: 'lr', score: 0.9 },
  bestDefault: { model: 'svc', score: 0.95 },
  bestKnown: { model: 'tuned svc', score: 0.99, standardError: 0.01 },
  models: [{ model: 'lr', score: 0.9 }],
  finalRows: 180,
};
const lower: TaskBaselines = {
  metric: 'rmse',
  direction: 'lower',
  linear: { model: 'linear', score: 55 },
  bestDefault: { model: 'ridge', score: 54 },
  bestKnown: { model: 'ridgecv', score: 53, standardError: 2 },
  models: [{ model: 'linear', score: 55 }],
  finalRows: 44,
};

describe('tiers', () => {
  it('higher is better: bronze beats linear, silver beats the best default, gold within one SE of the best known', () => {
    const t = thresholdsOf(higher);
    expect(t).toEqual({ direction: 'higher', bronze: 0.9, silver: 0.95, gold: 0.98, bestKnown: 0.99 });
    expect(tierFor(0.85, t)).toBe('none');
    expect(tierFor(0.92, t)).toBe('bronze');
    expect(tierFor(0.96, t)).toBe('silver');
    expect(tierFor(0.98, t)).toBe('gold'); // the band's edge is inside
    // Saturated: the band starts below the best default; within it is gold though silver's bar is higher.
    const saturated = thresholdsOf({
      ...higher,
      bestKnown: { ...higher.bestKnown, score: 0.96, standardError: 0.02 },
    });
    expect(tierFor(0.945, saturated)).toBe('gold');
    expect(tierFor(0.93, saturated)).toBe('bronze');
    expect(tierFor(1.0, t)).toBe('gold'); // above the best known is gold too
  });

  it('lower is better: the comparisons flip', () => {
    const t = thresholdsOf(lower);
    expect(t.gold).toBe(55); // 53 + one SE of 2
    expect(tierFor(60, t)).toBe('none');
    // The SE band (≤ 55) reaches the linear baseline (55): a tie with linear is still no tier, just under is gold.
    expect(tierFor(55, t)).toBe('none');
    expect(tierFor(54.9, t)).toBe('gold');
    // A band wider than the gap to linear never makes a worse-than-linear score a tier.
    const wide = thresholdsOf({ ...lower, bestKnown: { ...lower.bestKnown, standardError: 5 } });
    expect(wide.gold).toBe(58);
    expect(tierFor(57, wide)).toBe('none');
    const narrow = thresholdsOf({ ...lower, bestKnown: { ...lower.bestKnown, standardError: 0.1 } });
    expect(tierFor(54.5, narrow)).toBe('bronze');
    expect(tierFor(53.5, narrow)).toBe('silver');
    expect(tierFor(53.1, narrow)).toBe('gold');
    expect(tierFor(10, narrow)).toBe('gold');
  });

  it('a tie with a baseline does not beat it', () => {
    const t = thresholdsOf(higher);
    expect(tierFor(0.9, t)).toBe('none');
    expect(tierFor(0.95, t)).toBe('bronze');
    const l = thresholdsOf({ ...lower, bestKnown: { ...lower.bestKnown, standardError: 0 } });
    expect(tierFor(55, l)).toBe('none');
    expect(tierFor(54, l)).toBe('bronze');
    expect(tierFor(53, l)).toBe('gold');
  });

  it('no score, NaN or infinity is no tier', () => {
    const t = thresholdsOf(higher);
    expect(tierFor(null, t)).toBe('none');
    expect(tierFor(undefined, t)).toBe('none');
    expect(tierFor(Number.NaN, t)).toBe('none');
    expect(tierFor(Number.POSITIVE_INFINITY, t)).toBe('none');
    expect(tierFor(Number.NEGATIVE_INFINITY, thresholdsOf(lower))).toBe('none');
  });
});

describe('mean ± standard error', () => {
  it('is the sample standard deviation over √n', () => {
    const m = meanSe([1, 2, 3, 4]);
    expect(m.mean).toBe(2.5);
    expect(m.n).toBe(4);
    // sd = sqrt(5/3); se = sd / 2
    expect(m.se).toBeCloseTo(Math.sqrt(5 / 3) / 2, 12);
  });
  it('has no standard error with one value, and nothing with none; skips null and NaN', () => {
    expect(meanSe([0.7])).toEqual({ mean: 0.7, se: null, n: 1 });
    expect(meanSe([])).toEqual({ mean: null, se: null, n: 0 });
    expect(meanSe([null, Number.NaN, 2, 4])).toEqual({ mean: 3, se: 1, n: 2 });
    expect(meanSe([5, 5, 5])).toEqual({ mean: 5, se: 0, n: 3 });
  });
});

const run = (
  task: string,
  seed: number,
  tier: BenchRunResult['tier'],
  finalScore: number | null,
): BenchRunResult => ({
  task,
  seed,
  runId: `${task}-${seed}`,
  status: 'completed',
  endReason: 'max_steps',
  finalScore,
  tier,
  steps: 3,
  costUsd: 0.25,
  minutes: 2,
  error: null,
});

describe('overall figures', () => {
  it('rates per seed, then mean ± standard error over seeds; failed runs count as no tier', () => {
    const runs = [
      run('a', 1, 'gold', 0.99),
      run('b', 1, 'none', null),
      run('a', 2, 'bronze', 0.91),
      run('b', 2, 'silver', 50),
    ];
    expect(countTiers(runs.map((r) => r.tier))).toEqual({ gold: 1, silver: 1, bronze: 1, none: 1 });
    const medal = rateOverSeeds(runs, (t) => (t === 'none' ? 0 : 1));
    expect(medal).toEqual({ mean: 0.75, se: 0.25, n: 2 });
    const o = overallOf(runs);
    expect(o.goldRate).toEqual({ mean: 0.25, se: 0.25, n: 2 });
    expect(o.costUsd).toBe(1);
    expect(o.minutes).toBe(8);
  });
});

function board(
  tasks: { task: string; metric: 'accuracy' | 'rmse'; mean: number | null; gold?: number }[],
): Scoreboard {
  return {
    version: 1,
    product: { name: 'mle-beast', version: '0.1.0' },
    startedAt: '2026-12-07T00:00:00.000Z',
    endedAt: '2026-12-07T01:00:00.000Z',
    provider: null,
    model: 'm',
    sandbox: 'docker',
    seeds: 1,
    maxStepsCap: null,
    baselinesMeasuredAt: '2026-12-07T00:00:00.000Z',
    tasks: tasks.map((t) => ({
      task: t.task,
      title: t.task,
      metric: t.metric,
      direction: t.metric === 'rmse' ? 'lower' : 'higher',
      budget: { steps: 10, minutes: 20, costUsd: 1 },
      thresholds: { bronze: 0, silver: 0, gold: 0, bestKnown: 0 },
      finalScore: { mean: t.mean, se: null, n: t.mean === null ? 0 : 1 },
      tiers: { gold: t.gold ?? 0, silver: 0, bronze: 0, none: t.gold ? 0 : 1 },
      medalRate: { mean: t.gold ? 1 : 0, se: null, n: 1 },
    })),
    runs: [],
    overall: {
      tiers: { gold: 0, silver: 0, bronze: 0, none: 0 },
      medalRate: { mean: 0.5, se: null, n: 1 },
      goldRate: { mean: 0, se: null, n: 1 },
      costUsd: 0,
      minutes: 0,
    },
  };
}

describe('compare', () => {
  it('gives B − A per task and says which way is better for the metric', () => {
    const a = board([
      { task: 'digits', metric: 'accuracy', mean: 0.95 },
      { task: 'diabetes', metric: 'rmse', mean: 55 },
      { task: 'houses', metric: 'rmse', mean: 30 },
    ]);
    const b = board([
      { task: 'digits', metric: 'accuracy', mean: 0.97, gold: 1 },
      { task: 'diabetes', metric: 'rmse', mean: 53 },
      { task: 'houses', metric: 'rmse', mean: 30 },
      { task: 'shapes', metric: 'accuracy', mean: null },
    ]);
    const c = compareScoreboards(a, b);
    const byTask = Object.fromEntries(c.tasks.map((t) => [t.task, t]));
    expect(byTask.digits).toMatchObject({ verdict: 'better', aMedals: 0, bMedals: 1 });
    expect(byTask.digits!.delta).toBeCloseTo(0.02, 12);
    // Lower RMSE is better: a negative delta is an improvement.
    expect(byTask.diabetes).toMatchObject({ delta: -2, verdict: 'better' });
    expect(byTask.houses).toMatchObject({ delta: 0, verdict: 'same' });
    expect(byTask.shapes).toMatchObject({ a: null, b: null, delta: null, verdict: 'n/a' });
    expect(c.notes).toEqual(['shapes: only in B']);
  });

  it('refuses to compare a task scored with different metrics', () => {
    const c = compareScoreboards(
      board([{ task: 'digits', metric: 'accuracy', mean: 0.9 }]),
      board([{ task: 'digits', metric: 'rmse', mean: 0.9 }]),
    );
    expect(c.tasks[0]).toMatchObject({ delta: null, verdict: 'n/a' });
    expect(c.notes[0]).toMatch(/not comparable/);
  });
});
