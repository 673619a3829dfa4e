/** Exit codes of the `mle-beast` command, documented in README. */
export const EXIT = {
  ok: 0,
  /** A run finished without reaching its target (used by `run`). */
  targetNotReached: 1,
  badInput: 2,
  failed: 3,
  /** `policy check`: the policy blocks the command (the same number as `failed`). */
  blocked: 3,
  cancelled: 130,
} as const;
