import path from 'node:path';
import type { RunEventBody } from '../api/runs';
import { revokeRecordedAccess } from '../sandbox/access-record';
import type { OrphanCleanup } from '../sandbox/orphans';
import { isWorkspaceError, restoreWorkspace, revertExperiment } from '../workspace';
import type { RunMode } from '../api/vocabulary';

/**
 * Leaves a workspace as a run that has ended should: the experiment under way (if any) reverted to the best
 * commit, and a brownfield repository put back on the user's branch with their uncommitted work. Used on
 * every way out of a run that will not be resumed (failed, cancelled, completed, deleted). What happened
 * goes to the run's log through `emit`; never throws.
 */
export async function settleWorkspace(
  workspace: string,
  mode: RunMode,
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

/** Where a run's sandbox records the ACL entries it granted on a root host (see sandbox/access-record.ts). */
export const accessRecordPath = (runDir: string) => path.join(runDir, 'sandbox-access.json');

/**
 * Takes back the ACL entries a root host granted the sandbox uid on the user's files, as recorded in the run
 * folder; the sandbox's own stop does it, this is for a run whose process died first (then cancelled or
 * deleted) or whose start failed half-way. Call it once no container of the run is left. Never throws.
 */
export async function revokeSandboxAccess(runDir: string, emit: (body: RunEventBody) => void): Promise<void> {
  for (const problem of await revokeRecordedAccess(accessRecordPath(runDir))) {
    emit({
      type: 'log',
      stage: null,
      source: 'engine',
      stream: 'error',
      text: `could not take back the sandbox user's access: ${problem}`,
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
