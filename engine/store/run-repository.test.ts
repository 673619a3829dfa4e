import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RunEvent, type Experiment, type RunEventBody } from '../api/runs';
import { useTempDir } from '../testing/temp-dir';
import { openStore, type Store } from './database';
import { migrations } from './migrations';
import { RunRepository, type NewRun } from './run-repository';
import { MESSAGE_CONTENT_CAP } from './run-rows';

const newRun = (id: string, extra: Partial<NewRun> = {}): NewRun => ({
  id,
  name: `run ${id}`,
  mode: 'greenfield',
  task: 'predict the price',
  workspace: `/ws/${id}`,
  runDir: `/runs/${id}`,
  config: { project: { name: id }, steps: [1, 2] },
  metric: { name: 'rmse', direction: 'lower', target: 0.5, trusted: true },
  maxSteps: 10,
  model: 'gpt-x',
  sandbox: 'docker',
  ownerPid: 1234,
  ownerHost: 'host-a',
  ...extra,
});

const log = (text: string): RunEventBody => ({
  type: 'log',
  stage: 'training',
  source: 'training',
  stream: 'stdout',
  text,
});

const experiment = (step: number, extra: Partial<Experiment> = {}): Experiment => ({
  step,
  parentStep: step === 0 ? null : 0,
  hypothesis: `h${step}`,
  proposal: `proposal ${step}`,
  tag: step === 0 ? null : 'MODEL',
  outcome: step === 0 ? 'baseline' : 'kept',
  score: 0.8 + step / 100,
  selfReportedScore: null,
  note: null,
  commitSha: `sha${step}`,
  startedAt: '2026-01-01T00:00:00.000Z',
  endedAt: '2026-01-01T00:01:00.000Z',
  durationMs: 60_000,
  promptTokens: 100,
  completionTokens: 20,
  costUsd: 0.01,
  unknownCostCalls: 0,
  ...extra,
});

describe('run repository', () => {
  const temp = useTempDir();
  let file: string;
  let store: Store;
  let repo: RunRepository;
  const others: Store[] = [];
  beforeEach(() => {
    file = path.join(temp.dir, 'db.sqlite');
    store = openStore({ path: file });
    repo = new RunRepository(store.db);
  });
  afterEach(() => {
    for (const s of others.splice(0)) s.close();
    store.close();
  });

  it('a local run that chose local-unisolated is summarised as such (the column keeps the kind)', () => {
    repo.create(newRun('iso', { sandbox: 'local', config: { sandbox: { kind: 'local' } } }));
    repo.create(newRun('uniso', { sandbox: 'local', config: { sandbox: { kind: 'local-unisolated' } } }));
    expect(repo.get('iso')!.summary.sandbox).toBe('local');
    expect(repo.get('uniso')!.summary.sandbox).toBe('local-unisolated');
    expect(store.db.prepare("SELECT sandbox FROM runs WHERE id = 'uniso'").pluck().get()).toBe('local');
  });

  it('creates a pending run and reads it back with its config, owner and contract-shaped summary', () => {
    const created = repo.create(newRun('r1'));
    expect(created).toEqual(repo.get('r1'));
    expect(created.config).toEqual({ project: { name: 'r1' }, steps: [1, 2] });
    expect(created).toMatchObject({
      runDir: '/runs/r1',
      ownerPid: 1234,
      ownerHost: 'host-a',
      control: null,
      state: null,
    });
    expect(created.summary).toMatchObject({
      id: 'r1',
      name: 'run r1',
      status: 'pending',
      endReason: null,
      metric: { name: 'rmse', direction: 'lower', target: 0.5, trusted: true },
      step: 0,
      maxSteps: 10,
      bestScore: null,
      costUsd: 0,
      unknownCostCalls: 0,
      llmCalls: 0,
      lastSeq: 0,
      startedAt: null,
    });
    expect(Date.parse(created.summary.createdAt)).not.toBeNaN();
    expect(repo.summary('r1')).toEqual(created.summary);
    expect(repo.get('nope')).toBeNull();
    expect(repo.summary('nope')).toBeNull();
    expect(() => repo.create(newRun('r1'))).toThrow(/a run with id r1 already exists/);
  });

  it('lists newest first, pages with limit and offset, filters by status and counts the total', () => {
    for (let i = 0; i < 5; i++) repo.create(newRun(`r${i}`, { createdAt: '2026-01-01T00:00:00.000Z' }));
    repo.create(newRun('old', { createdAt: '2025-01-01T00:00:00.000Z' }));
    repo.update('r1', { status: 'running' });
    repo.update('r3', { status: 'running' });

    const all = repo.list({ limit: 4, offset: 0 });
    expect(all.total).toBe(6);
    // Same created_at: the later insert first.
    expect(all.runs.map((r) => r.id)).toEqual(['r4', 'r3', 'r2', 'r1']);
    expect(repo.list({ limit: 4, offset: 4 }).runs.map((r) => r.id)).toEqual(['r0', 'old']);
    expect(repo.list({ limit: 4, offset: 10 })).toEqual({ runs: [], total: 6, all: 6 });

    const running = repo.list({ status: 'running', limit: 1, offset: 0 });
    expect(running.total).toBe(2);
    expect(running.runs.map((r) => r.id)).toEqual(['r3']);
    expect(repo.list({ status: 'failed', limit: 10, offset: 0 })).toEqual({ runs: [], total: 0, all: 6 });
  });

  it('updates only the keys given, and stores resume state and the workspace', () => {
    repo.create(newRun('r1'));
    expect(
      repo.update('r1', {
        status: 'running',
        startedAt: '2026-01-01T00:00:00.000Z',
        step: 3,
        bestScore: 0.42,
        bestStep: 2,
        bestCommit: 'abc',
        state: { phase: 'hillclimb', queue: [1, 2] },
        message: undefined,
      }),
    ).toBe(true);
    let record = repo.get('r1')!;
    expect(record.summary).toMatchObject({
      status: 'running',
      startedAt: '2026-01-01T00:00:00.000Z',
      step: 3,
      maxSteps: 10,
      bestScore: 0.42,
      bestStep: 2,
      bestCommit: 'abc',
      message: null,
      workspace: '/ws/r1',
    });
    expect(record.state).toEqual({ phase: 'hillclimb', queue: [1, 2] });

    repo.update('r1', {
      status: 'completed',
      endReason: 'target_reached',
      message: 'done',
      finalScore: 0.4,
      endedAt: '2026-01-01T01:00:00.000Z',
      ownerPid: null,
      ownerHost: null,
      state: null,
      workspace: '/moved',
      maxSteps: 20,
    });
    record = repo.get('r1')!;
    expect(record.summary).toMatchObject({
      status: 'completed',
      endReason: 'target_reached',
      message: 'done',
      finalScore: 0.4,
      step: 3,
      bestScore: 0.42,
      maxSteps: 20,
      workspace: '/moved',
    });
    expect(record).toMatchObject({ ownerPid: null, ownerHost: null, state: null });
    expect(repo.update('r1', {})).toBe(true);
    expect(repo.update('nope', { step: 1 })).toBe(false);
    expect(repo.update('nope', {})).toBe(false);
  });

  it('adds usage atomically, counting calls whose cost is unknown', () => {
    repo.create(newRun('r1'));
    const usage = { promptTokens: 100, completionTokens: 10, reasoningTokens: 5, cachedTokens: 50 };
    expect(repo.addUsage('r1', { ...usage, costUsd: 0.25 })).toBe(true);
    repo.addUsage('r1', { ...usage, costUsd: null });
    repo.addUsage('r1', { ...usage, costUsd: 0.5 });
    expect(repo.summary('r1')).toMatchObject({
      promptTokens: 300,
      completionTokens: 30,
      costUsd: 0.75,
      unknownCostCalls: 1,
      llmCalls: 3,
    });
    const raw = store.db.prepare('SELECT reasoning_tokens, cached_tokens FROM runs').get();
    expect(raw).toEqual({ reasoning_tokens: 15, cached_tokens: 150 });
    expect(repo.addUsage('nope', { ...usage, costUsd: 1 })).toBe(false);
  });

  it('numbers events per run, independently, and updates last_seq', () => {
    repo.create(newRun('a'));
    repo.create(newRun('b'));
    const at = new Date('2026-02-02T10:00:00.000Z');
    const first = repo.appendEvent('a', log('one'), at);
    expect(first).toEqual({ runId: 'a', seq: 1, at: '2026-02-02T10:00:00.000Z', body: log('one') });
    expect(repo.appendEvent('a', log('two')).seq).toBe(2);
    expect(repo.appendEvent('b', log('x')).seq).toBe(1);
    expect(repo.appendEvents('a', [log('3'), log('4'), log('5')]).map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(repo.appendEvents('a', [])).toEqual([]);
    expect(repo.appendEvent('b', { type: 'metrics', step: 0, values: { loss: 0.5 } }).seq).toBe(2);
    expect(repo.summary('a')!.lastSeq).toBe(5);
    expect(repo.summary('b')!.lastSeq).toBe(2);
    expect(() => repo.appendEvent('nope', log('x'))).toThrow(/run nope: there is no such run/);
    const stored = store.db.prepare("SELECT type, stage FROM events WHERE run_id = 'b' ORDER BY seq").all();
    expect(stored).toEqual([
      { type: 'log', stage: 'training' },
      { type: 'metrics', stage: null },
    ]);
  });

  it('pages events after a sequence number with nextSeq', () => {
    repo.create(newRun('r1'));
    repo.appendEvents(
      'r1',
      Array.from({ length: 25 }, (_, i) => log(`line ${i + 1}`)),
    );
    const first = repo.events('r1', { sinceSeq: 0, limit: 10 });
    expect(first.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(first.nextSeq).toBe(10);
    first.events.forEach((e) => RunEvent.parse(e));
    const second = repo.events('r1', { sinceSeq: first.nextSeq!, limit: 10 });
    expect(second.events[0]!.seq).toBe(11);
    expect(second.nextSeq).toBe(20);
    const last = repo.events('r1', { sinceSeq: 20, limit: 10 });
    expect(last.events.map((e) => e.seq)).toEqual([21, 22, 23, 24, 25]);
    expect(last.nextSeq).toBeNull();
    // Exactly `limit` left: no next page.
    expect(repo.events('r1', { sinceSeq: 15, limit: 10 }).nextSeq).toBeNull();
    expect(repo.events('r1', { sinceSeq: 25, limit: 10 })).toEqual({ events: [], nextSeq: null });
    expect(repo.events('nope', { sinceSeq: 0, limit: 10 })).toEqual({ events: [], nextSeq: null });
  });

  it('reads the newest events (a tail read) and pages older ones with nextSeq as the next beforeSeq', () => {
    repo.create(newRun('r1'));
    repo.appendEvents(
      'r1',
      Array.from({ length: 25 }, (_, i) => log(`line ${i + 1}`)),
    );
    const newest = repo.eventsTail('r1', { sinceSeq: 0, limit: 10 });
    expect(newest.events.map((e) => e.seq)).toEqual([16, 17, 18, 19, 20, 21, 22, 23, 24, 25]);
    expect(newest.nextSeq).toBe(16);
    newest.events.forEach((e) => RunEvent.parse(e));
    const older = repo.eventsTail('r1', { sinceSeq: 0, limit: 10, beforeSeq: newest.nextSeq! });
    expect(older.events.map((e) => e.seq)).toEqual([6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    expect(older.nextSeq).toBe(6);
    const oldest = repo.eventsTail('r1', { sinceSeq: 0, limit: 10, beforeSeq: 6 });
    expect(oldest.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(oldest.nextSeq).toBeNull();
    // After sinceSeq only; exactly `limit` left: nothing older.
    expect(repo.eventsTail('r1', { sinceSeq: 15, limit: 10 }).nextSeq).toBeNull();
    expect(
      repo.eventsTail('r1', { sinceSeq: 20, limit: 10, beforeSeq: 23 }).events.map((e) => e.seq),
    ).toEqual([21, 22]);
    expect(repo.eventsTail('nope', { sinceSeq: 0, limit: 10 })).toEqual({ events: [], nextSeq: null });
  });

  it('keeps sequence numbers unique and dense with two connections appending to the same file', () => {
    const other = openStore({ path: file });
    others.push(other);
    const repoB = new RunRepository(other.db);
    repo.create(newRun('shared'));
    for (let i = 0; i < 50; i++) {
      if (i % 2 === 0) repo.appendEvent('shared', log(`a${i}`));
      else repoB.appendEvents('shared', [log(`b${i}.1`), log(`b${i}.2`)]);
    }
    const fromB = repoB.events('shared', { sinceSeq: 0, limit: 1000 });
    expect(fromB.events.map((e) => e.seq)).toEqual(Array.from({ length: 75 }, (_, i) => i + 1));
    expect(repo.events('shared', { sinceSeq: 0, limit: 1000 })).toEqual(fromB);
    expect(repo.summary('shared')!.lastSeq).toBe(75);
    // The second connection sees a cancel requested through the first.
    repo.requestControl('shared', 'cancel');
    expect(repoB.readControl('shared')).toBe('cancel');
  });

  it('upserts experiments on their step and lists them by step', () => {
    repo.create(newRun('r1'));
    repo.recordExperiment('r1', experiment(2));
    repo.recordExperiment('r1', experiment(0));
    repo.recordExperiment('r1', experiment(1, { outcome: 'failed', score: null, note: 'crashed' }));
    repo.recordExperiment('r1', experiment(1, { outcome: 'reverted', score: 0.7, note: 'worse' }));
    const list = repo.experiments('r1');
    expect(list.map((e) => e.step)).toEqual([0, 1, 2]);
    expect(list[0]).toEqual(experiment(0));
    expect(list[1]).toEqual(experiment(1, { outcome: 'reverted', score: 0.7, note: 'worse' }));
    expect(repo.experiments('nope')).toEqual([]);
    expect(() => repo.recordExperiment('nope', experiment(0))).toThrow(/run nope does not exist/);
  });

  it('keeps stage rows, changing only the keys given, and lists them in pipeline order', () => {
    repo.create(newRun('r1'));
    repo.upsertStage('r1', 'training', { status: 'active', attempt: 1, startedAt: 't1' });
    repo.upsertStage('r1', 'setup', { status: 'pass', endedAt: 't0' });
    repo.upsertStage('r1', 'data_analysis', {});
    const updated = repo.upsertStage('r1', 'training', { status: 'fail', message: 'OOM' });
    expect(updated).toEqual({
      stage: 'training',
      status: 'fail',
      attempt: 1,
      step: 0,
      startedAt: 't1',
      endedAt: null,
      message: 'OOM',
    });
    expect(repo.stages('r1').map((s) => [s.stage, s.status])).toEqual([
      ['setup', 'pass'],
      ['data_analysis', 'pending'],
      ['training', 'fail'],
    ]);
    expect(() => repo.upsertStage('nope', 'setup', {})).toThrow(/run nope does not exist/);
  });

  it('stores LLM calls with each message capped at 50,000 characters and a marker saying how much was cut', () => {
    repo.create(newRun('r1'));
    const long = 'x'.repeat(60_000);
    const usage = {
      promptTokens: 1,
      completionTokens: 2,
      reasoningTokens: 0,
      cachedTokens: 0,
      costUsd: null,
    };
    const id = repo.recordLlmCall('r1', {
      seq: 7,
      stage: 'proposal',
      step: 2,
      model: 'gpt-x',
      at: '2026-01-01T00:00:00.000Z',
      durationMs: 1234.5,
      attempts: 2,
      ok: true,
      error: null,
      usage,
      messages: [
        { role: 'system', content: 'short' },
        { role: 'user', content: long },
        { role: 'user', content: [{ type: 'text', text: long }] },
      ],
      response: { role: 'assistant', content: 'ok' },
    });
    const second = repo.recordLlmCall('r1', {
      seq: null,
      stage: 'implement',
      step: 2,
      model: 'gpt-x',
      at: '2026-01-01T00:01:00.000Z',
      durationMs: 10,
      attempts: 1,
      ok: false,
      error: 'timeout',
      usage: { ...usage, costUsd: 0.5 },
      messages: [],
      response: null,
    });
    expect(second).toBeGreaterThan(id);

    const { calls, total } = repo.llmCalls('r1', { limit: 1, offset: 0 });
    expect(total).toBe(2);
    expect(calls).toHaveLength(1);
    const call = calls[0]!;
    expect(call).toMatchObject({ id, runId: 'r1', seq: 7, stage: 'proposal', ok: true, durationMs: 1234.5 });
    expect(call.usage).toEqual(usage);
    expect(call.response).toEqual({ role: 'assistant', content: 'ok' });
    const [system, user, parts] = call.messages as { content: unknown }[];
    expect(system!.content).toBe('short');
    const capped = user!.content as string;
    expect(capped.startsWith('x'.repeat(MESSAGE_CONTENT_CAP))).toBe(true);
    expect(capped.slice(MESSAGE_CONTENT_CAP)).toMatch(/cut 10000 of 60000 characters/);
    expect(capped.length).toBeLessThan(MESSAGE_CONTENT_CAP + 100);
    expect((parts!.content as { text: string }[])[0]!.text).toBe(capped);

    const page2 = repo.llmCalls('r1', { limit: 10, offset: 1 });
    expect(page2.calls.map((c) => [c.id, c.ok, c.error, c.seq, c.response])).toEqual([
      [second, false, 'timeout', null, null],
    ]);
    expect(() => repo.recordLlmCall('nope', { ...call, seq: null })).toThrow(/run nope does not exist/);
  });

  it('records and clears cancel or pause requests, and lists live runs', () => {
    repo.create(newRun('p'));
    repo.create(newRun('r'));
    repo.create(newRun('done'));
    repo.update('r', { status: 'running' });
    repo.update('done', { status: 'completed' });
    expect(repo.readControl('r')).toBeNull();
    expect(repo.requestControl('r', 'pause')).toBe(true);
    expect(repo.readControl('r')).toBe('pause');
    expect(repo.get('r')!.control).toBe('pause');
    repo.requestControl('r', null);
    expect(repo.readControl('r')).toBeNull();
    expect(repo.requestControl('nope', 'cancel')).toBe(false);
    expect(repo.readControl('nope')).toBeNull();
    expect(repo.liveRuns().map((r) => r.summary.id)).toEqual(['p', 'r']);
  });

  it('deletes a run and everything of it, cascading in the database too', () => {
    for (const id of ['a', 'b']) {
      repo.create(newRun(id));
      repo.appendEvents(id, [log('1'), log('2')]);
      repo.upsertStage(id, 'setup', { status: 'pass' });
      repo.recordExperiment(id, experiment(0));
      repo.recordLlmCall(id, {
        seq: null,
        stage: 'setup',
        step: 0,
        model: 'm',
        at: 'now',
        durationMs: 1,
        attempts: 1,
        ok: true,
        error: null,
        usage: { promptTokens: 0, completionTokens: 0, reasoningTokens: 0, cachedTokens: 0, costUsd: 0 },
        messages: [],
        response: null,
      });
    }
    const count = (table: string, id: string) =>
      store.db.prepare(`SELECT count(*) FROM ${table} WHERE run_id = ?`).pluck().get(id);
    const tables = ['events', 'stages', 'experiments', 'llm_calls'];

    expect(repo.delete('a')).toBe(true);
    expect(repo.delete('a')).toBe(false);
    expect(repo.get('a')).toBeNull();
    for (const t of tables) expect(count(t, 'a')).toBe(0);
    for (const t of tables) expect(count(t, 'b')).toBeGreaterThan(0);

    // The schema's own ON DELETE CASCADE (foreign keys are on in every store connection).
    store.db.prepare("DELETE FROM runs WHERE id = 'b'").run();
    for (const t of tables) expect(count(t, 'b')).toBe(0);
  });

  it('skips a stored event this version cannot read, reporting it once, instead of throwing', () => {
    const warn = vi.fn();
    const quiet = new RunRepository(store.db, warn);
    quiet.create(newRun('r1'));
    quiet.appendEvent('r1', log('before'));
    // Another (newer) version's event, numbered through the same counter.
    store.db.prepare("UPDATE runs SET last_seq = last_seq + 2 WHERE id = 'r1'").run();
    store.db
      .prepare(
        `INSERT INTO events (run_id, seq, at, type, stage, body_json) VALUES
           ('r1', 2, 'now', 'gpu.stats', NULL, '{"type":"gpu.stats","util":0.9}'),
           ('r1', 3, 'now', 'log', NULL, 'not json')`,
      )
      .run();
    quiet.appendEvent('r1', log('after'));

    const read = quiet.events('r1', { sinceSeq: 0, limit: 100 });
    expect(read.events.map((e) => [e.seq, (e.body as { text: string }).text])).toEqual([
      [1, 'before'],
      [4, 'after'],
    ]);
    expect(read.nextSeq).toBeNull();
    expect(warn).toHaveBeenCalledTimes(2);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/run r1: event 2 cannot be read .*skipped/));
    quiet.events('r1', { sinceSeq: 0, limit: 100 });
    expect(warn).toHaveBeenCalledTimes(2);
    // A page that ends on an unreadable event still pages on past it.
    expect(quiet.events('r1', { sinceSeq: 1, limit: 2 })).toEqual({ events: [], nextSeq: 3 });
  });

  it('skips an unreadable run row in lists and says which run it is on get', () => {
    const warn = vi.fn();
    const quiet = new RunRepository(store.db, warn);
    quiet.create(newRun('good'));
    quiet.create(newRun('bad'));
    store.db.prepare("UPDATE runs SET end_reason = 'a_reason_from_the_future' WHERE id = 'bad'").run();
    expect(quiet.list({ limit: 10, offset: 0 }).runs.map((r) => r.id)).toEqual(['good']);
    expect(warn).toHaveBeenCalledWith(
      expect.stringMatching(/run bad in the store cannot be read.*endReason/),
    );
    expect(() => quiet.get('bad')).toThrow(/run bad in the store cannot be read/);
  });
});

describe('run repository across processes', () => {
  const temp = useTempDir();

  it("keeps sequence numbers unique, dense and in each writer's order with four processes appending at once", async () => {
    const here = path.dirname(fileURLToPath(import.meta.url));
    const child = path.join(temp.dir, 'child.ts');
    fs.writeFileSync(
      child,
      `import { openStore } from ${JSON.stringify(path.join(here, 'database'))};
import { RunRepository } from ${JSON.stringify(path.join(here, 'run-repository'))};
const [file, runId, tag, count, startAt] = process.argv.slice(2);
const store = openStore({ path: file! });
const repo = new RunRepository(store.db);
while (Date.now() < Number(startAt)) {} // all writers start together
const log = (text: string) => ({ type: 'log' as const, stage: null, source: 'engine' as const, stream: 'info' as const, text });
for (let i = 0; i < Number(count); i += 3) {
  repo.appendEvent(runId!, log(tag + ':' + i));
  repo.appendEvents(runId!, [log(tag + ':' + (i + 1)), log(tag + ':' + (i + 2))]);
}
store.close();
`,
    );
    const bundle = path.join(temp.dir, 'child.cjs');
    await build({
      entryPoints: [child],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      outfile: bundle,
      external: ['better-sqlite3'],
      logLevel: 'silent',
    });
    const file = path.join(temp.dir, 'db.sqlite');
    const store = openStore({ path: file });
    const repo = new RunRepository(store.db);
    repo.create(newRun('shared'));
    repo.create(newRun('other'));
    const env = { ...process.env, NODE_PATH: path.resolve(here, '../../node_modules') };
    const perWriter = 600;
    const writers = ['p0', 'p1', 'p2', 'p3'];
    const startAt = Date.now() + 750;
    await Promise.all(
      writers.map((tag, i) =>
        promisify(execFile)(
          process.execPath,
          [bundle, file, i === 3 ? 'other' : 'shared', tag, String(perWriter), String(startAt)],
          {
            env,
          },
        ),
      ),
    );

    const shared = repo.events('shared', { sinceSeq: 0, limit: 10_000 });
    expect(shared.events.map((e) => e.seq)).toEqual(Array.from({ length: 3 * perWriter }, (_, i) => i + 1));
    expect(repo.summary('shared')!.lastSeq).toBe(3 * perWriter);
    for (const tag of ['p0', 'p1', 'p2']) {
      const mine = shared.events
        .map((e) => (e.body as { text: string }).text)
        .filter((t) => t.startsWith(`${tag}:`));
      expect(mine).toEqual(Array.from({ length: perWriter }, (_, i) => `${tag}:${i}`));
    }
    const other = repo.events('other', { sinceSeq: 0, limit: 10_000 });
    expect(other.events.map((e) => e.seq)).toEqual(Array.from({ length: perWriter }, (_, i) => i + 1));
    store.close();
  }, 60_000);
});

describe('migration 003', () => {
  const temp = useTempDir();

  it('is applied to a database that already has 001 and 002, keeping their data', () => {
    const file = path.join(temp.dir, 'old.sqlite');
    const old = openStore({ path: file, migrations: migrations.slice(0, 2) });
    expect(old.applied).toEqual(['001_settings', '002_model_catalog']);
    old.db.prepare("INSERT INTO settings VALUES ('theme', '\"dark\"', 'now')").run();
    old.close();

    const store = openStore({ path: file, migrations: migrations.slice(0, 3) });
    expect(store.applied).toEqual(['003_runs']);
    expect(store.db.prepare("SELECT value_json FROM settings WHERE key = 'theme'").pluck().get()).toBe(
      '"dark"',
    );
    const repo = new RunRepository(store.db);
    repo.create(newRun('r1'));
    expect(repo.appendEvent('r1', log('hello')).seq).toBe(1);
    store.close();

    const again = openStore({ path: file, migrations: migrations.slice(0, 3) });
    expect(again.applied).toEqual([]);
    expect(new RunRepository(again.db).events('r1', { sinceSeq: 0, limit: 10 }).events).toHaveLength(1);
    again.close();
  });

  it('refuses rows outside the schema (status, JSON, strict types)', () => {
    const store = openStore({ path: path.join(temp.dir, 'db.sqlite') });
    const repo = new RunRepository(store.db);
    repo.create(newRun('r1'));
    expect(() => store.db.prepare("UPDATE runs SET status = 'exploded'").run()).toThrow(/CHECK constraint/);
    expect(() => store.db.prepare("UPDATE runs SET state_json = '{oops'").run()).toThrow(/CHECK constraint/);
    expect(() => store.db.prepare("UPDATE runs SET step = 'three'").run()).toThrow(/cannot store TEXT/);
    expect(() => repo.update('r1', { step: 1.5 })).toThrow();
    store.close();
  });
});
