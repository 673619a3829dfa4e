/**
 * Metrics over predicted probabilities, matching scikit-learn.
 *
 * ROC AUC is the area under the ROC curve built over distinct thresholds, with trapezoids: exactly the
 * Mann-Whitney statistic with tied scores counted as half a win, which is how it is computed here (average
 * ranks). Log loss clips probabilities to [eps, 1 - eps] (eps = float64 machine epsilon), then divides each
 * row by its sum, as sklearn did up to 1.4 (newer versions refuse rows that do not sum to 1; a CSV written with
 * 4 decimals rarely sums to exactly 1, so the engine keeps the lenient, renormalising reading).
 */

export const EPSILON = 2 ** -52;

/** AUC of `scores` for `positive` (1) against the rest (0); null when only one of the two is present. */
export function binaryRocAuc(positive: Uint8Array, scores: Float64Array): number | null {
  const n = positive.length;
  let nPos = 0;
  for (let i = 0; i < n; i += 1) nPos += positive[i] as number;
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) return null;
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (scores[a] as number) - (scores[b] as number),
  );
  let rankSumPos = 0;
  for (let start = 0; start < n;) {
    let end = start;
    while (end + 1 < n && scores[order[end + 1] as number] === scores[order[start] as number]) end += 1;
    // Ranks start..end (1-based: start+1..end+1) are tied: each gets their mean.
    const rank = (start + end + 2) / 2;
    for (let k = start; k <= end; k += 1) if (positive[order[k] as number] === 1) rankSumPos += rank;
    start = end + 1;
  }
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/**
 * One-vs-rest macro AUC: the mean over classes of each class's AUC against all others, using that class's
 * probability column as is. Classes absent from y_true have no AUC and are skipped (sklearn raises instead);
 * they are returned so the caller can say so.
 */
export function ovrMacroRocAuc(
  yTrue: Int32Array,
  probabilities: readonly Float64Array[],
): { value: number | null; skipped: number[] } {
  const skipped: number[] = [];
  let sum = 0;
  let count = 0;
  probabilities.forEach((column, c) => {
    const positive = new Uint8Array(yTrue.length);
    for (let i = 0; i < yTrue.length; i += 1) positive[i] = yTrue[i] === c ? 1 : 0;
    const auc = binaryRocAuc(positive, column);
    if (auc === null) skipped.push(c);
    else {
      sum += auc;
      count += 1;
    }
  });
  return { value: count > 0 ? sum / count : null, skipped };
}

/**
 * Mean negative log-likelihood of the true class. `probabilities[c][i]`: probability of class c for example i,
 * or null for a class without a column — allowed only in the binary case, where the missing column is 1 - the
 * other after clipping (sklearn's reading of a single probability column).
 */
export function logLoss(yTrue: Int32Array, probabilities: readonly (Float64Array | null)[]): number {
  const clip = (p: number) => Math.min(Math.max(p, EPSILON), 1 - EPSILON);
  let total = 0;
  const k = probabilities.length;
  const row = new Float64Array(k);
  for (let i = 0; i < yTrue.length; i += 1) {
    if (k === 2 && (probabilities[0] === null || probabilities[1] === null)) {
      const given = probabilities[0] === null ? 1 : 0;
      const p = clip((probabilities[given] as Float64Array)[i] as number);
      row[given] = p;
      row[1 - given] = 1 - p;
    } else {
      for (let c = 0; c < k; c += 1) row[c] = clip((probabilities[c] as Float64Array)[i] as number);
    }
    let sum = 0;
    for (let c = 0; c < k; c += 1) sum += row[c] as number;
    total += -Math.log((row[yTrue[i] as number] as number) / sum);
  }
  return total / yTrue.length;
}
