import { initialRunView, type RunView } from '../../../engine/api/run-view';
import type { Experiment, RunSummary } from '../../../engine/api/runs';

/**
 * What the live progress display knows about a run: the one fold of a run's events (engine/api/run-view.ts),
 * the same the dashboard uses. The terminal keeps no log lines or metrics in it (they are printed as they
 * come), so folding one event at a time stays cheap on a long run.
 */
export type ProgressState = RunView;

const NO_HISTORY = { logLines: 0, metricPoints: 0 };

/**
 * The view of a run as of its summary, before the events after `sinceSeq` (default: its last) are folded.
 * `experiments` give the parents' scores for the "change vs parent" figures.
 */
export function initialProgress(
  run: RunSummary,
  nowMs: number,
  experiments: readonly Experiment[] = [],
  sinceSeq = run.lastSeq,
): ProgressState {
  return initialRunView(
    { run, stages: [], experiments: [...experiments], events: [], nextSeq: null },
    nowMs,
    { sinceSeq, limits: NO_HISTORY },
  ).view;
}
