import fs from 'node:fs';
import path from 'node:path';
import { GitError, WorkspaceError } from './errors';
import { requireGit, runGit, type GitOptions } from './git';

/** A repository whose working tree's top level is the workspace folder itself. */
export interface Repo {
  /** The workspace folder, symlinks resolved. */
  root: string;
  /** Its git directory (per worktree), absolute: where the state file lives. */
  gitDir: string;
}

export type HeadInfo =
  | { kind: 'branch'; ref: string; sha: string }
  | { kind: 'detached'; sha: string }
  | { kind: 'unborn'; ref: string };

/** The folder with symlinks resolved, or null when it does not exist. Throws when it is not a folder. */
export function existingFolder(dir: string): string | null {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  if (!stat.isDirectory()) {
    throw new WorkspaceError(
      'not_a_directory',
      `${dir} is a file, not a folder: choose a folder for the workspace.`,
    );
  }
  return fs.realpathSync.native(dir);
}

/**
 * The repository whose top level is `folder` (already resolved), null when `folder` is in no repository.
 * Throws when it sits inside another repository without being its top level, or has no working tree: then
 * git commands would act on a repository the user did not choose.
 */
export async function findRepo(folder: string, options: GitOptions = {}): Promise<Repo | null> {
  let out: string;
  try {
    out = (await runGit(folder, ['rev-parse', '--show-toplevel', '--absolute-git-dir'], options)).stdout;
  } catch (error) {
    if (error instanceof GitError && /not a git repository/i.test(error.stderr)) return null;
    if (error instanceof GitError && /must be run in a work tree/i.test(error.stderr)) {
      throw new WorkspaceError(
        'not_a_work_tree',
        `${folder} is a bare repository or a .git folder, with no working tree: choose the folder that holds the code (the one that contains .git).`,
      );
    }
    throw error;
  }
  const [toplevel = '', gitDir = ''] = out.split('\n');
  const top = fs.realpathSync.native(toplevel);
  if (top !== folder) {
    throw new WorkspaceError(
      'nested_in_repository',
      `${folder} is inside the git repository ${top} but is not its top level. Choose ${top} as the workspace, or move the folder out of that repository.`,
    );
  }
  return { root: folder, gitDir: fs.realpathSync.native(gitDir) };
}

/** The repository of an open workspace: exists, is a folder, is a repository's top level. */
export async function openRepo(dir: string, options: GitOptions = {}): Promise<Repo> {
  await requireGit(options);
  const folder = existingFolder(dir);
  if (!folder) throw new WorkspaceError('not_found', `${dir} does not exist.`);
  const repo = await findRepo(folder, options);
  if (!repo) {
    throw new WorkspaceError(
      'no_session',
      `${folder} is not a git repository, so no mle-beast run is open in it.`,
    );
  }
  return repo;
}

/** An absolute path inside the git directory that git itself would use (`info/exclude` lives in the common dir). */
export async function gitPath(repo: Repo, name: string, options: GitOptions = {}): Promise<string> {
  const { stdout } = await runGit(repo.root, ['rev-parse', '--git-path', name], options);
  return path.resolve(repo.root, stdout.trim());
}

export async function readHead(root: string, options: GitOptions = {}): Promise<HeadInfo> {
  const ref = (
    await runGit(root, ['symbolic-ref', '-q', 'HEAD'], { ...options, okExitCodes: [1] })
  ).stdout.trim();
  const sha = (
    await runGit(root, ['rev-parse', '-q', '--verify', 'HEAD^{commit}'], { ...options, okExitCodes: [1] })
  ).stdout.trim();
  if (ref && sha) return { kind: 'branch', ref, sha };
  if (ref) return { kind: 'unborn', ref };
  return { kind: 'detached', sha };
}

export function describeHead(head: HeadInfo): string {
  if (head.kind === 'branch') return `branch ${shortRef(head.ref)}`;
  if (head.kind === 'unborn') return `branch ${shortRef(head.ref)} (no commits yet)`;
  return `detached HEAD at ${head.sha.slice(0, 12)}`;
}

export const shortRef = (ref: string): string => ref.replace(/^refs\/heads\//, '');

export async function branchExists(root: string, name: string, options: GitOptions = {}): Promise<boolean> {
  const { exitCode } = await runGit(root, ['show-ref', '--verify', '--quiet', `refs/heads/${name}`], {
    ...options,
    okExitCodes: [1],
  });
  return exitCode === 0;
}

/** `base`, or `base-2`, `base-3`, ... when a branch of that name exists: an existing branch is never reused. */
export async function uniqueBranchName(
  root: string,
  base: string,
  options: GitOptions = {},
): Promise<string> {
  for (let n = 1; ; n++) {
    const name = n === 1 ? base : `${base}-${n}`;
    if (!(await branchExists(root, name, options))) return name;
  }
}

/** Tracked changes, staged changes or untracked (not ignored) files. */
export async function isDirty(root: string, options: GitOptions = {}): Promise<boolean> {
  const { stdout } = await runGit(root, ['status', '--porcelain', '-z', '--untracked-files=normal'], options);
  return stdout.length > 0;
}

/**
 * What `git status` reports (tracked changes and untracked files; not ignored ones), each path with its
 * two-letter status (`??` for untracked; a wholly untracked folder is one entry ending with `/`).
 */
export async function dirtyEntries(
  root: string,
  options: GitOptions = {},
): Promise<{ status: string; path: string }[]> {
  const { stdout } = await runGit(root, ['status', '--porcelain', '-z', '--untracked-files=normal'], options);
  const entries: { status: string; path: string }[] = [];
  const parts = stdout.split('\0');
  for (let i = 0; i < parts.length; i++) {
    const entry = parts[i]!;
    if (entry.length < 4) continue;
    entries.push({ status: entry.slice(0, 2), path: entry.slice(3) });
    // A rename or copy is followed by its source path.
    if (entry[0] === 'R' || entry[0] === 'C') i++;
  }
  return entries;
}

const IN_PROGRESS: readonly [string, string][] = [
  ['MERGE_HEAD', 'a merge (finish it with git commit, or git merge --abort)'],
  ['rebase-merge', 'a rebase (finish it, or git rebase --abort)'],
  ['rebase-apply', 'a rebase or git am (finish it, or git rebase --abort / git am --abort)'],
  ['CHERRY_PICK_HEAD', 'a cherry-pick (finish it, or git cherry-pick --abort)'],
  ['REVERT_HEAD', 'a revert (finish it, or git revert --abort)'],
  ['BISECT_LOG', 'a bisect (end it with git bisect reset)'],
];

/** Refuses a repository in the middle of a merge, rebase, ...: stashing or switching there loses that state. */
export function assertNoOperationInProgress(repo: Repo): void {
  for (const [marker, what] of IN_PROGRESS) {
    if (fs.existsSync(path.join(repo.gitDir, marker))) {
      throw new WorkspaceError(
        'operation_in_progress',
        `${repo.root} is in the middle of ${what}. Finish or abort it, then start the run again.`,
      );
    }
  }
}

/** The stash list as [sha, subject] pairs, newest first. */
export async function stashList(
  root: string,
  options: GitOptions = {},
): Promise<{ sha: string; subject: string }[]> {
  const { stdout } = await runGit(root, ['stash', 'list', '--format=%H%x09%gs'], options);
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const tab = line.indexOf('\t');
      return { sha: line.slice(0, tab), subject: line.slice(tab + 1) };
    });
}

/**
 * Drops the stash entry whose commit is `sha`, wherever it now is in the list (stash@{0} may have become
 * stash@{3} since). Returns false when no entry has that commit any more.
 */
export async function dropStashBySha(root: string, sha: string, options: GitOptions = {}): Promise<boolean> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const index = (await stashList(root, options)).findIndex((entry) => entry.sha === sha);
    if (index < 0) return false;
    const name = `stash@{${index}}`;
    // Re-checked right before dropping: another git process may have pushed or dropped an entry meanwhile.
    if ((await revParse(root, name, options)) !== sha) continue;
    await runGit(root, ['stash', 'drop', '-q', name], options);
    return true;
  }
  return false;
}

export async function revParse(root: string, rev: string, options: GitOptions = {}): Promise<string | null> {
  const { stdout } = await runGit(root, ['rev-parse', '-q', '--verify', rev], {
    ...options,
    okExitCodes: [1],
  });
  return stdout.trim() || null;
}
