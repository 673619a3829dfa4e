import { sortClasses } from '../datasets/label-collector';

const POSITIVE_WORDS = new Set(['1', 'true', 'yes', 'y', 't', 'pos', 'positive']);
const NEGATIVE_WORDS = new Set(['0', 'false', 'no', 'n', 'f', 'neg', 'negative']);
const NEGATION = /^(no|not|non)[\s_-]*/i;

/**
 * Which of two classes is "positive" for binary precision, recall, F1 and ROC AUC, when the run does not say:
 *
 * 1. the run's `positiveLabel`, if set;
 * 2. a yes-like class against a no-like one (1/0, true/false, yes/no, y/n, t/f, pos/neg, positive/negative);
 * 3. a class against its negation ("fraud" against "no_fraud", "not fraud", "non-fraud");
 * 4. otherwise the class sorting last (numbers by value, else by code point): scikit-learn's choice for ROC
 *    AUC (`classes_[1]`), and the positive class of 0/1 and -1/1 labels.
 */
export function choosePositiveLabel(
  classes: readonly string[],
  explicit?: string,
): { ok: true; label: string; reason: string } | { ok: false; message: string } {
  if (explicit !== undefined) {
    if (!classes.includes(explicit)) {
      return {
        ok: false,
        message: `the positive label '${explicit}' is not a class of this dataset (classes: ${classes.map((c) => `'${c}'`).join(', ')}).`,
      };
    }
    return { ok: true, label: explicit, reason: 'set for this run' };
  }
  if (classes.length !== 2) {
    return {
      ok: false,
      message: `a binary metric needs exactly 2 classes; this dataset has ${classes.length}.`,
    };
  }
  const [a, b] = classes as [string, string];
  const norm = (s: string) => s.trim().toLowerCase();
  if (POSITIVE_WORDS.has(norm(a)) && NEGATIVE_WORDS.has(norm(b)))
    return { ok: true, label: a, reason: `'${a}' against '${b}'` };
  if (POSITIVE_WORDS.has(norm(b)) && NEGATIVE_WORDS.has(norm(a)))
    return { ok: true, label: b, reason: `'${b}' against '${a}'` };
  const negates = (x: string, y: string) =>
    NEGATION.test(x.trim()) && norm(x.trim().replace(NEGATION, '')) === norm(y);
  if (negates(a, b)) return { ok: true, label: b, reason: `'${a}' is the negation of '${b}'` };
  if (negates(b, a)) return { ok: true, label: a, reason: `'${b}' is the negation of '${a}'` };
  const last = sortClasses(classes)[1] as string;
  return { ok: true, label: last, reason: `'${last}' sorts last (scikit-learn's positive class)` };
}
