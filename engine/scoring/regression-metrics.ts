/**
 * Regression metrics as scikit-learn defines them (sklearn.metrics, default arguments):
 *
 * - R² is 1 when the target is constant and predicted exactly, 0 when it is constant and missed
 *   (`force_finite=True`), and needs at least two examples. One deliberate deviation: "constant" means every
 *   target is the same number. sklearn tests the spread around the computed mean for 0, and a mean that is not
 *   exactly representable (y = [0.1, 0.1, 0.1]) leaves a spread of ~1e-33, so sklearn 1.2 returns -5.19e31
 *   for predictions of 0.2. Such a figure would make keep/revert decisions arbitrary; here it is 0;
 * - RMSLE is undefined for negative targets or predictions (sklearn raises);
 * - MAPE divides by max(|y|, eps) with eps = float64 machine epsilon, and is a fraction, not a percentage.
 */

const EPSILON = 2 ** -52;

/** Neumaier summation: the sums here can mix huge and tiny terms (MAPE near zero targets). */
function sum(n: number, term: (i: number) => number): number {
  let total = 0;
  let compensation = 0;
  for (let i = 0; i < n; i += 1) {
    const x = term(i);
    const t = total + x;
    compensation += Math.abs(total) >= Math.abs(x) ? total - t + x : x - t + total;
    total = t;
  }
  return total + compensation;
}

export function mse(y: Float64Array, p: Float64Array): number {
  return sum(y.length, (i) => ((y[i] as number) - (p[i] as number)) ** 2) / y.length;
}

export function rmse(y: Float64Array, p: Float64Array): number {
  return Math.sqrt(mse(y, p));
}

export function mae(y: Float64Array, p: Float64Array): number {
  return sum(y.length, (i) => Math.abs((y[i] as number) - (p[i] as number))) / y.length;
}

export function r2(y: Float64Array, p: Float64Array): number | null {
  const n = y.length;
  if (n < 2) return null;
  const residual = sum(n, (i) => ((y[i] as number) - (p[i] as number)) ** 2);
  const first = y[0] as number;
  // A constant target (see the note at the top); where its mean is exact, this is sklearn's own rule.
  if (y.every((v) => v === first)) return residual === 0 ? 1 : 0;
  const mean = sum(n, (i) => y[i] as number) / n;
  const spread = sum(n, (i) => ((y[i] as number) - mean) ** 2);
  // Targets that differ by less than ~1e-154 only: their squared deviations underflow to 0.
  if (spread === 0) return residual === 0 ? 1 : 0;
  return 1 - residual / spread;
}

/** Null when a target or prediction is negative (undefined, as in sklearn). */
export function rmsle(y: Float64Array, p: Float64Array): number | null {
  for (let i = 0; i < y.length; i += 1) if ((y[i] as number) < 0 || (p[i] as number) < 0) return null;
  return Math.sqrt(
    sum(y.length, (i) => (Math.log1p(y[i] as number) - Math.log1p(p[i] as number)) ** 2) / y.length,
  );
}

export function mape(y: Float64Array, p: Float64Array): number {
  return (
    sum(
      y.length,
      (i) => Math.abs((y[i] as number) - (p[i] as number)) / Math.max(Math.abs(y[i] as number), EPSILON),
    ) / y.length
  );
}
