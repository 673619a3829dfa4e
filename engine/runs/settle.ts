import { isWorkspaceError, restoreWorkspace, revertExperiment } from '../workspace';

/**
 * Leaves a workspace as a run that has ended should: the experiment under way (if any) reverted to the best
 * commit, and a brownfield repository put back on the user's branch with their uncommitted work. Used on
 * every way out of a run that will not be resumed (failed, cancelled, completed, deleted). Returns what to
 * tell the user; never throws.
 */
export async function settleWorkspace(
  workspace: string,
  mode: 'greenfield' | 'brownfield',
): Promise<string[]> {
  const notes: string[] = [];
  try {
    const reverted = await revertExperiment(workspace);
    notes.push(`the unfinished experiment was reverted (back at ${reverted.head.slice(0, 12)})`);
  } catch (error) {
    const code = isWorkspaceError(error) ? (error as { code?: string }).code : null;
    if (code !== 'no_snapshot' && code !== 'no_session') {
      notes.push(`could not revert the unfinished experiment: ${(error as Error).message}`);
    }
  }
  if (mode === 'brownfield') {
    try {
      notes.push((await restoreWorkspace(workspace)).message);
    } catch (error) {
      notes.push(`could not put the repository back: ${(error as Error).message}`);
    }
  }
  return notes;
}

/** Removes sandbox containers of runs whose process has died (best effort; no Docker is not an error). */
export async function removeDeadSandboxes(liveRunIds: Iterable<string>): Promise<void> {
  try {
    const { cleanupOrphanSandboxes } = await import('../sandbox/orphans');
    await cleanupOrphanSandboxes(liveRunIds);
  } catch {
    // Docker missing or down: nothing of ours can be running there either.
  }
}
