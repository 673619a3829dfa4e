import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunListQuery, RunSortKey, type RunSummary } from '../api/runs';
import { makeTempDir } from '../testing/temp-dir';
import { openStore, type Store } from './database';
import { RunRepository } from './run-repository';
import { runListSql } from './run-list-sql';
import { seedRuns, type SeededRun } from './testing/seed-runs';

// runs.list at scale: 1,000 runs in a real SQLite file, every sort both ways checked page by page against an
// order computed here in plain TypeScript from the seeded values.

const COUNT = 1000;
const temp = makeTempDir();
let store: Store;
let repo: RunRepository;
let seeded: SeededRun[];

beforeAll(() => {
  store = openStore({ path: path.join(temp.dir, 'runs.sqlite') });
  repo = new RunRepository(store.db);
  seeded = seedRuns(repo, COUNT);
});
afterAll(() => {
  store.close();
  temp.cleanup();
});

type Dir = 'asc' | 'desc';
const duration = (r: SeededRun) =>
  r.startedAt && r.endedAt ? Date.parse(r.endedAt) - Date.parse(r.startedAt) : null;
const sortValue: Record<RunSortKey, (r: SeededRun) => string | number | null> = {
  createdAt: (r) => r.createdAt,
  startedAt: (r) => r.startedAt,
  status: (r) => r.status,
  task: (r) => r.task.toLowerCase(),
  step: (r) => r.step,
  bestScore: (r) => r.bestScore,
  costUsd: (r) => r.costUsd,
  durationMs: duration,
};

/** The order the list must have: by the key, missing figures last, then (status) created, then insertion. */
function expected(runs: SeededRun[], sort: RunSortKey, dir: Dir): string[] {
  const sign = dir === 'asc' ? 1 : -1;
  const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
  return [...runs]
    .sort((a, b) => {
      const va = sortValue[sort](a);
      const vb = sortValue[sort](b);
      if (va === null || vb === null) {
        if (va !== vb) return va === null ? 1 : -1;
      } else if (cmp(va, vb) !== 0) return cmp(va, vb) * sign;
      if (sort === 'status' && a.createdAt !== b.createdAt) return cmp(a.createdAt, b.createdAt) * sign;
      return (a.index - b.index) * sign;
    })
    .map((r) => r.id);
}

/** Every page of a query, concatenated, checking each page's total on the way. */
function allPages(query: Partial<RunListQuery>, pageSize: number): string[] {
  const ids: string[] = [];
  let total = -1;
  for (let offset = 0; ; offset += pageSize) {
    const page = repo.list({ ...RunListQuery.parse({ ...query, limit: pageSize, offset }) });
    if (total === -1) total = page.total;
    expect(page.total).toBe(total);
    ids.push(...page.runs.map((r) => r.id));
    if (page.runs.length < pageSize) break;
  }
  expect(ids).toHaveLength(total);
  return ids;
}

describe('runs.list over 1,000 runs', () => {
  it('has the figures the sorts need spread out, ties and missing ones included', () => {
    expect(new Set(seeded.map((r) => r.createdAt)).size).toBeLessThan(COUNT);
    expect(seeded.some((r) => r.bestScore === null)).toBe(true);
    expect(seeded.some((r) => r.startedAt === null)).toBe(true);
    expect(seeded.some((r) => duration(r) === null)).toBe(true);
  });

  it.each(
    RunSortKey.options.flatMap((sort) => (['asc', 'desc'] as const).map((dir) => [sort, dir] as const)),
  )('sorts by %s %s, pages of 70 joining up with nothing twice or missing', (sort, dir) => {
    const ids = allPages({ sort, dir }, 70);
    expect(ids).toEqual(expected(seeded, sort, dir));
    expect(new Set(ids).size).toBe(COUNT);
  });

  it('defaults to newest first and counts every run', () => {
    const page = repo.list(RunListQuery.parse({}));
    expect(page.total).toBe(COUNT);
    expect(page.runs).toHaveLength(50);
    expect(page.runs.map((r) => r.id)).toEqual(expected(seeded, 'createdAt', 'desc').slice(0, 50));
  });

  it('pages exactly at the boundaries: the last full page, the short last one, past the end', () => {
    const order = expected(seeded, 'costUsd', 'asc');
    const list = (offset: number, limit: number) =>
      repo.list(RunListQuery.parse({ sort: 'costUsd', dir: 'asc', offset, limit }));
    expect(list(900, 100).runs.map((r) => r.id)).toEqual(order.slice(900));
    expect(list(999, 100).runs.map((r) => r.id)).toEqual([order[999]]);
    expect(list(1000, 100)).toEqual({ runs: [], total: COUNT, all: COUNT });
    expect(list(0, 1).runs.map((r) => r.id)).toEqual([order[0]]);
  });

  it('filters by status, and the count is of the matching runs', () => {
    for (const status of ['failed', 'pending', 'running'] as const) {
      const want = seeded.filter((r) => r.status === status);
      const ids = allPages({ status, sort: 'bestScore', dir: 'desc' }, 33);
      expect(ids).toEqual(expected(want, 'bestScore', 'desc'));
    }
  });

  it('lists only the live runs with `active`', () => {
    const want = seeded.filter((r) => ['pending', 'running', 'paused'].includes(r.status));
    expect(allPages({ active: true }, 100)).toEqual(expected(want, 'createdAt', 'desc'));
  });

  it('searches name, task and dataset anywhere in any case, and the id by its start', () => {
    const search = (text: string, extra: Partial<RunListQuery> = {}) =>
      allPages({ search: text, sort: 'createdAt', dir: 'asc', ...extra }, 100);
    const matching = (pred: (r: SeededRun) => boolean) => expected(seeded.filter(pred), 'createdAt', 'asc');

    expect(search('prices')).toEqual(matching((r) => r.task === 'Predict house PRICES'));
    expect(search('CHURN_V2')).toEqual(matching((r) => r.dataset.endsWith('churn_v2.csv')));
    expect(search('experiment 12')).toEqual(matching((r) => r.name?.startsWith('experiment 12') ?? false));
    expect(search('run-01')).toEqual(matching((r) => r.id.startsWith('run-01')));
    expect(search('run-01')).toHaveLength(100);
    // The id matches only from its start: "0199" is inside run-0199 but starts nothing.
    expect(search('0199')).toEqual([]);
    expect(search('  run-0042  ')).toEqual(['run-0042']);
  });

  it('takes % _ and \\ in the search literally', () => {
    const fraud = seeded.filter((r) => r.task.includes('%'));
    expect(allPages({ search: '50%' }, 500)).toHaveLength(fraud.length);
    expect(allPages({ search: '%' }, 500)).toHaveLength(fraud.length);
    // "_" would match any one character; literally, only the fraud task and the dataset names hold one.
    const underscore = seeded.filter((r) => r.task.includes('_') || r.dataset.includes('_'));
    expect(allPages({ search: '_' }, 500)).toHaveLength(underscore.length);
    expect(allPages({ search: 'fraud_5' }, 500)).toHaveLength(fraud.length);
    expect(allPages({ search: 'fraudX5' }, 500)).toEqual([]);
    expect(allPages({ search: '\\' }, 500)).toEqual([]);
    expect(allPages({ search: "'; DROP TABLE runs; --" }, 500)).toEqual([]);
    expect(repo.list(RunListQuery.parse({})).total).toBe(COUNT);
  });

  it('combines search, status and sort, counting only what matches all of them', () => {
    const want = seeded.filter((r) => r.task === 'classify churn' && r.status === 'completed');
    const page = repo.list(
      RunListQuery.parse({ search: 'churn', status: 'completed', sort: 'durationMs', dir: 'asc', limit: 5 }),
    );
    expect(page.total).toBe(want.length);
    expect(page.runs.map((r: RunSummary) => r.id)).toEqual(expected(want, 'durationMs', 'asc').slice(0, 5));
  });

  it('reads every sort in index order, without sorting the table', () => {
    for (const sort of RunSortKey.options) {
      for (const dir of ['asc', 'desc'] as const) {
        const sql = runListSql({ sort, dir });
        const plan = store.db
          .prepare(`EXPLAIN QUERY PLAN SELECT * FROM runs ${sql.where} ORDER BY ${sql.orderBy} LIMIT 20`)
          .all() as { detail: string }[];
        const details = plan.map((p) => p.detail).join('; ');
        expect(details, `${sort} ${dir}`).toMatch(/USING INDEX/);
        expect(details, `${sort} ${dir}`).not.toMatch(/TEMP B-TREE/);
      }
    }
  });

  it('refuses an unknown sort or an over-long search, saying what is allowed', () => {
    const bad = RunListQuery.safeParse({ sort: 'name' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toMatch(/createdAt.*durationMs/);
    const long = RunListQuery.safeParse({ search: 'x'.repeat(201) });
    expect(long.error?.issues[0]?.message).toBe('search text is at most 200 characters');
  });
});
