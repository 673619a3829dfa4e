import path from 'node:path';
import { guardUserBranch, type BranchRestored } from './branch-guard';
import { configNote, driverOverrides, restoreConfigFiles, type ConfigRestored } from './config-guard';
import type { GitOptions } from './git';
import { existingFolder, openRepo, type Repo } from './repo';
import { requireActiveState, type WorkspaceState } from './state';

/**
 * The first step of begin, keep and revert: the repository of an open run, checked against what the run
 * recorded at open (config-guard.ts, branch-guard.ts), with whatever had changed put right first.
 */

/** What was found changed since open and put right before the operation; part of its result. */
export interface GuardNotes {
  /** The repository's git config had changed and was put back, or new drivers were switched off. */
  configRestored: ConfigRestored | null;
  /** The user's branch had moved and was put back. */
  branchRestored: BranchRestored | null;
}

export interface OpenRun<T extends GitOptions> extends GuardNotes {
  repo: Repo;
  state: WorkspaceState;
  /** The caller's options with the driver overrides: every git call of the operation takes these. */
  options: T;
}

/** Throws `no_session` (and changes nothing) when no run is open in `dir`. */
export async function openRun<T extends GitOptions>(dir: string, options: T): Promise<OpenRun<T>> {
  // Before git runs at all: a changed config can make git misbehave (core.worktree, core.bare).
  const folder = existingFolder(path.resolve(dir));
  const files = folder ? restoreConfigFiles(folder) : [];
  const repo = await openRepo(dir, options);
  const state = requireActiveState(repo);
  const { overrides, drivers } = await driverOverrides(repo, state, options);
  const guarded: T = { ...options, configOverrides: [...(options.configOverrides ?? []), ...overrides] };
  const branchRestored = await guardUserBranch(repo, state, guarded);
  return { repo, state, options: guarded, configRestored: configNote(files, drivers), branchRestored };
}
