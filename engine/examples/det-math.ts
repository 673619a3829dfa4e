/**
 * Deterministic elementary functions for the example generators.
 *
 * ECMAScript leaves Math.exp, Math.sin, Math.cos, Math.log and Math.pow "implementation-approximated": their
 * last bit may differ between engines and engine versions, and a last-bit difference can flip a rounded value
 * in a generated file. Addition, multiplication, division and Math.sqrt are correctly rounded everywhere
 * (IEEE 754), so functions built from them alone give the same bits on every platform. Accuracy here is a few
 * units in the last place, far more than synthetic data needs.
 */

const LN2_HI = 0.6931471803691238; // high bits of ln 2: k * LN2_HI is exact for the k used here
const LN2_LO = 1.9082149292705877e-10;
const INV_LN2 = 1.4426950408889634;
const TWO_PI = 6.283185307179586;
const PI = 3.141592653589793;

/** 2^k for an integer k, exactly (repeated doubling and halving are exact in binary floating point). */
function pow2(k: number): number {
  let result = 1;
  const factor = k >= 0 ? 2 : 0.5;
  for (let i = 0; i < Math.abs(k); i += 1) result *= factor;
  return result;
}

/** e^x. Saturates to 0 and Infinity well outside the range the generators use. */
export function detExp(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x > 700) return Number.POSITIVE_INFINITY;
  if (x < -700) return 0;
  // x = k ln2 + r with |r| <= ln2 / 2, then a Taylor series for e^r (terms shrink below 2^-60 by 20).
  const k = Math.round(x * INV_LN2);
  const r = x - k * LN2_HI - k * LN2_LO;
  let term = 1;
  let sum = 1;
  for (let n = 1; n <= 20; n += 1) {
    term = (term * r) / n;
    sum += term;
  }
  return sum * pow2(k);
}

/** The logistic function 1 / (1 + e^-x). */
export function sigmoid(x: number): number {
  return 1 / (1 + detExp(-x));
}

/** sin and cos of an angle in radians (any finite angle; reduced to [-pi, pi] first). */
export function detSinCos(angle: number): { sin: number; cos: number } {
  let a = angle - TWO_PI * Math.round(angle / TWO_PI);
  if (a > PI) a -= TWO_PI;
  if (a < -PI) a += TWO_PI;
  // Taylor series in a; with |a| <= pi, 30 terms leave an error far below 1e-15.
  let sin = 0;
  let cos = 0;
  let term = 1; // a^n / n!
  for (let n = 0; n < 30; n += 1) {
    const sign = (n >> 1) % 2 === 0 ? 1 : -1;
    if (n % 2 === 0) cos += sign * term;
    else sin += sign * term;
    term = (term * a) / (n + 1);
  }
  return { sin, cos };
}
