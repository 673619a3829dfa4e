import type { RunListQuery, RunSortKey, RunStatus } from '../../../../engine/api';

/**
 * The history table's query as the page holds it (page number, "all" statuses) and its translation to the
 * engine's runs.list, which searches, filters, sorts and pages in the database: the page only ever holds the
 * rows it shows, however many runs there are.
 */

export type SortKey = RunSortKey;
export interface RunsQuery {
  search: string;
  status: RunStatus | 'all';
  sort: SortKey;
  dir: 'asc' | 'desc';
  page: number;
  pageSize: number;
}

export const DEFAULT_QUERY: RunsQuery = {
  search: '',
  status: 'all',
  sort: 'createdAt',
  dir: 'desc',
  page: 0,
  pageSize: 20,
};

/** The runs.list input for one page of the table. */
export function listInput(q: RunsQuery): RunListQuery {
  const search = q.search.trim();
  return {
    ...(search ? { search } : {}),
    ...(q.status !== 'all' ? { status: q.status } : {}),
    sort: q.sort,
    dir: q.dir,
    limit: q.pageSize,
    offset: q.page * q.pageSize,
  };
}

/** How many pages `total` runs make (at least one, the empty one). */
export const pageCount = (total: number, pageSize: number): number =>
  Math.max(1, Math.ceil(total / pageSize));

/** Clicking a column: a new column sorts descending first; the same one flips. */
export const nextSort = (q: RunsQuery, key: SortKey): Pick<RunsQuery, 'sort' | 'dir'> => ({
  sort: key,
  dir: q.sort === key && q.dir === 'desc' ? 'asc' : 'desc',
});
