/**
 * Exit codes of the `mle-beast` command, documented in README.
 *
 * `run`, `resume` and `demo` follow a run to its end and exit with what its end state means
 * (main/cli/run-exit.ts):
 *   0    completed with end reason target_reached
 *   1    completed otherwise: a step, failure, cost or time limit ended it before the target
 *   2    bad input: project.yaml or a flag is wrong (the message names file:line:column or the flag), or an
 *        unknown or ambiguous run id
 *   3    the run failed or was interrupted (or the engine could not start it)
 *   130  cancelled: Ctrl-C (the first cancels the run and waits until it has stopped; a second quits at once)
 * `cancel`: 0 the run is cancelled or had already ended, 2 unknown or ambiguous id, 3 it did not stop in time.
 * `runs` and `show`: 0, or 2 for bad input and an unknown id.
 * `doctor` and `init`: 0 when no check failed (warnings allowed), 1 when something must be fixed (each failed
 *   check is printed with its fix), 2 for a bad flag.
 * `bench`: 0 every run ended with a final-holdout score, 2 bad input, 3 a run failed or has no final score (the
 * scoreboard is still written), 130 cancelled. `bench compare`: 0, or 2 for an unreadable scoreboard.
 */
export const EXIT = {
  ok: 0,
  /** A run finished without reaching its target (used by `run`, `resume`, `demo`). */
  targetNotReached: 1,
  badInput: 2,
  /** `doctor`, `init`: a check failed (the same number as `targetNotReached`). */
  checksFailed: 1,
  /** A run failed or was interrupted; a command could not do its work. */
  failed: 3,
  /** `policy check`: the policy blocks the command (the same number as `failed`). */
  blocked: 3,
  /** A run was cancelled (Ctrl-C during `run`, `resume`, `demo`). */
  cancelled: 130,
} as const;
