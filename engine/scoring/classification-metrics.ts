/**
 * Label-based classification metrics, defined as scikit-learn defines them, so a score here equals the score a
 * user gets from sklearn.metrics on the same predictions:
 *
 * - the classes averaged over are those present in y_true or y_pred (sklearn's `unique_labels`);
 * - a ratio with a zero denominator counts as 0 (sklearn's `zero_division="warn"` result);
 * - balanced accuracy averages recall over classes present in y_true only.
 *
 * Inputs are class codes (indices into the dataset's class list), one per example.
 */

export type Average = 'binary' | 'macro' | 'micro' | 'weighted';

interface Counts {
  tp: Float64Array;
  /** Predicted as the class. */
  predicted: Float64Array;
  /** Truly the class (support). */
  actual: Float64Array;
}

function countPerClass(yTrue: Int32Array, yPred: Int32Array, classCount: number): Counts {
  const tp = new Float64Array(classCount);
  const predicted = new Float64Array(classCount);
  const actual = new Float64Array(classCount);
  for (let i = 0; i < yTrue.length; i += 1) {
    const t = yTrue[i] as number;
    const p = yPred[i] as number;
    actual[t] = (actual[t] as number) + 1;
    predicted[p] = (predicted[p] as number) + 1;
    if (t === p) tp[t] = (tp[t] as number) + 1;
  }
  return { tp, predicted, actual };
}

const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);

export function accuracy(yTrue: Int32Array, yPred: Int32Array): number {
  let correct = 0;
  for (let i = 0; i < yTrue.length; i += 1) if (yTrue[i] === yPred[i]) correct += 1;
  return correct / yTrue.length;
}

export function balancedAccuracy(yTrue: Int32Array, yPred: Int32Array, classCount: number): number {
  const { tp, actual } = countPerClass(yTrue, yPred, classCount);
  let sum = 0;
  let classes = 0;
  for (let c = 0; c < classCount; c += 1) {
    if ((actual[c] as number) === 0) continue;
    sum += (tp[c] as number) / (actual[c] as number);
    classes += 1;
  }
  return sum / classes;
}

export interface PrecisionRecallF1 {
  precision: number;
  recall: number;
  f1: number;
}

/** `positive` is the positive class's code; only read for the binary average. */
export function precisionRecallF1(
  yTrue: Int32Array,
  yPred: Int32Array,
  classCount: number,
  average: Average,
  positive = 1,
): PrecisionRecallF1 {
  const { tp, predicted, actual } = countPerClass(yTrue, yPred, classCount);
  const perClass = (c: number): PrecisionRecallF1 => {
    const t = tp[c] as number;
    const p = predicted[c] as number;
    const a = actual[c] as number;
    // F1 from counts (2tp / (2tp + fp + fn)): equal to 2PR/(P+R) where both exist, and defined where they are not.
    return { precision: ratio(t, p), recall: ratio(t, a), f1: ratio(2 * t, p + a) };
  };
  if (average === 'binary') return perClass(positive);
  const present: number[] = [];
  for (let c = 0; c < classCount; c += 1)
    if ((actual[c] as number) > 0 || (predicted[c] as number) > 0) present.push(c);
  if (average === 'micro') {
    let t = 0;
    let p = 0;
    let a = 0;
    for (const c of present) {
      t += tp[c] as number;
      p += predicted[c] as number;
      a += actual[c] as number;
    }
    return { precision: ratio(t, p), recall: ratio(t, a), f1: ratio(2 * t, p + a) };
  }
  let precision = 0;
  let recall = 0;
  let f1 = 0;
  let weightSum = 0;
  for (const c of present) {
    const w = average === 'weighted' ? (actual[c] as number) : 1;
    const m = perClass(c);
    precision += w * m.precision;
    recall += w * m.recall;
    f1 += w * m.f1;
    weightSum += w;
  }
  return {
    precision: ratio(precision, weightSum),
    recall: ratio(recall, weightSum),
    f1: ratio(f1, weightSum),
  };
}
