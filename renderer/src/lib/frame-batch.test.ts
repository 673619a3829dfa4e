import { afterEach, describe, expect, it, vi } from 'vitest';
import { frameBatcher } from './frame-batch';

describe('frameBatcher', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it('hands everything pushed before a frame over in one batch, at that frame', () => {
    const frames: (() => void)[] = [];
    vi.stubGlobal('requestAnimationFrame', (cb: () => void) => frames.push(cb));
    vi.stubGlobal('document', { hidden: false });
    const batches: number[][] = [];
    const b = frameBatcher<number>((items) => batches.push(items));
    b.push(1);
    b.push(2);
    b.push(3);
    expect(batches).toEqual([]);
    expect(frames).toHaveLength(1); // one frame asked for, however many items
    frames.shift()!();
    expect(batches).toEqual([[1, 2, 3]]);
    b.push(4);
    expect(frames).toHaveLength(1);
    frames.shift()!();
    expect(batches).toEqual([[1, 2, 3], [4]]);
  });

  it('flushes on a timer when the page is hidden (no frames come there)', () => {
    vi.useFakeTimers();
    const raf = vi.fn();
    vi.stubGlobal('requestAnimationFrame', raf);
    vi.stubGlobal('document', { hidden: true });
    const batches: string[][] = [];
    const b = frameBatcher<string>((items) => batches.push(items), 500);
    b.push('a');
    b.push('b');
    vi.advanceTimersByTime(499);
    expect(batches).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(batches).toEqual([['a', 'b']]);
    expect(raf).not.toHaveBeenCalled();
  });
});
