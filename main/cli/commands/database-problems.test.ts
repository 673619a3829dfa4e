import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../engine/store/database';
import { RunRepository } from '../../../engine/store/run-repository';
import { makeTempDir } from '../../../engine/testing/temp-dir';

// The built `mle-beast` against a database it cannot use as usual: each problem names the file and the fix,
// and a read-only command (`runs`) needs no write lock. Read-only is made with a read-only bind mount in a
// private mount namespace (`unshare`), which binds root too (chmod does not) and leaves nothing mounted.

const CLI = path.resolve('bin/mle-beast.js');
const temp = makeTempDir('mle-beast-db-problems-');
afterAll(() => temp.cleanup());

let home: string;
let db: string;
beforeEach(() => {
  home = fs.mkdtempSync(path.join(temp.dir, 'home-'));
  db = path.join(home, 'mle_beast.db');
});

const env = () => ({
  ...Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(MLE_BEAST_|LOCAL_LLM_|OPENROUTER_|OPENAI_)/.test(k)),
  ),
  MLE_BEAST_DB_PATH: db,
});

function cli(args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], {
    cwd: temp.dir,
    env: env(),
    encoding: 'utf8',
    timeout: 60_000,
  });
}

/** `mle-beast <args>` with `target` (a file or folder) bind-mounted read-only for that command alone. */
function cliReadOnly(target: string, args: string[]) {
  const script =
    'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" || exit 97; t="$1"; shift; exec "$@"';
  const userns = process.getuid?.() === 0 ? [] : ['-r'];
  const r = spawnSync(
    'unshare',
    [...userns, '-m', 'sh', '-c', script, 'sh', target, process.execPath, CLI, ...args],
    { cwd: temp.dir, env: env(), encoding: 'utf8', timeout: 60_000 },
  );
  expect(r.status, `the read-only mount failed: ${r.stderr}`).not.toBe(97);
  return r;
}

/** A folder mle-beast would accept as a dataset (only reached if the database lets the run start). */
function dataFolder(): string {
  const data = path.join(temp.dir, 'data');
  fs.mkdirSync(data, { recursive: true });
  fs.writeFileSync(path.join(data, 'train.csv'), 'x,y\n1,a\n2,b\n3,a\n4,b\n');
  return data;
}

/** What mle-beast created beside the database (runs/, workspaces/): nothing, after a refusal. */
const created = () => fs.readdirSync(home).filter((f) => !f.startsWith('mle_beast.db'));

it('the built CLI exists', () => {
  expect(fs.existsSync(path.resolve('out/cli/entry.js')), 'run `node scripts/build-node.mjs` first').toBe(
    true,
  );
});

describe.skipIf(process.platform !== 'linux')('read-only (bind mounts)', () => {
  it('a read-only folder (the WAL file cannot be created): the file, why, and the fix', () => {
    expect(cli(['runs']).status).toBe(0); // creates the database
    const r = cliReadOnly(home, ['runs']);
    expect(r.stderr).toContain(`cannot open ${db}: its folder ${home} is read-only`);
    expect(r.stderr).toContain('mle_beast.db-wal');
    expect(r.stderr).toMatch(/Make the folder writable.*MLE_BEAST_DB_PATH/s);
    expect(r.status).toBe(3);
  });

  it('a read-only folder and no database yet: cannot create it, saying where', () => {
    const r = cliReadOnly(home, ['runs']);
    expect(r.stderr).toContain(`cannot create the database ${db}: ${home} is read-only`);
    expect(r.stderr).toContain('MLE_BEAST_DB_PATH');
    expect(r.status).toBe(3);
  });

  it('a read-only file: runs are listed (with a note); starting one is refused, nothing created', () => {
    expect(cli(['runs']).status).toBe(0);
    const list = cliReadOnly(db, ['runs']);
    expect(list.stdout).toContain('no runs yet');
    expect(list.stderr).toContain(`${db} is read-only`);
    expect(list.status).toBe(0);
    const run = cliReadOnly(db, ['run', dataFolder(), 'predict y']);
    expect(run.stderr).toContain(`${db} is read-only: runs can be listed and shown, but not started`);
    expect(run.stderr).toContain(`chmod u+w "${db}"`);
    expect(run.status).toBe(3);
    expect(created()).toEqual([]);
  });
});

it('a file that is not a database: named, left untouched, with the fix', () => {
  fs.writeFileSync(db, 'my notes, not a database\n');
  const r = cli(['runs']);
  expect(r.stderr).toContain(`${db} is not an SQLite database`);
  expect(r.stderr).toMatch(/Move it away, or set MLE_BEAST_DB_PATH/);
  expect(r.status).toBe(3);
  expect(fs.readFileSync(db, 'utf8')).toBe('my notes, not a database\n');
});

it('a damaged database: named, with the fix (not SQLite\'s bare "malformed")', () => {
  expect(cli(['runs']).status).toBe(0);
  const good = fs.readFileSync(db);
  fs.writeFileSync(db, Buffer.concat([good.subarray(0, 100), Buffer.alloc(8192, 0x5a)]));
  const r = cli(['runs']);
  expect(r.stderr).toContain(`${db} is damaged`);
  expect(r.stderr).toMatch(/restore a backup or move it away/);
  expect(r.status).toBe(3);
});

describe('locked by another writer', () => {
  let holder: ChildProcess | null = null;
  afterEach(() => {
    holder?.kill();
    holder = null;
  });

  /** Another process holding the database's write lock (BEGIN IMMEDIATE) until it is killed. */
  async function holdWriteLock(): Promise<void> {
    const code = `const D = require(${JSON.stringify(path.resolve('node_modules/better-sqlite3'))});
      const db = new D(${JSON.stringify(db)}); db.exec('BEGIN IMMEDIATE'); console.log('held');
      setInterval(() => {}, 1000);`;
    holder = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      holder?.stdout?.once('data', () => resolve());
      holder?.once('exit', (c) => reject(new Error(`the lock holder exited (${c})`)));
    });
  }

  it('`runs` needs no write lock: it lists while another process writes', async () => {
    expect(cli(['runs']).status).toBe(0);
    await holdWriteLock();
    const r = cli(['runs']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('no runs yet');
    expect(r.status).toBe(0);
  });

  it('`runs` lists a run whose process died while another process writes (marking it waits for the next command)', async () => {
    const store = openStore({ path: db });
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    new RunRepository(store.db).create({
      id: 'dead0000-0000-4000-8000-000000000000',
      name: 'crashed',
      mode: 'greenfield',
      task: 'predict y',
      workspace: path.join(home, 'ws'),
      runDir: path.join(home, 'runs', 'dead'),
      config: {},
      metric: { name: 'accuracy', direction: 'higher', target: 0.9, trusted: true },
      maxSteps: 3,
      model: 'm',
      sandbox: 'local',
      ownerPid: dead,
      ownerHost: os.hostname(),
    });
    store.db.prepare("UPDATE runs SET status = 'running'").run();
    store.close();
    await holdWriteLock();
    const r = cli(['runs']);
    expect(r.stdout).toMatch(/dead0000 +running +predict y/);
    expect(r.status).toBe(0);
    holder?.kill();
    holder = null;
    // With the lock free, the next command marks it.
    const after = cli(['runs', '--json']);
    expect(JSON.parse(after.stdout).runs[0]).toMatchObject({ status: 'interrupted' });
  });

  it('starting a run: the file named and what to do, nothing created', async () => {
    expect(cli(['runs']).status).toBe(0);
    await holdWriteLock();
    const r = cli(['run', dataFolder(), 'predict y']);
    expect(r.stderr).toContain(`${db} is locked: another process`);
    expect(r.stderr).toMatch(/Wait until it is done, or stop that process/);
    expect(r.status).toBe(3);
    expect(created()).toEqual([]);
  });
});
