import type { RunEventBody } from '../api/runs';
import type { OrphanCleanup } from '../sandbox/orphans';
import { isWorkspaceError, restoreWorkspace, revertExperiment } from '../workspace';

/**
 * Leaves a workspace as a run that has ended should: the experiment under way (if any) reverted to the best
 * commit, and a brownfield repository put back on the user's branch with their uncommitted work. Used on
 * every way out of a run that will not be resumed (failed, cancelled, completed, deleted). What happened
 * goes to the run's log through `emit`; never throws.
 */
export async function settleWorkspace(
  workspace: string,
  mode: 'greenfield' | 'brownfield',
  emit: (body: RunEventBody) => void,
): Promise<void> {
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
  for (const text of notes) {
    emit({
      type: 'log',
      stage: null,
      source: 'engine',
      stream: text.startsWith('could not') ? 'error' : 'info',
      text,
    });
  }
}

/**
 * Removes sandbox containers of runs whose process has died; containers of live processes, of `liveRunIds`
 * and of other hosts are spared. Null when Docker is missing or down (nothing of ours can run there then).
 * Never throws.
 */
export async function removeDeadSandboxes(liveRunIds: Iterable<string>): Promise<OrphanCleanup | null> {
  try {
    // Loaded here: the sandbox module pulls in dockerode, which start-up should not wait for.
    const { cleanupOrphanSandboxes } = await import('../sandbox/orphans');
    const result = await cleanupOrphanSandboxes(liveRunIds);
    return result.ok ? result.value : null;
  } catch {
    return null;
  }
}
