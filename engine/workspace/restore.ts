import fs from 'node:fs';
import path from 'node:path';
import { GitError } from './errors';
import { removeSessionExcludes } from './excludes';
import { requireGit, runGit, splitNul, type GitOptions } from './git';
import {
  dirtyPaths,
  dropStashBySha,
  existingFolder,
  findRepo,
  isDirty,
  readHead,
  revParse,
  shortRef,
  stashList,
  type HeadInfo,
  type Repo,
} from './repo';
import { readState, writeState, type OriginalHead, type WorkspaceState } from './state';

export type RestoreStatus =
  /** Everything is back as it was before the run. */
  | 'restored'
  /** An earlier call already restored it; nothing was done. */
  | 'already_restored'
  /** No run was ever opened in this folder; nothing was done. */
  | 'no_session'
  /** Restore stopped before the end and kept everything it could not put back; `message` says what to do. */
  | 'needs_attention';

export interface RestoreResult {
  status: RestoreStatus;
  /** The run's branch, left as it is (restore never deletes or moves it). */
  branch: string | null;
  original: OriginalHead | null;
  /** The run's uncommitted (never evaluated) work, stashed on the way out, or null. */
  unfinishedStash: string | null;
  /** The user's stash when it is still waiting to be re-applied (needs_attention), or null. */
  keptStash: string | null;
  /** False when staged changes could only come back as unstaged ones. */
  indexRestored: boolean;
  message: string;
}

/**
 * Puts a workspace back as the user had it: for brownfield, back on their branch (or detached HEAD, or
 * unborn branch with the same index), their uncommitted changes re-applied with the index as it was, the
 * stash entry dropped, the run's branch left intact with its commits. Works from the state file alone,
 * so it serves a normal end, a cancel, and recovery after a crash; safe to call any number of times.
 *
 * It never loses anything: work the run left uncommitted is stashed ("unfinished work"), and when the
 * user's changes cannot be re-applied cleanly, their stash is kept and the result says how to recover.
 * Greenfield has nothing to put back: the run's branch stays checked out.
 */
export async function restoreWorkspace(dir: string, options: GitOptions = {}): Promise<RestoreResult> {
  await requireGit(options);
  const folder = existingFolder(path.resolve(dir));
  const repo = folder ? await findRepo(folder, options) : null;
  const state = repo ? readState(repo) : null;
  if (!repo || !state) {
    return {
      status: 'no_session',
      branch: null,
      original: null,
      unfinishedStash: null,
      keptStash: null,
      indexRestored: true,
      message: `No mle-beast run was opened in ${path.resolve(dir)}: there is nothing to restore.`,
    };
  }
  if (state.status === 'restored')
    return result('already_restored', state, true, state.message ?? 'Already restored.');
  return putBack(repo, state, options);
}

/** The restore steps, each skipped when already done; also the rollback of an opening that failed. */
export async function putBack(
  repo: Repo,
  initial: WorkspaceState,
  options: GitOptions = {},
): Promise<RestoreResult> {
  let state = initial;
  if (state.mode === 'greenfield') {
    const message = `The run's work is on branch ${state.branch} in ${repo.root}.`;
    state = writeState(repo, { ...state, status: 'restored', message });
    return result('restored', state, true, message);
  }
  const original = state.original!;
  state = await findUnrecordedStash(repo, state, options);

  const head = await readHead(repo.root, options);
  const runRef = `refs/heads/${state.branch}`;
  const onRunBranch = head.kind !== 'detached' && head.ref === runRef;
  if (onRunBranch && head.kind === 'unborn') {
    // Opening stopped before the run's first commit: only HEAD moved, files and index are untouched.
    await backToUnborn(repo, original, options);
  } else if (onRunBranch) {
    state = await stashUnfinishedWork(repo, state, options);
    await switchBack(repo, state, original, options);
  } else if (
    original.kind === 'unborn' &&
    head.kind === 'detached' &&
    head.sha === (await baseOf(repo, state, options))
  ) {
    // A restore of an unborn branch stopped half-way: the files are back, HEAD and the index are not yet.
    await backToUnborn(repo, original, options);
  } else if (!isAt(head, original)) {
    return attention(
      repo,
      state,
      `HEAD is on ${describe(head)}, neither the run's branch ${state.branch} nor your ${describeOriginal(original)}, so restore changed nothing. Switch to one of them (git switch ${original.kind === 'detached' ? `--detach ${original.sha}` : shortRef(original.ref)}), then restore again.`,
    );
  }

  let indexRestored = true;
  if (state.stash && !state.stashApplied) {
    const stash = state.stash;
    const stillThere = (await stashList(repo.root, options)).some((entry) => entry.sha === stash.sha);
    if (stillThere) {
      const blocker = await applyBlocker(repo, stash.sha, options);
      if (blocker) return attention(repo, state, keptStashMessage(state, blocker));
      const applied = await applyStash(repo, stash.sha, options);
      if (!applied.ok) return attention(repo, state, keptStashMessage(state, applied.reason));
      indexRestored = applied.indexRestored;
    }
    // Not in the list any more: someone (the user, after a crash) applied or dropped it already.
    state = writeState(repo, { ...state, stashApplied: true });
  }
  if (state.stash && state.stashApplied) await dropStashBySha(repo.root, state.stash.sha, options);
  await removeSessionExcludes(repo, options);

  const message = restoredMessage(state, original, indexRestored);
  state = writeState(repo, { ...state, status: 'restored', message });
  return result('restored', state, indexRestored, message);
}

/** A crash between `git stash push` and the state write leaves a stash the state does not name: find it. */
async function findUnrecordedStash(
  repo: Repo,
  state: WorkspaceState,
  options: GitOptions,
): Promise<WorkspaceState> {
  if (state.stash || state.status !== 'opening') return state;
  const marker = `mle-beast ${state.session}: your uncommitted changes`;
  const found = (await stashList(repo.root, options)).find((entry) => entry.subject.includes(marker));
  return found ? writeState(repo, { ...state, stash: { sha: found.sha, message: found.subject } }) : state;
}

/** Work the run left uncommitted goes into a stash of its own, so switching back loses nothing. */
async function stashUnfinishedWork(
  repo: Repo,
  state: WorkspaceState,
  options: GitOptions,
): Promise<WorkspaceState> {
  if (!(await isDirty(repo.root, options))) return state;
  const before = await revParse(repo.root, 'refs/stash', options);
  const message = `mle-beast ${state.session}: unfinished work on ${state.branch} when the run ended (not kept)`;
  await runGit(repo.root, ['stash', 'push', '--include-untracked', '-q', '-m', message], options);
  const after = await revParse(repo.root, 'refs/stash', options);
  return after && after !== before ? writeState(repo, { ...state, unfinishedStash: after }) : state;
}

async function switchBack(
  repo: Repo,
  state: WorkspaceState,
  original: OriginalHead,
  options: GitOptions,
): Promise<void> {
  if (original.kind === 'branch') {
    await runGit(repo.root, ['switch', '-q', '--no-guess', shortRef(original.ref)], options);
  } else if (original.kind === 'detached') {
    await runGit(repo.root, ['switch', '-q', '--detach', original.sha], options);
  } else {
    // The files go back to the run's first commit (the user's files as they were), then HEAD and the
    // index go back to the unborn branch and what was staged.
    await runGit(repo.root, ['switch', '-q', '--detach', await baseOf(repo, state, options)], options);
    await backToUnborn(repo, original, options);
  }
}

async function backToUnborn(repo: Repo, original: OriginalHead, options: GitOptions): Promise<void> {
  if (original.kind !== 'unborn') return;
  await runGit(repo.root, ['symbolic-ref', 'HEAD', original.ref], options);
  await runGit(repo.root, ['read-tree', original.indexTree], options);
}

/** The run's first commit: recorded, or (after a crash before it was recorded) the branch's root commit. */
async function baseOf(repo: Repo, state: WorkspaceState, options: GitOptions): Promise<string> {
  if (state.baseCommit) return state.baseCommit;
  const { stdout } = await runGit(
    repo.root,
    ['rev-list', '--max-parents=0', `refs/heads/${state.branch}`],
    options,
  );
  return stdout.trim().split('\n').at(-1) ?? '';
}

/**
 * Why applying the stash now would not come back cleanly, or null. A conflicting apply leaves half-merged
 * files behind, so the usual causes are checked first and nothing is tried while one holds.
 */
async function applyBlocker(repo: Repo, sha: string, options: GitOptions): Promise<string | null> {
  const dirty = await dirtyPaths(repo.root, options);
  if (dirty.length > 0) return `the working tree has changes that would mix with them (${listPaths(dirty)})`;
  if (await revParse(repo.root, `${sha}^3`, options)) {
    const { stdout } = await runGit(repo.root, ['ls-tree', '-r', '-z', '--name-only', `${sha}^3`], options);
    const inTheWay = splitNul(stdout).filter((p) => lexists(path.join(repo.root, p)));
    if (inTheWay.length > 0) return `files of the same name exist now (${listPaths(inTheWay)})`;
  }
  return null;
}

async function applyStash(
  repo: Repo,
  sha: string,
  options: GitOptions,
): Promise<{ ok: true; indexRestored: boolean } | { ok: false; reason: string }> {
  try {
    await runGit(repo.root, ['stash', 'apply', '--index', '-q', sha], options);
    return { ok: true, indexRestored: true };
  } catch (error) {
    if (!(error instanceof GitError) || error.code !== 'git_failed') throw error;
    // git checks the staged part first and stops before touching any file when it does not fit.
    if (/without --index/i.test(error.stderr)) {
      try {
        await runGit(repo.root, ['stash', 'apply', '-q', sha], options);
        return { ok: true, indexRestored: false };
      } catch (plain) {
        if (!(plain instanceof GitError) || plain.code !== 'git_failed') throw plain;
        return { ok: false, reason: `git stash apply reported: ${plain.stderr.trim()}` };
      }
    }
    return { ok: false, reason: `git stash apply reported: ${error.stderr.trim()}` };
  }
}

function keptStashMessage(state: WorkspaceState, reason: string): string {
  const sha = state.stash!.sha;
  return `Your uncommitted changes from before the run could not be re-applied: ${reason}. They are safe in stash ${sha} (listed by git stash list as "${state.stash!.message}"). Resolve the cause, then restore again; or apply them yourself with \`git stash apply --index ${sha}\` and, once that worked, drop that entry with \`git stash drop stash@{N}\` (N from git stash list). The run's work is on branch ${state.branch}.`;
}

async function attention(repo: Repo, state: WorkspaceState, message: string): Promise<RestoreResult> {
  const next = writeState(repo, { ...state, status: 'needs_attention', message });
  return result('needs_attention', next, true, message);
}

function result(
  status: RestoreStatus,
  state: WorkspaceState,
  indexRestored: boolean,
  message: string,
): RestoreResult {
  return {
    status,
    branch: state.branch,
    original: state.original,
    unfinishedStash: state.unfinishedStash,
    keptStash: status === 'needs_attention' && state.stash && !state.stashApplied ? state.stash.sha : null,
    indexRestored,
    message,
  };
}

function restoredMessage(state: WorkspaceState, original: OriginalHead, indexRestored: boolean): string {
  const parts = [`Back on your ${describeOriginal(original)}, as before the run.`];
  if (state.stash) {
    parts.push(
      indexRestored
        ? 'Your uncommitted changes are back, staged and unstaged as they were.'
        : 'Your uncommitted changes are back, but what was staged is now unstaged (the staged part no longer fitted).',
    );
  }
  const from = original.kind === 'detached' ? original.sha.slice(0, 12) : shortRef(original.ref);
  parts.push(
    original.kind === 'unborn'
      ? `The run's work is on branch ${state.branch} (git log ${state.branch}).`
      : `The run's work is on branch ${state.branch} (git log ${from}..${state.branch} to see it, git merge ${state.branch} to take it).`,
  );
  if (state.unfinishedStash) {
    parts.push(
      `Its unfinished, never evaluated changes are in stash ${state.unfinishedStash} (git stash list).`,
    );
  }
  if (state.createdRepository) parts.push('The folder stays a git repository (.git) so that branch is kept.');
  return parts.join(' ');
}

function isAt(head: HeadInfo, original: OriginalHead): boolean {
  if (original.kind === 'detached') return head.kind === 'detached' && head.sha === original.sha;
  return head.kind === (original.kind === 'unborn' ? 'unborn' : 'branch') && head.ref === original.ref;
}

function describe(head: HeadInfo): string {
  return head.kind === 'detached'
    ? `a detached HEAD at ${head.sha.slice(0, 12)}`
    : `branch ${shortRef(head.ref)}`;
}

function describeOriginal(original: OriginalHead): string {
  return original.kind === 'detached'
    ? `detached HEAD at ${original.sha.slice(0, 12)}`
    : `branch ${shortRef(original.ref)}${original.kind === 'unborn' ? ' (no commits yet)' : ''}`;
}

function listPaths(paths: string[]): string {
  return paths.slice(0, 5).join(', ') + (paths.length > 5 ? `, and ${paths.length - 5} more` : '');
}

function lexists(file: string): boolean {
  try {
    fs.lstatSync(file);
    return true;
  } catch {
    return false;
  }
}
