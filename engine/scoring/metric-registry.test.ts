import { describe, expect, it } from 'vitest';
import { METRICS, normalizeMetricName, resolveMetric } from './metric-registry';
import { choosePositiveLabel } from './positive-label';
import { MetricName } from './schemas';

const binary = { task: 'classification' as const, classes: ['no', 'yes'] };
const multi = { task: 'classification' as const, classes: ['a', 'b', 'c'] };
const regression = { task: 'regression' as const };

function name(requested: string, context: Parameters<typeof resolveMetric>[1]) {
  const r = resolveMetric(requested, context);
  if (!r.ok) throw new Error(r.message);
  return r.metric.name;
}

describe('resolveMetric', () => {
  it('maps the spellings users type', () => {
    expect(name('acc', binary)).toBe('accuracy');
    expect(name('Balanced Accuracy', binary)).toBe('balanced_accuracy');
    expect(name('f1-macro', multi)).toBe('f1_macro');
    expect(name('macro_f1', multi)).toBe('f1_macro');
    expect(name('F1 weighted', multi)).toBe('f1_weighted');
    expect(name('logloss', multi)).toBe('log_loss');
    expect(name('cross-entropy', multi)).toBe('log_loss');
    expect(name('RMSE', regression)).toBe('rmse');
    expect(name('root mean squared error', regression)).toBe('rmse');
    expect(name('neg_mean_absolute_error', regression)).toBe('mae');
    expect(name('R²', regression)).toBe('r2');
    expect(name('r^2', regression)).toBe('r2');
    expect(name('MAPE', regression)).toBe('mape');
    expect(name('rmsle', regression)).toBe('rmsle');
  });

  it('reads f1 / precision / recall / auc by the class count, and says so', () => {
    const f1 = resolveMetric('f1', binary);
    expect(f1.ok && f1.metric).toMatchObject({
      name: 'f1_binary',
      positiveLabel: 'yes',
      positiveReason: "'yes' against 'no'",
    });
    const f1Multi = resolveMetric('f1', multi);
    expect(f1Multi.ok && f1Multi.metric).toMatchObject({
      name: 'f1_macro',
      note: "'f1' on a 3-class task is macro F1",
    });
    expect(name('recall', binary)).toBe('recall_binary');
    expect(name('precision', multi)).toBe('precision_macro');
    expect(name('auc', binary)).toBe('roc_auc');
    expect(name('AUROC', multi)).toBe('roc_auc_ovr');
    expect(name('roc_auc', multi)).toBe('roc_auc_ovr');
  });

  it('knows which way is better, and records an override', () => {
    expect(resolveMetric('accuracy', binary)).toMatchObject({
      ok: true,
      metric: { direction: 'higher', directionSource: 'metric', reads: 'prediction' },
    });
    expect(resolveMetric('log_loss', binary)).toMatchObject({
      ok: true,
      metric: { direction: 'lower', reads: 'probabilities' },
    });
    expect(resolveMetric('r2', regression)).toMatchObject({ ok: true, metric: { direction: 'higher' } });
    expect(resolveMetric('mae', { ...regression, direction: 'higher' })).toMatchObject({
      ok: true,
      metric: { direction: 'higher', directionSource: 'override' },
    });
    for (const metric of MetricName.options) expect(['higher', 'lower']).toContain(METRICS[metric].direction);
  });

  it('explains what cannot be used', () => {
    expect(resolveMetric('accurcy', binary)).toEqual({
      ok: false,
      message: expect.stringContaining("unknown metric 'accurcy'. Did you mean 'accuracy'?"),
    });
    expect(resolveMetric('bleu', binary)).toEqual({
      ok: false,
      message: expect.stringMatching(/^unknown metric 'bleu'\. Known: accuracy, /),
    });
    expect(resolveMetric('rmse', binary)).toEqual({
      ok: false,
      message: expect.stringContaining("'rmse' is a regression metric and this is a classification task"),
    });
    expect(resolveMetric('f1_binary', multi)).toEqual({
      ok: false,
      message: expect.stringContaining('needs exactly 2 classes; this dataset has 3'),
    });
    expect(resolveMetric('f1', { ...binary, positiveLabel: 'maybe' })).toEqual({
      ok: false,
      message: expect.stringContaining("the positive label 'maybe' is not a class"),
    });
  });

  it('normalises names', () => {
    expect(normalizeMetricName('  Root-Mean.Squared  Error ')).toBe('root_mean_squared_error');
  });
});

describe('choosePositiveLabel', () => {
  const pick = (classes: string[], explicit?: string) => {
    const r = choosePositiveLabel(classes, explicit);
    return r.ok ? r.label : r.message;
  };

  it('follows the documented rule', () => {
    expect(pick(['0', '1'])).toBe('1');
    expect(pick(['-1', '1'])).toBe('1');
    expect(pick(['False', 'True'])).toBe('True');
    expect(pick(['yes', 'no'])).toBe('yes');
    expect(pick(['churn', 'no_churn'])).toBe('churn');
    expect(pick(['Not Fraud', 'fraud'])).toBe('fraud');
    expect(pick(['non-spam', 'spam'])).toBe('spam');
    expect(pick(['benign', 'malignant'])).toBe('malignant');
    expect(pick(['10', '9'])).toBe('10');
    expect(pick(['no', 'yes'], 'no')).toBe('no');
  });
});
