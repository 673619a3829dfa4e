import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dispatch } from '../api/dispatch';
import type { RunEventBody } from '../api/runs';
import { AppStorage } from '../api/storage';
import { RunRepository, type NewRun } from '../store/run-repository';
import { useTempDir } from '../testing/temp-dir';
import { createEngine } from './engine';
import { describeStorage } from './storage';

const offline = async () => ({ available: false, version: null, endpoint: 'unix:///none', error: 'no' });

const newRun = (id: string, createdAt: string): NewRun => ({
  id,
  name: id,
  mode: 'greenfield',
  task: 'predict churn',
  workspace: `/ws/${id}`,
  runDir: `/runs/${id}`,
  config: {},
  metric: { name: 'accuracy', direction: 'higher', target: 0.8, trusted: true },
  maxSteps: 5,
  model: 'm',
  sandbox: 'docker',
  ownerPid: null,
  ownerHost: null,
  createdAt,
});
const log = (text: string): RunEventBody => ({
  type: 'log',
  stage: 'training',
  source: 'training',
  stream: 'stdout',
  text,
});

describe('app.storage', () => {
  const temp = useTempDir();

  it('an empty database: every location named, zero counts, no oldest or newest run', async () => {
    const databasePath = path.join(temp.dir, 'home', 'mle_beast.db');
    const engine = createEngine({ host: 'server', databasePath, probeDocker: offline });
    const result = await dispatch(engine.handlers, 'app.storage', {});
    const sizes = [fs.statSync(databasePath).size, fs.statSync(`${databasePath}-wal`).size];
    await engine.close();
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { locations, database } = AppStorage.parse(result.value);
    const byId = Object.fromEntries(locations.map((l) => [l.id, l]));
    expect(byId.database).toMatchObject({ path: databasePath, exists: true });
    expect(byId.home).toMatchObject({ path: path.join(temp.dir, 'home'), exists: true });
    expect(byId.runs).toMatchObject({ path: path.join(temp.dir, 'home', 'runs') });
    expect(byId.runLogs).toMatchObject({
      path: path.join(temp.dir, 'home', 'runs', '<run id>', 'logs'),
      exists: null,
    });
    expect(byId.policy?.path).toMatch(/\.mle-beast[\\/]policy\.json$/);
    expect(database).toMatchObject({ runs: 0, events: 0, experiments: 0, llmCalls: 0 });
    expect(database.oldestRunAt).toBeNull();
    expect(database.newestRunAt).toBeNull();
    expect(Object.values(database.runsByStatus)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect([database.fileBytes, database.walBytes]).toEqual(sizes);
    expect(database.fileBytes + database.walBytes).toBeGreaterThan(0);
  });

  it('counts runs by status and their events, and spans the oldest to the newest run', async () => {
    const databasePath = path.join(temp.dir, 'mle_beast.db');
    const engine = createEngine({ host: 'server', databasePath, probeDocker: offline });
    const repo = new RunRepository(engine.store.db);
    repo.create(newRun('a', '2026-01-02T10:00:00.000Z'));
    repo.create(newRun('b', '2026-03-04T10:00:00.000Z'));
    repo.create(newRun('c', '2026-02-01T10:00:00.000Z'));
    repo.update('a', { status: 'completed' });
    repo.update('b', { status: 'failed' });
    repo.update('c', { status: 'completed' });
    repo.appendEvents('a', [log('one'), log('two'), log('three')]);
    repo.appendEvent('b', log('four'));

    const result = await dispatch(engine.handlers, 'app.storage', {});
    await engine.close();
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const db = AppStorage.parse(result.value).database;
    expect(db.runs).toBe(3);
    expect(db.runsByStatus).toEqual({
      pending: 0,
      running: 0,
      paused: 0,
      completed: 2,
      failed: 1,
      cancelled: 0,
      interrupted: 0,
    });
    expect(db.events).toBe(4);
    expect(db.oldestRunAt).toBe('2026-01-02T10:00:00.000Z');
    expect(db.newestRunAt).toBe('2026-03-04T10:00:00.000Z');
  });

  it('says whether the user policy file exists, and what that means', () => {
    const databasePath = path.join(temp.dir, 'x.db');
    const engine = createEngine({ host: 'cli', databasePath, probeDocker: offline });
    const policy = path.join(temp.dir, 'policy.json');
    const missing = describeStorage(engine.store, { home: temp.dir, userPolicyPath: policy });
    fs.writeFileSync(policy, '{}');
    const present = describeStorage(engine.store, { home: temp.dir, userPolicyPath: policy });
    void engine.close();
    const policyOf = (s: typeof missing) => s.locations.find((l) => l.id === 'policy')!;
    expect(policyOf(missing)).toMatchObject({
      exists: false,
      note: expect.stringMatching(/Not created yet/),
    });
    expect(policyOf(present)).toMatchObject({ exists: true, note: expect.stringMatching(/Merged over/) });
  });
});
