import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Migration } from './migrations';

export class MigrationError extends Error {
  override name = 'MigrationError';
}

export const migrationChecksum = (m: Migration): string =>
  createHash('sha256').update(`${m.id}\n${m.name}\n${m.sql}`).digest('hex');

interface AppliedRow {
  id: number;
  name: string;
  checksum: string;
}

/**
 * Applies pending migrations, each in its own IMMEDIATE transaction (so a CLI and the app opening the same
 * file at once cannot both apply one). Refuses a database whose applied migrations were edited or that a
 * newer version created, before changing anything. Returns the names it applied.
 */
export function migrate(db: Database.Database, all: readonly Migration[]): string[] {
  checkOrder(all);
  const pending = pendingMigrations(db, all);
  // Nothing to do: no write at all, so a read-only command never waits for another process's write lock.
  if (pending.length === 0) return [];
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    checksum TEXT NOT NULL,
    applied_at TEXT NOT NULL
  ) STRICT`);

  const applied: string[] = [];
  for (const m of pending) {
    const step = db.transaction(() => {
      // Re-read inside the lock: another process may have applied it since.
      if (readApplied(db).some((row) => row.id === m.id)) return;
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (id, name, checksum, applied_at) VALUES (?, ?, ?, ?)').run(
        m.id,
        m.name,
        migrationChecksum(m),
        new Date().toISOString(),
      );
      applied.push(`${String(m.id).padStart(3, '0')}_${m.name}`);
    });
    step.immediate();
  }
  return applied;
}

/**
 * The migrations this database has not had yet (reads only). Refuses a database whose applied migrations were
 * edited or that a newer version created.
 */
export function pendingMigrations(db: Database.Database, all: readonly Migration[]): Migration[] {
  checkOrder(all);
  const rows = readApplied(db);
  verifyApplied(rows, all, db.name);
  return all.filter((m) => !rows.some((row) => row.id === m.id));
}

function checkOrder(all: readonly Migration[]): void {
  all.forEach((m, index) => {
    if (m.id !== index + 1) throw new MigrationError(`migration list is out of order at ${m.id}_${m.name}`);
  });
}

function readApplied(db: Database.Database): AppliedRow[] {
  const exists = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
    .get();
  if (!exists) return [];
  return db.prepare('SELECT id, name, checksum FROM schema_migrations ORDER BY id').all() as AppliedRow[];
}

function verifyApplied(rows: AppliedRow[], all: readonly Migration[], file: string): void {
  for (const row of rows) {
    const known = all.find((m) => m.id === row.id);
    if (!known) {
      throw new MigrationError(
        `${file} was written by a newer mle-beast (it has migration ${row.id}_${row.name}, which this version ` +
          `does not know). Upgrade mle-beast, or point MLE_BEAST_DB_PATH at another database.`,
      );
    }
    if (known.name !== row.name || migrationChecksum(known) !== row.checksum) {
      throw new MigrationError(
        `migration ${row.id}_${row.name} in ${file} was applied with different contents than this version's ` +
          `${known.id}_${known.name} (checksum mismatch). Applied migrations must never be edited: restore the ` +
          `original migration and add a new one for the change.`,
      );
    }
  }
}
