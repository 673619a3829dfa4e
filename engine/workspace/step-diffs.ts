import path from 'node:path';

/**
 * Where the changes of a step that was never committed (reverted, abandoned, failed, cancelled) are kept: the
 * pipeline writes them before the revert, the Run detail view reads them.
 */
export const stepDiffPath = (runDir: string, step: number): string =>
  path.join(runDir, 'diffs', `step-${step}.diff`);

/** Characters kept of one step's diff. */
export const STEP_DIFF_CAP = 2 * 1024 * 1024;
