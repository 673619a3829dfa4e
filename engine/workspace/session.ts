import { randomBytes } from 'node:crypto';
import type { BulkLimits, KeptOut } from './excludes';
import { runGit, type GitOptions } from './git';
import type { Repo } from './repo';
import type { OriginalHead, WorkspaceState } from './state';
import type { RunMode } from '../api/vocabulary';

export interface OpenOptions extends GitOptions {
  /** The clock for the branch name (tests). */
  now?: Date;
  /** When an untracked file or folder counts as too bulky to stash or commit. */
  bulkLimits?: BulkLimits;
}

/** What opening a workspace did, for the run record and the UI. */
export interface WorkspaceInfo {
  /** The workspace folder, symlinks resolved. */
  root: string;
  mode: RunMode;
  /** The run's branch, checked out now. */
  branch: string;
  /** The commit the run starts from (its first "best"). */
  baseCommit: string;
  /** Brownfield: where the user was, put back by restoreWorkspace. */
  original: OriginalHead | null;
  /** Brownfield: the stash holding the user's uncommitted changes, or null when the tree was clean. */
  stash: { sha: string; message: string } | null;
  /** True when the run ran `git init` (greenfield, or brownfield in a folder without git). */
  createdRepository: boolean;
  /** Untracked files and folders kept out of the stash and of commits (too big, environments). */
  keptOut: KeptOut[];
  /** One paragraph for the user: what was done, where their work is. */
  message: string;
}

export const newSessionId = (): string => randomBytes(4).toString('hex');

export const runBranchRef = (state: WorkspaceState): string => `refs/heads/${state.branch}`;

/**
 * Puts HEAD back on the run's branch when something (code the agent ran) switched away, without touching
 * the index, the working tree or any other branch. Every later step then commits to, or resets, the run's
 * branch only: a reset on whatever branch HEAD happened to be on could move the user's branch.
 * Returns true when HEAD had to be moved.
 */
export async function ensureOnRunBranch(
  repo: Repo,
  state: WorkspaceState,
  options: GitOptions = {},
): Promise<boolean> {
  const { stdout } = await runGit(repo.root, ['symbolic-ref', '-q', 'HEAD'], {
    ...options,
    okExitCodes: [1],
  });
  if (stdout.trim() === runBranchRef(state)) return false;
  await runGit(repo.root, ['symbolic-ref', 'HEAD', runBranchRef(state)], options);
  return true;
}

/**
 * `git add -A` that never looks inside a nested repository. Git decides whether a staged gitlink is dirty by
 * running `status` in that repository, and so its filters, which agent code may have written, on this machine
 * (`diff.ignoreSubmodules` does not stop `add`). So gitlinks the run staged are unstaged again (their folder
 * stays, untracked), and every gitlink is left out of the add.
 */
export async function addAll(repo: Repo, options: GitOptions = {}): Promise<void> {
  const gitlinks = (listing: string) =>
    listing
      .split('\0')
      .filter((entry) => entry.startsWith('160000 '))
      .map((entry) => entry.slice(entry.indexOf('\t') + 1));
  const staged = gitlinks((await runGit(repo.root, ['ls-files', '-s', '-z'], options)).stdout);
  if (staged.length > 0) {
    const head = await runGit(repo.root, ['ls-tree', '-r', '-z', 'HEAD'], { ...options, okExitCodes: [128] });
    const committed = new Set(head.exitCode === 0 ? gitlinks(head.stdout) : []);
    const added = staged.filter((p) => !committed.has(p));
    if (added.length > 0) await runGit(repo.root, ['rm', '--cached', '-f', '-q', '--', ...added], options);
  }
  await runGit(repo.root, ['add', '-A', '--', '.', ...staged.map((p) => `:(exclude,literal)${p}`)], options);
}

/** `git add -A` and commit; returns the new commit, or null when there was nothing to commit. */
export async function commitAll(
  repo: Repo,
  subject: string,
  body: string,
  options: GitOptions & { allowEmpty?: boolean } = {},
): Promise<string | null> {
  await addAll(repo, options);
  return commitStaged(repo, subject, body, options);
}

/** Commits what is staged; returns the new commit, or null when nothing was staged. */
export async function commitStaged(
  repo: Repo,
  subject: string,
  body: string,
  options: GitOptions & { allowEmpty?: boolean } = {},
): Promise<string | null> {
  if (!options.allowEmpty) {
    const staged = await runGit(repo.root, ['diff', '--cached', '--quiet', '--no-ext-diff'], {
      ...options,
      okExitCodes: [1],
    });
    if (staged.exitCode === 0) return null;
  }
  const message = body ? ['-m', subject, '-m', body] : ['-m', subject];
  // whitespace cleanup keeps lines starting with '#' (a hypothesis may have them); --no-verify backs up
  // the disabled hooks.
  await runGit(
    repo.root,
    [
      'commit',
      '-q',
      '--no-verify',
      '--cleanup=whitespace',
      ...(options.allowEmpty ? ['--allow-empty'] : []),
      ...message,
    ],
    options,
  );
  return (await runGit(repo.root, ['rev-parse', 'HEAD'], options)).stdout.trim();
}
