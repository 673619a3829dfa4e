import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { WorkspaceError } from './errors';
import type { Repo } from './repo';
import { RunMode } from '../api/vocabulary';

/**
 * What a run changed in a repository, written before each change so that a later process (after a crash)
 * can put things back with nothing but the folder. It lives in the git directory (.git/mle-beast/), so it
 * never shows in the working tree, is never committed and is never touched by reset, stash or clean.
 */

const Sha = z.string().regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/, 'expected a commit id');

export const OriginalHead = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('branch'), ref: z.string().min(1), sha: Sha }),
  z.object({ kind: z.literal('detached'), sha: Sha }),
  /** A branch with no commits yet; `indexTree` is what was staged (`git write-tree`), to put back exactly. */
  z.object({ kind: z.literal('unborn'), ref: z.string().min(1), indexTree: Sha }),
]);
export type OriginalHead = z.infer<typeof OriginalHead>;

export const WorkspaceState = z.object({
  version: z.literal(1),
  /** Random id of this run's session; also in the stash message, to find the stash if a crash came first. */
  session: z.string().min(1),
  mode: RunMode,
  /**
   * opening: changes under way (a crash here is recovered by restore); active: the run works on `branch`;
   * needs_attention: restore could not finish, `message` says why; restored: all put back.
   */
  status: z.enum(['opening', 'active', 'needs_attention', 'restored']),
  workspace: z.string(),
  /** The run's branch (short name). */
  branch: z.string().min(1),
  /** The commit the run's branch started from. */
  baseCommit: Sha.nullable(),
  /** Brownfield: where the user's HEAD was. Greenfield: null. */
  original: OriginalHead.nullable(),
  /** Brownfield: the stash holding the user's uncommitted changes, by commit id (stash@{n} numbers shift). */
  stash: z.object({ sha: Sha, message: z.string() }).nullable(),
  /** The run ran `git init` in a folder that was not a repository. */
  createdRepository: z.boolean(),
  /** Patterns this run added to .git/info/exclude (removed by restore in a repository the user had). */
  excludes: z.array(z.string()),
  /** Set by restore: the run's uncommitted work, stashed on the way out. */
  unfinishedStash: Sha.nullable(),
  /** Restore's progress, so a restore interrupted half-way never applies the user's stash twice. */
  stashApplied: z.boolean(),
  /**
   * Restore has put HEAD back where the user had it. Until then the user's branch must stay where it was,
   * and a move is the run's doing (put back); from then on it is the user's branch again, theirs to move.
   */
  handedBack: z.boolean().default(false),
  message: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type WorkspaceState = z.infer<typeof WorkspaceState>;

/** A new session's state: what each opening decides, plus the fields every session starts with. */
export function newState(
  opening: Pick<
    WorkspaceState,
    'session' | 'mode' | 'status' | 'workspace' | 'branch' | 'baseCommit' | 'original' | 'createdRepository'
  >,
  now: string = new Date().toISOString(),
): WorkspaceState {
  return {
    version: 1,
    ...opening,
    stash: null,
    excludes: [],
    unfinishedStash: null,
    stashApplied: false,
    handedBack: false,
    message: null,
    createdAt: now,
    updatedAt: now,
  };
}

export const stateDir = (repo: Repo): string => path.join(repo.gitDir, 'mle-beast');
export const statePath = (repo: Repo): string => path.join(stateDir(repo), 'state.json');

/** The state file, or null when no run was ever opened here. Throws `state_invalid` when it is unreadable. */
export function readState(repo: Repo): WorkspaceState | null {
  const file = statePath(repo);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const invalid = (detail: string) =>
    new WorkspaceError(
      'state_invalid',
      `${file} is damaged or was written by another version${detail}. It records how to put the repository back after a run; read it, put things back by hand if needed (git stash list, git branch), then delete it.`,
    );
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw invalid(' (not JSON)');
  }
  const parsed = WorkspaceState.safeParse(json);
  if (!parsed.success) {
    throw invalid(`: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

/** Writes the state atomically (temp file + rename), so a crash never leaves half a file. */
export function writeState(repo: Repo, state: WorkspaceState): WorkspaceState {
  const next = { ...state, updatedAt: new Date().toISOString() };
  fs.mkdirSync(stateDir(repo), { recursive: true });
  const file = statePath(repo);
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, `${JSON.stringify(next, null, 2)}\n`);
  fs.renameSync(temp, file);
  return next;
}

/** The state of an open run; throws `no_session` when there is none. */
export function requireActiveState(repo: Repo): WorkspaceState {
  const state = readState(repo);
  if (!state || state.status !== 'active') {
    const why = !state
      ? 'no mle-beast run was opened in it'
      : `the last mle-beast run there has ended (${state.status})`;
    throw new WorkspaceError(
      'no_session',
      `${repo.root}: ${why}. Open it with openGreenfield or openBrownfield first; commits are only ever made on a run's own branch.`,
    );
  }
  return state;
}
