import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { unstageIgnoredAtOpen } from './at-open';
import { unstageNeverCommitted } from './never-committed';
import { experimentCommitMessage } from './commit-message';
import { WorkspaceError } from './errors';
import {
  addSessionExcludes,
  DEFAULT_BULK_LIMITS,
  exactIgnorePattern,
  findBulkyUntracked,
  type BulkLimits,
  type KeptOut,
} from './excludes';
import { runGit, runGitBinary, splitNul, type GitOptions } from './git';
import type { Repo } from './repo';
import { openRun, type GuardNotes, type OpenRun } from './run-guard';
import { addAll, commitStaged, ensureOnRunBranch } from './session';
import { stateDir, writeState } from './state';
import { ancestors, walkTree, type EntryKind } from './tree-walk';

/**
 * The hill-climb's keep / revert, on the run's branch only.
 *
 * beginExperiment records the best commit and everything in the working tree git does not track (untracked
 * and ignored files, folders, links). revertExperiment goes back to that commit and removes what the
 * experiment added outside git, while every file that existed before survives:
 * - tracked files come back from the commit (modified, deleted, renamed ones alike);
 * - small untracked (not ignored) files are saved as git blobs at begin, so they come back even if the
 *   experiment changed or deleted them;
 * - ignored files (data/, checkpoints/) are never touched, but git holds no copy: if the experiment changed
 *   or deleted one, revert cannot bring it back and says so in its result (`modified`, `lost`);
 * - the files in `preserve` (research_log.md: the agent's memory across reverts) keep their current text.
 * Each of the three first checks the repository against what the run recorded at open (run-guard.ts).
 */

export const DEFAULT_PRESERVE: readonly string[] = ['research_log.md'];

/** Untracked files up to this size are saved at begin so revert can restore them (ignored ones never). */
const SAVE_FILE_MAX_BYTES = 1024 * 1024;
const SAVE_TOTAL_MAX_BYTES = 64 * 1024 * 1024;

const SnapshotFile = z.object({
  path: z.string(),
  size: z.number(),
  mtimeMs: z.number(),
  ignored: z.boolean(),
  /** Blob id of the content when it was saved (small untracked files). */
  blob: z.string().nullable(),
  mode: z.number(),
});

export const ExperimentSnapshot = z.object({
  version: z.literal(2),
  branch: z.string(),
  /** The best commit: revert resets to it. */
  head: z.string(),
  /** Tracked changes not committed when the experiment began (`git stash create`), re-applied on revert. */
  pending: z.string().nullable(),
  takenAt: z.string(),
  /**
   * Every path in the working tree at begin with its kind (folders included, `.git` left out), as
   * `[path, kind]` pairs: an object keyed by path would drop a file named `__proto__` when parsed.
   */
  paths: z.array(z.tuple([z.string(), z.enum(['f', 'd', 'l', 'r', 'o'])])),
  /** The untracked and ignored regular files among them, with what revert compares. */
  files: z.array(SnapshotFile),
  /** Untracked and ignored symlinks and where they point, to put back one the experiment removed. */
  links: z.array(z.object({ path: z.string(), target: z.string() })),
});
export type ExperimentSnapshot = z.infer<typeof ExperimentSnapshot>;

/** What beginExperiment returns: the snapshot, and what was put right before it was taken. */
export type BegunExperiment = ExperimentSnapshot & GuardNotes;

export interface ExperimentOptions extends GitOptions {
  /** Files that keep their current content through a revert (default: research_log.md). */
  preserve?: readonly string[];
}

const snapshotPath = (repo: Repo) => path.join(stateDir(repo), 'experiment.json');

/**
 * `git stash create`, tried up to three times: it refreshes the index first and, when that fails, exits 1
 * without a word. Seen right after a run was resumed from a killed process (a transient index lock, gone a
 * moment later); a real problem still fails on the third try.
 */
async function stashCreate(root: string, options: GitOptions): Promise<string> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return (await runGit(root, ['stash', 'create'], options)).stdout.trim();
    } catch (error) {
      if (attempt >= 3) throw error;
      await new Promise((resolve) => setTimeout(resolve, 300 * attempt));
    }
  }
}

/** Records the state an experiment starts from; also saved in .git/mle-beast for a revert after a crash. */
export async function beginExperiment(dir: string, callerOptions: GitOptions = {}): Promise<BegunExperiment> {
  const run = await openRun(dir, callerOptions);
  const { repo, state, options } = run;
  await ensureOnRunBranch(repo, state, options);
  const head = (await runGit(repo.root, ['rev-parse', 'HEAD'], options)).stdout.trim();
  // Prints nothing on a clean tree; otherwise a commit holding the uncommitted tracked changes, made
  // without touching the index, the files or the stash list.
  const pending = (await stashCreate(repo.root, options)) || null;

  const listing = await walkTree(repo.root);
  const tracked = new Set(splitNul((await runGit(repo.root, ['ls-files', '-z'], options)).stdout));
  const notIgnored = new Set(
    splitNul((await runGit(repo.root, ['ls-files', '-z', '--others', '--exclude-standard'], options)).stdout),
  );
  const files: z.infer<typeof SnapshotFile>[] = [];
  const links: ExperimentSnapshot['links'] = [];
  const toSave: number[] = [];
  let saveBytes = 0;
  for (const [rel, kind] of listing) {
    if (tracked.has(rel)) continue;
    if (kind === 'l') {
      try {
        links.push({ path: rel, target: fs.readlinkSync(path.join(repo.root, rel)) });
      } catch {
        // gone meanwhile
      }
      continue;
    }
    if (kind !== 'f') continue;
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(path.join(repo.root, rel));
    } catch {
      continue;
    }
    const ignored = !notIgnored.has(rel);
    if (
      !ignored &&
      stat.size <= SAVE_FILE_MAX_BYTES &&
      saveBytes + stat.size <= SAVE_TOTAL_MAX_BYTES &&
      !/[\n\r]/.test(rel)
    ) {
      toSave.push(files.length);
      saveBytes += stat.size;
    }
    files.push({ path: rel, size: stat.size, mtimeMs: stat.mtimeMs, ignored, blob: null, mode: stat.mode });
  }
  if (toSave.length > 0) {
    // One git call writes all the blobs; --no-filters stores the bytes exactly as they are on disk.
    const { stdout } = await runGit(repo.root, ['hash-object', '-w', '--no-filters', '--stdin-paths'], {
      ...options,
      input: toSave.map((i) => `${files[i]!.path}\n`).join(''),
    });
    const blobs = stdout.trim().split('\n');
    toSave.forEach((fileIndex, i) => (files[fileIndex]!.blob = blobs[i] ?? null));
  }

  const snapshot: ExperimentSnapshot = {
    version: 2,
    branch: state.branch,
    head,
    pending,
    takenAt: new Date().toISOString(),
    paths: [...listing],
    files,
    links,
  };
  fs.mkdirSync(stateDir(repo), { recursive: true });
  const temp = `${snapshotPath(repo)}.tmp`;
  fs.writeFileSync(temp, JSON.stringify(snapshot));
  fs.renameSync(temp, snapshotPath(repo));
  return { ...snapshot, configRestored: run.configRestored, branchRestored: run.branchRestored };
}

export interface KeepInput {
  step: number;
  hypothesis: string;
  score: number | null;
  /** The best score before this experiment; null for the first (`was none`). */
  previousScore: number | null;
}

export interface KeepResult extends GuardNotes {
  /** The commit that is now the best: the new one, or HEAD when there was nothing to commit. */
  sha: string;
  committed: boolean;
  /** The commit's subject line. */
  message: string;
  /**
   * Files and folders left out of the commit, where they are: untracked ones too big for git, environments,
   * nested repositories, and (brownfield) ones that were ignored when the run began.
   */
  keptOut: KeptOut[];
  /** HEAD had been moved off the run's branch (by code the agent ran) and was put back first. */
  reattached: boolean;
}

/** Commits everything (`git add -A`, .gitignore respected) on the run's branch as `step N: ...`. */
export async function keepExperiment(
  dir: string,
  input: KeepInput,
  options: GitOptions & { bulkLimits?: BulkLimits } = {},
): Promise<KeepResult> {
  const { subject, body } = experimentCommitMessage(
    input.step,
    input.hypothesis,
    input.score,
    input.previousScore,
  );
  const run = await openRun(dir, options);
  const result = await commitOnRunBranch(run, subject, body);
  // The experiment is over: its snapshot must never be used by a later revert.
  fs.rmSync(snapshotPath(run.repo), { force: true });
  return result;
}

/**
 * Commits everything on the run's branch with a message of the caller's (e.g. the research log after the
 * last experiment). Never commits anywhere else; bulky untracked files are kept out, not committed.
 */
export async function commitWorkspace(
  dir: string,
  subject: string,
  body = '',
  options: GitOptions & { bulkLimits?: BulkLimits } = {},
): Promise<KeepResult> {
  return commitOnRunBranch(await openRun(dir, options), subject, body);
}

/** Why a path was left out of a commit when it was ignored at open and the agent un-ignored it. */
const IGNORED_AT_OPEN = 'ignored when the run began';

async function commitOnRunBranch(
  run: OpenRun<GitOptions & { bulkLimits?: BulkLimits }>,
  subject: string,
  body: string,
): Promise<KeepResult> {
  const { repo, options } = run;
  let state = run.state;
  const reattached = await ensureOnRunBranch(repo, state, options);
  const keptOut = await findBulkyUntracked(repo.root, options.bulkLimits ?? DEFAULT_BULK_LIMITS, options);
  const excludeAlso = async (paths: string[]) => {
    const patterns = paths.map(exactIgnorePattern).filter((p): p is string => p !== null);
    if (patterns.length === 0) return;
    // Recorded before the block is written, so restore always knows there is a block to remove.
    state = writeState(repo, { ...state, excludes: [...new Set([...state.excludes, ...patterns])] });
    await addSessionExcludes(repo, patterns, options);
  };
  await excludeAlso(keptOut.map((k) => k.path));
  await addAll(repo, options);
  // Un-staged again, and from now on excluded for the run, so `git status` stays clean.
  const ignored = await unstageIgnoredAtOpen(repo, state, options);
  await excludeAlso(ignored);
  keptOut.push(...ignored.map((p) => ({ path: p, reason: IGNORED_AT_OPEN })));
  // The engine's own outputs and links out of the workspace: never in a commit, even where .gitignore is silent.
  const never = await unstageNeverCommitted(repo, options);
  await excludeAlso(never.filter((n) => n.untracked).map((n) => n.path));
  keptOut.push(...never.map((n) => ({ path: n.path, reason: n.reason })));
  const sha = await commitStaged(repo, subject, body, options);
  const head = sha ?? (await runGit(repo.root, ['rev-parse', 'HEAD'], options)).stdout.trim();
  return {
    sha: head,
    committed: sha !== null,
    message: subject,
    keptOut,
    reattached,
    configRestored: run.configRestored,
    branchRestored: run.branchRestored,
  };
}

export interface RevertResult extends GuardNotes {
  /** The best commit, checked out again. */
  head: string;
  /** What the experiment created outside git and revert removed (a removed folder is one entry). */
  removed: string[];
  /** Pre-existing untracked files the experiment changed or deleted, put back from the snapshot. */
  restored: string[];
  /** Pre-existing untracked or ignored files the experiment changed, which revert could not put back. */
  modified: string[];
  /**
   * Pre-existing untracked or ignored files the experiment deleted, which revert could not put back; a
   * nested repository it deleted (or whose .git it deleted) as `dir/`.
   */
  lost: string[];
  /** Paths revert tried to remove and could not (permissions), left in place. */
  notRemoved: { path: string; reason: string }[];
  /** HEAD had been moved off the run's branch and was put back first. */
  reattached: boolean;
}

/** Goes back to the snapshot's best commit; see the module comment for what survives. */
export async function revertExperiment(
  dir: string,
  snapshot?: ExperimentSnapshot,
  callerOptions: ExperimentOptions = {},
): Promise<RevertResult> {
  const run = await openRun(dir, callerOptions);
  const { repo, state, options } = run;
  const snap = snapshot ?? loadSnapshot(repo);
  const kept = preserveFiles(repo, snap, options.preserve ?? DEFAULT_PRESERVE);

  const result: RevertResult = {
    head: snap.head,
    removed: [],
    restored: [],
    modified: [],
    lost: [],
    notRemoved: [],
    reattached: false,
    configRestored: run.configRestored,
    branchRestored: run.branchRestored,
  };
  try {
    result.reattached = await ensureOnRunBranch(repo, { ...state, branch: snap.branch }, options);
    // First the index only: files the experiment staged or committed (git add on a file that was there
    // before, say) become untracked instead of being deleted by the hard reset, and the snapshot decides.
    await runGit(repo.root, ['reset', '-q', snap.head], options);
    await runGit(repo.root, ['reset', '--hard', '-q'], options);
    if (snap.pending) {
      await clearPendingAdditions(repo, snap.head, snap.pending, options);
      await runGit(repo.root, ['stash', 'apply', '--index', '-q', snap.pending], options);
    }
    await removeNewPaths(repo, snap, result, options);
    restoreFoldersAndLinks(repo, snap, result);
    await restoreFiles(repo, snap, result, options);
  } finally {
    // Even when a step above failed, the preserved files get their text back before anything else.
    for (const { rel, content } of kept) {
      if (content) writeRegularFile(path.join(repo.root, rel), content);
    }
    // Once the files have their text back the copies have done their job; only a crash leaves them.
    fs.rmSync(preservedDir(repo), { recursive: true, force: true });
  }
  fs.rmSync(snapshotPath(repo), { force: true });
  // Preserved files are not reported as removed: they are back.
  result.removed = result.removed.filter((p) => !kept.some((k) => k.content && k.rel === p));
  return result;
}

const preservedDir = (repo: Repo) => path.join(stateDir(repo), 'preserved');

/**
 * The text of the preserved files to put back after the revert, also copied to .git/mle-beast/preserved.
 * When copies of a revert of this same experiment are there, that revert died half-way (after its reset,
 * maybe): the copies hold the text from before, the files may not, so the copies win and are kept as they
 * are. Otherwise new copies are made from the files.
 */
function preserveFiles(
  repo: Repo,
  snap: ExperimentSnapshot,
  preserve: readonly string[],
): { rel: string; content: Buffer | null }[] {
  const dir = preservedDir(repo);
  const tagFile = path.join(dir, 'for');
  const tag = JSON.stringify({ head: snap.head, takenAt: snap.takenAt, preserve });
  if (readRegularFile(tagFile)?.toString('utf8') === tag) {
    return preserve.map((rel, i) => ({ rel, content: readRegularFile(path.join(dir, String(i))) }));
  }
  const kept = preserve.map((rel) => ({ rel, content: readRegularFile(path.join(repo.root, rel)) }));
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const [i, { content }] of kept.entries()) {
    if (content) fs.writeFileSync(path.join(dir, String(i)), content);
  }
  // Written last: copies cut short by a crash while they were being written are never taken for complete.
  fs.writeFileSync(tagFile, tag);
  return kept;
}

/**
 * A file staged as new when the experiment began is in `pending` but not in the best commit, so after the
 * reset it is an untracked file, and `stash apply` refuses to overwrite it ("untracked working tree files
 * would be overwritten"). `pending` holds its staged and working-tree text, so what is on disk now (the
 * experiment's version, or whatever took its place) goes first.
 */
async function clearPendingAdditions(
  repo: Repo,
  head: string,
  pending: string,
  options: GitOptions,
): Promise<void> {
  const { exitCode } = await runGit(repo.root, ['cat-file', '-e', `${pending}^{commit}`], {
    ...options,
    okExitCodes: [1, 128],
  });
  if (exitCode !== 0) return; // `stash apply` reports it
  const added = new Set<string>();
  // The working tree's side, then the index's (a file staged, then deleted, is only in the second).
  for (const side of [pending, `${pending}^2`]) {
    const { stdout } = await runGit(
      repo.root,
      ['diff-tree', '-r', '-z', '--name-only', '--no-renames', '--diff-filter=A', head, side],
      options,
    );
    for (const rel of splitNul(stdout)) added.add(rel);
  }
  // rm never follows a link; a folder there was made by the experiment (the path was a file at begin).
  for (const rel of added) fs.rmSync(path.join(repo.root, rel), { recursive: true, force: true });
}

/** Removes every path that appeared since the snapshot and that git does not track at the best commit. */
async function removeNewPaths(
  repo: Repo,
  snap: ExperimentSnapshot,
  result: RevertResult,
  options: GitOptions,
): Promise<void> {
  const now = await walkTree(repo.root);
  const tracked = splitNul((await runGit(repo.root, ['ls-files', '-z'], options)).stdout);
  // Folders holding tracked files are never removed as a whole, even if they are new (a tracked file
  // whose deletion was pending when the experiment began comes back with the reset).
  const protectedDirs = new Set(tracked.flatMap((p) => ancestors(p)));
  const trackedSet = new Set(tracked);
  const snapshotPaths = new Map(snap.paths);
  // Folders that held something before are never removed as a whole: only what is new inside them.
  const snapshotDirs = new Set(snap.paths.flatMap(([p]) => ancestors(p)));
  let removedDir: string | null = null;
  // Sorted, so a folder comes right before what is inside it, and its contents are skipped once it is gone.
  for (const rel of [...now.keys()].sort()) {
    if (removedDir && rel.startsWith(`${removedDir}/`)) continue;
    if (trackedSet.has(rel)) continue;
    const kind = now.get(rel)!;
    const before = snapshotPaths.get(rel);
    const folderLike = (k: EntryKind | undefined) => k === 'd' || k === 'r';
    // A folder that became a nested repository (git init inside it) is still the user's folder.
    if (before === kind || (folderLike(before) && folderLike(kind))) continue;
    if (folderLike(kind) && (protectedDirs.has(rel) || snapshotDirs.has(rel))) continue;
    const full = path.join(repo.root, rel);
    try {
      // lstat decides, never stat: a link is removed as a link, whatever it points to.
      const stat = fs.lstatSync(full);
      if (stat.isDirectory()) {
        fs.rmSync(full, { recursive: true, force: true });
        removedDir = rel;
      } else {
        fs.unlinkSync(full);
      }
      result.removed.push(folderLike(kind) ? `${rel}/` : rel);
    } catch (error) {
      result.notRemoved.push({ path: rel, reason: (error as Error).message });
    }
  }
}

/**
 * Folders and links that existed before and are gone (or were replaced) come back; a nested repository
 * that is gone cannot, and is reported.
 */
function restoreFoldersAndLinks(repo: Repo, snap: ExperimentSnapshot, result: RevertResult): void {
  for (const [rel, kind] of snap.paths) {
    const full = path.join(repo.root, rel);
    if (kind === 'd' && !fs.existsSync(full)) fs.mkdirSync(full, { recursive: true });
    // Its history lived in its own .git, which git here never held a copy of.
    if (kind === 'r' && !fs.existsSync(path.join(full, '.git'))) result.lost.push(`${rel}/`);
  }
  for (const link of snap.links) {
    const full = path.join(repo.root, link.path);
    let current: string | null;
    try {
      current = fs.readlinkSync(full);
    } catch {
      current = null;
    }
    if (current === link.target) continue;
    try {
      fs.rmSync(full, { force: true });
      fs.mkdirSync(path.dirname(full), { recursive: true });
      fs.symlinkSync(link.target, full);
      result.restored.push(link.path);
    } catch {
      result.lost.push(link.path);
    }
  }
}

/** Puts back saved untracked files the experiment changed; reports the ones it cannot. */
async function restoreFiles(
  repo: Repo,
  snap: ExperimentSnapshot,
  result: RevertResult,
  options: GitOptions,
): Promise<void> {
  for (const file of snap.files) {
    const full = path.join(repo.root, file.path);
    let stat: fs.Stats | null;
    try {
      stat = fs.lstatSync(full);
    } catch {
      stat = null;
    }
    const same = stat?.isFile() && stat.size === file.size && stat.mtimeMs === file.mtimeMs;
    if (same) continue;
    if (file.blob) {
      const { stdout } = await runGitBinary(repo.root, ['cat-file', 'blob', file.blob], options);
      writeRegularFile(full, stdout, file.mode & 0o777);
      result.restored.push(file.path);
    } else if (stat) {
      result.modified.push(file.path);
    } else {
      result.lost.push(file.path);
    }
  }
}

function loadSnapshot(repo: Repo): ExperimentSnapshot {
  let text: string;
  try {
    text = fs.readFileSync(snapshotPath(repo), 'utf8');
  } catch {
    throw new WorkspaceError(
      'no_snapshot',
      `No experiment snapshot in ${repo.root}: call beginExperiment before an experiment, and pass its result to revertExperiment (or let it read the saved one).`,
    );
  }
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // reported below, like any other damage
  }
  const parsed = ExperimentSnapshot.safeParse(json);
  if (!parsed.success) {
    throw new WorkspaceError(
      'state_invalid',
      `${snapshotPath(repo)} is damaged, so revert cannot tell the experiment's files from yours. Nothing was changed; check the working tree by hand (git status), then delete that file.`,
    );
  }
  return parsed.data;
}

/** A regular file's bytes, or null (missing, or a link, which is never followed). */
function readRegularFile(full: string): Buffer | null {
  try {
    return fs.lstatSync(full).isFile() ? fs.readFileSync(full) : null;
  } catch {
    return null;
  }
}

/** Writes a regular file, first removing a link or folder the experiment put at that path. */
function writeRegularFile(full: string, content: Uint8Array, mode?: number): void {
  try {
    const stat = fs.lstatSync(full);
    if (!stat.isFile()) fs.rmSync(full, { recursive: true, force: true });
  } catch {
    fs.mkdirSync(path.dirname(full), { recursive: true });
  }
  fs.writeFileSync(full, content, mode === undefined ? undefined : { mode });
  if (mode !== undefined) fs.chmodSync(full, mode);
}
