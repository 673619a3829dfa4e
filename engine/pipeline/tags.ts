import type { ExperimentTag } from '../api/runs';

/**
 * The category of an experiment, from its proposal's words (inventory 2.3's priority order: an ensemble of
 * tuned models is an ENSEMBLE). Used by the journal, the plateau prompt and the UI's colours.
 */
const RULES: readonly [ExperimentTag, RegExp][] = [
  ['ENSEMBLE', /\b(stack(ing|ed)?|blend(ing)?|ensembl\w*|voting|bagging|boost(ing)?)\b/i],
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
  [
    'MODEL',
    /\b(model|random ?forest|xgboost|lightgbm|catboost|gbm|gradient|neural|transformer|cnn|lstm|mlp|logistic|svm|kernel|tree|knn|ridge|lasso)\b/i,
  ],
];

export function inferTag(proposal: string): ExperimentTag | null {
  for (const [tag, pattern] of RULES) if (pattern.test(proposal)) return tag;
  return null;
}
