import { z } from 'zod';
import { MetricName } from './metrics';
import { DatasetKind, Direction, RunStatus, EndReason } from './vocabulary';

/**
 * The agent benchmark suite (`mle-beast bench`, engine/agent-bench): its task declarations, the recorded
 * baselines the tiers come from, and the scoreboard a suite run writes. Not the engine's speed benchmarks
 * (`npm run bench`, engine/bench): those time the engine, these measure the agent.
 */

/** Where a task's data comes from: a scikit-learn bundled dataset exported in the sandbox, or an example generator. */
export const BenchSource = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('sklearn'),
    /** The bundled loader (load_digits, load_breast_cancer, load_diabetes): shipped in the sandbox image, no download. */
    dataset: z.enum(['digits', 'breast-cancer', 'diabetes']),
    /** sha256 of the exported CSV: the bytes the baselines were measured on. */
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  }),
  z.strictObject({
    kind: z.literal('example'),
    example: z.enum(['churn', 'house-prices', 'shapes', 'sentiment']),
    seed: z.number().int().min(0),
    size: z.number().int().positive(),
  }),
]);
export type BenchSource = z.infer<typeof BenchSource>;

export const BenchBudget = z.strictObject({
  /** Experiments after the baseline (project.yaml limits.max_steps). */
  steps: z.number().int().min(1).max(1000),
  /** Wall clock of the whole run (limits.max_wall_minutes). */
  minutes: z.number().positive(),
  /** LLM spend of the whole run in USD (limits.max_cost_usd). */
  costUsd: z.number().positive(),
});
export type BenchBudget = z.infer<typeof BenchBudget>;

export const BenchTaskName = z
  .string()
  .regex(/^[a-z][a-z0-9-]*$/, 'a task name is lower-case letters, digits and dashes');

export const BenchTask = z.strictObject({
  name: BenchTaskName,
  title: z.string().min(1),
  kind: DatasetKind,
  source: BenchSource,
  /** The data file (or folder, `.`) inside the task folder, given to the run as dataset.train_path. */
  dataPath: z.string().min(1),
  /** Tabular: the label column (declared, so intake never guesses it). */
  label: z.string().min(1).optional(),
  /** The one-sentence goal the agent gets. */
  taskText: z.string().min(10),
  /** Fixed per task, never inferred from the agent's output. */
  metric: z.strictObject({ name: MetricName, direction: Direction }),
  budget: BenchBudget,
});
export type BenchTask = z.infer<typeof BenchTask>;

export const TIERS = ['gold', 'silver', 'bronze', 'none'] as const;
export const Tier = z.enum(TIERS);
export type Tier = z.infer<typeof Tier>;

const ModelScore = z.strictObject({ model: z.string().min(1), score: z.number() });

/** One task's recorded baselines: each a score on the engine's final holdout split of that task. */
export const TaskBaselines = z.strictObject({
  metric: MetricName,
  direction: Direction,
  /** Bronze: beat this (a default linear model). */
  linear: ModelScore,
  /** Silver: beat this (the best of the default models tried). */
  bestDefault: ModelScore,
  /** Gold: within `standardError` of this (the best score known on the split). */
  bestKnown: ModelScore.extend({ standardError: z.number().nonnegative() }),
  /** Every model tried, for the record. */
  models: z.array(ModelScore).min(1),
  /** Examples in the final split the scores are on. */
  finalRows: z.number().int().positive(),
});
export type TaskBaselines = z.infer<typeof TaskBaselines>;

export const BaselinesFile = z.strictObject({
  version: z.literal(1),
  measuredAt: z.string(),
  /** How the figures were measured: the split, the image, the library versions, the script. */
  how: z.string().min(1),
  environment: z.record(z.string(), z.string()),
  tasks: z.record(BenchTaskName, TaskBaselines),
});
export type BaselinesFile = z.infer<typeof BaselinesFile>;

/** One run of one task with one seed, as the scoreboard records it. */
export const BenchRunResult = z.strictObject({
  task: BenchTaskName,
  seed: z.number().int().min(0),
  runId: z.string().nullable(),
  status: RunStatus.nullable(),
  endReason: EndReason.nullable(),
  /** The engine's score of the run's best commit on the final hidden split; null: none (counted as no tier). */
  finalScore: z.number().nullable(),
  tier: Tier,
  steps: z.number().int().min(0),
  costUsd: z.number().min(0),
  minutes: z.number().min(0),
  /** Why the run has no final score (it failed, could not start, its data could not be made). */
  error: z.string().nullable(),
});
export type BenchRunResult = z.infer<typeof BenchRunResult>;

export const MeanSe = z.strictObject({
  mean: z.number().nullable(),
  /** Standard error of the mean over seeds; null with fewer than two values. */
  se: z.number().nullable(),
  n: z.number().int().min(0),
});
export type MeanSe = z.infer<typeof MeanSe>;

export const TierCounts = z.strictObject({
  gold: z.number().int().min(0),
  silver: z.number().int().min(0),
  bronze: z.number().int().min(0),
  none: z.number().int().min(0),
});
export type TierCounts = z.infer<typeof TierCounts>;

export const BenchTaskSummary = z.strictObject({
  task: BenchTaskName,
  title: z.string(),
  metric: MetricName,
  direction: Direction,
  budget: BenchBudget,
  thresholds: z.strictObject({
    bronze: z.number(),
    silver: z.number(),
    gold: z.number(),
    bestKnown: z.number(),
  }),
  finalScore: MeanSe,
  tiers: TierCounts,
  /** Share of this task's seeds that reached at least bronze, with its standard error over seeds. */
  medalRate: MeanSe,
});
export type BenchTaskSummary = z.infer<typeof BenchTaskSummary>;

export const SCOREBOARD_VERSION = 1;

export const Scoreboard = z.strictObject({
  version: z.literal(SCOREBOARD_VERSION),
  product: z.strictObject({ name: z.string(), version: z.string() }),
  startedAt: z.string(),
  endedAt: z.string(),
  provider: z.string().nullable(),
  model: z.string().nullable(),
  sandbox: z.string(),
  seeds: z.number().int().min(1),
  /** `--max-steps`: every task's step budget capped at this (a smoke run), or null. */
  maxStepsCap: z.number().int().positive().nullable(),
  baselinesMeasuredAt: z.string(),
  tasks: z.array(BenchTaskSummary),
  runs: z.array(BenchRunResult),
  overall: z.strictObject({
    tiers: TierCounts,
    /** Per seed: the share of tasks with at least bronze; mean ± standard error over seeds. */
    medalRate: MeanSe,
    /** Per seed: the share of tasks with gold. */
    goldRate: MeanSe,
    costUsd: z.number().min(0),
    minutes: z.number().min(0),
  }),
});
export type Scoreboard = z.infer<typeof Scoreboard>;
