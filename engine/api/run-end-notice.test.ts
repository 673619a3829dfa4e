import { describe, expect, it, vi } from 'vitest';
import { RunEndTracker, runEndNotice, watchRunEnds, type RunEnd, type RunEndNotice } from './run-end-notice';
import type { RunEvent, RunEventBody } from './runs';
import { DEFAULT_SETTINGS } from './settings';
import { runSummary } from './testing/run-summary';

const ev = (runId: string, seq: number, body: RunEventBody): RunEvent => ({
  runId,
  seq,
  at: '2026-12-07T10:00:00.000Z',
  body,
});
const state = (
  runId: string,
  seq: number,
  status: 'running' | 'completed' | 'failed' | 'cancelled' | 'interrupted',
  reason: RunEnd['reason'] = null,
  message: string | null = null,
) => ev(runId, seq, { type: 'run.state', status, reason, message });
const log = (runId: string, seq: number) =>
  ev(runId, seq, { type: 'log', stage: null, source: 'engine', stream: 'info', text: 'x' });
const end = (patch: Partial<RunEnd>): RunEnd => ({
  runId: 'run-1',
  seq: 9,
  status: 'completed',
  reason: 'target_reached',
  message: null,
  ...patch,
});

describe('the run-end rule', () => {
  it('a target reached names the run, the metric, the score, the target and the final figure', () => {
    const run = runSummary({ name: 'churn', bestScore: 0.85, bestStep: 3, finalScore: 0.8412 });
    expect(runEndNotice(run, end({}))).toEqual({
      runId: 'run-1',
      kind: 'target_reached',
      title: 'Target reached: churn',
      body: 'accuracy 0.8500 (target >= 0.8200) at step 3. Final hold-out score 0.8412.',
      tag: 'run-1',
    });
  });

  it('a completed run whose best meets the target counts as reached even without the reason', () => {
    const run = runSummary({ bestScore: 0.9, bestStep: 1 });
    expect(runEndNotice(run, end({ reason: 'max_steps' }))?.kind).toBe('target_reached');
  });

  it('a lower-is-better metric compares the other way', () => {
    const run = runSummary({
      metric: { name: 'rmse', direction: 'lower', target: 3.2, trusted: true },
      bestScore: 3.5,
    });
    const notice = runEndNotice(run, end({ reason: 'max_steps' }))!;
    expect(notice.kind).toBe('finished');
    expect(notice.title).toBe('Finished: predict churn');
    expect(notice.body).toBe(
      'Stopped because it used all its steps, target not reached. Best rmse 3.5000 (target <= 3.2000).',
    );
  });

  it('a run without a target that finished says why it stopped and its best', () => {
    const run = runSummary({ metric: { ...runSummary().metric, target: null }, bestScore: 0.7 });
    expect(runEndNotice(run, end({ reason: 'max_cost' }))!.body).toBe(
      'Stopped because its cost budget was spent. Best accuracy 0.7000.',
    );
  });

  it('failed and interrupted carry the message; cancelled is not announced', () => {
    const run = runSummary({ name: 'churn', bestScore: 0.6 });
    expect(
      runEndNotice(run, end({ status: 'failed', reason: 'error', message: 'Docker stopped' })),
    ).toMatchObject({
      kind: 'failed',
      title: 'Failed: churn',
      body: 'Docker stopped. Best accuracy 0.6000.',
    });
    expect(
      runEndNotice(
        run,
        end({ status: 'interrupted', reason: 'interrupted', message: 'the app was closed.' }),
      ),
    ).toMatchObject({
      kind: 'interrupted',
      body: 'the app was closed. Resume it from its page. Best accuracy 0.6000.',
    });
    expect(runEndNotice(run, end({ status: 'cancelled', reason: 'cancelled' }))).toBeNull();
    expect(runEndNotice(run, end({ status: 'running', reason: null }))).toBeNull();
  });

  it('a run without a name or task is named by its short id', () => {
    const run = runSummary({ id: 'abcdef0123456789', task: ' ', bestScore: 0.9 });
    expect(runEndNotice(run, end({ runId: run.id }))!.title).toBe('Target reached: abcdef01');
  });
});

describe('RunEndTracker: one end, one announcement', () => {
  it('announces a terminal state once, whatever duplicates and replays follow', () => {
    const tracker = new RunEndTracker();
    expect(tracker.observe([state('a', 1, 'running'), log('a', 2)])).toEqual([]);
    const ends = tracker.observe([state('a', 3, 'completed', 'max_steps')]);
    expect(ends).toEqual([{ runId: 'a', seq: 3, status: 'completed', reason: 'max_steps', message: null }]);
    // The same event again (a second subscriber path, a replay), and a whole replay from the start.
    expect(tracker.observe([state('a', 3, 'completed', 'max_steps')])).toEqual([]);
    expect(tracker.observe([state('a', 1, 'running'), state('a', 3, 'completed')])).toEqual([]);
  });

  it('a second terminal state of the same end is not a new end; a resumed run ending again is', () => {
    const tracker = new RunEndTracker();
    expect(tracker.observe([state('a', 1, 'failed', 'error')])).toHaveLength(1);
    expect(tracker.observe([state('a', 2, 'interrupted')])).toEqual([]);
    expect(tracker.observe([state('a', 3, 'running'), state('a', 4, 'completed')])).toEqual([
      { runId: 'a', seq: 4, status: 'completed', reason: null, message: null },
    ]);
  });

  it('keeps runs apart', () => {
    const tracker = new RunEndTracker();
    const ends = tracker.observe([state('a', 1, 'completed'), state('b', 1, 'failed')]);
    expect(ends.map((e) => e.runId)).toEqual(['a', 'b']);
  });
});

describe('watchRunEnds', () => {
  const finished = runSummary({ id: 'a', name: 'churn', bestScore: 0.85, bestStep: 2 });

  it('shows the notice of each new end, read from the stored run', async () => {
    const shown: RunEndNotice[] = [];
    const getRun = vi.fn(async () => finished);
    const handle = watchRunEnds({ getRun, settings: () => DEFAULT_SETTINGS, show: (n) => shown.push(n) });
    await handle([state('a', 1, 'running')]);
    await handle([state('a', 2, 'completed', 'target_reached')]);
    await handle([state('a', 2, 'completed', 'target_reached')]);
    expect(getRun).toHaveBeenCalledTimes(1);
    expect(shown.map((n) => n.title)).toEqual(['Target reached: churn']);
  });

  it('a kind turned off in the settings is not shown', async () => {
    const show = vi.fn();
    const handle = watchRunEnds({
      getRun: async () => finished,
      settings: async () => ({ ...DEFAULT_SETTINGS, notifyTargetReached: false }),
      show,
    });
    await handle([state('a', 2, 'completed', 'target_reached')]);
    expect(show).not.toHaveBeenCalled();
  });

  it('a run that cannot be read is reported, not thrown', async () => {
    const warn = vi.fn();
    const handle = watchRunEnds({
      getRun: async () => {
        throw new Error('no run a');
      },
      settings: () => null,
      show: vi.fn(),
      warn,
    });
    await handle([state('a', 2, 'failed')]);
    expect(warn).toHaveBeenCalledWith('could not announce the end of run a: no run a');
  });
});
