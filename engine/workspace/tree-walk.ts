import fs from 'node:fs';
import path from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';

/**
 * Every path in a working tree, by kind, read from the file system rather than from git: git lists no
 * empty folders and cannot tell what an experiment created inside an ignored folder, and revert needs both.
 * Symlinks are recorded as links and never followed, so a link to a folder outside the workspace is one
 * entry. Folders holding their own `.git` (nested repositories, submodules) are one entry too.
 */

/** f: regular file, d: folder, l: symlink, r: nested repository, o: anything else (fifo, socket). */
export type EntryKind = 'f' | 'd' | 'l' | 'r' | 'o';

/** Relative path (forward slashes, no trailing slash) to kind. The top-level `.git` is left out. */
export type TreeListing = Map<string, EntryKind>;

// Yield to the event loop every so many folders, so a walk of a huge data folder never blocks the engine
// (events, the UI's requests) for long: reading is synchronous because it is several times faster.
const DIRS_PER_SLICE = 200;

export async function walkTree(root: string): Promise<TreeListing> {
  const listing: TreeListing = new Map();
  const stack: string[] = [''];
  let sinceYield = 0;
  while (stack.length > 0) {
    const rel = stack.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(rel ? path.join(root, rel) : root, { withFileTypes: true });
    } catch (error) {
      // A folder that vanished, or one we may not read: nothing under it can be told apart, so nothing
      // under it will ever be removed (revert removes only what it saw appear).
      if (['ENOENT', 'EACCES', 'EPERM', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? ''))
        continue;
      throw error;
    }
    for (const entry of entries) {
      if (rel === '' && entry.name === '.git') continue;
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isSymbolicLink()) listing.set(child, 'l');
      else if (entry.isFile()) listing.set(child, 'f');
      else if (entry.isDirectory()) {
        if (fs.existsSync(path.join(root, child, '.git'))) listing.set(child, 'r');
        else {
          listing.set(child, 'd');
          stack.push(child);
        }
      } else listing.set(child, 'o');
    }
    if (++sinceYield >= DIRS_PER_SLICE) {
      sinceYield = 0;
      await yieldToEventLoop();
    }
  }
  return listing;
}

/** `a/b/c` -> [`a`, `a/b`]. */
export function ancestors(relative: string): string[] {
  const parts = relative.split('/');
  const out: string[] = [];
  for (let i = 1; i < parts.length; i++) out.push(parts.slice(0, i).join('/'));
  return out;
}
