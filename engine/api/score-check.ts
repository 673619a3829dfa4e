/**
 * When the agent's own figure (eval_results.json) and the engine's trusted score on the hidden holdout are
 * too far apart to be the same model measured on two samples of the same data. Then something is wrong that
 * the user should see: evaluate.py scores the training data, leaks the labels, or measures another metric (or
 * the agent is gaming its own figure). The run's decisions never use the self-reported figure either way;
 * this only makes the gap visible. Pure, so the engine, the CLI and the dashboard judge alike.
 *
 * The threshold depends on the metric's scale:
 * - metrics on a fixed 0..1 scale (accuracy, F1, precision, recall, ROC AUC; R², whose ceiling is 1):
 *   an ABSOLUTE gap over 0.1. Two honest estimates differ by sampling noise, whose standard deviation for an
 *   accuracy p on n rows is sqrt(p(1-p)/n): at most 0.035 at n = 200, so 0.1 is about three of them on a small
 *   holdout and far more on a larger one, while a leaking evaluation (0.999 against 0.756) is well over it.
 * - open-ended error metrics (MSE, RMSE, MAE, RMSLE, MAPE, log loss), whose values depend on the target's
 *   units: a RELATIVE gap, the larger value more than twice the smaller (a gap over half the larger), since no
 *   absolute figure fits every scale; and a gap under 1e-9 (both practically zero) is never flagged.
 */

const OPEN_SCALE = new Set(['log_loss', 'mse', 'rmse', 'mae', 'rmsle', 'mape']);

export const UNIT_SCALE_GAP = 0.1;
export const OPEN_SCALE_RATIO = 2;

export interface ScoreDisagreement {
  selfReported: number;
  engine: number;
  /** The words for the user: both figures, the gap, and the rule it broke. */
  message: string;
}

export function scoreDisagreement(
  metric: string,
  selfReported: number | null,
  engine: number | null,
): ScoreDisagreement | null {
  if (selfReported === null || engine === null) return null;
  if (!Number.isFinite(selfReported) || !Number.isFinite(engine)) return null;
  const gap = Math.abs(selfReported - engine);
  let rule: string;
  if (OPEN_SCALE.has(metric)) {
    const larger = Math.max(Math.abs(selfReported), Math.abs(engine));
    if (gap < 1e-9 || gap <= larger * (1 - 1 / OPEN_SCALE_RATIO)) return null;
    rule = `one is more than ${OPEN_SCALE_RATIO} times the other`;
  } else {
    if (gap <= UNIT_SCALE_GAP) return null;
    rule = `more than ${UNIT_SCALE_GAP} apart`;
  }
  return {
    selfReported,
    engine,
    message:
      `evaluate.py reported ${metric} ${round(selfReported)} but the engine scored ${round(engine)} on the ` +
      `hidden holdout (${rule}). The engine's score decides; check that evaluate.py scores a held-out split ` +
      `with the run's metric and does not see the labels it is scored on.`,
  };
}

const round = (value: number) => String(Number(value.toPrecision(4)));
