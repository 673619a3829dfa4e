import path from 'node:path';

/**
 * SQLite's failures in words a user can act on: which file, what is wrong with it, what to do. SQLite's own
 * messages ("unable to open database file", "database is locked") name neither the file nor the fix.
 */

/** How long a statement waits for another process's write lock before giving up (the `busy_timeout` pragma). */
export const BUSY_TIMEOUT_MS = 5000;

const MOVE_OR_POINT = 'or set MLE_BEAST_DB_PATH to another database file';

export const readOnlyFolder = (file: string): string =>
  `cannot open ${file}: its folder ${path.dirname(file)} is read-only, and SQLite needs to create ${path.basename(file)}-wal and ${path.basename(file)}-shm beside the database. Make the folder writable (check its permissions and whether its disk is mounted read-only), ${MOVE_OR_POINT} in a writable folder (a copy of this one keeps its runs).`;

export const cannotCreate = (file: string, why: string): string =>
  `cannot create the database ${file}: ${why}. Make ${path.dirname(file)} writable, ${MOVE_OR_POINT} in a folder you can write to.`;

export const readOnlyFile = (file: string): string =>
  `${file} is read-only: runs can be listed and shown, but not started or changed. Make the file writable (e.g. chmod u+w "${file}", or remount its disk read-write), ${MOVE_OR_POINT}.`;

export const lockedBy = (file: string): string =>
  `${file} is locked: another process (the app, \`mle-beast serve\`, or a run in another terminal) has been writing to it for more than ${BUSY_TIMEOUT_MS / 1000} s. Wait until it is done, or stop that process, then try again.`;

export const needsMigration = (file: string, pending: number): string =>
  `${file} needs upgrading to this version of mle-beast (${pending} pending ${pending === 1 ? 'migration' : 'migrations'}), but it is read-only. Make it and its folder writable, ${MOVE_OR_POINT}.`;

/** A SQLite (better-sqlite3) error's code: SQLITE_BUSY, SQLITE_READONLY_DBMOVED...; null for other errors. */
export function sqliteCode(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : null;
}

/** The user's message for a SQLite failure on `file`; null when it is not one this module can explain. */
export function describeDatabaseError(error: unknown, file: string): string | null {
  const code = sqliteCode(error);
  if (!code) return null;
  const said = (error as Error).message;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return lockedBy(file);
  if (code.startsWith('SQLITE_READONLY')) return readOnlyFile(file);
  if (code.startsWith('SQLITE_CANTOPEN'))
    return `cannot open ${file} (SQLite: ${said}): check that the file and its folder exist and can be read and written, ${MOVE_OR_POINT}.`;
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT'))
    return `${file} is damaged (SQLite: ${said}). It was left untouched: restore a backup or move it away (a new database is created on the next start), ${MOVE_OR_POINT}.`;
  if (code === 'SQLITE_FULL')
    return `${file} cannot grow: the disk is full. Free some space, ${MOVE_OR_POINT} on another disk.`;
  if (code.startsWith('SQLITE_IOERR'))
    return `${file} could not be read or written (SQLite: ${said}, ${code}): check the disk and the file's permissions, ${MOVE_OR_POINT}.`;
  return null;
}
