/**
 * Trusted scoring (ARCHITECTURE.md section 6): metrics computed by the engine from predict.py's predictions
 * and the hidden holdout labels, matching scikit-learn's definitions.
 */
export { scorePredictions, type ScoreRequest } from './score';
export {
  resolveMetric,
  normalizeMetricName,
  METRICS,
  type MetricContext,
  type MetricResolution,
} from './metric-registry';
export { choosePositiveLabel } from './positive-label';
export { accuracy, balancedAccuracy, precisionRecallF1, type Average } from './classification-metrics';
export { binaryRocAuc, ovrMacroRocAuc, logLoss } from './probability-metrics';
export { mse, rmse, mae, r2, rmsle, mape } from './regression-metrics';
export { Direction, MetricName, PredictionProblem, ResolvedMetric, ScoreResult } from './schemas';
