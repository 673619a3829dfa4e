import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { useTempDir } from '../testing/temp-dir';
import { openStore, resolveDatabasePath } from './database';
import { DatabaseFileError } from './integrity';
import { migrations } from './migrations';

describe('store', () => {
  const temp = useTempDir();
  let file: string;
  beforeEach(() => (file = path.join(temp.dir, 'nested', 'db.sqlite')));

  it('opens with WAL, synchronous=NORMAL, foreign keys and a busy timeout, creating folders', () => {
    const store = openStore({ path: file });
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('synchronous', { simple: true })).toBe(1);
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(store.db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(store.notes).toEqual([]);
    store.close();
  });

  it('treats a 0-byte file as a new database and sets its orphaned WAL aside', () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '');
    fs.writeFileSync(`${file}-wal`, 'stale wal from a deleted database');
    fs.writeFileSync(`${file}-shm`, 'stale shm');
    const store = openStore({ path: file });
    expect(store.notes[0]).toMatch(/was empty \(0 bytes\)/);
    expect(store.notes.some((n) => /orphaned WAL/.test(n))).toBe(true);
    const aside = fs.readdirSync(path.dirname(file)).filter((f) => f.includes('.orphaned-'));
    expect(aside).toHaveLength(2);
    const walAside = aside.find((f) => f.includes('-wal.'))!;
    expect(fs.readFileSync(path.join(path.dirname(file), walAside), 'utf8')).toBe(
      'stale wal from a deleted database',
    );
    expect(store.db.prepare('SELECT count(*) FROM schema_migrations').pluck().get()).toBe(migrations.length);
    store.close();
  });

  it('sets aside a WAL whose database file is missing', () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(`${file}-wal`, 'orphan');
    const store = openStore({ path: file });
    expect(store.notes).toEqual([expect.stringMatching(/set aside orphaned WAL file/)]);
    store.close();
  });

  it('keeps data written in WAL mode across reopen (a real WAL is not mistaken for an orphan)', () => {
    const store = openStore({ path: file });
    store.db.prepare("INSERT INTO settings VALUES ('theme', '\"dark\"', 'now')").run();
    // Simulate a crash: no close, so the WAL still holds the write.
    expect(fs.existsSync(`${file}-wal`)).toBe(true);
    const again = openStore({ path: file });
    expect(again.notes).toEqual([]);
    expect(again.db.prepare("SELECT value_json FROM settings WHERE key = 'theme'").pluck().get()).toBe(
      '"dark"',
    );
    again.close();
    store.db.close();
  });

  it('refuses a file that is not SQLite and leaves it untouched', () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, 'my thesis, not a database');
    expect(() => openStore({ path: file })).toThrow(DatabaseFileError);
    expect(() => openStore({ path: file })).toThrow(/not an SQLite database .* left untouched/);
    expect(fs.readFileSync(file, 'utf8')).toBe('my thesis, not a database');
  });

  it('refuses a folder where the file should be', () => {
    fs.mkdirSync(file, { recursive: true });
    expect(() => openStore({ path: file })).toThrow(/is not a file/);
  });

  it('opens and reads while another connection holds the write lock: start-up writes nothing', () => {
    openStore({ path: file }).close();
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    try {
      const store = openStore({ path: file });
      expect(store.applied).toEqual([]);
      expect(store.db.prepare('SELECT count(*) FROM runs').pluck().get()).toBe(0);
      store.close(); // `optimize` is skipped, not waited for
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
  });

  it('assertWritable names the file and what to do when another process holds the lock', () => {
    const store = openStore({ path: file });
    store.db.pragma('busy_timeout = 50');
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    try {
      expect(() => store.assertWritable()).toThrow(DatabaseFileError);
      expect(() => store.assertWritable()).toThrow(`${file} is locked: another process`);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect(() => store.assertWritable()).not.toThrow();
    store.close();
  });

  it('withoutWaiting writes when the lock is free, and gives up at once (nothing written) when it is held', () => {
    const store = openStore({ path: file });
    const put = (value: string) => () =>
      void store.db
        .prepare("INSERT OR REPLACE INTO settings VALUES ('k', ?, 'now')")
        .run(JSON.stringify(value));
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    try {
      expect(store.withoutWaiting(put('held'))).toBe(false);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect(store.db.prepare("SELECT count(*) FROM settings WHERE key = 'k'").pluck().get()).toBe(0);
    expect(store.withoutWaiting(put('free'))).toBe(true);
    expect(store.db.prepare("SELECT value_json FROM settings WHERE key = 'k'").pluck().get()).toBe('"free"');
    expect(store.db.pragma('busy_timeout', { simple: true })).toBe(5000);
    store.close();
  });

  it('resolves MLE_BEAST_DB_PATH, expanding ~, else ~/.mle-beast/mle_beast.db', () => {
    expect(resolveDatabasePath({})).toBe(path.join(os.homedir(), '.mle-beast', 'mle_beast.db'));
    expect(resolveDatabasePath({ MLE_BEAST_DB_PATH: '  ' })).toBe(
      path.join(os.homedir(), '.mle-beast', 'mle_beast.db'),
    );
    expect(resolveDatabasePath({ MLE_BEAST_DB_PATH: '/data/x.db' })).toBe('/data/x.db');
    expect(resolveDatabasePath({ MLE_BEAST_DB_PATH: '~/dbs/x.db' })).toBe(
      path.join(os.homedir(), 'dbs/x.db'),
    );
    expect(resolveDatabasePath({ MLE_BEAST_DB_PATH: 'rel/x.db' })).toBe(path.resolve('rel/x.db'));
  });
});
