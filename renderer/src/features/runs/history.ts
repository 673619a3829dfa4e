import type { RunStatus, RunSummary } from '../../../../engine/api';

export type SortKey = 'createdAt' | 'status' | 'task' | 'bestScore' | 'costUsd' | 'step';
export interface RunsQuery {
  search: string;
  status: RunStatus | 'all';
  sort: SortKey;
  dir: 'asc' | 'desc';
  page: number;
  pageSize: number;
}

/** The history table's rows: searched, filtered, sorted, then one page of them. */
export function selectHistory(runs: readonly RunSummary[], q: RunsQuery) {
  const needle = q.search.trim().toLowerCase();
  const filtered = runs.filter(
    (r) =>
      (q.status === 'all' || r.status === q.status) &&
      (!needle ||
        [r.id, r.name ?? '', r.task, r.metric.name, r.model, r.workspace].some((f) =>
          f.toLowerCase().includes(needle),
        )),
  );
  const sign = q.dir === 'asc' ? 1 : -1;
  const key = (r: RunSummary): string | number =>
    q.sort === 'bestScore'
      ? (r.bestScore ?? Number.NEGATIVE_INFINITY)
      : q.sort === 'task'
        ? r.task.toLowerCase()
        : q.sort === 'status'
          ? r.status
          : q.sort === 'costUsd'
            ? r.costUsd
            : q.sort === 'step'
              ? r.step
              : r.createdAt;
  const sorted = [...filtered].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    return (ka < kb ? -1 : ka > kb ? 1 : 0) * sign;
  });
  const pages = Math.max(1, Math.ceil(sorted.length / q.pageSize));
  const page = Math.min(q.page, pages - 1);
  return {
    total: sorted.length,
    page,
    pages,
    rows: sorted.slice(page * q.pageSize, (page + 1) * q.pageSize),
  };
}
