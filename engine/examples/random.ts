import { SeededRandom } from '../datasets/seeded-random';
import { detExp } from './det-math';

/**
 * The draws the example generators need, on top of the engine's seeded generator, using only arithmetic that
 * is bit-identical on every platform (see det-math.ts): no Math.random, no Math.log or Math.cos.
 *
 * Each example (a row, a line, an image) gets its own stream, named after its position, so example 17 is the
 * same whatever the requested size and however many draws example 16 took.
 */
export class ExampleRandom {
  private readonly rng: SeededRandom;

  constructor(seed: number, stream: string) {
    this.rng = new SeededRandom(seed, `examples:${stream}`);
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.rng.next();
  }

  /** A uniform 32-bit unsigned integer (cheap: for pixel noise). */
  uint32(): number {
    return this.rng.nextUint32();
  }

  /** Uniform in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.rng.next();
  }

  /** Uniform integer in [low, high], both included. */
  int(low: number, high: number): number {
    return low + this.rng.int(high - low + 1);
  }

  chance(p: number): boolean {
    return this.rng.next() < p;
  }

  /**
   * Approximately standard normal: the sum of 12 uniforms minus 6 (Irwin-Hall), which has mean 0, variance 1
   * and tails cut at +-6. Plenty for noise, and free of transcendental functions.
   */
  normal(): number {
    let sum = 0;
    for (let i = 0; i < 12; i += 1) sum += this.rng.next();
    return sum - 6;
  }

  /** Poisson with mean `lambda` (Knuth's product of uniforms; fine for the small means used here). */
  poisson(lambda: number): number {
    const limit = detExp(-lambda);
    let k = 0;
    let product = this.rng.next();
    while (product > limit && k < 1000) {
      k += 1;
      product *= this.rng.next();
    }
    return k;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.rng.int(items.length)] as T;
  }

  /** One of `items`, with probabilities proportional to `weights`. */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    const total = items.reduce((sum, [, w]) => sum + w, 0);
    let u = this.rng.next() * total;
    for (const [item, w] of items) {
      u -= w;
      if (u < 0) return item;
    }
    const last = items[items.length - 1];
    if (!last) throw new Error('weighted pick from an empty list');
    return last[0];
  }
}

/** Fixed-point text of a number: `toFixed` is exactly specified by ECMAScript, and `-0.00` becomes `0.00`. */
export function fixed(value: number, digits: number): string {
  const text = value.toFixed(digits);
  return /^-0\.?0*$/.test(text) ? text.slice(1) : text;
}

export function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}
