import type { ExperimentTag } from '../api/runs';

/**
 * The category of an experiment, from what its proposal changes. Used by the journal, the plateau prompt and
 * the UI's colours.
 *
 * Read from the CHANGE line when the proposal has one (the HYPOTHESIS and RATIONALE lines talk about effects,
 * "more trees", "less overfitting", and would mislead). An ENSEMBLE combines several fitted models (voting,
 * stacking, blending, averaging their predictions, bagging); a gradient-boosting model (GradientBoosting*,
 * HistGradientBoosting*, XGBoost, LightGBM, CatBoost, AdaBoost) is ONE model, so it is MODEL, even though its
 * class lives in `sklearn.ensemble`. Replacing the model with another is MODEL even when the new one comes
 * with its parameters; otherwise the original's priority order holds (inventory 2.3).
 */
const MODEL_NAMES =
  /\b(random ?forest\w*|extra ?trees\w*|xgb\w*|xgboost|lightgbm|lgbm\w*|catboost\w*|gbm|(hist)?gradient ?boost\w*|gradient[- ]boosted|adaboost\w*|neural( net(work)?)?|transformer|cnn|resnet\w*|lstm|mlp\w*|logistic ?regression|svm|svc|svr|kernel|decision ?tree\w*|knn|k-?neighbors\w*|ridge\w*|lasso\w*|elastic ?net\w*|naive ?bayes|linear ?regression)\b/i;
const SWITCH =
  /\b(replac\w*|switch\w*|swap\w*|instead of|migrat\w*|move to|change (the )?model|try|use|fit|train|adopt)\b/i;

const RULES: readonly [ExperimentTag, RegExp][] = [
  [
    'ENSEMBLE',
    /\b(stack(ing|ed)?|stackingclassifier|stackingregressor|blend(ing|ed)?|ensembl(e|es|ing)|voting\w*|bagging\w*|averag(e|es|ed|ing) (the )?(predicted )?(predictions|probabilities|outputs|scores) of|(averag(e|ing)|combin(e|ing)) (the )?(two|three|four|five|several|multiple|\d+|all|both) (\w+ )?models)\b/i,
  ],
  [
    'HYPERPARAM',
    /\b(lr|learning[ -]rate|epochs?|n_estimators|max_depth|tun(e|ing)|weight[_ ]decay|dropout|schedul\w*|regulari[sz]\w*|optuna|hyper-?param\w*|batch[ _]size|C=|alpha)\b/i,
  ],
  [
    'FEATURE',
    /\b(features?|encod\w*|polynomial|embedding|shap|pca|tf-?idf|select\w*|engineer\w*|drop|interaction|bin(ning)?|scal(e|ing))\b/i,
  ],
  [
    'DATA',
    /\b(augment\w*|sampl\w*|smote|oversampl\w*|undersampl\w*|split|imbalanc\w*|class[_ ]weight|clean\w*)\b/i,
  ],
  ['MODEL', new RegExp(`${MODEL_NAMES.source}|\\bmodel\\b`, 'i')],
];

const CHANGE_LINE = /^\s*(?:\*\*)?change(?:\*\*)?\s*[:\-–]\s*(.+)$/im;

export function inferTag(proposal: string): ExperimentTag | null {
  // The module path names no ensemble: `sklearn.ensemble.GradientBoostingClassifier` is one model.
  const change = (CHANGE_LINE.exec(proposal)?.[1] ?? proposal).replace(/\bsklearn\.ensemble\b/gi, 'sklearn');
  const text = newPart(change);
  const ensemble = RULES[0]![1];
  if (ensemble.test(text)) return 'ENSEMBLE';
  if (SWITCH.test(change) && MODEL_NAMES.test(text)) return 'MODEL';
  for (const [tag, pattern] of RULES) if (pattern.test(text)) return tag;
  return null;
}

/** What a replacement brings in: "replace A with B" and "switch from A to B" are about B, "B instead of A" too. */
function newPart(text: string): string {
  const replaced = /\b(?:replac\w*|swap\w*)\b.*?\b(?:with|by|for)\b(.*)/is.exec(text)?.[1];
  if (replaced) return replaced;
  const switched = /\bswitch\w*\s+from\b.*?\bto\b(.*)/is.exec(text)?.[1];
  if (switched) return `switch to ${switched}`;
  const instead = /^(.*?)\binstead of\b/is.exec(text)?.[1];
  return instead ? `${instead} instead of` : text;
}
