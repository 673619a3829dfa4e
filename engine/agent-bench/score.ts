import type {
  BenchRunResult,
  BenchTask,
  BenchTaskSummary,
  MeanSe,
  Scoreboard,
  TaskBaselines,
  Tier,
  TierCounts,
} from '../api/agent-bench';
import { isBetter, type Direction } from '../api/vocabulary';

/**
 * The suite's arithmetic, pure: a run's tier from its final-holdout score and the task's recorded baselines,
 * mean ± standard error over seeds, the scoreboard's summaries, and the comparison of two scoreboards.
 */

export interface TierThresholds {
  direction: Direction;
  /** Beat the default linear model (strictly). */
  bronze: number;
  /** Beat the best default model (strictly). */
  silver: number;
  /** Reach the best known score within one standard error (inclusive). */
  gold: number;
  bestKnown: number;
}

export function thresholdsOf(baselines: TaskBaselines): TierThresholds {
  const { direction } = baselines;
  const se = baselines.bestKnown.standardError;
  return {
    direction,
    bronze: baselines.linear.score,
    silver: baselines.bestDefault.score,
    gold: direction === 'higher' ? baselines.bestKnown.score - se : baselines.bestKnown.score + se,
    bestKnown: baselines.bestKnown.score,
  };
}

/**
 * The tier of one final-holdout score. Every tier needs the score to beat the default linear model (a tie does
 * not beat it). Gold is checked before silver: a score within one standard error of the best known one is
 * statistically as good as it, even where the best default model sits higher still (a saturated task such as
 * digits, where silver's bar is the ceiling). The band alone is not enough: on a small split it can reach past
 * the linear baseline (diabetes), and a score worse than linear regression is no tier. No score (null, NaN,
 * infinite: the run failed or its predictions were unusable) is no tier, as MLE-bench counts a missing
 * submission as a failure.
 */
export function tierFor(score: number | null | undefined, t: TierThresholds): Tier {
  if (score === null || score === undefined || !Number.isFinite(score)) return 'none';
  if (!isBetter(t.direction, score, t.bronze)) return 'none';
  const within = t.direction === 'higher' ? score >= t.gold : score <= t.gold;
  if (within) return 'gold';
  if (isBetter(t.direction, score, t.silver)) return 'silver';
  return 'bronze';
}

/** Mean and standard error of the mean (sample standard deviation / √n) of the finite values. */
export function meanSe(values: readonly (number | null | undefined)[]): MeanSe {
  const xs = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const n = xs.length;
  if (n === 0) return { mean: null, se: null, n: 0 };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, se: null, n };
  const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1);
  return { mean, se: Math.sqrt(variance / n), n };
}

export function countTiers(tiers: readonly Tier[]): TierCounts {
  const counts: TierCounts = { gold: 0, silver: 0, bronze: 0, none: 0 };
  for (const t of tiers) counts[t] += 1;
  return counts;
}

const medal = (t: Tier): number => (t === 'none' ? 0 : 1);

export function summarizeTask(
  task: BenchTask,
  baselines: TaskBaselines,
  runs: readonly BenchRunResult[],
): BenchTaskSummary {
  const t = thresholdsOf(baselines);
  const mine = runs.filter((r) => r.task === task.name);
  return {
    task: task.name,
    title: task.title,
    metric: task.metric.name,
    direction: task.metric.direction,
    budget: task.budget,
    thresholds: { bronze: t.bronze, silver: t.silver, gold: t.gold, bestKnown: t.bestKnown },
    finalScore: meanSe(mine.map((r) => r.finalScore)),
    tiers: countTiers(mine.map((r) => r.tier)),
    medalRate: meanSe(mine.map((r) => medal(r.tier))),
  };
}

/** Per seed, the share of tasks at or above a tier; then mean ± standard error over the seeds. */
export function rateOverSeeds(runs: readonly BenchRunResult[], counts: (t: Tier) => number): MeanSe {
  const bySeed = new Map<number, number[]>();
  for (const r of runs) {
    const list = bySeed.get(r.seed) ?? [];
    list.push(counts(r.tier));
    bySeed.set(r.seed, list);
  }
  return meanSe([...bySeed.values()].map((l) => l.reduce((a, b) => a + b, 0) / l.length));
}

export function overallOf(runs: readonly BenchRunResult[]): Scoreboard['overall'] {
  return {
    tiers: countTiers(runs.map((r) => r.tier)),
    medalRate: rateOverSeeds(runs, medal),
    goldRate: rateOverSeeds(runs, (t) => (t === 'gold' ? 1 : 0)),
    costUsd: runs.reduce((a, r) => a + r.costUsd, 0),
    minutes: runs.reduce((a, r) => a + r.minutes, 0),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Comparing two scoreboards

export interface TaskComparison {
  task: string;
  metric: string;
  direction: Direction | null;
  a: number | null;
  b: number | null;
  /** b − a; null when either has no score. */
  delta: number | null;
  /** Which way the change goes for this metric: better, worse, same, or not comparable. */
  verdict: 'better' | 'worse' | 'same' | 'n/a';
  aMedals: number;
  bMedals: number;
}

export interface Comparison {
  tasks: TaskComparison[];
  medalRate: { a: number | null; b: number | null };
  /** Notes such as a metric that differs between the two, or tasks only one of them ran. */
  notes: string[];
}

export function compareScoreboards(a: Scoreboard, b: Scoreboard): Comparison {
  const notes: string[] = [];
  const names = [...new Set([...a.tasks.map((t) => t.task), ...b.tasks.map((t) => t.task)])];
  const tasks = names.map((name): TaskComparison => {
    const ta = a.tasks.find((t) => t.task === name);
    const tb = b.tasks.find((t) => t.task === name);
    if (!ta || !tb) notes.push(`${name}: only in ${ta ? 'A' : 'B'}`);
    if (ta && tb && (ta.metric !== tb.metric || ta.direction !== tb.direction)) {
      notes.push(`${name}: A scores ${ta.metric}, B ${tb.metric}: not comparable`);
    }
    const comparable = ta && tb && ta.metric === tb.metric && ta.direction === tb.direction;
    const va = ta?.finalScore.mean ?? null;
    const vb = tb?.finalScore.mean ?? null;
    const direction = (ta ?? tb)?.direction ?? null;
    let verdict: TaskComparison['verdict'] = 'n/a';
    if (comparable && va !== null && vb !== null && direction) {
      verdict = vb === va ? 'same' : isBetter(direction, vb, va) ? 'better' : 'worse';
    }
    const medals = (s: BenchTaskSummary | undefined) =>
      s ? s.tiers.gold + s.tiers.silver + s.tiers.bronze : 0;
    return {
      task: name,
      metric: (ta ?? tb)?.metric ?? '',
      direction,
      a: va,
      b: vb,
      delta: comparable && va !== null && vb !== null ? vb - va : null,
      verdict,
      aMedals: medals(ta),
      bMedals: medals(tb),
    };
  });
  return { tasks, medalRate: { a: a.overall.medalRate.mean, b: b.overall.medalRate.mean }, notes };
}
