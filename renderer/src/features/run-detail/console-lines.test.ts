import { describe, expect, it } from 'vitest';
import type { LogLine } from '../../../../engine/api/run-view';
import { LineBuffer } from './console-lines';

const line = (seq: number, text = `line ${seq}`, stream: LogLine['stream'] = 'stdout'): LogLine => ({
  seq,
  at: new Date(0).toISOString(),
  stage: 'training',
  source: 'training',
  stream,
  text,
});
const lines = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => line(from + i));
const all = () => true;
const texts = (b: LineBuffer) => Array.from({ length: b.length }, (_, i) => b.at(i).text);

describe('LineBuffer', () => {
  it('grows at both ends with the new lines only, in order, across chunks', () => {
    const b = new LineBuffer('run-1');
    const tail = lines(90_001, 100_000);
    b.sync(tail, all);
    expect(b.length).toBe(10_000);
    const tailRows = [b.at(0), b.at(9_999)];
    // Older pages in front, live lines at the end: the rows already made are the same objects.
    const older = lines(80_001, 90_000).concat(tail);
    b.sync(older, all);
    expect(b.addedAtFront).toBe(10_000);
    expect(b.at(10_000)).toBe(tailRows[0]);
    const grown = older.concat(lines(100_001, 100_003));
    expect(b.sync(grown, all)).toBe(true);
    expect(b.addedAtFront).toBe(0);
    expect(b.at(19_999)).toBe(tailRows[1]);
    expect(texts(b)).toEqual(grown.map((l) => l.text));
    expect(b.sync(grown, all)).toBe(false);
  });

  it('splits events of several lines, filters, and rebuilds when the filter changes or lines are dropped', () => {
    const b = new LineBuffer('run-1');
    const logs = [line(1, 'a\nb\n'), line(2, 'oops', 'stderr'), line(3, 'c\n')];
    b.sync(logs, all);
    expect(texts(b)).toEqual(['a', 'b', 'oops', 'c']);
    expect(b.at(1).key).toBe('1:1');
    b.sync(logs, (l) => l.stream === 'stderr');
    expect(texts(b)).toEqual(['oops']);
    const dropped = logs.slice(1);
    b.sync(dropped, all);
    expect(texts(b)).toEqual(['oops', 'c']);
    expect(b.stages.has('training')).toBe(true);
  });

  it('finds rows containing a text, searching only the new rows when asked again', () => {
    const b = new LineBuffer('run-1');
    const middle = lines(5_001, 10_000);
    b.sync(middle, all);
    expect(b.find('line 999')).toEqual([
      4_989, 4_990, 4_991, 4_992, 4_993, 4_994, 4_995, 4_996, 4_997, 4_998,
    ]);
    // Older rows in front and newer at the end: the same matches as a search from scratch.
    const grown = lines(1, 5_000).concat(middle, lines(10_001, 10_000 + 1_000));
    b.sync(grown, all);
    const fresh = new LineBuffer('run-1');
    fresh.sync(grown, all);
    expect(b.find('line 999')).toEqual(fresh.find('line 999'));
    expect(b.find('line 999')).toHaveLength(11);
    expect(b.find('line 10500')).toEqual([10_499]);
    // A filter change rebuilds: the search starts over.
    b.sync(grown, (l) => l.seq % 2 === 0);
    expect(b.find('line 10500')).toEqual([5_249]);
  });
});
