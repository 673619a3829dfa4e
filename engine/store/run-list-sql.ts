import type { RunSortKey, RunStatus } from '../api/runs';

/**
 * The SQL of one page of the runs list (runs.list): filter, search, sort and page in the database, so a UI
 * never reads every run to show twenty. Column names and directions come only from the whitelists below; every
 * value the user typed is a bound parameter, and the search text has LIKE's wildcards escaped.
 *
 * Each sort has an index (migration 004, and 003's created_at and status indexes) whose order it follows, the
 * rowid breaking ties, so a page boundary never shows a run twice or skips one.
 */

export interface RunListFilter {
  status?: RunStatus;
  active?: boolean;
  search?: string;
  sort: RunSortKey;
  dir: 'asc' | 'desc';
}

export const LIVE_STATUSES: readonly RunStatus[] = ['pending', 'running', 'paused'];

/** The run's wall time in seconds, null while it has not both started and ended. Migration 004 indexes it. */
export const DURATION_SQL = "(unixepoch(ended_at, 'subsec') - unixepoch(started_at, 'subsec'))";

/** Where the dataset's path sits in the stored config (ProjectConfig.dataset.trainPath). */
const DATASET_SQL = "json_extract(config_json, '$.dataset.trainPath')";

const SORT_SQL: Record<RunSortKey, string> = {
  createdAt: 'created_at',
  startedAt: 'started_at',
  status: 'status',
  task: 'task COLLATE NOCASE',
  step: 'step',
  bestScore: 'best_score',
  costUsd: 'cost_usd',
  durationMs: DURATION_SQL,
};

/** `text` with LIKE's wildcards and the escape character taken literally (ESCAPE '\'). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export interface RunListSql {
  /** WHERE clause (with the keyword) or ''. */
  where: string;
  orderBy: string;
  params: Record<string, string>;
  /** Identifies the statement's text, to cache prepared statements by. */
  key: string;
}

export function runListSql(filter: RunListFilter): RunListSql {
  const clauses: string[] = [];
  const params: Record<string, string> = {};
  if (filter.status !== undefined) {
    clauses.push('status = @status');
    params.status = filter.status;
  }
  if (filter.active) clauses.push(`status IN (${LIVE_STATUSES.map((s) => `'${s}'`).join(', ')})`);
  const search = filter.search?.trim();
  if (search) {
    // LIKE is case-insensitive for ASCII in SQLite, which is what a search box wants.
    clauses.push(
      `(name LIKE @anywhere ESCAPE '\\' OR task LIKE @anywhere ESCAPE '\\'
        OR ${DATASET_SQL} LIKE @anywhere ESCAPE '\\' OR id LIKE @prefix ESCAPE '\\')`,
    );
    params.anywhere = `%${escapeLike(search)}%`;
    params.prefix = `${escapeLike(search)}%`;
  }
  const dir = filter.dir === 'asc' ? 'ASC' : 'DESC';
  const column = SORT_SQL[filter.sort];
  // A run without the figure (no score yet, never started, still going) goes last whichever way is asked.
  const orderBy =
    filter.sort === 'status'
      ? `status ${dir}, created_at ${dir}, rowid ${dir}`
      : filter.sort === 'createdAt'
        ? `created_at ${dir}, rowid ${dir}`
        : `${column} ${dir} NULLS LAST, rowid ${dir}`;
  const where = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
  return { where, orderBy, params, key: `${where}|${orderBy}` };
}
