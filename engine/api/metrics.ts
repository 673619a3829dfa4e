import { z } from 'zod';
import type { Direction, TaskType } from './vocabulary';

/** The metrics the engine computes itself, by canonical name. */
export const MetricName = z.enum([
  'accuracy',
  'balanced_accuracy',
  'f1_binary',
  'f1_macro',
  'f1_micro',
  'f1_weighted',
  'precision_binary',
  'precision_macro',
  'precision_micro',
  'precision_weighted',
  'recall_binary',
  'recall_macro',
  'recall_micro',
  'recall_weighted',
  'roc_auc',
  'roc_auc_ovr',
  'log_loss',
  'mse',
  'rmse',
  'mae',
  'r2',
  'rmsle',
  'mape',
]);
export type MetricName = z.infer<typeof MetricName>;

/**
 * Metric names as users type them, what they mean, and which way is better. The direction is a property of
 * the metric, fixed for the run (ARCHITECTURE.md section 6), never guessed from a log line per step; a run may
 * override it (a custom reading of a metric), and the override is recorded.
 */

export interface MetricInfo {
  task: TaskType;
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
export type GenericMetric = 'f1' | 'precision' | 'recall' | 'auc';
export const METRIC_ALIASES: Record<string, MetricName | GenericMetric> = {
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

/**
 * What a metric name means before the classes are known: its task and direction. The class-count dependent
 * names (`f1`, `auc`...) are read as their two-class variant, whose task and direction every variant shares;
 * engine/scoring's resolveMetric chooses the precise variant at intake. Null: not a metric the engine knows.
 */
export function metricInfoOf(name: string): MetricInfo | null {
  const alias = METRIC_ALIASES[normalizeMetricName(name)];
  if (!alias) return null;
  const canonical: MetricName =
    alias === 'auc' ? 'roc_auc' : GENERIC.has(alias) ? `${alias as 'f1'}_binary` : (alias as MetricName);
  return METRICS[canonical];
}
const GENERIC: ReadonlySet<string> = new Set<GenericMetric>(['f1', 'precision', 'recall', 'auc']);
