import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../testing/temp-dir';
import { METRICS_FILE, MetricsTail } from './launch';
import { makeToolContext } from './testing/tool-context';

const temp = useTempDir('mle-beast-tools-metrics-');

function setup(initial?: string) {
  const ws = path.join(temp.dir, 'ws');
  fs.mkdirSync(path.join(ws, 'logs'), { recursive: true });
  const file = path.join(ws, METRICS_FILE);
  if (initial !== undefined) fs.writeFileSync(file, initial);
  const seen: Record<string, number>[] = [];
  const tail = new MetricsTail(makeToolContext(ws, { onMetrics: (v) => seen.push(v) }));
  return { file, seen, tail };
}

describe('MetricsTail', () => {
  it('reports only lines appended after the start, completing partial lines', () => {
    const { file, seen, tail } = setup('{"epoch": 0}\n');
    tail.start();
    fs.appendFileSync(file, '{"epoch": 1, "loss": 2}\n{"epoch": 2, ');
    tail.poll();
    expect(seen).toEqual([{ epoch: 1, loss: 2 }]);
    fs.appendFileSync(file, '"loss": 1}\nnot json\n{"epoch": 3}');
    tail.poll();
    expect(seen).toEqual([
      { epoch: 1, loss: 2 },
      { epoch: 2, loss: 1 },
    ]);
    tail.stop(); // the unfinished last line counts once the script has ended
    expect(seen.at(-1)).toEqual({ epoch: 3 });
  });

  it('starts over when the file is truncated, even when it regrew past the old size between polls', () => {
    const { file, seen, tail } = setup('{"epoch": 0, "loss": 9}\n');
    tail.start();
    fs.writeFileSync(file, '{"epoch": 1}\n');
    tail.poll();
    fs.writeFileSync(file, '{"epoch": 1, "loss": 5}\n{"epoch": 2, "loss": 4}\n{"epoch": 3, "loss": 3}\n');
    tail.poll();
    tail.stop();
    expect(seen).toEqual([{ epoch: 1 }, { epoch: 1, loss: 5 }, { epoch: 2, loss: 4 }, { epoch: 3, loss: 3 }]);
  });

  it('reads a recreated file (a new inode) from its start, and a file created after the start', () => {
    const { file, seen, tail } = setup('{"epoch": 0}\n{"epoch": 0}\n{"epoch": 0}\n');
    tail.start();
    fs.rmSync(file);
    tail.poll();
    fs.writeFileSync(file, '{"epoch": 1}\n');
    tail.poll();
    tail.stop();
    expect(seen).toEqual([{ epoch: 1 }]);

    const fresh = setup();
    fresh.tail.start();
    fs.rmSync(fresh.file, { force: true });
    fs.writeFileSync(fresh.file, '{"epoch": 7}\n');
    fresh.tail.stop();
    expect(fresh.seen).toEqual([{ epoch: 7 }]);
  });

  it('never reads through a symbolic link', () => {
    const { file, seen, tail } = setup();
    const outside = path.join(temp.dir, 'outside.jsonl');
    fs.writeFileSync(outside, '{"secret": 42}\n');
    fs.symlinkSync(outside, file);
    tail.start();
    tail.poll();
    tail.stop();
    expect(seen).toEqual([]);
  });
});
