import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { prepareDatabaseFile } from './integrity';
import { migrate } from './migrate';
import { migrations as allMigrations, type Migration } from './migrations';

export interface Store {
  db: Database.Database;
  path: string;
  /** What start-up repaired or set aside. */
  notes: string[];
  /** Migrations applied by this open. */
  applied: string[];
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

export function openStore({ path: file, migrations = allMigrations }: OpenStoreOptions): Store {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const notes = prepareDatabaseFile(file);
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') {
      throw new Error(
        `${file} failed its integrity check (${String(check)}). Restore a backup or move it away.`,
      );
    }
    const applied = migrate(db, migrations);
    return {
      db,
      path: file,
      notes,
      applied,
      close: () => {
        if (!db.open) return;
        db.pragma('optimize');
        db.close();
      },
    };
  } catch (error) {
    db.close();
    throw error;
  }
}
