import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { dispatch } from '../../engine/api/dispatch';
import type { RunSummary } from '../../engine/api/runs';
import { actorScript, contractFiles, greenfieldTabular, toolCall } from '../../engine/demo';
import { churnData, openTestRun, waitForEvent, type TestRun } from '../../engine/runs/testing/engine-run';
import { app, resetElectronMock } from './testing/electron-mock';

vi.mock('electron', () => import('./testing/electron-mock'));

const { installQuitGuard } = await import('./quit-guard');

/** What Electron does on app.quit(): `before-quit`, which a listener may prevent. */
function requestQuit(): boolean {
  let prevented = false;
  app.emit('before-quit', { preventDefault: () => (prevented = true) });
  return !prevented;
}

function fakeEngine(live: string[]) {
  return {
    handlers: {} as never,
    runs: { liveIds: () => live },
    close: vi.fn(async () => undefined),
  };
}

beforeEach(() => resetElectronMock());

describe('quitting', () => {
  it('with no run going in this process, closes the engine and quits without asking', async () => {
    const engine = fakeEngine([]);
    const confirmQuit = vi.fn(async () => true);
    const beforeClose = vi.fn();
    const guard = installQuitGuard({ app: app as never, engine, confirmQuit, beforeClose });
    expect(requestQuit()).toBe(false); // held until the engine is closed
    await guard.settled();
    expect(confirmQuit).not.toHaveBeenCalled();
    expect(beforeClose).toHaveBeenCalled();
    expect(engine.close).toHaveBeenCalledTimes(1);
    expect(app.quit).toHaveBeenCalledTimes(1);
    // The quit that follows goes through.
    expect(requestQuit()).toBe(true);
  });
});

// A real run of the engine (real store, git workspace, pipeline, local sandbox processes) against the scripted
// model, whose step 1 trains forever: quitting must cancel it through runs.cancel before the app exits.
const slowTraining = () => {
  const base = greenfieldTabular('churn', { baseline: 'simple' });
  const slow = `import os, sys, time
if "PYTEST_CURRENT_TEST" not in os.environ and "--help" not in sys.argv:
    print("training forever", flush=True)
    while True:
        time.sleep(0.2)
${contractFiles('churn')['train.py']}`;
  return {
    ...base,
    stages: {
      ...base.stages,
      implement: actorScript(
        () => toolCall('write_file', { file_path: 'train.py', content: slow }),
        () => toolCall('mark_complete', { summary: 'train.py trains for longer' }),
      ),
    },
  };
};

describe('quitting with a run going', () => {
  let run: TestRun;
  afterEach(async () => run?.close());

  it('asks; declined keeps it going; accepted cancels it cleanly (processes gone, cancelled, best commit) and exits', async () => {
    run = await openTestRun(slowTraining());
    const data = await churnData(path.join(run.home, 'data'), 300);
    const id = await run.start({
      folder: path.dirname(data),
      task: 'predict churn',
      metric: { name: 'accuracy', target_value: 0.99 },
      overrides: { sandbox: 'local-unisolated', python: '/usr/bin/python3', maxSteps: 3 },
    });
    // Step 1's training is running (its train.py never ends).
    // Minutes on a loaded machine: data analysis, the baseline and its tests come first.
    await waitForEvent(
      run.events,
      (e) => e.body.type === 'log' && e.body.text.includes('training forever'),
      360_000,
    );
    const trainers = () => {
      try {
        return execFileSync('pgrep', ['-f', `${run.home}.*train\\.py|train\\.py`], { encoding: 'utf8' })
          .trim()
          .split('\n')
          .filter(Boolean)
          .filter((pid) => {
            try {
              return execFileSync('readlink', [`/proc/${pid}/cwd`], { encoding: 'utf8' }).includes(run.home);
            } catch {
              return false;
            }
          });
      } catch {
        return [];
      }
    };
    expect(trainers().length).toBeGreaterThan(0);

    const asked: RunSummary[][] = [];
    const answers = [false, true];
    const guard = installQuitGuard({
      app: app as never,
      engine: run.engine,
      confirmQuit: async (runs) => {
        asked.push(runs);
        return answers.shift()!;
      },
    });

    expect(requestQuit()).toBe(false);
    await guard.settled();
    expect(asked).toHaveLength(1);
    expect(asked[0]!.map((r) => r.id)).toEqual([id]);
    expect(app.quit).not.toHaveBeenCalled();
    expect(run.engine.runs.liveIds()).toEqual([id]);

    expect(requestQuit()).toBe(false);
    await guard.settled();
    expect(app.quit).toHaveBeenCalledTimes(1);
    // The engine closed: read the outcome from the database file with a fresh engine.
    const { createEngine } = await import('../../engine/service/index');
    const after = createEngine({
      host: 'cli',
      databasePath: run.engine.store.path,
      probeDocker: async () => ({ available: false, version: null, endpoint: 'none', error: 'none' }),
    });
    try {
      const got = await dispatch(after.handlers, 'runs.get', { id, limit: 1 });
      expect(got).toMatchObject({
        ok: true,
        value: { run: { status: 'cancelled', endReason: 'cancelled' } },
      });
      const summary = (got as { value: { run: RunSummary } }).value.run;
      expect(summary.bestCommit).toMatch(/^[0-9a-f]{7,40}$/);
      const head = execFileSync('git', ['-C', summary.workspace, 'rev-parse', 'HEAD'], {
        encoding: 'utf8',
      }).trim();
      expect(head.startsWith(summary.bestCommit!) || summary.bestCommit!.startsWith(head)).toBe(true);
      expect(
        execFileSync('git', ['-C', summary.workspace, 'status', '--porcelain'], { encoding: 'utf8' }),
      ).toBe('');
    } finally {
      await after.close();
    }
    expect(trainers()).toEqual([]);
  }, 600_000);
});
