import { numericSpellingGroups, sortClasses } from '../datasets/label-collector';
import { parseNumber } from '../datasets/values';
import { accuracy, balancedAccuracy, precisionRecallF1, type Average } from './classification-metrics';
import { ClassMatcher } from './class-matcher';
import { readHiddenLabels } from './labels-file';
import { METRICS } from './metric-registry';
import {
  predictedClasses,
  predictedNumbers,
  probabilityColumns,
  readPredictions,
  type PredictionTable,
} from './predictions-file';
import { binaryRocAuc, logLoss, ovrMacroRocAuc } from './probability-metrics';
import { mae, mape, mse, r2, rmse, rmsle } from './regression-metrics';
import type { PredictionProblem, ResolvedMetric, ScoreResult } from './schemas';
import type { TaskType } from '../api/vocabulary';

/**
 * The trusted score of one predictions file on one hidden holdout split: computed here from the agent's
 * predictions and labels the agent never saw, never read from anything the agent wrote about itself.
 */
export interface ScoreRequest {
  /**
   * The CSV predict.py wrote. It must be a regular file: a symbolic link, a folder, a FIFO or a device at this
   * path is a failed evaluation, and none is ever followed or read.
   */
  predictionsPath: string;
  /**
   * The folder predict.py writes in (the run's workspace). When given, the predictions file must lie inside
   * it with every symbolic link on the way resolved: a folder on the path swapped for a link to elsewhere on
   * the host is refused too. Callers should pass it.
   */
  predictionsRoot?: string;
  /** `labels/<split>.csv` of the run data folder. */
  labelsPath: string;
  /** From resolveMetric, once per run. */
  metric: ResolvedMetric;
  /** Classification: every class of the dataset (the manifest's `classes`); by default the labels' own. */
  classes?: readonly string[];
  /** Also computed, for the report; a missing input makes an extra null, never fails the score. */
  extras?: readonly ResolvedMetric[];
}

type Truth =
  | { task: 'classification'; classes: readonly string[]; codes: Int32Array; matcher: ClassMatcher }
  | { task: 'regression'; values: Float64Array };

type Evaluation =
  | { ok: true; value: number; notes: string[] }
  | { ok: false; reason: 'malformed_predictions' | 'undefined_metric'; problems: PredictionProblem[] };

export async function scorePredictions(request: ScoreRequest): Promise<ScoreResult> {
  const { metric } = request;
  const hidden = await readHiddenLabels(request.labelsPath);
  if (!hidden.ok)
    return failure('labels_unreadable', [{ code: 'labels_unreadable', message: hidden.message }]);
  const truth = buildTruth(metric.task, hidden.value.labels, request.classes);
  if (!truth.ok)
    return failure('labels_unreadable', [
      { code: 'labels_unreadable', message: `${request.labelsPath}: ${truth.message}` },
    ]);

  const read = await readPredictions(
    request.predictionsPath,
    hidden.value.ids,
    truth.value.task === 'classification' ? truth.value.matcher : null,
    { root: request.predictionsRoot },
  );
  if (!read.ok) return failure('malformed_predictions', read.problems);

  const primary = evaluate(metric, read.table, truth.value);
  if (!primary.ok) return failure(primary.reason, primary.problems, read.table.file);
  const notes = [...read.table.notes, ...primary.notes];
  const extras: Record<string, number | null> = {};
  for (const extra of request.extras ?? []) {
    if (extra.name === metric.name) continue;
    const result = evaluate(extra, read.table, truth.value);
    extras[extra.name] = result.ok ? result.value : null;
    if (!result.ok)
      notes.push(`${extra.name} not computed: ${result.problems.map((p) => p.message).join(' ')}`);
  }
  return {
    ok: true,
    metric: metric.name,
    value: primary.value,
    direction: metric.direction,
    n: read.table.n,
    extras,
    notes,
  };
}

function failure(
  reason: 'malformed_predictions' | 'undefined_metric' | 'labels_unreadable',
  problems: PredictionProblem[],
  file?: string,
): ScoreResult {
  const head = reason === 'malformed_predictions' && file ? `${file}: ` : '';
  return { ok: false, reason, message: `${head}${problems.map((p) => p.message).join(' ')}`, problems };
}

function buildTruth(
  task: TaskType,
  labels: readonly string[],
  classes: readonly string[] | undefined,
): { ok: true; value: Truth } | { ok: false; message: string } {
  if (task === 'regression') {
    const values = new Float64Array(labels.length);
    for (let i = 0; i < labels.length; i += 1) {
      const v = parseNumber(labels[i] as string);
      if (v === null)
        return {
          ok: false,
          message: `label '${labels[i]}' (row ${i + 2}) is not a number, so this is no regression holdout.`,
        };
      values[i] = v;
    }
    return { ok: true, value: { task, values } };
  }
  // Spellings of one number ('1', '1.0') are one class, as intake counts them (label-collector.ts): the
  // manifest's classes hold one spelling, and without them the labels' own spellings are merged the same way.
  let known: string[];
  const index = new Map<string, number>();
  if (classes) {
    known = [...classes];
    known.forEach((c, i) => index.set(c, i));
  } else {
    const distinct = new Map<string, number>();
    for (const label of labels) distinct.set(label, (distinct.get(label) ?? 0) + 1);
    const names = [...distinct.keys()];
    const canonicalOf = numericSpellingGroups(names, [...distinct.values()]);
    known = sortClasses(names.filter((_, i) => !canonicalOf || canonicalOf[i] === i));
    const position = new Map(known.map((c, i) => [c, i]));
    names.forEach((name, i) => {
      const canonical = names[canonicalOf ? (canonicalOf[i] as number) : i] as string;
      index.set(name, position.get(canonical) as number);
    });
  }
  const byNumber = new Map<number, number | null>();
  known.forEach((c, i) => {
    const n = parseNumber(c);
    if (n !== null) byNumber.set(n, byNumber.has(n) ? null : i);
  });
  const codes = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i += 1) {
    const label = labels[i] as string;
    let code = index.get(label);
    if (code === undefined) {
      const n = parseNumber(label);
      code = (n === null ? undefined : byNumber.get(n)) ?? undefined;
    }
    if (code === undefined)
      return {
        ok: false,
        message: `label '${label}' (row ${i + 2}) is not among the dataset's classes.`,
      };
    codes[i] = code;
  }
  return { ok: true, value: { task, classes: known, codes, matcher: new ClassMatcher(known) } };
}

function evaluate(metric: ResolvedMetric, table: PredictionTable, truth: Truth): Evaluation {
  const malformed = (problems: PredictionProblem[]): Evaluation => ({
    ok: false,
    reason: 'malformed_predictions',
    problems,
  });
  const undefinedMetric = (message: string): Evaluation => ({
    ok: false,
    reason: 'undefined_metric',
    problems: [{ code: 'undefined_metric', message }],
  });
  const title = METRICS[metric.name].title;

  if (truth.task === 'regression') {
    const predicted = predictedNumbers(table);
    if (!predicted.ok) return malformed(predicted.problems);
    const y = truth.values;
    const p = predicted.values;
    switch (metric.name) {
      case 'mse':
        return { ok: true, value: mse(y, p), notes: [] };
      case 'rmse':
        return { ok: true, value: rmse(y, p), notes: [] };
      case 'mae':
        return { ok: true, value: mae(y, p), notes: [] };
      case 'mape':
        return { ok: true, value: mape(y, p), notes: [] };
      case 'r2': {
        const value = r2(y, p);
        return value === null
          ? undefinedMetric(`R² needs at least 2 examples; this split has ${y.length}.`)
          : { ok: true, value, notes: [] };
      }
      case 'rmsle': {
        const value = rmsle(y, p);
        if (value !== null) return { ok: true, value, notes: [] };
        const negativeTargets = y.some((v) => v < 0);
        if (negativeTargets)
          return undefinedMetric(
            'RMSLE is undefined here: the holdout has negative targets. Choose rmse or mae for this run.',
          );
        const negatives: string[] = [];
        let count = 0;
        p.forEach((v, i) => {
          if (v < 0) {
            count += 1;
            if (negatives.length < 10) negatives.push(`line ${table.lines[i]} (${v})`);
          }
        });
        return malformed([
          {
            code: 'negative_predictions',
            message: `RMSLE is undefined for negative values, and ${count} ${count === 1 ? 'prediction is' : 'predictions are'} negative: ${negatives.join(', ')}${count > negatives.length ? ` and ${count - negatives.length} more` : ''}. Clip predictions at 0.`,
          },
        ]);
      }
      default:
        return undefinedMetric(`${metric.name} is not a regression metric.`);
    }
  }

  const { classes, codes: yTrue } = truth;
  const k = classes.length;
  const positive = metric.positiveLabel === undefined ? -1 : classes.indexOf(metric.positiveLabel);
  if (metric.reads === 'prediction') {
    const predicted = predictedClasses(table, truth.matcher);
    if (!predicted.ok) return malformed(predicted.problems);
    const yPred = predicted.codes;
    if (metric.name === 'accuracy') return { ok: true, value: accuracy(yTrue, yPred), notes: [] };
    if (metric.name === 'balanced_accuracy')
      return { ok: true, value: balancedAccuracy(yTrue, yPred, k), notes: [] };
    const [kind, average] = metric.name.split('_') as ['f1' | 'precision' | 'recall', Average];
    if (average === 'binary' && positive < 0)
      return undefinedMetric(`${title} needs a positive class; none was resolved.`);
    const result = precisionRecallF1(yTrue, yPred, k, average, positive);
    return { ok: true, value: result[kind], notes: [] };
  }

  if (metric.name === 'roc_auc') {
    if (positive < 0) return undefinedMetric(`${title} needs a positive class; none was resolved.`);
    const columns = probabilityColumns(table, classes, [positive], title);
    if (!columns.ok) return malformed(columns.problems);
    const isPositive = Uint8Array.from(yTrue, (c) => (c === positive ? 1 : 0));
    const value = binaryRocAuc(isPositive, columns.columns[positive] as Float64Array);
    if (value === null)
      return undefinedMetric(
        `ROC AUC is undefined on this split: every example is ${isPositive[0] ? '' : 'not '}'${classes[positive]}'. It needs both classes.`,
      );
    return { ok: true, value, notes: [] };
  }
  if (metric.name === 'roc_auc_ovr') {
    const present = [...new Set(yTrue)].sort((a, b) => a - b);
    const columns = probabilityColumns(table, classes, present, title);
    if (!columns.ok) return malformed(columns.problems);
    const used = present.map((c) => columns.columns[c] as Float64Array);
    const { value, skipped } = ovrMacroRocAuc(remap(yTrue, present), used);
    if (value === null)
      return undefinedMetric('one-vs-rest ROC AUC is undefined on this split: it holds a single class.');
    const absent = classes.filter((_, c) => !present.includes(c));
    const notes = [
      ...(absent.length
        ? [
            `classes absent from this split, left out of the macro average: ${absent.map((c) => `'${c}'`).join(', ')}`,
          ]
        : []),
      ...(skipped.length
        ? [`classes without an AUC: ${skipped.map((i) => `'${classes[present[i] as number]}'`).join(', ')}`]
        : []),
    ];
    return { ok: true, value, notes };
  }
  if (metric.name === 'log_loss') {
    let needed = classes.map((_, c) => c);
    if (k === 2) {
      // One column is enough for two classes (the other is its complement), as in sklearn.
      const has = (c: number) => table.probabilities.some((p) => p.classCode === c);
      needed = has(0) || has(1) ? [0, 1].filter(has) : [positive >= 0 ? positive : 1];
    }
    const columns = probabilityColumns(table, classes, needed, title);
    if (!columns.ok) return malformed(columns.problems);
    const used = classes.map((_, c) => (needed.includes(c) ? (columns.columns[c] as Float64Array) : null));
    return { ok: true, value: logLoss(yTrue, used), notes: [] };
  }
  return undefinedMetric(`${metric.name} is not a classification metric.`);
}

/** Class codes renumbered to positions in `present`, for per-column metrics over present classes only. */
function remap(codes: Int32Array, present: readonly number[]): Int32Array {
  const position = new Map(present.map((c, i) => [c, i]));
  return Int32Array.from(codes, (c) => position.get(c) ?? -1);
}
