import { describe, expect, it } from 'vitest';
import { defaultMetricFor, lookupMetric, targetReached, targetValueProblem } from './metric';

describe('lookupMetric: names engine/scoring knows, with their task and direction', () => {
  it.each([
    ['accuracy', 'classification', 'higher'],
    ['Accuracy', 'classification', 'higher'],
    ['f1', 'classification', 'higher'],
    ['F1-macro', 'classification', 'higher'],
    ['auc', 'classification', 'higher'],
    ['ROC AUC', 'classification', 'higher'],
    ['precision_binary', 'classification', 'higher'],
    ['log_loss', 'classification', 'lower'],
    ['cross-entropy', 'classification', 'lower'],
    ['rmse', 'regression', 'lower'],
    ['mean absolute error', 'regression', 'lower'],
    ['R²', 'regression', 'higher'],
    ['mape', 'regression', 'lower'],
  ])('%s', (name, task, direction) => {
    expect(lookupMetric(name)).toEqual({ ok: true, task, direction });
  });

  it('unknown names: close names, then every known name', () => {
    const result = lookupMetric('rsme');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.message).toMatch(/^unknown metric "rsme"\. Close names: rmse[,.]/);
      expect(result.message).toContain('Known: f1, precision, recall, auc, accuracy,');
    }
    const far = lookupMetric('happiness');
    if (!far.ok) expect(far.message).not.toContain('Close names');
  });
});

describe('targets', () => {
  it('plausible ranges per metric', () => {
    const acc = { task: 'classification', direction: 'higher' } as const;
    expect(targetValueProblem('accuracy', acc, 0.85)).toBeNull();
    expect(targetValueProblem('accuracy', acc, 1.5)).toBe(
      'accuracy lies between 0 and 1; got 1.5 (for 1.5%, write 0.015)',
    );
    expect(targetValueProblem('accuracy', acc, 150)).toBe('accuracy lies between 0 and 1; got 150');
    expect(targetValueProblem('r2', { task: 'regression', direction: 'higher' }, -0.5)).toBeNull();
    expect(targetValueProblem('log_loss', { task: 'classification', direction: 'lower' }, 0.3)).toBeNull();
  });

  it('targetReached follows the direction; no target is never reached', () => {
    expect(targetReached({ direction: 'higher', target: 0.9 }, 0.9)).toBe(true);
    expect(targetReached({ direction: 'higher', target: 0.9 }, 0.89)).toBe(false);
    expect(targetReached({ direction: 'lower', target: 2 }, 2)).toBe(true);
    expect(targetReached({ direction: 'lower', target: 2 }, Number.NaN)).toBe(false);
    expect(targetReached({ direction: 'higher', target: null }, 1)).toBe(false);
  });

  it('default metrics by task', () => {
    expect(defaultMetricFor('classification')).toBe('accuracy');
    expect(defaultMetricFor('regression')).toBe('rmse');
  });
});
