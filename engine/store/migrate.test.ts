import Database from 'better-sqlite3';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { useTempDir } from '../testing/temp-dir';
import { openStore } from './database';
import { migrate, MigrationError } from './migrate';
import { migrations as allMigrations, type Migration } from './migrations';

// The first two migrations, fixed: these tests append their own third one.
const migrations = allMigrations.slice(0, 2);

const extra: Migration = {
  id: 3,
  name: 'notes',
  sql: 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT) STRICT;',
};

describe('migrations', () => {
  const temp = useTempDir();
  let file: string;
  beforeEach(() => (file = path.join(temp.dir, 'db.sqlite')));

  it('apply once, in order, and record a checksum for each', () => {
    const first = openStore({ path: file, migrations: [...migrations, extra] });
    expect(first.applied).toEqual(['001_settings', '002_model_catalog', '003_notes']);
    first.close();
    const second = openStore({ path: file, migrations: [...migrations, extra] });
    expect(second.applied).toEqual([]);
    const rows = second.db.prepare('SELECT id, name, checksum FROM schema_migrations ORDER BY id').all() as {
      checksum: string;
    }[];
    expect(rows).toHaveLength(3);
    rows.forEach((row) => expect(row.checksum).toMatch(/^[0-9a-f]{64}$/));
    second.close();
  });

  it('apply only the new ones to an existing database', () => {
    openStore({ path: file, migrations }).close();
    const store = openStore({ path: file, migrations: [...migrations, extra] });
    expect(store.applied).toEqual(['003_notes']);
    store.close();
  });

  it('refuse a database whose applied migration was edited, and change nothing', () => {
    openStore({ path: file, migrations: [...migrations, extra] }).close();
    const edited = { ...extra, sql: extra.sql.replace('body TEXT', 'body TEXT, extra TEXT') };
    const more: Migration = { id: 4, name: 'more', sql: 'CREATE TABLE more_things (id INTEGER) STRICT;' };
    expect(() => openStore({ path: file, migrations: [...migrations, edited, more] })).toThrow(
      MigrationError,
    );
    expect(() => openStore({ path: file, migrations: [...migrations, edited, more] })).toThrow(
      /migration 3_notes in .*\(checksum mismatch\)/,
    );
    const db = new Database(file, { readonly: true });
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
    expect(tables).not.toContain('more_things');
    db.close();
  });

  it('refuse a database written by a newer version', () => {
    openStore({ path: file, migrations: [...migrations, extra] }).close();
    expect(() => openStore({ path: file, migrations })).toThrow(/newer mle-beast .* 3_notes/);
  });

  it('roll back a failing migration completely', () => {
    const broken: Migration = {
      id: 3,
      name: 'broken',
      sql: 'CREATE TABLE ok_part (id INTEGER); SELECT nope FROM missing;',
    };
    expect(() => openStore({ path: file, migrations: [...migrations, broken] })).toThrow(
      /no such table: missing/,
    );
    const db = new Database(file);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
    expect(tables).not.toContain('ok_part');
    expect(db.prepare('SELECT count(*) FROM schema_migrations').pluck().get()).toBe(2);
    db.close();
  });

  it('reject a migration list with gaps', () => {
    const db = new Database(':memory:');
    expect(() => migrate(db, [{ ...extra, id: 2 }])).toThrow(/out of order/);
    db.close();
  });
});
