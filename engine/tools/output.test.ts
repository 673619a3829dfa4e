import { describe, expect, it } from 'vitest';
import { Ring } from './output';

describe('Ring', () => {
  it('keeps the last items in order, before and after it wraps', () => {
    const ring = new Ring<number>(3);
    expect(ring.last(5)).toEqual([]);
    ring.push(1);
    ring.push(2);
    expect(ring.last(5)).toEqual([1, 2]);
    for (let i = 3; i <= 10; i++) ring.push(i);
    expect(ring.last(3)).toEqual([8, 9, 10]);
    expect(ring.last(2)).toEqual([9, 10]);
    expect(ring.last(0)).toEqual([]);
  });
});
