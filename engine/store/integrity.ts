import fs from 'node:fs';

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

export class DatabaseFileError extends Error {
  override name = 'DatabaseFileError';
}

/**
 * Checks the database file before SQLite opens it, and repairs only what is safe to repair:
 * - a 0-byte file (a crash while creating it) is treated as a new database;
 * - WAL / shared-memory files with no database beside them (or beside a 0-byte one) belong to a database
 *   that no longer exists; replaying them could graft old pages onto a new file, so they are set aside
 *   (renamed, never deleted);
 * - a file that is not SQLite at all is refused with a clear error: it may be a user's file.
 * Returns notes describing what was done, for the UI and logs.
 */
export function prepareDatabaseFile(file: string, now: Date = new Date()): string[] {
  const notes: string[] = [];
  const stat = statOrNull(file);
  if (stat && !stat.isFile()) {
    throw new DatabaseFileError(`${file} is not a file. Set MLE_BEAST_DB_PATH to a file path.`);
  }
  const empty = !stat || stat.size === 0;
  if (stat && stat.size > 0) {
    const header = Buffer.alloc(SQLITE_HEADER.length);
    const fd = fs.openSync(file, 'r');
    try {
      fs.readSync(fd, header, 0, header.length, 0);
    } finally {
      fs.closeSync(fd);
    }
    if (!header.equals(SQLITE_HEADER)) {
      throw new DatabaseFileError(
        `${file} is not an SQLite database (wrong header). It was left untouched. Move it away, or set ` +
          `MLE_BEAST_DB_PATH to another path.`,
      );
    }
  }
  if (stat && stat.size === 0) notes.push(`${file} was empty (0 bytes); initialised it as a new database`);
  if (empty) {
    const stamp = now.toISOString().replace(/[:.]/g, '-');
    for (const suffix of ['-wal', '-shm']) {
      const side = `${file}${suffix}`;
      if (statOrNull(side)) {
        const aside = `${side}.orphaned-${stamp}`;
        fs.renameSync(side, aside);
        notes.push(`set aside orphaned ${suffix.slice(1).toUpperCase()} file as ${aside}`);
      }
    }
  }
  return notes;
}

function statOrNull(file: string): fs.Stats | null {
  try {
    return fs.statSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
