import { describe, expect, it } from 'vitest';
import { accuracy, balancedAccuracy, precisionRecallF1 } from './classification-metrics';
import { binaryRocAuc, EPSILON, logLoss, ovrMacroRocAuc } from './probability-metrics';
import { mae, mape, mse, r2, rmse, rmsle } from './regression-metrics';

const i32 = (values: number[]) => Int32Array.from(values);
const f64 = (values: number[]) => Float64Array.from(values);
const u8 = (values: number[]) => Uint8Array.from(values);

describe('label metrics (worked by hand)', () => {
  // Per class: 0 -> P 1/2 R 1/2 F1 1/2; 1 -> P 2/3 R 1 F1 4/5; 2 -> P 1 R 1/2 F1 2/3.
  const yTrue = i32([0, 0, 1, 1, 2, 2]);
  const yPred = i32([0, 1, 1, 1, 0, 2]);

  it('accuracy and balanced accuracy', () => {
    expect(accuracy(yTrue, yPred)).toBeCloseTo(4 / 6, 15);
    expect(balancedAccuracy(yTrue, yPred, 3)).toBeCloseTo((1 / 2 + 1 + 1 / 2) / 3, 15);
  });

  it('macro, micro and weighted precision, recall, F1', () => {
    const macro = precisionRecallF1(yTrue, yPred, 3, 'macro');
    expect(macro.precision).toBeCloseTo((1 / 2 + 2 / 3 + 1) / 3, 15);
    expect(macro.recall).toBeCloseTo((1 / 2 + 1 + 1 / 2) / 3, 15);
    expect(macro.f1).toBeCloseTo((1 / 2 + 4 / 5 + 2 / 3) / 3, 15);
    const micro = precisionRecallF1(yTrue, yPred, 3, 'micro');
    expect(micro).toEqual({ precision: 4 / 6, recall: 4 / 6, f1: 4 / 6 });
    const weighted = precisionRecallF1(yTrue, yPred, 3, 'weighted');
    expect(weighted.f1).toBeCloseTo(macro.f1, 15);
  });

  it('a class never predicted, and one predicted but absent, count as sklearn counts them', () => {
    const t = i32([0, 0, 1, 1]);
    const p = i32([0, 0, 0, 2]);
    // Labels averaged over: {0, 1, 2} (true or predicted); class 3 of 4 appears nowhere and is left out.
    const macro = precisionRecallF1(t, p, 4, 'macro');
    expect(macro.f1).toBeCloseTo(0.8 / 3, 15);
    expect(macro.precision).toBeCloseTo(2 / 3 / 3, 15);
    expect(precisionRecallF1(t, p, 4, 'weighted').f1).toBeCloseTo((2 * 0.8) / 4, 15);
    // Balanced accuracy: recall over classes present in y_true only: (1 + 0) / 2.
    expect(balancedAccuracy(t, p, 4)).toBe(0.5);
  });

  it('binary metrics for the positive class', () => {
    const t = i32([1, 1, 0, 0, 1]);
    const p = i32([1, 0, 0, 1, 1]);
    expect(precisionRecallF1(t, p, 2, 'binary', 1)).toEqual({ precision: 2 / 3, recall: 2 / 3, f1: 2 / 3 });
    expect(precisionRecallF1(t, p, 2, 'binary', 0)).toEqual({ precision: 1 / 2, recall: 1 / 2, f1: 1 / 2 });
    expect(precisionRecallF1(i32([0, 0]), i32([0, 0]), 2, 'binary', 1)).toEqual({
      precision: 0,
      recall: 0,
      f1: 0,
    });
  });
});

describe('ROC AUC', () => {
  it('counts a tie between a positive and a negative as half', () => {
    // Pairs: 0.9>0.4, 0.9>0.1, 0.4=0.4 (half), 0.4>0.1: 3.5 of 4.
    expect(binaryRocAuc(u8([1, 1, 0, 0]), f64([0.9, 0.4, 0.4, 0.1]))).toBe(0.875);
    expect(binaryRocAuc(u8([1, 0, 1, 0]), f64([0.5, 0.5, 0.5, 0.5]))).toBe(0.5);
  });

  it('is 1 for a perfect ranking, 0 for a reversed one, undefined with one class', () => {
    expect(binaryRocAuc(u8([0, 0, 1, 1]), f64([0.1, 0.2, 0.3, 0.4]))).toBe(1);
    expect(binaryRocAuc(u8([1, 1, 0, 0]), f64([0.1, 0.2, 0.3, 0.4]))).toBe(0);
    expect(binaryRocAuc(u8([1, 1]), f64([0.1, 0.2]))).toBeNull();
  });

  it('averages one-vs-rest AUCs over classes', () => {
    const yTrue = i32([0, 1, 2, 0, 1, 2]);
    const p0 = f64([0.8, 0.1, 0.1, 0.3, 0.4, 0.3]); // class 0 vs rest: positives 0.8, 0.3; negatives 0.1, 0.1, 0.4, 0.3
    const p1 = f64([0.1, 0.8, 0.1, 0.3, 0.5, 0.3]); // perfect for class 1
    const p2 = f64([0.1, 0.1, 0.8, 0.4, 0.1, 0.4]); // class 2: its 0.4 ties a negative's 0.4
    const auc0 = (4 + 2.5) / 8;
    const auc2 = (4 + 3.5) / 8;
    expect(ovrMacroRocAuc(yTrue, [p0, p1, p2])).toEqual({ value: (auc0 + 1 + auc2) / 3, skipped: [] });
  });
});

describe('log loss', () => {
  it('is the mean negative log-probability of the true class', () => {
    // Binary from one column: the other is its complement.
    expect(logLoss(i32([1, 0]), [null, f64([0.8, 0.3])])).toBeCloseTo(
      -(Math.log(0.8) + Math.log(0.7)) / 2,
      15,
    );
    expect(logLoss(i32([1, 0]), [f64([0.2, 0.7]), f64([0.8, 0.3])])).toBeCloseTo(
      -(Math.log(0.8) + Math.log(0.7)) / 2,
      15,
    );
  });

  it('clips a zero probability to machine epsilon', () => {
    expect(logLoss(i32([0]), [f64([0]), f64([1])])).toBeCloseTo(-Math.log(EPSILON), 12);
  });

  it('renormalises rows that do not sum to one', () => {
    expect(logLoss(i32([0]), [f64([0.2]), f64([0.2])])).toBeCloseTo(Math.LN2, 15);
  });
});

describe('regression metrics (scikit-learn documentation examples)', () => {
  const y = f64([3, -0.5, 2, 7]);
  const p = f64([2.5, 0.0, 2, 8]);

  it('MSE, RMSE, MAE, R², MAPE', () => {
    expect(mse(y, p)).toBe(0.375);
    expect(rmse(y, p)).toBe(Math.sqrt(0.375));
    expect(mae(y, p)).toBe(0.5);
    expect(r2(y, p)).toBeCloseTo(0.9486081370449679, 15);
    expect(mape(y, p)).toBeCloseTo(0.3273809523809524, 15);
  });

  it('RMSLE, undefined on negatives', () => {
    expect(rmsle(f64([3, 5, 2.5, 7]), f64([2.5, 5, 4, 8]))).toBeCloseTo(Math.sqrt(0.03973012298459377), 15);
    expect(rmsle(y, p)).toBeNull();
    expect(rmsle(f64([1]), f64([-0.1]))).toBeNull();
  });

  it('R² on a constant target, and on one example', () => {
    expect(r2(f64([2, 2]), f64([2, 2]))).toBe(1);
    expect(r2(f64([2, 2]), f64([2, 3]))).toBe(0);
    expect(r2(f64([2]), f64([2]))).toBeNull();
  });

  it('R² is 0 on a constant target that is not exactly representable, and missed (deliberately not sklearn)', () => {
    // sklearn 1.2 computes the spread around a rounded mean (1e-33, not 0) and returns -5.19e31 here.
    expect(r2(f64([0.1, 0.1, 0.1]), f64([0.2, 0.2, 0.2]))).toBe(0);
    expect(r2(f64([0.1, 0.1, 0.1]), f64([0.1, 0.1, 0.1]))).toBe(1);
    expect(r2(f64([1 / 3, 1 / 3, 1 / 3, 1 / 3, 1 / 3, 1 / 3, 1 / 3]), f64([0, 0, 0, 0, 0, 0, 0]))).toBe(0);
  });

  it('MAPE divides by epsilon where the target is zero', () => {
    expect(mape(f64([0]), f64([1e-10]))).toBeCloseTo(1e-10 / EPSILON, 0);
  });
});
