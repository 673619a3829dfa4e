import { describe, expect, it } from 'vitest';
import { scoreDisagreement } from './score-check';

describe('scoreDisagreement', () => {
  // [metric, self-reported, engine, flagged]
  it.each([
    ['accuracy', 0.999, 0.756, true], // the red team's case: evaluate.py scored what it trained on
    ['accuracy', 0.86, 0.84, false], // sampling noise between two splits
    ['accuracy', 0.9, 0.81, false], // 0.09: within what a small holdout can give
    ['f1_macro', 0.55, 0.7, true],
    ['roc_auc', 1, 0.62, true],
    ['r2', 0.95, 0.41, true],
    ['r2', 0.6, 0.55, false],
    ['rmse', 1200, 1500, false], // same order on the target's own scale
    ['rmse', 0.2, 5.3, true], // one more than twice the other
    ['mae', 30, 14, true],
    ['log_loss', 0.31, 0.35, false],
    ['mse', 1e-12, 3e-12, false], // both practically zero
  ] as const)('%s: self %s vs engine %s -> %s', (metric, self, engine, flagged) => {
    expect(scoreDisagreement(metric, self, engine) !== null).toBe(flagged);
  });

  it('says both figures and what to check; nothing without both figures', () => {
    expect(scoreDisagreement('accuracy', 0.999, 0.756)?.message).toBe(
      'evaluate.py reported accuracy 0.999 but the engine scored 0.756 on the hidden holdout (more than 0.1 ' +
        "apart). The engine's score decides; check that evaluate.py scores a held-out split with the run's " +
        'metric and does not see the labels it is scored on.',
    );
    expect(scoreDisagreement('rmse', 0.2, 5.3)?.message).toMatch(/\(one is more than 2 times the other\)/);
    expect(scoreDisagreement('accuracy', null, 0.7)).toBeNull();
    expect(scoreDisagreement('accuracy', 0.9, null)).toBeNull();
    expect(scoreDisagreement('accuracy', Number.NaN, 0.7)).toBeNull();
  });
});
