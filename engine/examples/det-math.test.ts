import { describe, expect, it } from 'vitest';
import { detExp, detSinCos, sigmoid } from './det-math';

describe('deterministic elementary functions', () => {
  it('exp agrees with Math.exp to a few units in the last place', () => {
    for (let x = -50; x <= 50; x += 0.37) {
      expect(Math.abs(detExp(x) - Math.exp(x)) / Math.exp(x)).toBeLessThan(1e-14);
    }
    expect(detExp(0)).toBe(1);
    expect(detExp(1000)).toBe(Number.POSITIVE_INFINITY);
    expect(detExp(-1000)).toBe(0);
    expect(detExp(Number.NaN)).toBeNaN();
  });

  it('sigmoid is the logistic function', () => {
    expect(sigmoid(0)).toBe(0.5);
    for (const x of [-8, -2.5, -0.1, 0.7, 3, 9]) expect(sigmoid(x)).toBeCloseTo(1 / (1 + Math.exp(-x)), 14);
  });

  it('sin and cos agree with Math over several turns', () => {
    for (let a = -20; a <= 20; a += 0.113) {
      const { sin, cos } = detSinCos(a);
      expect(Math.abs(sin - Math.sin(a))).toBeLessThan(1e-14);
      expect(Math.abs(cos - Math.cos(a))).toBeLessThan(1e-14);
    }
  });

  it('gives the same bits as a fixed reference (pins the algorithm, not the platform)', () => {
    // If these change, every generated example changes with them: change them knowingly.
    expect(detExp(1.2345).toString()).toBe('3.4366597611704632');
    expect(detExp(-7.77).toString()).toBe('0.0004222132668090703');
    expect(detSinCos(2.5).sin.toString()).toBe('0.5984721441039564');
    expect(detSinCos(-3).cos.toString()).toBe('-0.9899924966004455');
  });
});
