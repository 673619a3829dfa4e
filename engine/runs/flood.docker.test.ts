import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { dispatch } from '../api/dispatch';
import type { RunEvent, RunLogList, RunLogPage, RunSnapshot } from '../api/runs';
import { daemon, dockerSuiteTitle } from '../testing/docker';
import { DEFAULT_OUTPUT_BOUNDS } from './command-log';
import { LOG_FILE_CAP_BYTES } from '../tools/output-file';
import {
  churnData,
  FLOOD_STARTS,
  floodingScenario,
  openTestRun,
  waitForEvent,
  type TestRun,
} from './testing/engine-run';

// Issue 8 section 4: a train.py that prints as fast as it can (a loss line per batch) must not stall the engine.
// The real engine, the real Docker sandbox and SQLite; the scripted model writes the flooding train.py.

const run$ = promisify(execFile);
const RUN_MS = 240_000;
const target = { name: 'accuracy', target_value: 0.82, comparison: '>=' };

/** Whether train.py still runs in the run's container (a container that is gone runs nothing). */
async function trainingAlive(runId: string): Promise<boolean> {
  const { stdout } = await run$('docker', ['ps', '-q', '--filter', `name=mle-beast-${runId}`]);
  const container = stdout.trim().split('\n')[0];
  if (!container) return false;
  try {
    const top = await run$('docker', ['top', container, '-eo', 'pid,args']);
    return /train\.py/.test(top.stdout);
  } catch {
    return false; // removed meanwhile
  }
}

const dbBytes = (home: string) =>
  ['mle_beast.db', 'mle_beast.db-wal'].reduce((n, f) => {
    try {
      return n + fs.statSync(path.join(home, f)).size;
    } catch {
      return n;
    }
  }, 0);

/** Every stored event of a run, page by page. */
async function allEvents(run: TestRun, id: string): Promise<RunEvent[]> {
  const events: RunEvent[] = [];
  let since = 0;
  for (;;) {
    const page = await dispatch(run.engine.handlers, 'runs.get', { id, sinceSeq: since, limit: 5000 });
    if (!page.ok) throw new Error(page.error.message);
    const snap = page.value as RunSnapshot;
    events.push(...snap.events);
    if (snap.nextSeq === null) return events;
    since = snap.nextSeq;
  }
}

describe.skipIf(!daemon.available)(dockerSuiteTitle('training output flood'), () => {
  let run: TestRun | null = null;
  afterEach(async () => {
    await run?.close();
    run = null;
  }, RUN_MS);

  it(
    'cancel under a flood of output: the process is gone within 2 s, the run cancelled within 3 s; the loop stays responsive; the database keeps a bounded part, the run folder all of it',
    async () => {
      run = await openTestRun(floodingScenario());
      const data = await churnData(path.join(run.home, 'data'));
      const id = await run.start({
        folder: data,
        task: 'predict churn',
        metric: target,
        overrides: { maxSteps: 6 },
      });
      const flood = await waitForEvent(
        run.events,
        (e) => e.body.type === 'log' && e.body.source === 'training' && e.body.text === FLOOD_STARTS,
      );
      const dbBefore = dbBytes(run.home);
      // The flood goes on for a while, the event loop watched all along.
      const loop = monitorEventLoopDelay({ resolution: 10 });
      loop.enable();
      await new Promise((r) => setTimeout(r, 4000));
      loop.disable();
      const p99 = loop.percentile(99) / 1e6;
      const max = loop.max / 1e6;
      const logName = (await dispatch(run.engine.handlers, 'runs.logs', { id })) as {
        ok: true;
        value: RunLogList;
      };
      const training = logName.value.logs.find((l) => l.name === 'step1-training');
      expect(training).toBeDefined();
      const rate = training!.bytes / 30 / 4; // "epoch 1 batch N loss X" lines are about 30 bytes
      console.log(
        `flood: ~${Math.round(rate / 1000)}k lines/s reached the log file; event loop delay p99 ${p99.toFixed(1)} ms, max ${max.toFixed(1)} ms`,
      );
      expect(p99).toBeLessThan(100);

      const t0 = performance.now();
      const cancelling = dispatch(run.engine.handlers, 'runs.cancel', { id }).then((r) => ({
        r,
        ms: performance.now() - t0,
      }));
      let goneMs: number | null = null;
      while (goneMs === null && performance.now() - t0 < 10_000) {
        if (!(await trainingAlive(id))) goneMs = performance.now() - t0;
        else await new Promise((r) => setTimeout(r, 50));
      }
      const { r: cancelled, ms: cancelledMs } = await cancelling;
      console.log(
        `flood: train.py gone ${Math.round(goneMs ?? -1)} ms after cancel, run cancelled after ${Math.round(cancelledMs)} ms`,
      );
      expect(goneMs).not.toBeNull();
      expect(goneMs!).toBeLessThanOrEqual(2000);
      expect(cancelled).toMatchObject({ ok: true, value: { status: 'cancelled', endReason: 'cancelled' } });
      expect(cancelledMs).toBeLessThanOrEqual(3000);

      // The database kept a bounded part of the output, and says how much it left out and where it is.
      const all = await allEvents(run, id);
      const after = all.filter((e) => e.seq >= flood.seq);
      const lines = after.filter((e) => e.body.type === 'log' && e.body.source === 'training');
      const { headLines, tailLines, samplesPerSecond } = DEFAULT_OUTPUT_BOUNDS;
      expect(lines.length).toBeLessThanOrEqual(headLines + tailLines + samplesPerSecond * 30);
      const marker = after.find(
        (e): e is RunEvent & { body: { type: 'log.omitted' } } => e.body.type === 'log.omitted',
      );
      expect(marker?.body).toMatchObject({ source: 'training', log: 'step1-training' });
      expect(marker!.body.omittedLines).toBeGreaterThan(10_000);
      expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
      // The last lines before the cancel are kept, after the marker, in order.
      const kept = after.slice(after.indexOf(marker!) + 1).filter((e) => e.body.type === 'log');
      expect(kept.length).toBeGreaterThan(10);
      const batches = kept
        .map((e) => (e.body.type === 'log' ? /batch (\d+) /.exec(e.body.text)?.[1] : undefined))
        .filter((n): n is string => n !== undefined)
        .map(Number);
      expect(batches).toEqual([...batches].sort((a, b) => a - b));
      const growth = dbBytes(run.home) - dbBefore;
      console.log(
        `flood: ${marker!.body.totalLines} lines printed, ${lines.length} stored; the database grew by ${growth} bytes`,
      );
      expect(growth).toBeLessThan(4 * 1024 * 1024);

      // The run folder has the whole output, capped, and the API pages it.
      const logs = path.join(run.home, 'runs', id, 'logs');
      const files = fs.readdirSync(logs).filter((f) => f.startsWith('step1-training.log'));
      expect(files.length).toBeGreaterThanOrEqual(1);
      for (const f of files)
        expect(fs.statSync(path.join(logs, f)).size).toBeLessThanOrEqual(LOG_FILE_CAP_BYTES);
      const tail = (await dispatch(run.engine.handlers, 'runs.log', {
        id,
        name: 'step1-training',
        tail: 5,
      })) as { ok: true; value: RunLogPage };
      expect(tail.ok).toBe(true);
      expect(
        tail.value.text.split('\n').filter((l) => /^epoch 1 batch \d+ loss/.test(l)).length,
      ).toBeGreaterThanOrEqual(3);
    },
    RUN_MS,
  );
});
