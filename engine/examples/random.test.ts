import { describe, expect, it } from 'vitest';
import { ExampleRandom, fixed } from './random';

describe('ExampleRandom', () => {
  it('replays the same draws for the same seed and stream, and others for another', () => {
    const draw = (seed: number, stream: string) => {
      const rng = new ExampleRandom(seed, stream);
      return [rng.next(), rng.normal(), rng.int(1, 6), rng.poisson(2), rng.uint32()];
    };
    expect(draw(1, 'a')).toEqual(draw(1, 'a'));
    expect(draw(1, 'a')).not.toEqual(draw(2, 'a'));
    expect(draw(1, 'a')).not.toEqual(draw(1, 'b'));
  });

  it('draws with the stated distributions', () => {
    const rng = new ExampleRandom(7, 'stats');
    const n = 20_000;
    let sum = 0;
    let squares = 0;
    let poisson = 0;
    const ints = new Set<number>();
    let heads = 0;
    for (let i = 0; i < n; i += 1) {
      const z = rng.normal();
      sum += z;
      squares += z * z;
      poisson += rng.poisson(1.5);
      ints.add(rng.int(3, 5));
      if (
        rng.weighted([
          ['a', 1],
          ['b', 3],
        ] as const) === 'b'
      )
        heads += 1;
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.03);
    expect(squares / n).toBeGreaterThan(0.95);
    expect(squares / n).toBeLessThan(1.05);
    expect(poisson / n).toBeCloseTo(1.5, 1);
    expect([...ints].sort()).toEqual([3, 4, 5]);
    expect(heads / n).toBeCloseTo(0.75, 1);
  });
});

describe('fixed', () => {
  it('formats with a fixed number of decimals and never prints -0', () => {
    expect(fixed(1.005, 2)).toBe((1.005).toFixed(2));
    expect(fixed(2, 2)).toBe('2.00');
    expect(fixed(-0.001, 2)).toBe('0.00');
    expect(fixed(-0, 1)).toBe('0.0');
    expect(fixed(-0.4, 0)).toBe('0');
    expect(fixed(-1.25, 1)).toBe('-1.3');
  });
});
