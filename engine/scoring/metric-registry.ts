import {
  METRICS,
  METRIC_ALIASES as ALIASES,
  normalizeMetricName,
  type MetricInfo,
  type MetricName,
} from '../api/metrics';
import type { Direction, TaskType } from '../api/vocabulary';
import { choosePositiveLabel } from './positive-label';
import type { ResolvedMetric } from './schemas';

// The catalog (names, spellings, directions) is shared vocabulary in engine/api; re-exported for scoring's callers.
export { METRICS, normalizeMetricName } from '../api/metrics';

export interface MetricContext {
  task: TaskType;
  /** Classification: every class of the dataset. */
  classes?: readonly string[];
  positiveLabel?: string;
  /** Overrides the metric's usual direction. */
  direction?: Direction;
}

export type MetricResolution = { ok: true; metric: ResolvedMetric } | { ok: false; message: string };

/** A metric name as typed, made precise for this run's task and classes; or why it cannot be used. */
export function resolveMetric(requested: string, context: MetricContext): MetricResolution {
  const key = normalizeMetricName(requested);
  const alias = ALIASES[key];
  if (!alias) {
    const suggestion = closest(key);
    return {
      ok: false,
      message: `unknown metric '${requested}'.${suggestion ? ` Did you mean '${suggestion}'?` : ''} Known: ${Object.keys(METRICS).join(', ')}.`,
    };
  }
  const classCount = context.classes?.length ?? 0;
  let name: MetricName;
  let note: string | undefined;
  if (alias === 'f1' || alias === 'precision' || alias === 'recall') {
    name = classCount === 2 ? `${alias}_binary` : `${alias}_macro`;
    note = `'${requested}' on a ${classCount}-class task is ${METRICS[name].title}`;
  } else if (alias === 'auc') {
    name = classCount === 2 ? 'roc_auc' : 'roc_auc_ovr';
    if (classCount !== 2) note = `'${requested}' on a ${classCount}-class task is one-vs-rest macro ROC AUC`;
  } else name = alias;
  const info = METRICS[name];
  if (info.task !== context.task) {
    return {
      ok: false,
      message: `'${requested}' is a ${info.task} metric and this is a ${context.task} task. ${context.task === 'regression' ? 'Regression metrics: rmse, mse, mae, r2, rmsle, mape.' : 'Classification metrics: accuracy, balanced_accuracy, f1, precision, recall, roc_auc, log_loss.'}`,
    };
  }
  const metric: ResolvedMetric = {
    name,
    requested,
    direction: context.direction ?? info.direction,
    directionSource: context.direction && context.direction !== info.direction ? 'override' : 'metric',
    task: info.task,
    reads: info.reads,
    ...(note ? { note } : {}),
  };
  if (info.binary) {
    if (classCount !== 2) {
      return {
        ok: false,
        message: `'${requested}' (${info.title}) needs exactly 2 classes; this dataset has ${classCount}. Use the macro version (e.g. f1_macro, roc_auc_ovr).`,
      };
    }
    const positive = choosePositiveLabel(context.classes ?? [], context.positiveLabel);
    if (!positive.ok) return { ok: false, message: positive.message };
    metric.positiveLabel = positive.label;
    metric.positiveReason = positive.reason;
  }
  return { ok: true, metric };
}

function closest(key: string): string | null {
  let best: string | null = null;
  let bestDistance = 3; // more than two edits away is not a typo
  for (const candidate of Object.keys(ALIASES)) {
    const d = editDistance(key, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    let previous = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const current = row[j] as number;
      row[j] = Math.min(current + 1, (row[j - 1] as number) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length] as number;
}

/** One metric as the registry describes it to a host (`metrics.list`). */
export interface MetricDescription {
  name: MetricName;
  description: string;
  direction: Direction;
  task: 'classification' | 'regression';
  datasetKinds: Array<'tabular' | 'image_folder' | 'text_jsonl'>;
  needsProbabilities: boolean;
  binaryOnly: boolean;
  aliases: string[];
}

/**
 * Every metric the engine scores. Dataset kinds follow the intake: an image folder is always classification
 * (one subfolder per class); tables and JSONL text carry either a class or a numeric label.
 */
export function describeMetrics(): MetricDescription[] {
  return (Object.entries(METRICS) as [MetricName, MetricInfo][]).map(([name, info]) => ({
    name,
    description: info.title,
    direction: info.direction,
    task: info.task,
    datasetKinds:
      info.task === 'classification' ? ['tabular', 'image_folder', 'text_jsonl'] : ['tabular', 'text_jsonl'],
    needsProbabilities: info.reads === 'probabilities',
    binaryOnly: info.binary,
    aliases: Object.entries(ALIASES)
      .filter(([alias, target]) => target === name && alias !== name)
      .map(([alias]) => alias),
  }));
}
