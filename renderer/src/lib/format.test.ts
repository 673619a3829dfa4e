import { describe, expect, it } from 'vitest';
import { fmtCount } from './format';

describe('fmtCount', () => {
  it('groups whole numbers exactly as en-US does, without asking ICU', () => {
    const samples = [
      0, 7, 42, 999, 1000, 1001, 12_345, 100_000, 999_999, 1_000_000, 123_456_789, -1, -1234, -1_000_000,
    ];
    for (let n = 1; n < Number.MAX_SAFE_INTEGER / 7; n = n * 7 + 3) samples.push(n, -n);
    for (const n of samples) expect(fmtCount(n)).toBe(n.toLocaleString('en-US'));
  });

  it('leaves other figures to toLocaleString', () => {
    for (const n of [1234.5678, 0.5, Number.MAX_SAFE_INTEGER * 4, Number.NaN, Infinity])
      expect(fmtCount(n)).toBe(n.toLocaleString('en-US'));
  });
});
