import fs from 'node:fs';
import path from 'node:path';
import { runGit, splitNul, type GitOptions } from './git';

/** New files diffed at most, and the biggest one read: a step that wrote a dataset is not worth showing (left out). */
const MAX_NEW_FILES = 50;
const MAX_NEW_FILE_BYTES = 256 * 1024;

/**
 * What an experiment changed and never committed, as one unified diff against `base` (the best commit it started
 * from): tracked files as `git diff base` sees them, and new files that are not ignored as additions. Read-only:
 * neither the index nor the working tree is touched, so a revert that follows finds the experiment as it was.
 * Taken before a revert so the Run detail view can show a reverted or abandoned step's code.
 */
export async function uncommittedDiff(dir: string, base: string, options: GitOptions = {}): Promise<string> {
  const tracked = (await runGit(dir, ['diff', '--no-color', '--no-ext-diff', base, '--'], options)).stdout;
  const others = splitNul(
    (await runGit(dir, ['ls-files', '-z', '--others', '--exclude-standard'], options)).stdout,
  );
  const parts = [tracked];
  for (const file of others.slice(0, MAX_NEW_FILES)) {
    const stat = fs.lstatSync(path.join(dir, file), { throwIfNoEntry: false });
    if (!stat?.isFile() || stat.size > MAX_NEW_FILE_BYTES) continue;
    // --no-index exits 1 when the files differ, which they always do against /dev/null.
    const added = await runGit(dir, ['diff', '--no-color', '--no-index', '--', '/dev/null', file], {
      ...options,
      okExitCodes: [1],
    });
    parts.push(added.stdout);
  }
  return parts.join('');
}
