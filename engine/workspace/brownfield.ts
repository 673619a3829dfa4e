import fs from 'node:fs';
import path from 'node:path';
import { recordAtOpen } from './at-open';
import { experimentBranchName } from './branch-name';
import { saveConfigBaseline } from './config-guard';
import { WorkspaceError } from './errors';
import {
  addSessionExcludes,
  appendPermanentExcludes,
  DEFAULT_BULK_LIMITS,
  exactIgnorePattern,
  findBulkyUntracked,
  type KeptOut,
} from './excludes';
import { requireGit, runGit, type GitOptions } from './git';
import { ML_GITIGNORE } from './gitignore';
import { stashRef } from './private-refs';
import {
  assertNoOperationInProgress,
  describeHead,
  existingFolder,
  findRepo,
  readHead,
  revParse,
  shortRef,
  uniqueBranchName,
  type HeadInfo,
  type Repo,
} from './repo';
import { putBack } from './restore';
import { commitAll, newSessionId, type OpenOptions, type WorkspaceInfo } from './session';
import { newState, readState, writeState, type WorkspaceState } from './state';

/**
 * Opens an existing project for a run without ever touching the user's branch:
 *
 * - a repository with commits: uncommitted work (tracked, staged and untracked files; not ignored ones) is
 *   stashed under a recognisable message, and the run works on a new branch `mle-beast-<UTC time>` made
 *   from the user's HEAD (a branch or a detached HEAD);
 * - a repository with no commits yet, or a folder that is not a repository at all (then `git init` runs
 *   there, and nothing in the folder is written): the user's files are committed as the first commit of
 *   the run's branch, and become the run's baseline. The user's branch stays unborn and their index is
 *   recorded, so restore puts both back as they were;
 * - the state file (.git/mle-beast/state.json) is written before every change, so restoreWorkspace can put
 *   everything back after a normal end, a cancel or a crash. If opening fails half-way, what was done is
 *   put back before the error is thrown;
 * - what the run must later check or protect is recorded before the agent runs: the paths outside git
 *   (at-open.ts), the stash under a ref of the run's own (private-refs.ts), the git config
 *   (config-guard.ts).
 */
export async function openBrownfield(dir: string, options: OpenOptions = {}): Promise<WorkspaceInfo> {
  await requireGit(options);
  const folder = existingFolder(path.resolve(dir));
  if (!folder) {
    throw new WorkspaceError(
      'not_found',
      `${path.resolve(dir)} does not exist. Check the path; to start a new project in a new folder, use greenfield mode.`,
    );
  }
  const existing = await findRepo(folder, options);
  if (existing) return openRepository(existing, options);
  return openPlainFolder(folder, options);
}

async function openRepository(repo: Repo, options: OpenOptions): Promise<WorkspaceInfo> {
  const prior = readState(repo);
  if (prior && prior.status !== 'restored') {
    throw new WorkspaceError(
      'session_active',
      `An earlier mle-beast run on ${repo.root} (branch ${prior.branch}) has not been put back yet${prior.message ? `: ${prior.message}` : ''}. Restore it first (restoreWorkspace, which also recovers after a crash), then start the new run.`,
    );
  }
  assertNoOperationInProgress(repo);
  const head = await readHead(repo.root, options);
  const branch = await uniqueBranchName(repo.root, experimentBranchName(options.now), options);
  const indexTree = await indexTreeIfUnborn(repo, head, options);
  let state = writeState(repo, initialState(repo, head, branch, false, indexTree));
  return openWithRollback(repo, state, options, async () => {
    const keptOut = await keepBulkOut(repo, state, options);
    state = readState(repo)!;
    if (head.kind === 'unborn') return adoptFiles(repo, state, head, keptOut, options);

    const before = await revParse(repo.root, 'refs/stash', options);
    const message = `mle-beast ${state.session}: your uncommitted changes, saved before the run on ${state.branch}`;
    await runGit(repo.root, ['stash', 'push', '--include-untracked', '-q', '-m', message], options);
    // A clean tree makes no stash ("No local changes to save"): compare the stash ref instead of guessing.
    const after = await revParse(repo.root, 'refs/stash', options);
    const stash = after && after !== before ? { sha: after, message } : null;
    // Reachable from a ref of the run's own before anything else can happen to the stash list.
    if (stash)
      await runGit(repo.root, ['update-ref', '-m', message, stashRef(state.session), stash.sha], options);
    state = writeState(repo, { ...state, stash });
    await runGit(repo.root, ['switch', '-q', '-c', state.branch], options);
    // Last, after this module's own git commands: the config as the run trusts it.
    await saveConfigBaseline(repo, state.session, options);
    state = writeState(repo, { ...state, status: 'active', baseCommit: head.sha });
    const where = describeHead(head);
    const saved = stash
      ? ` Your uncommitted changes are saved in stash ${stash.sha.slice(0, 12)} and come back when the run ends.`
      : '';
    return info(
      repo,
      state,
      keptOut,
      `The run works on branch ${state.branch}, made from your ${where}, which it never changes.${saved}`,
    );
  });
}

async function openPlainFolder(folder: string, options: OpenOptions): Promise<WorkspaceInfo> {
  if (fs.existsSync(path.join(folder, '.git'))) {
    throw new WorkspaceError(
      'not_a_work_tree',
      `${folder} has a .git that git does not recognise as a repository. Repair it (or move it away if it is a leftover), then try again.`,
    );
  }
  await runGit(folder, ['init', '-q'], options);
  try {
    await runGit(folder, ['symbolic-ref', 'HEAD', 'refs/heads/main'], options);
    const repo = (await findRepo(folder, options))!;
    // No .gitignore is written into the user's folder: the ML defaults go to .git/info/exclude, which git
    // honours the same way and which never shows in the folder.
    await appendPermanentExcludes(
      repo,
      `\n# mle-beast defaults for a folder that had no git\n${ML_GITIGNORE}`,
      options,
    );
    const head: HeadInfo = { kind: 'unborn', ref: 'refs/heads/main' };
    const branch = await uniqueBranchName(folder, experimentBranchName(options.now), options);
    const indexTree = await indexTreeIfUnborn(repo, head, options);
    const state = writeState(repo, initialState(repo, head, branch, true, indexTree));
    const keptOut = await keepBulkOut(repo, state, options);
    return await adoptFiles(repo, readState(repo)!, head, keptOut, options);
  } catch (error) {
    // The folder was no repository, so .git is entirely this call's, and the steps above write nothing
    // else into the folder (add and commit read files, never change them): removing .git puts it back.
    fs.rmSync(path.join(folder, '.git'), { recursive: true, force: true });
    throw error;
  }
}

/** Unborn branch or new repository: the files as they are become the first commit of the run's branch. */
async function adoptFiles(
  repo: Repo,
  state: WorkspaceState,
  head: Extract<HeadInfo, { kind: 'unborn' }>,
  keptOut: KeptOut[],
  options: GitOptions,
): Promise<WorkspaceInfo> {
  // Moving HEAD to another unborn branch changes neither the index nor the files.
  await runGit(repo.root, ['symbolic-ref', 'HEAD', `refs/heads/${state.branch}`], options);
  const base = await commitAll(repo, 'mle-beast: the files as they were before the run (baseline)', '', {
    ...options,
    allowEmpty: true,
  });
  await saveConfigBaseline(repo, state.session, options);
  const next = writeState(repo, { ...state, status: 'active', baseCommit: base });
  const origin = state.createdRepository
    ? 'This folder was not a git repository: it now is one (.git), and nothing else in it was changed. '
    : `Your branch ${shortRef(head.ref)} has no commits yet and stays that way. `;
  return info(
    repo,
    next,
    keptOut,
    `${origin}The run works on branch ${next.branch}, whose first commit holds your files as they were.`,
  );
}

/** Runs the opening steps; on failure puts back what was done (the state file knows how) and rethrows. */
async function openWithRollback(
  repo: Repo,
  state: WorkspaceState,
  options: GitOptions,
  steps: () => Promise<WorkspaceInfo>,
): Promise<WorkspaceInfo> {
  try {
    return await steps();
  } catch (error) {
    const result = await putBack(repo, readState(repo) ?? state, options).catch((rollbackError: unknown) => ({
      status: 'needs_attention' as const,
      message: rollbackError instanceof Error ? rollbackError.message : String(rollbackError),
    }));
    if (result.status === 'needs_attention' && error instanceof Error) {
      error.message += ` Putting the repository back also failed: ${result.message}`;
    }
    throw error;
  }
}

async function keepBulkOut(repo: Repo, state: WorkspaceState, options: OpenOptions): Promise<KeptOut[]> {
  const keptOut = await findBulkyUntracked(repo.root, options.bulkLimits ?? DEFAULT_BULK_LIMITS, options);
  const patterns = keptOut.map((k) => exactIgnorePattern(k.path)).filter((p): p is string => p !== null);
  // Recorded first: if a crash comes between the two writes, restore removes a block that is not there.
  writeState(repo, { ...state, excludes: patterns });
  await addSessionExcludes(repo, patterns, options);
  // After the block: what it keeps out counts as ignored at open, never to be committed.
  await recordAtOpen(repo, state.session, options);
  return keptOut;
}

async function indexTreeIfUnborn(repo: Repo, head: HeadInfo, options: GitOptions): Promise<string | null> {
  if (head.kind !== 'unborn') return null;
  // What the user had staged, as a tree object: restore reads it back into the index exactly.
  return (await runGit(repo.root, ['write-tree'], options)).stdout.trim();
}

function initialState(
  repo: Repo,
  head: HeadInfo,
  branch: string,
  createdRepository: boolean,
  indexTree: string | null,
): WorkspaceState {
  return newState({
    session: newSessionId(),
    mode: 'brownfield',
    status: 'opening',
    workspace: repo.root,
    // Chosen and recorded before it exists, so after a crash at any point restore knows what to look for.
    branch,
    baseCommit: null,
    original:
      head.kind === 'unborn'
        ? { kind: 'unborn', ref: head.ref, indexTree: indexTree! }
        : head.kind === 'branch'
          ? { kind: 'branch', ref: head.ref, sha: head.sha }
          : { kind: 'detached', sha: head.sha },
    createdRepository,
  });
}

function info(repo: Repo, state: WorkspaceState, keptOut: KeptOut[], message: string): WorkspaceInfo {
  const kept = keptOut.length
    ? ` Kept out of git for the run (left where they are): ${keptOut.map((k) => `${k.path} (${k.reason})`).join(', ')}.`
    : '';
  return {
    root: repo.root,
    mode: 'brownfield',
    branch: state.branch,
    baseCommit: state.baseCommit!,
    original: state.original,
    stash: state.stash,
    createdRepository: state.createdRepository,
    keptOut,
    message: message + kept,
  };
}
