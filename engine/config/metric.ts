import { METRICS, metricInfoOf, normalizeMetricName } from '../api/metrics';
import { meetsTarget, type Direction, type TaskType } from '../api/vocabulary';
import { COMPARISON_WORDS, type ComparisonWord } from './project-schema';
import { closeMatches } from './suggest';

/**
 * The metric checks project.yaml needs before any data is read: is the name one engine/scoring computes, which
 * way is better, and does the comparison agree. The exact variant (binary or macro F1...) is chosen at intake,
 * when the classes are known, by engine/scoring's resolveMetric.
 */

export type MetricLookup =
  { ok: true; task: TaskType; direction: Direction } | { ok: false; message: string };

/** Names whose precise meaning depends on the class count, accepted as written. */
const GENERIC_NAMES = ['f1', 'precision', 'recall', 'auc'];

export function lookupMetric(name: string): MetricLookup {
  const info = metricInfoOf(name);
  if (info) return { ok: true, task: info.task, direction: info.direction };
  const close = closeMatches(normalizeMetricName(name), [...Object.keys(METRICS), ...GENERIC_NAMES], 3);
  const closeText = close.length > 0 ? ` Close names: ${close.join(', ')}.` : '';
  return {
    ok: false,
    message: `unknown metric ${JSON.stringify(name)}.${closeText} Known: ${[...GENERIC_NAMES, ...Object.keys(METRICS)].join(', ')}.`,
  };
}

export const comparisonDirection = (comparison: ComparisonWord): Direction => COMPARISON_WORDS[comparison];

/** Why a target value cannot be meant for this metric, or null. Catches `target_value: 85` for accuracy. */
export function targetValueProblem(
  name: string,
  lookup: { task: TaskType; direction: Direction },
  value: number,
): string | null {
  if (lookup.direction === 'lower' && value < 0) {
    return `${name} is never below 0; a target of ${value} cannot be reached`;
  }
  if (lookup.task === 'classification' && lookup.direction === 'higher' && (value < 0 || value > 1)) {
    const hint = value > 1 && value <= 100 ? ` (for ${value}%, write ${value / 100})` : '';
    return `${name} lies between 0 and 1; got ${value}${hint}`;
  }
  if (lookup.task === 'regression' && lookup.direction === 'higher' && value > 1) {
    return `${name} is at most 1; got ${value}`;
  }
  return null;
}

/**
 * The metric a run uses when none was given, once intake knows the task: the original's default for
 * classification, and the usual error measure for regression.
 */
export function defaultMetricFor(task: TaskType): 'accuracy' | 'rmse' {
  return task === 'classification' ? 'accuracy' : 'rmse';
}

/** Whether a score meets the run's target (`>=` for higher-is-better metrics, `<=` for lower). */
export function targetReached(
  metric: { direction: Direction; target: number | null },
  score: number,
): boolean {
  return meetsTarget(metric.direction, score, metric.target);
}
