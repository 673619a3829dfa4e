import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import {
  BUSY_TIMEOUT_MS,
  cannotCreate,
  describeDatabaseError,
  needsMigration,
  readOnlyFile,
  readOnlyFolder,
  sqliteCode,
} from './database-errors';
import { DatabaseFileError, prepareDatabaseFile } from './integrity';
import { migrate, MigrationError, pendingMigrations } from './migrate';
import { migrations as allMigrations, type Migration } from './migrations';

export interface Store {
  db: Database.Database;
  path: string;
  /** What start-up repaired or set aside. */
  notes: string[];
  /** Migrations applied by this open. */
  applied: string[];
  /** The file (or its disk) cannot be written: reads work, writes fail with a message saying why. */
  readOnly: boolean;
  /** Throws a DatabaseFileError naming the file and the fix when the database cannot take a write now. */
  assertWritable(): void;
  /**
   * Runs `write` in one transaction without waiting for another process's write lock: false, and nothing
   * written, when the lock is held. For housekeeping that a later command can do as well.
   */
  withoutWaiting(write: () => void): boolean;
  close(): void;
}

/** `MLE_BEAST_DB_PATH`, else `~/.mle-beast/mle_beast.db`: one database shared by the app, server and CLI. */
export function resolveDatabasePath(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.MLE_BEAST_DB_PATH?.trim();
  if (fromEnv) return path.resolve(fromEnv.replace(/^~(?=$|[\\/])/, os.homedir()));
  return path.join(os.homedir(), '.mle-beast', 'mle_beast.db');
}

export interface OpenStoreOptions {
  path: string;
  migrations?: readonly Migration[];
}

/**
 * Opens (creating when missing) and migrates the database. Start-up writes nothing when no migration is pending,
 * so read-only commands work beside a process that holds the write lock, and on a read-only file. Every failure
 * is a DatabaseFileError that names the file and says what to do.
 */
export function openStore({ path: file, migrations = allMigrations }: OpenStoreOptions): Store {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
  } catch (error) {
    throw new DatabaseFileError(cannotCreate(file, `its folder cannot be created (${errnoText(error)})`));
  }
  const notes = prepareDatabaseFile(file);
  const access = writableAccess(file);
  if (access === 'no-folder') {
    throw new DatabaseFileError(
      fs.existsSync(file) ? readOnlyFolder(file) : cannotCreate(file, `${path.dirname(file)} is read-only`),
    );
  }
  let db: Database.Database;
  try {
    db = new Database(file);
  } catch (error) {
    throw new DatabaseFileError(describeDatabaseError(error, file) ?? (error as Error).message);
  }
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // Already WAL (every database this version made): no change, no write.
    if (db.pragma('journal_mode', { simple: true }) !== 'wal') db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') {
      throw new DatabaseFileError(
        `${file} failed its integrity check (${String(check)}). Restore a backup or move it away.`,
      );
    }
    const readOnly = access === 'read-only';
    if (readOnly) {
      const pending = pendingMigrations(db, migrations);
      if (pending.length > 0) throw new DatabaseFileError(needsMigration(file, pending.length));
      notes.push(readOnlyFile(file));
    }
    const applied = readOnly ? [] : migrate(db, migrations);
    return {
      db,
      path: file,
      notes,
      applied,
      readOnly,
      assertWritable: () => {
        if (readOnly) throw new DatabaseFileError(readOnlyFile(file));
        // Waits (busy timeout) for another process's write lock: refused here, before anything is created.
        try {
          db.exec('BEGIN IMMEDIATE');
          db.exec('ROLLBACK');
        } catch (error) {
          throw new DatabaseFileError(describeDatabaseError(error, file) ?? (error as Error).message);
        }
      },
      withoutWaiting: (write) => {
        db.pragma('busy_timeout = 0');
        try {
          db.transaction(write).immediate();
          return true;
        } catch (error) {
          if (sqliteCode(error)?.startsWith('SQLITE_BUSY')) return false;
          throw error;
        } finally {
          db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
        }
      },
      close: () => {
        if (!db.open) return;
        // `optimize` is advice to the query planner and may write: skipped, without waiting, when the
        // database is read-only or another process holds the write lock.
        if (!readOnly) {
          try {
            db.pragma('busy_timeout = 0');
            db.pragma('optimize');
          } catch {
            // Nothing lost: the next open that can write runs it.
          }
        }
        db.close();
      },
    };
  } catch (error) {
    db.close();
    if (error instanceof DatabaseFileError || error instanceof MigrationError) throw error;
    const described = describeDatabaseError(error, file);
    throw described ? new DatabaseFileError(described) : error;
  }
}

/**
 * Whether this process can write the database: `ok`; `read-only` (the file exists but cannot be written, as
 * a read-only file or a read-only mount); `no-folder` (the folder cannot be written, so neither a new database
 * nor the WAL files beside an existing one can be created, unless the WAL files are already there).
 */
function writableAccess(file: string): 'ok' | 'read-only' | 'no-folder' {
  const can = (p: string) => {
    try {
      fs.accessSync(p, fs.constants.W_OK);
      return true;
    } catch {
      return false;
    }
  };
  const folder = can(path.dirname(file));
  if (!fs.existsSync(file)) return folder ? 'ok' : 'no-folder';
  const walFiles = fs.existsSync(`${file}-wal`) && fs.existsSync(`${file}-shm`);
  if (!folder && !walFiles) return 'no-folder';
  return folder && can(file) ? 'ok' : 'read-only';
}

function errnoText(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e.code ? `${e.code}: ${e.message}` : String(error);
}
