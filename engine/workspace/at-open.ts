import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { runGit, splitNul, type GitOptions } from './git';
import type { Repo } from './repo';
import { stateDir, type WorkspaceState } from './state';
import { ancestors } from './tree-walk';

/**
 * What lay in a brownfield working tree outside git when the run opened: the ignored paths (data,
 * checkpoints, environments, and the bulky files kept out) and the untracked ones. Git holds no copy of
 * either, and .gitignore is in the working tree, where the agent may rewrite it. So:
 * - keep never commits an ignored one, even once the agent un-ignored it: committed on the run's branch,
 *   it would be deleted from disk when restore switches back to the user's branch;
 * - restore hides the ignored ones from its stash of the run's unfinished work, puts back any that a commit
 *   of the agent's took away on the switch, and does not count untracked ones still there (a nested
 *   repository the user's stash could not take) as changes in its way.
 * `ls-files --directory` lists a wholly ignored or untracked folder as one `dir/` entry, so the lists stay
 * short whatever the size of a data folder.
 */

const AtOpen = z.object({
  version: z.literal(1),
  session: z.string(),
  /** Ignored paths; folders end with `/`. */
  ignored: z.array(z.string()),
  /** Untracked, not ignored paths; folders end with `/`. */
  untracked: z.array(z.string()),
});
export type AtOpen = z.infer<typeof AtOpen>;

const atOpenPath = (repo: Repo) => path.join(stateDir(repo), 'at-open.json');

/** Lists both kinds now; called at open, after the bulky files are excluded and before anything is stashed. */
export async function recordAtOpen(repo: Repo, session: string, options: GitOptions = {}): Promise<void> {
  const list = async (extra: string[]) =>
    splitNul(
      (
        await runGit(
          repo.root,
          ['ls-files', '-z', '--others', '--exclude-standard', '--directory', ...extra],
          options,
        )
      ).stdout,
    );
  const record: AtOpen = {
    version: 1,
    session,
    ignored: await list(['--ignored']),
    untracked: await list([]),
  };
  fs.mkdirSync(stateDir(repo), { recursive: true });
  const file = atOpenPath(repo);
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(record));
  fs.renameSync(`${file}.tmp`, file);
}

/** The record of this run, or null (greenfield, or a run opened by a version that kept none). */
export function readAtOpen(repo: Repo, state: WorkspaceState): AtOpen | null {
  try {
    const parsed = AtOpen.safeParse(JSON.parse(fs.readFileSync(atOpenPath(repo), 'utf8')));
    return parsed.success && parsed.data.session === state.session ? parsed.data : null;
  } catch {
    return null;
  }
}

/** For a path (a folder may end with `/`): the entry of `entries` that is it or holds it, or null. */
export function entryMatcher(entries: readonly string[]): (relative: string) => string | null {
  const exact = new Set(entries.filter((e) => !e.endsWith('/')));
  const folders = new Set(entries.filter((e) => e.endsWith('/')));
  return (relative) => {
    const rel = relative.replace(/\/$/, '');
    if (exact.has(rel)) return rel;
    if (folders.has(`${rel}/`)) return `${rel}/`;
    for (const folder of ancestors(rel)) if (folders.has(`${folder}/`)) return `${folder}/`;
    return null;
  };
}

/**
 * After `git add -A`: takes out of the index every path that was ignored at open (the agent's `.gitignore`
 * may no longer ignore it, or it ran `git add -f`), leaving the file where it is. Returns the entries of the
 * record that matched, to exclude and report.
 */
export async function unstageIgnoredAtOpen(
  repo: Repo,
  state: WorkspaceState,
  options: GitOptions = {},
): Promise<string[]> {
  const atOpen = readAtOpen(repo, state);
  if (!atOpen || atOpen.ignored.length === 0) return [];
  const match = entryMatcher(atOpen.ignored);
  const entries = new Set<string>();
  const paths: string[] = [];
  for (const rel of splitNul((await runGit(repo.root, ['ls-files', '-z'], options)).stdout)) {
    const entry = match(rel);
    if (!entry) continue;
    entries.add(entry);
    paths.push(rel);
  }
  if (paths.length === 0) return [];
  // Exact paths on stdin: no pathspec magic, no command line too long.
  await runGit(repo.root, ['update-index', '--force-remove', '-z', '--stdin'], {
    ...options,
    input: paths.map((p) => `${p}\0`).join(''),
  });
  return [...entries].sort();
}
