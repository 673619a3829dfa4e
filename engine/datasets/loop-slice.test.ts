import path from 'node:path';
import fs from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useTempDir } from '../testing/temp-dir';
import { readCsvRecords } from './csv-records';
import { readLines } from './jsonl-lines';
import { LoopSlice, SLICE_BUDGET_MS } from './loop-slice';

const temp = useTempDir();

afterEach(() => vi.restoreAllMocks());

/** A clock that moves 1 ms each time it is read: every slice is spent after SLICE_BUDGET_MS reads. */
function steppingClock() {
  let now = 0;
  vi.spyOn(performance, 'now').mockImplementation(() => (now += 1));
}

/** Counts the turns of the event loop (setImmediate callbacks) while `work` runs. */
async function turnsDuring(work: () => Promise<void>): Promise<number> {
  let turns = 0;
  let done = false;
  const tick = () => {
    turns += 1;
    if (!done) setImmediate(tick);
  };
  setImmediate(tick);
  await work();
  done = true;
  return turns;
}

describe('LoopSlice', () => {
  it('is due once its budget is spent, and a pause starts a new slice after a turn of the loop', async () => {
    steppingClock();
    const slice = new LoopSlice(3);
    expect([slice.due(), slice.due(), slice.due()]).toEqual([false, false, true]);
    let turned = false;
    setImmediate(() => (turned = true));
    await slice.pause();
    expect(turned).toBe(true);
    expect(slice.due()).toBe(false);
  });
});

describe('long reads give the event loop turns', () => {
  const rows = 20_000;

  it('readCsvRecords pauses every slice, with the same records', async () => {
    const file = path.join(temp.dir, 'big.csv');
    fs.writeFileSync(file, `a,b\n${Array.from({ length: rows }, (_, i) => `${i},x${i}\n`).join('')}`);
    const unsliced: string[] = [];
    for await (const r of readCsvRecords(file, { delimiter: ',' }))
      unsliced.push(`${r.line}:${r.fields.join('|')}`);
    steppingClock();
    const sliced: string[] = [];
    const turns = await turnsDuring(async () => {
      for await (const r of readCsvRecords(file, { delimiter: ',' }))
        sliced.push(`${r.line}:${r.fields.join('|')}`);
    });
    expect(sliced).toEqual(unsliced);
    // Unsliced, the loop turns about once per 64 KB read (a few dozen times); sliced, once per slice.
    expect(turns).toBeGreaterThan(rows / (SLICE_BUDGET_MS * 4));
  });

  it('readLines pauses every slice', async () => {
    const file = path.join(temp.dir, 'big.jsonl');
    fs.writeFileSync(file, Array.from({ length: rows }, (_, i) => `{"text":"t${i}","label":"a"}\n`).join(''));
    steppingClock();
    let lines = 0;
    const turns = await turnsDuring(async () => {
      for await (const _ of readLines(file)) lines += 1;
    });
    expect(lines).toBe(rows);
    expect(turns).toBeGreaterThan(rows / (SLICE_BUDGET_MS * 4));
  });
});
