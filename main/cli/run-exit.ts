import type { EndReason, RunStatus } from '../../engine/api/runs';
import { EXIT } from './exit-codes';

/**
 * The exit code of `run`, `resume` and `demo` for the state a run ended in:
 *   completed with target_reached        0
 *   completed otherwise (limits reached)  1
 *   failed or interrupted                 3
 *   cancelled                             130
 * A run that has not ended (pending, running, paused) maps to 3: the command stopped following it early.
 */
export function exitCodeForRun(run: { status: RunStatus; endReason: EndReason | null }): number {
  switch (run.status) {
    case 'completed':
      return run.endReason === 'target_reached' ? EXIT.ok : EXIT.targetNotReached;
    case 'cancelled':
      return EXIT.cancelled;
    case 'failed':
    case 'interrupted':
      return EXIT.failed;
    default:
      return EXIT.failed;
  }
}

/** The help text of the commands that follow a run to its end. */
export const RUN_EXIT_HELP = `
Exit codes:
  0    completed: the target was reached
  1    completed without reaching the target (a step, cost or time limit ended it)
  2    bad input (project.yaml, a flag, an unknown run id)
  3    the run failed or was interrupted
  130  cancelled (Ctrl-C: the first cancels the run and waits for it to stop, a second quits at once)`;
