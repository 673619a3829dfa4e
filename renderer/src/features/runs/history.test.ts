import { describe, expect, it } from 'vitest';
import { RunSummary } from '../../../../engine/api';
import { selectHistory, type RunsQuery } from './history';

const run = (i: number, patch: Partial<RunSummary> = {}): RunSummary =>
  RunSummary.parse({
    id: `run-${i}`,
    name: null,
    status: 'completed',
    endReason: 'target_reached',
    message: null,
    mode: 'greenfield',
    task: `task number ${i}`,
    workspace: `/ws/${i}`,
    metric: { name: 'accuracy', direction: 'higher', target: 0.8, trusted: true },
    step: i % 5,
    maxSteps: 5,
    bestScore: i / 100,
    bestStep: 0,
    bestCommit: null,
    finalScore: null,
    costUsd: i / 10,
    unknownCostCalls: 0,
    promptTokens: 0,
    completionTokens: 0,
    llmCalls: 0,
    model: 'scripted model',
    sandbox: 'docker',
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
    startedAt: null,
    endedAt: null,
    lastSeq: 0,
    ...patch,
  });

const runs = Array.from({ length: 45 }, (_, i) =>
  run(i, i % 3 === 0 ? { status: 'failed', task: `churn model ${i}` } : {}),
);
const q = (patch: Partial<RunsQuery> = {}): RunsQuery => ({
  search: '',
  status: 'all',
  sort: 'createdAt',
  dir: 'desc',
  page: 0,
  pageSize: 20,
  ...patch,
});

describe('selectHistory', () => {
  it('pages newest first by default', () => {
    const first = selectHistory(runs, q());
    expect(first.total).toBe(45);
    expect(first.pages).toBe(3);
    expect(first.rows.map((r) => r.id).slice(0, 2)).toEqual(['run-44', 'run-43']);
    const last = selectHistory(runs, q({ page: 2 }));
    expect(last.rows).toHaveLength(5);
    expect(last.rows.at(-1)!.id).toBe('run-0');
  });

  it('clamps a page past the end to the last page', () => {
    const view = selectHistory(runs, q({ page: 9 }));
    expect(view.page).toBe(2);
    expect(view.rows).toHaveLength(5);
  });

  it('filters by status and searches task, id, metric and model, case-insensitively', () => {
    expect(selectHistory(runs, q({ status: 'failed' })).total).toBe(15);
    expect(selectHistory(runs, q({ search: 'CHURN' })).total).toBe(15);
    expect(selectHistory(runs, q({ search: 'run-44' })).rows.map((r) => r.id)).toEqual(['run-44']);
    expect(selectHistory(runs, q({ search: 'churn', status: 'completed' })).total).toBe(0);
    expect(selectHistory(runs, q({ search: '  ' })).total).toBe(45);
  });

  it('sorts by a column either way; runs without a score sort below every score', () => {
    const withNull = [...runs, run(99, { bestScore: null })];
    const desc = selectHistory(withNull, q({ sort: 'bestScore', dir: 'desc', pageSize: 100 })).rows;
    expect(desc[0]!.id).toBe('run-44');
    expect(desc.at(-1)!.id).toBe('run-99');
    const asc = selectHistory(withNull, q({ sort: 'costUsd', dir: 'asc' })).rows;
    expect(asc[0]!.id).toBe('run-0');
    const byTask = selectHistory(runs, q({ sort: 'task', dir: 'asc' })).rows;
    expect(byTask[0]!.task.startsWith('churn')).toBe(true);
  });

  it('an empty list is one empty page', () => {
    expect(selectHistory([], q())).toEqual({ total: 0, page: 0, pages: 1, rows: [] });
  });
});
