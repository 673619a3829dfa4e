import { choosePositiveLabel } from './positive-label';
import type { Direction, MetricName, ResolvedMetric } from './schemas';

/**
 * Metric names as users type them, what they mean, and which way is better. The direction is a property of
 * the metric, fixed for the run (ARCHITECTURE.md section 6), never guessed from a log line per step; a run may
 * override it (a custom reading of a metric), and the override is recorded.
 */

interface MetricInfo {
  task: 'classification' | 'regression';
  direction: Direction;
  reads: 'prediction' | 'probabilities';
  binary: boolean;
  title: string;
}

export const METRICS: Record<MetricName, MetricInfo> = {
  accuracy: {
    task: 'classification',
    direction: 'higher',
    reads: 'prediction',
    binary: false,
    title: 'accuracy',
  },
  balanced_accuracy: {
    task: 'classification',
    direction: 'higher',
    reads: 'prediction',
    binary: false,
    title: 'balanced accuracy (mean recall per class)',
  },
  f1_binary: {
    task: 'classification',
    direction: 'higher',
    reads: 'prediction',
    binary: true,
    title: 'F1 of the positive class',
  },
  f1_macro: {
    task: 'classification',
    direction: 'higher',
    reads: 'prediction',
    binary: false,
    title: 'macro F1',
  },
  f1_micro: {
    task: 'classification',
    direction: 'higher',
    reads: 'prediction',
    binary: false,
    title: 'micro F1',
  },
  f1_weighted: {
    task: 'classification',
    direction: 'higher',
    reads: 'prediction',
    binary: false,
    title: 'support-weighted F1',
  },
  precision_binary: {
    task: 'classification',
    direction: 'higher',
    reads: 'prediction',
    binary: true,
    title: 'precision of the positive class',
  },
  precision_macro: {
    task: 'classification',
    direction: 'higher',
    reads: 'prediction',
    binary: false,
    title: 'macro precision',
  },
  precision_micro: {
    task: 'classification',
    direction: 'higher',
    reads: 'prediction',
    binary: false,
    title: 'micro precision',
  },
  precision_weighted: {
    task: 'classification',
    direction: 'higher',
    reads: 'prediction',
    binary: false,
    title: 'support-weighted precision',
  },
  recall_binary: {
    task: 'classification',
    direction: 'higher',
    reads: 'prediction',
    binary: true,
    title: 'recall of the positive class',
  },
  recall_macro: {
    task: 'classification',
    direction: 'higher',
    reads: 'prediction',
    binary: false,
    title: 'macro recall',
  },
  recall_micro: {
    task: 'classification',
    direction: 'higher',
    reads: 'prediction',
    binary: false,
    title: 'micro recall',
  },
  recall_weighted: {
    task: 'classification',
    direction: 'higher',
    reads: 'prediction',
    binary: false,
    title: 'support-weighted recall',
  },
  roc_auc: {
    task: 'classification',
    direction: 'higher',
    reads: 'probabilities',
    binary: true,
    title: 'ROC AUC of the positive class',
  },
  roc_auc_ovr: {
    task: 'classification',
    direction: 'higher',
    reads: 'probabilities',
    binary: false,
    title: 'one-vs-rest macro ROC AUC',
  },
  log_loss: {
    task: 'classification',
    direction: 'lower',
    reads: 'probabilities',
    binary: false,
    title: 'log loss',
  },
  mse: {
    task: 'regression',
    direction: 'lower',
    reads: 'prediction',
    binary: false,
    title: 'mean squared error',
  },
  rmse: {
    task: 'regression',
    direction: 'lower',
    reads: 'prediction',
    binary: false,
    title: 'root mean squared error',
  },
  mae: {
    task: 'regression',
    direction: 'lower',
    reads: 'prediction',
    binary: false,
    title: 'mean absolute error',
  },
  r2: { task: 'regression', direction: 'higher', reads: 'prediction', binary: false, title: 'R²' },
  rmsle: {
    task: 'regression',
    direction: 'lower',
    reads: 'prediction',
    binary: false,
    title: 'root mean squared log error',
  },
  mape: {
    task: 'regression',
    direction: 'lower',
    reads: 'prediction',
    binary: false,
    title: 'mean absolute percentage error',
  },
};

/**
 * Spellings, after normalising (lower case, runs of spaces, dashes and dots to one underscore). `f1`,
 * `precision`, `recall` and `auc` depend on the class count: binary on two classes, macro / one-vs-rest above.
 */
const ALIASES: Record<string, MetricName | 'f1' | 'precision' | 'recall' | 'auc'> = {
  acc: 'accuracy',
  accuracy: 'accuracy',
  accuracy_score: 'accuracy',
  top1: 'accuracy',
  top_1_accuracy: 'accuracy',
  balanced_accuracy: 'balanced_accuracy',
  balanced_acc: 'balanced_accuracy',
  bacc: 'balanced_accuracy',
  balanced_accuracy_score: 'balanced_accuracy',
  f1: 'f1',
  f1_score: 'f1',
  f_score: 'f1',
  f1_binary: 'f1_binary',
  binary_f1: 'f1_binary',
  f1_macro: 'f1_macro',
  macro_f1: 'f1_macro',
  f1_micro: 'f1_micro',
  micro_f1: 'f1_micro',
  f1_weighted: 'f1_weighted',
  weighted_f1: 'f1_weighted',
  precision: 'precision',
  precision_score: 'precision',
  precision_binary: 'precision_binary',
  precision_macro: 'precision_macro',
  macro_precision: 'precision_macro',
  precision_micro: 'precision_micro',
  micro_precision: 'precision_micro',
  precision_weighted: 'precision_weighted',
  weighted_precision: 'precision_weighted',
  recall: 'recall',
  recall_score: 'recall',
  sensitivity: 'recall',
  tpr: 'recall',
  recall_binary: 'recall_binary',
  recall_macro: 'recall_macro',
  macro_recall: 'recall_macro',
  recall_micro: 'recall_micro',
  micro_recall: 'recall_micro',
  recall_weighted: 'recall_weighted',
  weighted_recall: 'recall_weighted',
  auc: 'auc',
  roc_auc: 'auc',
  rocauc: 'auc',
  auroc: 'auc',
  roc: 'auc',
  roc_auc_score: 'auc',
  auc_roc: 'auc',
  roc_auc_ovr: 'roc_auc_ovr',
  roc_auc_ovr_macro: 'roc_auc_ovr',
  macro_auc: 'roc_auc_ovr',
  log_loss: 'log_loss',
  logloss: 'log_loss',
  logistic_loss: 'log_loss',
  cross_entropy: 'log_loss',
  crossentropy: 'log_loss',
  nll: 'log_loss',
  neg_log_loss: 'log_loss',
  mse: 'mse',
  mean_squared_error: 'mse',
  neg_mean_squared_error: 'mse',
  l2: 'mse',
  rmse: 'rmse',
  root_mean_squared_error: 'rmse',
  neg_root_mean_squared_error: 'rmse',
  mae: 'mae',
  mean_absolute_error: 'mae',
  neg_mean_absolute_error: 'mae',
  l1: 'mae',
  r2: 'r2',
  r_2: 'r2',
  'r^2': 'r2',
  r_squared: 'r2',
  rsquared: 'r2',
  r2_score: 'r2',
  coefficient_of_determination: 'r2',
  rmsle: 'rmsle',
  root_mean_squared_log_error: 'rmsle',
  root_mean_squared_logarithmic_error: 'rmsle',
  neg_root_mean_squared_log_error: 'rmsle',
  mape: 'mape',
  mean_absolute_percentage_error: 'mape',
  neg_mean_absolute_percentage_error: 'mape',
};

export function normalizeMetricName(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/²/g, '^2')
    .replace(/[\s\-.]+/g, '_');
}

export interface MetricContext {
  task: 'classification' | 'regression';
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
