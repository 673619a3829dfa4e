import fs from 'node:fs';
import { runGit, type GitOptions } from './git';
import { privateRefPrefix } from './private-refs';
import { revParse, shortRef, type Repo } from './repo';
import { runBranchRef } from './session';
import type { WorkspaceState } from './state';

/**
 * The run never moves the user's branch, but code the agent runs can (`git checkout main && git commit`,
 * `git reset --hard HEAD~1`), and restore would then hand the user a branch that is not where they left it.
 * Before each begin, keep, revert and restore (until restore has handed HEAD back), the branch is compared
 * with the commit recorded at open; when it moved, its new tip is kept under
 * `refs/mle-beast/<session>/moved-<branch>` and the branch goes back with `update-ref`, which touches no
 * file. A branch that is checked out in another worktree is left alone: there the user may be working, and
 * moving it would make that worktree's files look changed.
 */

export interface BranchRestored {
  /** The user's branch (short name). */
  branch: string;
  /** Where it had been moved to; null when it had been deleted. */
  movedTo: string | null;
  /** Where it is again (the commit recorded at open); null for a branch that had no commits (deleted again). */
  restoredTo: string | null;
  /** The ref that keeps `movedTo`, or null. */
  backupRef: string | null;
  message: string;
}

export async function guardUserBranch(
  repo: Repo,
  state: WorkspaceState,
  options: GitOptions = {},
): Promise<BranchRestored | null> {
  const original = state.original;
  if (state.mode !== 'brownfield' || !original || original.kind === 'detached' || state.handedBack) {
    return null;
  }
  const ref = original.ref;
  const expected = original.kind === 'branch' ? original.sha : null;
  const current = await revParse(repo.root, ref, options);
  if (current === expected) return null;
  if (await checkedOutElsewhere(repo, ref, options)) return null;

  const branch = shortRef(ref);
  const backupRef = current ? await keepTip(repo, state, branch, current, options) : null;
  const reason = 'mle-beast: put back where it was when the run began';
  // With the old value given, update-ref refuses if the branch moved again meanwhile.
  if (expected) await runGit(repo.root, ['update-ref', '-m', reason, ref, expected, current ?? ''], options);
  else await runGit(repo.root, ['update-ref', '-m', reason, '-d', ref, current!], options);
  // HEAD on that branch: the files and index are what the agent left there, so they are the run's. HEAD
  // goes to the run's branch (only HEAD moves), where keep commits them or restore stashes them.
  const head = await runGit(repo.root, ['symbolic-ref', '-q', 'HEAD'], { ...options, okExitCodes: [1] });
  if (head.stdout.trim() === ref) {
    await runGit(repo.root, ['symbolic-ref', 'HEAD', runBranchRef(state)], options);
  }
  const what = current
    ? `had been moved to ${current.slice(0, 12)} during the run; that commit is kept as ${backupRef}`
    : 'had been deleted during the run';
  const where = expected ? `back at ${expected.slice(0, 12)}, where it was` : 'gone again: it had no commits';
  return {
    branch,
    movedTo: current,
    restoredTo: expected,
    backupRef,
    message: `Your branch ${branch} ${what}. It is ${where} when the run began.${backupRef ? ` If that move was yours, take it back with: git update-ref refs/heads/${branch} ${backupRef}` : ''}`,
  };
}

/** A new ref under the run's private prefix holding `sha`; never overwrites one. */
async function keepTip(
  repo: Repo,
  state: WorkspaceState,
  branch: string,
  sha: string,
  options: GitOptions,
): Promise<string> {
  const base = `${privateRefPrefix(state.session)}/moved-${branch.replace(/\//g, '-')}`;
  for (let n = 1; ; n++) {
    const name = n === 1 ? base : `${base}-${n}`;
    const existing = await revParse(repo.root, name, options);
    if (existing === sha) return name;
    if (existing) continue;
    // An empty old value: create only, never overwrite.
    await runGit(repo.root, ['update-ref', '-m', 'mle-beast: moved during the run', name, sha, ''], options);
    return name;
  }
}

/** Whether another worktree of this repository has `ref` checked out. */
async function checkedOutElsewhere(repo: Repo, ref: string, options: GitOptions): Promise<boolean> {
  const { stdout } = await runGit(repo.root, ['worktree', 'list', '--porcelain'], options);
  for (const block of stdout.split('\n\n')) {
    const lines = block.split('\n');
    const worktree = lines.find((l) => l.startsWith('worktree '))?.slice('worktree '.length);
    if (!worktree || !lines.includes(`branch ${ref}`)) continue;
    if (realpath(worktree) !== repo.root) return true;
  }
  return false;
}

function realpath(file: string): string {
  try {
    return fs.realpathSync.native(file);
  } catch {
    return file;
  }
}
