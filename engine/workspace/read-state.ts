import path from 'node:path';
import type { GitOptions } from './git';
import { existingFolder, findRepo } from './repo';
import { readState, type WorkspaceState } from './state';

/** The run state recorded in a folder's .git/mle-beast, or null when there is none (or no repository). */
export async function readWorkspaceState(
  dir: string,
  options: GitOptions = {},
): Promise<WorkspaceState | null> {
  const folder = existingFolder(path.resolve(dir));
  const repo = folder ? await findRepo(folder, options) : null;
  return repo ? readState(repo) : null;
}
