import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dispatch } from '../api/dispatch';
import { actorScript, contractFiles, greenfieldTabular, toolCall } from '../demo';
import { daemon, dockerSuiteTitle } from '../testing/docker';
import { churnData, openTestRun, waitForEvent, type TestRun } from './testing/engine-run';
import { containersOf, expectAtBest, ofType, RUN_MS, target } from './testing/run-checks';

// Run controls and budgets on whole runs of the real engine in the Docker sandbox against a scripted model:
// cancel, pause and resume, delete, the cost and wall-clock budgets, two runs at once.

describe.skipIf(!daemon.available)(dockerSuiteTitle('run controls and budgets'), () => {
  let run: TestRun | null = null;
  afterEach(async () => {
    await run?.close();
    run = null;
  }, RUN_MS);

  it(
    'cancel during training: the training process and the container are gone, the workspace is at its best commit',
    async () => {
      const base = greenfieldTabular('churn', { baseline: 'simple' });
      const slowTrain = `import os, sys, time\nif "PYTEST_CURRENT_TEST" not in os.environ and "--help" not in sys.argv:\n    print("epoch 1 of a very slow training", flush=True)\n    time.sleep(600)\n${contractFiles('churn')['train.py']}`;
      run = await openTestRun({
        ...base,
        stages: {
          ...base.stages,
          implement: actorScript(
            () => toolCall('write_file', { file_path: 'train.py', content: slowTrain }),
            () => toolCall('mark_complete', { summary: 'train.py now trains for a long time' }),
          ),
        },
      });
      const data = await churnData(path.join(run.home, 'data'));
      const id = await run.start({
        folder: data,
        task: 'predict churn',
        metric: target,
        overrides: { maxSteps: 6 },
      });
      await waitForEvent(
        run.events,
        (e) => e.body.type === 'log' && e.body.source === 'training' && /very slow/.test(e.body.text),
      );
      const best = (await run.snapshot(id)).run.bestCommit;
      const started = performance.now();
      const cancelled = await dispatch(run.engine.handlers, 'runs.cancel', { id });
      const tookMs = performance.now() - started;
      console.log(`cancel during training: runs.cancel returned after ${Math.round(tookMs)} ms`);
      expect(cancelled).toMatchObject({ ok: true, value: { status: 'cancelled', endReason: 'cancelled' } });
      expect(containersOf(id)).toBe('');
      const snap = await run.snapshot(id);
      expectAtBest(snap.run.workspace, best);
      expect(fs.readFileSync(path.join(snap.run.workspace, 'train.py'), 'utf8')).not.toMatch(/very slow/);
    },
    RUN_MS,
  );

  it(
    'the cost budget stops the run with the reason recorded',
    async () => {
      run = await openTestRun(greenfieldTabular('churn', { baseline: 'simple' }));
      const data = await churnData(path.join(run.home, 'data'));
      const id = await run.start({
        folder: data,
        task: 'predict churn',
        metric: { ...target, target_value: 0.99 },
        overrides: { maxSteps: 30, maxCost: '0.25' },
      });
      await run.engine.runs.whenDone(id);
      const snap = await run.snapshot(id);
      expect(snap.run).toMatchObject({ status: 'completed', endReason: 'max_cost' });
      expect(snap.run.message).toMatch(/cost budget of \$0\.25/);
      expect(snap.run.costUsd).toBeGreaterThanOrEqual(0.25);
      expectAtBest(snap.run.workspace, snap.run.bestCommit);
    },
    RUN_MS,
  );

  it(
    'pause takes effect between steps; resume goes on; delete refuses a live run and forgets an ended one',
    async () => {
      run = await openTestRun(greenfieldTabular('churn', { baseline: 'simple' }));
      const data = await churnData(path.join(run.home, 'data'));
      const id = await run.start({
        folder: data,
        task: 'predict churn',
        metric: target,
        overrides: { maxSteps: 6 },
      });
      const events = run.events;
      expect(await dispatch(run.engine.handlers, 'runs.pause', { id })).toMatchObject({ ok: true });
      await waitForEvent(events, (e) => e.body.type === 'run.state' && e.body.status === 'paused');
      const pausedAt = events.length;
      expect((await run.snapshot(id)).run.status).toBe('paused');
      // Nothing happens while paused: no stage starts.
      await new Promise((r) => setTimeout(r, 1500));
      expect(events.slice(pausedAt).filter((e) => e.body.type === 'stage.started')).toEqual([]);
      expect(await dispatch(run.engine.handlers, 'runs.delete', { id })).toMatchObject({
        ok: false,
        error: { code: 'conflict' },
      });

      expect(await dispatch(run.engine.handlers, 'runs.resume', { id })).toMatchObject({ ok: true });
      await run.engine.runs.whenDone(id);
      const snap = await run.snapshot(id);
      expect(snap.run).toMatchObject({ status: 'completed', endReason: 'target_reached' });
      // Paused at the first step boundary, after the baseline: the step after it ran once resumed.
      expect(snap.experiments.map((e) => e.outcome)).toEqual(['baseline', 'abandoned', 'reverted', 'kept']);

      const runDir = path.join(run.home, 'runs', id);
      expect(fs.existsSync(runDir)).toBe(true);
      expect(await dispatch(run.engine.handlers, 'runs.delete', { id })).toEqual({
        ok: true,
        value: { deleted: true },
      });
      expect(await dispatch(run.engine.handlers, 'runs.get', { id })).toMatchObject({
        ok: false,
        error: { code: 'not_found' },
      });
      expect(fs.existsSync(runDir)).toBe(false);
      expect(fs.existsSync(path.join(snap.run.workspace, 'research_log.md'))).toBe(true);
    },
    RUN_MS,
  );

  it(
    'two runs at once, each in its own sandbox, both reach their target',
    async () => {
      run = await openTestRun(greenfieldTabular('churn', { baseline: 'simple' }));
      const data = await churnData(path.join(run.home, 'data'));
      const input = { folder: data, task: 'predict churn', metric: target, overrides: { maxSteps: 6 } };
      const [a, b] = await Promise.all([run.start(input), run.start(input)]);
      expect(a).not.toBe(b);
      // Both sandboxes exist at the same time while the runs go.
      await waitForEvent(
        run.events,
        (e) => e.runId === a && e.body.type === 'stage.started' && e.body.stage === 'data_analysis',
      );
      await waitForEvent(
        run.events,
        (e) => e.runId === b && e.body.type === 'stage.started' && e.body.stage === 'data_analysis',
      );
      await Promise.all([run.engine.runs.whenDone(a), run.engine.runs.whenDone(b)]);
      const [sa, sb] = [await run.snapshot(a), await run.snapshot(b)];
      for (const snap of [sa, sb]) {
        expect(snap.run).toMatchObject({ status: 'completed', endReason: 'target_reached' });
        expect(snap.experiments.map((e) => e.outcome)).toEqual(['baseline', 'abandoned', 'reverted', 'kept']);
      }
      expect(sa.run.workspace).not.toBe(sb.run.workspace);
      const setups = [sa, sb].map(
        (s) => ofType(s.events, 'stage.finished').find((f) => f.stage === 'setup')?.message ?? '',
      );
      expect(setups[0]).toMatch(/docker sandbox [0-9a-f]{12}/);
      expect(setups[0]).not.toBe(setups[1]);
      expect(containersOf(a) + containersOf(b)).toBe('');
    },
    RUN_MS,
  );

  it(
    'the wall-clock budget stops the run with the reason recorded and the workspace at its best commit',
    async () => {
      run = await openTestRun(greenfieldTabular('churn', { baseline: 'simple' }));
      const data = path.dirname(await churnData(path.join(run.home, 'data')));
      const project = path.join(run.home, 'project.yaml');
      fs.writeFileSync(
        project,
        `goals:\n  task_description: predict churn\n  target_metric: { name: accuracy, target_value: 0.99, comparison: '>=' }\ndataset:\n  type: tabular\n  train_path: ${data}\nlimits:\n  max_steps: 30\n  max_wall_minutes: 0.4\n`,
      );
      const id = await run.start({ project });
      await run.engine.runs.whenDone(id);
      const snap = await run.snapshot(id);
      expect(snap.run).toMatchObject({ status: 'completed', endReason: 'max_wall_time' });
      expect(snap.run.message).toMatch(/wall-clock budget of 0\.4 min/);
      if (snap.run.bestCommit) expectAtBest(snap.run.workspace, snap.run.bestCommit);
      expect(containersOf(id)).toBe('');
    },
    RUN_MS,
  );
});
