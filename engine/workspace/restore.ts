import fs from 'node:fs';
import path from 'node:path';
import { entryMatcher, readAtOpen, type AtOpen } from './at-open';
import { guardUserBranch, type BranchRestored } from './branch-guard';
import { configNote, driverOverrides, restoreConfigFiles, type ConfigRestored } from './config-guard';
import { GitError } from './errors';
import { addSessionExcludes, exactIgnorePattern, removeSessionExcludes } from './excludes';
import { requireGit, runGit, runGitBinary, splitNul, type GitOptions } from './git';
import { stashRef } from './private-refs';
import {
  dirtyEntries,
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
  /** The repository's git config had changed during the run and was put back (config-guard.ts). */
  configRestored: ConfigRestored | null;
  /** The user's branch had been moved during the run and was put back (branch-guard.ts). */
  branchRestored: BranchRestored | null;
  /**
   * Files that were ignored when the run began, which a commit of the agent's on the run's branch had taken
   * into git and the switch back deleted: written back from that commit (its version of them).
   */
  rematerialised: string[];
  message: string;
}

/** What restore found changed since open and put right; carried into every result. */
interface Notes {
  configRestored: ConfigRestored | null;
  branchRestored: BranchRestored | null;
  rematerialised: string[];
}

const NO_NOTES: Notes = { configRestored: null, branchRestored: null, rematerialised: [] };

/**
 * Puts a workspace back as the user had it: for brownfield, back on their branch (or detached HEAD, or
 * unborn branch with the same index), their uncommitted changes re-applied with the index as it was, the
 * stash entry dropped, the run's branch left intact with its commits. Works from the state file alone,
 * so it serves a normal end, a cancel, and recovery after a crash; safe to call any number of times.
 *
 * It never loses anything: work the run left uncommitted is stashed ("unfinished work"), and when the
 * user's changes cannot be re-applied cleanly, their stash is kept and the result says how to recover.
 * What the agent may have done to git itself is undone first: a changed config is put back, a moved user
 * branch goes back (its tip kept under a ref), and the user's stash is applied from the run's own ref
 * even when the agent cleared the stash list. Greenfield has nothing to put back but the config: the run's
 * branch stays checked out.
 */
export async function restoreWorkspace(dir: string, options: GitOptions = {}): Promise<RestoreResult> {
  await requireGit(options);
  const folder = existingFolder(path.resolve(dir));
  // Before git runs at all: a changed config can make git misbehave.
  const configFiles = folder ? restoreConfigFiles(folder) : [];
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
      ...NO_NOTES,
      message: `No mle-beast run was opened in ${path.resolve(dir)}: there is nothing to restore.`,
    };
  }
  if (state.status === 'restored')
    return result('already_restored', state, true, NO_NOTES, state.message ?? 'Already restored.');
  return putBack(repo, state, options, configFiles);
}

/** The restore steps, each skipped when already done; also the rollback of an opening that failed. */
export async function putBack(
  repo: Repo,
  initial: WorkspaceState,
  callerOptions: GitOptions = {},
  configFiles: ConfigRestored['files'] = [],
): Promise<RestoreResult> {
  let state = initial;
  const { overrides, drivers } = await driverOverrides(repo, state, callerOptions);
  const options = {
    ...callerOptions,
    configOverrides: [...(callerOptions.configOverrides ?? []), ...overrides],
  };
  const notes: Notes = { ...NO_NOTES, configRestored: configNote(configFiles, drivers) };
  if (state.mode === 'greenfield') {
    const message = withNotes(`The run's work is on branch ${state.branch} in ${repo.root}.`, notes);
    state = writeState(repo, { ...state, status: 'restored', message });
    return result('restored', state, true, notes, message);
  }
  const original = state.original!;
  state = await findUnrecordedStash(repo, state, options);
  await keepStashReachable(repo, state, options);
  // Before anything is switched: a branch moved by the agent goes back, and HEAD with it onto the run's
  // branch if it was there, so that what the agent left checked out is stashed as the run's work below.
  notes.branchRestored = await guardUserBranch(repo, state, options);
  const atOpen = readAtOpen(repo, state);
  if (atOpen && atOpen.ignored.length > 0) {
    // Ignored at open, even if the agent's .gitignore no longer says so: the run's stash of unfinished
    // work must not take the user's data away. Removed with the rest of the block at the end.
    const patterns = atOpen.ignored.map(exactIgnorePattern).filter((p): p is string => p !== null);
    await addSessionExcludes(repo, patterns, options);
  }

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
      notes,
      `HEAD is on ${describe(head)}, neither the run's branch ${state.branch} nor your ${describeOriginal(original)}, so restore changed nothing. Switch to one of them (git switch ${original.kind === 'detached' ? `--detach ${original.sha}` : shortRef(original.ref)}), then restore again.`,
    );
  }
  if (!state.handedBack) state = writeState(repo, { ...state, handedBack: true });
  notes.rematerialised = await rematerialise(repo, state, original, atOpen, options);

  let indexRestored = true;
  if (state.stash && !state.stashApplied) {
    const stash = state.stash;
    if (await stashReachable(repo, state, options)) {
      const already = await alreadyApplied(repo, stash.sha, options);
      if (!already) {
        const blocker = await applyBlocker(repo, stash.sha, atOpen, options);
        if (blocker) return attention(repo, state, notes, keptStashMessage(state, blocker));
        const applied = await applyStash(repo, stash.sha, options);
        if (!applied.ok) return attention(repo, state, notes, keptStashMessage(state, applied.reason));
        indexRestored = applied.indexRestored;
      }
    }
    // Neither our ref nor a stash entry is left: the user applied it by hand, as our message told them.
    state = writeState(repo, { ...state, stashApplied: true });
  }
  if (state.stash && state.stashApplied) {
    await dropStashBySha(repo.root, state.stash.sha, options);
    // Only now, with the changes back in the tree, does the stash commit stop needing a ref of its own.
    await runGit(repo.root, ['update-ref', '-d', stashRef(state.session)], options);
  }
  await removeSessionExcludes(repo, options);

  const message = withNotes(restoredMessage(state, original, indexRestored), notes);
  state = writeState(repo, { ...state, status: 'restored', message });
  return result('restored', state, indexRestored, notes, message);
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

/**
 * The user's stash gets a ref of its own as soon as it exists (brownfield.ts); this repairs a crash between
 * `stash push` and that ref, and gives a run opened by an older version the same protection from now on.
 */
async function keepStashReachable(repo: Repo, state: WorkspaceState, options: GitOptions): Promise<void> {
  if (!state.stash || state.stashApplied) return;
  const ref = stashRef(state.session);
  if ((await revParse(repo.root, ref, options)) === state.stash.sha) return;
  if (!(await stashList(repo.root, options)).some((entry) => entry.sha === state.stash!.sha)) return;
  await runGit(
    repo.root,
    ['update-ref', '-m', 'mle-beast: your uncommitted changes', ref, state.stash.sha],
    options,
  );
}

/**
 * Whether the user's stash is still to be applied: our ref holds it (whatever became of the stash list:
 * `git stash clear`, `drop` and `pop` leave it), or, without the ref, it is still in the list.
 */
async function stashReachable(repo: Repo, state: WorkspaceState, options: GitOptions): Promise<boolean> {
  const sha = state.stash!.sha;
  if ((await revParse(repo.root, stashRef(state.session), options)) === sha) return true;
  return (await stashList(repo.root, options)).some((entry) => entry.sha === sha);
}

/**
 * Whether the tree already holds the stash: index as its index commit, tracked files as its tree, its
 * untracked files present with the same content. True after a crash between applying it and recording
 * that, or when the user applied it by hand; applying it again would then fail or double it.
 */
async function alreadyApplied(repo: Repo, sha: string, options: GitOptions): Promise<boolean> {
  const quiet = ['--quiet', '--no-ext-diff', '--no-textconv'];
  const index = await runGit(repo.root, ['diff', '--cached', ...quiet, `${sha}^2`, '--'], {
    ...options,
    okExitCodes: [1],
  });
  if (index.exitCode !== 0) return false;
  const worktree = await runGit(repo.root, ['diff', ...quiet, sha, '--'], { ...options, okExitCodes: [1] });
  if (worktree.exitCode !== 0) return false;
  if (!(await revParse(repo.root, `${sha}^3`, options))) return true;
  const { stdout } = await runGit(repo.root, ['ls-tree', '-r', '-z', `${sha}^3`], options);
  const files: { path: string; blob: string }[] = [];
  for (const record of splitNul(stdout)) {
    // `<mode> <type> <blob>\t<path>`
    const tab = record.indexOf('\t');
    const [mode = '', , blob = ''] = record.slice(0, tab).split(' ');
    const rel = record.slice(tab + 1);
    const full = path.join(repo.root, rel);
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(full);
    } catch {
      return false;
    }
    if (mode === '120000') {
      const target = (await runGitBinary(repo.root, ['cat-file', 'blob', blob], options)).stdout;
      if (!stat.isSymbolicLink() || fs.readlinkSync(full) !== new TextDecoder().decode(target)) return false;
    } else if (!stat.isFile() || /[\n\r]/.test(rel)) {
      return false; // a name --stdin-paths cannot carry: not worth the risk of a wrong "yes"
    } else {
      files.push({ path: rel, blob });
    }
  }
  if (files.length === 0) return true;
  // Hashed the way `stash push` stored them (with the path's filters), in one call.
  const hashed = await runGit(repo.root, ['hash-object', '--stdin-paths'], {
    ...options,
    input: files.map((f) => `${f.path}\n`).join(''),
  });
  const blobs = hashed.stdout.trim().split('\n');
  return files.every((f, i) => blobs[i] === f.blob);
}

/**
 * Files that were ignored at open and that a commit of the agent's took into git on the run's branch: the
 * switch back deleted them, as it deletes everything the run's branch has and the user's does not. They
 * are written back from the run's branch (its version: git holds no other). Done on every restore call,
 * so a crash right after the switch loses nothing either.
 */
async function rematerialise(
  repo: Repo,
  state: WorkspaceState,
  original: OriginalHead,
  atOpen: AtOpen | null,
  options: GitOptions,
): Promise<string[]> {
  if (!atOpen || atOpen.ignored.length === 0) return [];
  const tip = await revParse(repo.root, `refs/heads/${state.branch}`, options);
  if (!tip) return [];
  const target = original.kind === 'unborn' ? await baseOf(repo, state, options) : original.sha;
  // Raw records: `:<mode> <mode> <blob> <blob> D\0<path>\0`, for what the run's tip has and the target not.
  const { stdout } = await runGit(
    repo.root,
    ['diff-tree', '-r', '-z', '--no-renames', '--diff-filter=D', tip, target],
    options,
  );
  const match = entryMatcher(atOpen.ignored);
  const written: string[] = [];
  const parts = splitNul(stdout);
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const [mode = '', , blob = ''] = parts[i]!.slice(1).split(' ');
    const rel = parts[i + 1]!;
    const full = path.join(repo.root, rel);
    if (mode === '160000' || !match(rel) || lexists(full)) continue;
    const { stdout: content } = await runGitBinary(repo.root, ['cat-file', 'blob', blob], options);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    if (mode === '120000') fs.symlinkSync(new TextDecoder().decode(content), full);
    else fs.writeFileSync(full, content, { mode: mode === '100755' ? 0o755 : 0o644 });
    written.push(rel);
  }
  return written;
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
async function applyBlocker(
  repo: Repo,
  sha: string,
  atOpen: AtOpen | null,
  options: GitOptions,
): Promise<string | null> {
  // Untracked paths that were already there at open are the user's own, not changes of the run: a nested
  // repository that the stash could not take stays in the tree the whole run.
  const untrackedAtOpen = entryMatcher(atOpen?.untracked ?? []);
  const dirty = (await dirtyEntries(repo.root, options))
    .filter((e) => !(e.status === '??' && untrackedAtOpen(e.path)))
    .map((e) => e.path);
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
  const ref = stashRef(state.session);
  return `Your uncommitted changes from before the run could not be re-applied: ${reason}. They are safe in stash ${sha} (kept by the ref ${ref}, and listed by git stash list as "${state.stash!.message}" unless that entry was dropped). Resolve the cause, then restore again; or apply them yourself with \`git stash apply --index ${sha}\` and, once that worked, delete the ref with \`git update-ref -d ${ref}\` and drop the entry if it is listed (\`git stash drop stash@{N}\`, N from git stash list). The run's work is on branch ${state.branch}.`;
}

async function attention(
  repo: Repo,
  state: WorkspaceState,
  notes: Notes,
  message: string,
): Promise<RestoreResult> {
  const full = withNotes(message, notes);
  const next = writeState(repo, { ...state, status: 'needs_attention', message: full });
  return result('needs_attention', next, true, notes, full);
}

function result(
  status: RestoreStatus,
  state: WorkspaceState,
  indexRestored: boolean,
  notes: Notes,
  message: string,
): RestoreResult {
  return {
    status,
    branch: state.branch,
    original: state.original,
    unfinishedStash: state.unfinishedStash,
    keptStash: status === 'needs_attention' && state.stash && !state.stashApplied ? state.stash.sha : null,
    indexRestored,
    ...notes,
    message,
  };
}

/** The message with what restore found changed and put right, so the user reads it in one place. */
function withNotes(message: string, notes: Notes): string {
  const parts = [message];
  if (notes.branchRestored) parts.push(notes.branchRestored.message);
  if (notes.rematerialised.length > 0) {
    parts.push(
      `Files that were ignored before the run had been committed on the run's branch, so switching back removed them; they were written back from that branch: ${listPaths(notes.rematerialised)}.`,
    );
  }
  if (notes.configRestored) parts.push(notes.configRestored.message);
  return parts.join(' ');
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
