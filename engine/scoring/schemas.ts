import { z } from 'zod';
import { MetricName } from '../api/metrics';
import { Direction, TaskType } from '../api/vocabulary';

// Declared in engine/api (the words every layer shares); re-exported for scoring's callers.
export { Direction } from '../api/vocabulary';
export { MetricName } from '../api/metrics';

export const ResolvedMetric = z.object({
  name: MetricName,
  /** What the user or project.yaml said: `auc`, `F1`, `root mean squared error`. */
  requested: z.string(),
  direction: Direction,
  /** `override`: the run set the direction against the metric's usual one. */
  directionSource: z.enum(['metric', 'override']),
  task: TaskType,
  /** What the metric reads from the predictions file. */
  reads: z.enum(['prediction', 'probabilities']),
  /** Binary metrics: the class counted as positive, and why. */
  positiveLabel: z.string().optional(),
  positiveReason: z.string().optional(),
  /** How an ambiguous name was read ("'f1' on a 3-class task is macro F1"). */
  note: z.string().optional(),
});
export type ResolvedMetric = z.infer<typeof ResolvedMetric>;

export const PredictionProblem = z.object({
  /** e.g. `missing_ids`, `duplicate_ids`, `unknown_class`, `probability_out_of_range`. */
  code: z.string(),
  message: z.string(),
});
export type PredictionProblem = z.infer<typeof PredictionProblem>;

/** A scored predictions file, or why it could not be scored. Never an exception. */
export const ScoreResult = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    metric: MetricName,
    value: z.number(),
    direction: Direction,
    /** Examples scored. */
    n: z.number().int().positive(),
    /** Other metrics asked for; null where undefined on this data (e.g. AUC without probabilities). */
    extras: z.record(z.string(), z.number().nullable()),
    notes: z.array(z.string()),
  }),
  z.object({
    ok: z.literal(false),
    /**
     * `malformed_predictions`: the agent's file is wrong (a failed evaluation, the agent's fault);
     * `undefined_metric`: the data cannot give this metric (one class in the split, negative values for
     * RMSLE); `labels_unreadable`: the engine's own labels file is missing or damaged.
     */
    reason: z.enum(['malformed_predictions', 'undefined_metric', 'labels_unreadable']),
    message: z.string(),
    problems: z.array(PredictionProblem),
  }),
]);
export type ScoreResult = z.infer<typeof ScoreResult>;
