import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../testing/temp-dir';
import { inspectDatasetOffLoop, prepareRunDataOffLoop, runIntakeWorker } from './intake-off-loop';
import { inspectDataset, prepareRunData } from './run-data';
import type { DatasetSource } from './schemas';
import { csv, listFiles, write } from './testing/files';

const temp = useTempDir();
const FAKE = path.resolve(import.meta.dirname, 'testing/fake-intake-workers.mjs');

/** A table with a bit of everything the summary reports: numbers, categories, missing values, a ragged class. */
function table(n: number): string {
  const rows = Array.from({ length: n }, (_, i) => [
    `id${i}`,
    i % 7 === 0 ? '' : String((i * 37) % 101),
    ['red', 'green', 'blue'][i % 3]!,
    i % 11 === 0 ? 'rare' : i % 2 ? 'yes' : 'no',
  ]);
  return csv(['id', 'x', 'colour', 'label'], rows);
}

const read = (root: string) =>
  Object.fromEntries(listFiles(root).map((f) => [f, fs.readFileSync(path.join(root, f), 'utf8')]));

describe('the intake in a worker process', () => {
  it('inspects a dataset exactly as the in-thread intake does', async () => {
    const file = write(temp.dir, 'data/train.csv', table(300));
    const source: DatasetSource = { kind: 'tabular', path: file, labelColumn: 'label' };
    const here = await inspectDataset(source);
    const there = await inspectDatasetOffLoop(source);
    expect(here.ok).toBe(true);
    expect(there).toEqual(here);
  });

  it('prepares the same run data folder, manifest and warnings', async () => {
    const file = write(temp.dir, 'data/train.csv', table(300));
    const source: DatasetSource = { kind: 'tabular', path: file };
    const here = await prepareRunData({ source, runDataDir: path.join(temp.dir, 'here') });
    const there = await prepareRunDataOffLoop({ source, runDataDir: path.join(temp.dir, 'there') });
    if (!here.ok || !there.ok) throw new Error('both intakes should succeed');
    expect(there.value.manifest).toEqual(here.value.manifest);
    expect(there.warnings).toEqual(here.warnings);
    expect(there.value.paths.root).toBe(path.join(temp.dir, 'there'));
    expect(there.value.paths.final.labels).toBe(
      here.value.paths.final.labels.replace(path.join(temp.dir, 'here'), path.join(temp.dir, 'there')),
    );
    expect(read(there.value.paths.root)).toEqual(read(here.value.paths.root));
  });

  it('gives the same errors for a bad dataset and a bad source, and writes nothing', async () => {
    const file = write(temp.dir, 'data/bad.csv', 'a,b,label\n1,2,x\n3\n4,5,y,6\n');
    const source: DatasetSource = { kind: 'tabular', path: file };
    const here = await prepareRunData({ source, runDataDir: path.join(temp.dir, 'here') });
    const there = await prepareRunDataOffLoop({ source, runDataDir: path.join(temp.dir, 'there') });
    expect(here.ok).toBe(false);
    expect(there).toEqual(here);
    expect(fs.existsSync(path.join(temp.dir, 'there'))).toBe(false);

    const wrong = { kind: 'tabular', path: '' } as DatasetSource;
    const inThread = await inspectDataset(wrong);
    expect(inThread.ok || inThread.errors[0]?.code).toBe('invalid_source');
    expect(await inspectDatasetOffLoop(wrong)).toEqual(inThread);
  });

  it('turns a worker that throws into a clear intake error', async () => {
    const result = await inspectDatasetOffLoop(
      { kind: 'tabular', path: 'x', fake: 'throw' } as DatasetSource,
      {
        entry: FAKE,
      },
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]?.code).toBe('intake_worker_failed');
    // An uncaught error kills the process: the message names the exit and the error from its stderr.
    expect(result.errors[0]?.message).toMatch(
      /dataset intake worker failed: it exited \(code 1\) without an answer: Error: boom: an intake bug\./,
    );
  });

  it('turns a worker that dies without answering into a clear error, removing what it wrote', async () => {
    const runDataDir = path.join(temp.dir, 'run', 'data');
    const result = await prepareRunDataOffLoop({
      source: { kind: 'tabular', path: 'x', fake: 'exit' } as DatasetSource,
      runDataDir,
      entry: FAKE,
    });
    expect(result.ok || result.errors[0]?.message).toMatch(/it exited \(code 3\) without an answer/);
    expect(fs.existsSync(runDataDir)).toBe(false);
  });

  it("runs below the engine's priority, so the window's commands get a core first", async () => {
    const result = await runIntakeWorker(
      { op: 'inspect', source: { kind: 'tabular', path: 'x', fake: 'priority' } as DatasetSource },
      { entry: FAKE },
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const below = os.constants.priority.PRIORITY_BELOW_NORMAL;
    // A niceness already at or past it (a test run started with nice) cannot be lowered further to see.
    const expected = Math.max(below, os.getPriority());
    expect(result.error.message).toBe(`it crashed: priority ${expected}`);
  });

  it('refuses an answer of the wrong shape', async () => {
    const result = await inspectDatasetOffLoop(
      { kind: 'tabular', path: 'x', fake: 'malformed' } as DatasetSource,
      {
        entry: FAKE,
      },
    );
    expect(result.ok || result.errors[0]?.code).toBe('intake_worker_failed');
    expect(result.ok || result.errors[0]?.message).toMatch(/malformed result/);
  });

  it('a cancel ends the worker and removes the half-written run data folder', async () => {
    const runDataDir = path.join(temp.dir, 'run', 'data');
    const stop = new AbortController();
    const pending = prepareRunDataOffLoop({
      source: { kind: 'tabular', path: 'x', fake: 'hang' } as DatasetSource,
      runDataDir,
      entry: FAKE,
      signal: stop.signal,
    });
    const part = path.join(runDataDir, 'visible', 'part.csv');
    while (!fs.existsSync(part)) await new Promise((r) => setTimeout(r, 5));
    stop.abort();
    const result = await pending;
    expect(result.ok || result.errors.map((e) => [e.code, e.message])).toEqual([
      ['cancelled', 'the dataset intake was cancelled.'],
    ]);
    expect(fs.existsSync(runDataDir)).toBe(false);
  });

  it('says how to fix a missing worker file', async () => {
    const result = await runIntakeWorker(
      { op: 'inspect', source: {} },
      { entry: path.join(temp.dir, 'nowhere', 'intake-worker.js') },
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toMatch(/nowhere/);
  });
});
