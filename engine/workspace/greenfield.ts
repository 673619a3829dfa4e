import fs from 'node:fs';
import path from 'node:path';
import { experimentBranchName } from './branch-name';
import { saveConfigBaseline } from './config-guard';
import { WorkspaceError } from './errors';
import { requireGit, runGit } from './git';
import { ML_GITIGNORE, OS_CLUTTER } from './gitignore';
import { existingFolder, findRepo, uniqueBranchName } from './repo';
import { commitAll, newSessionId, type OpenOptions, type WorkspaceInfo } from './session';
import { newState, writeState } from './state';

/**
 * A new workspace: the folder (created when missing) must be empty. It gets `git init`, an ML .gitignore,
 * one initial commit on `main`, and the run's branch `mle-beast-<UTC time>` checked out.
 *
 * A folder with anything in it is refused before anything is written: greenfield never builds on top of,
 * or over, files that are already there (that is brownfield's job). On a failure half-way, what this call
 * created is removed again and only that, so the folder is as it was.
 */
export async function openGreenfield(dir: string, options: OpenOptions = {}): Promise<WorkspaceInfo> {
  await requireGit(options);
  const absolute = path.resolve(dir);
  let folder = existingFolder(absolute);
  let createdFolder: string | null = null;
  if (folder) {
    refuseNonEmpty(folder);
  } else {
    // mkdir returns the first folder it had to create: the one to remove again on failure.
    createdFolder = fs.mkdirSync(absolute, { recursive: true }) ?? null;
    folder = fs.realpathSync.native(absolute);
  }

  const created: string[] = [];
  try {
    await runGit(folder, ['init', '-q'], options);
    created.push(path.join(folder, '.git'));
    // `git init -b` needs git 2.28; setting HEAD by hand works on every supported version.
    await runGit(folder, ['symbolic-ref', 'HEAD', 'refs/heads/main'], options);
    const repo = await findRepo(folder, options);
    if (!repo)
      throw new WorkspaceError('not_a_work_tree', `git init in ${folder} did not create a repository.`);

    const gitignore = path.join(folder, '.gitignore');
    fs.writeFileSync(gitignore, ML_GITIGNORE, { flag: 'wx' }); // wx: never overwrite
    created.push(gitignore);
    const initial = await commitAll(repo, 'mle-beast: new workspace', '', { ...options, allowEmpty: true });
    const branch = await uniqueBranchName(folder, experimentBranchName(options.now), options);
    await runGit(folder, ['switch', '-q', '-c', branch], options);

    const session = newSessionId();
    // The config git init wrote, plus the user's global one (git-lfs): what the run trusts (config-guard.ts).
    await saveConfigBaseline(repo, session, options);
    writeState(
      repo,
      newState({
        session,
        mode: 'greenfield',
        status: 'active',
        workspace: folder,
        branch,
        baseCommit: initial,
        original: null,
        createdRepository: true,
      }),
    );
    return {
      root: folder,
      mode: 'greenfield',
      branch,
      baseCommit: initial!,
      original: null,
      stash: null,
      createdRepository: true,
      keptOut: [],
      message: `New workspace ${folder}: git repository with an initial commit on main; the run works on branch ${branch}.`,
    };
  } catch (error) {
    // Remove only what this call made. The folder held nothing else (checked above).
    for (const item of created.reverse()) fs.rmSync(item, { recursive: true, force: true });
    if (createdFolder) removeEmptyChain(createdFolder, absolute);
    throw error;
  }
}

function refuseNonEmpty(folder: string): void {
  const entries = fs.readdirSync(folder).filter((name) => !OS_CLUTTER.has(name));
  if (entries.length === 0) return;
  if (entries.includes('.git')) {
    throw new WorkspaceError(
      'not_empty',
      `${folder} is already a git repository. Greenfield starts from an empty folder; to work on this repository (or continue an earlier run in it), choose brownfield mode, or choose a new folder.`,
    );
  }
  const shown =
    entries.slice(0, 5).join(', ') + (entries.length > 5 ? `, ... (${entries.length} entries)` : '');
  throw new WorkspaceError(
    'not_empty',
    `${folder} is not empty (${shown}). Greenfield never writes into a folder with files in it: choose a new or empty folder, or brownfield mode to improve the code that is there. Nothing was changed.`,
  );
}

/** Removes the folders mkdir created, deepest first, each only while empty. */
function removeEmptyChain(first: string, deepest: string): void {
  let current = deepest;
  for (;;) {
    try {
      fs.rmdirSync(current);
    } catch {
      return;
    }
    if (path.resolve(current) === path.resolve(first)) return;
    current = path.dirname(current);
  }
}
