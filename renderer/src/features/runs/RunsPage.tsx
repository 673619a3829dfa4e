import { useEffect } from 'react';
import { RUN_STATUSES, isTerminalStatus } from '../../../../engine/api/vocabulary-values';
import { api } from '../../api';
import { AppInfoCard } from '../../components/AppInfoCard';
import { ConfirmDialog } from '../../lib/ConfirmDialog';
import { useAppStore } from '../../state/app-store';
import { fmtCost, fmtDate, fmtDuration, fmtScore, shortId } from '../../lib/format';
import { onRunEvents } from '../../lib/run-events';
import { runHash } from '../../state/route';
import { StatusBadge } from '../../components/StatusBadge';
import { RunCard } from './RunCard';
import { nextSort, pageCount, type SortKey } from './history';
import { useRunsStore } from './store';

export function RunsPage() {
  const status = useRunsStore((s) => s.status);
  const error = useRunsStore((s) => s.error);
  const load = useRunsStore((s) => s.load);
  const listChanged = useRunsStore((s) => s.listChanged);
  const stop = useRunsStore((s) => s.stop);
  const receive = useRunsStore((s) => s.receive);
  const info = useAppStore((s) => s.info);

  // Live, without polling: the host sends the events of every run, its own and (tailed from the shared store)
  // those of other processes, and says when runs come or go. After a dropped connection the list is read again.
  useEffect(() => {
    void load();
    const offs = [
      onRunEvents(receive),
      api.on('runs.changed', listChanged),
      api.connection((state) => state === 'open' && listChanged()),
    ];
    return () => {
      offs.forEach((off) => off());
      stop();
    };
  }, [load, listChanged, stop, receive]);

  return (
    <>
      <header className="page-header row">
        <h1>Runs</h1>
        <a className="button" href="#/new">
          New run
        </a>
      </header>
      {status === 'error' && (
        <section className="card error" role="alert">
          <h2>The runs could not be read</h2>
          <p>{error}</p>
          <button onClick={() => void load()}>Try again</button>
        </section>
      )}
      {(status === 'loading' || status === 'idle') && (
        <p className="hint" role="status">
          Loading runs…
        </p>
      )}
      {status === 'ready' && <RunsContent />}
      <DeleteDialog />
      {info && <AppInfoCard info={info} />}
    </>
  );
}

function RunsContent() {
  const all = useRunsStore((s) => s.all);
  const live = useRunsStore((s) => s.live);
  const active = useRunsStore((s) => s.active);
  if (all === 0 && live.length === 0) {
    return (
      <section className="card empty" aria-label="No runs">
        <p>No runs yet.</p>
        <p className="hint">
          Start one from <a href="#/new">New run</a>, or in a terminal with <code>mle-beast demo</code> or{' '}
          <code>mle-beast run</code>: the app and the CLI share one database, and runs started there appear
          here.
        </p>
      </section>
    );
  }
  const views = live.filter((r) => !isTerminalStatus(r.status) && active[r.id]).map((r) => active[r.id]!);
  return (
    <>
      <section aria-labelledby="active-title">
        <h2 id="active-title" className="section-title">
          Active <span className="hint">({views.length})</span>
        </h2>
        {views.length === 0 ? (
          <p className="hint card empty">No run is going now.</p>
        ) : (
          <div className="run-cards">
            {views.map((v) => (
              <RunCard key={v.run.id} view={v} />
            ))}
          </div>
        )}
      </section>
      <HistoryTable />
    </>
  );
}

const COLUMNS: { key: SortKey; label: string; numeric?: boolean }[] = [
  { key: 'createdAt', label: 'Created' },
  { key: 'task', label: 'Task' },
  { key: 'status', label: 'Status' },
  { key: 'step', label: 'Steps', numeric: true },
  { key: 'bestScore', label: 'Best score', numeric: true },
  { key: 'costUsd', label: 'Cost', numeric: true },
  { key: 'durationMs', label: 'Duration', numeric: true },
];

function HistoryTable() {
  const query = useRunsStore((s) => s.query);
  const rows = useRunsStore((s) => s.rows);
  const total = useRunsStore((s) => s.total);
  const setQuery = useRunsStore((s) => s.setQuery);
  const askDelete = useRunsStore((s) => s.askDelete);
  const pages = pageCount(total, query.pageSize);
  const view = { rows, total, pages, page: Math.min(query.page, pages - 1) };

  const sortBy = (key: SortKey) => setQuery(nextSort(query, key));

  return (
    <section className="card" aria-labelledby="history-title">
      <div className="table-toolbar">
        <h2 id="history-title">All runs</h2>
        <label className="inline-field">
          <span>Search</span>
          <input
            type="search"
            value={query.search}
            placeholder="name, task, dataset, id…"
            onChange={(e) => setQuery({ search: e.target.value })}
          />
        </label>
        <label className="inline-field">
          <span>Status</span>
          <select
            value={query.status}
            onChange={(e) => setQuery({ status: e.target.value as typeof query.status })}
          >
            <option value="all">All</option>
            {RUN_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
      </div>
      {view.total === 0 ? (
        <p className="hint" role="status">
          No run matches.{' '}
          <button type="button" className="link" onClick={() => setQuery({ search: '', status: 'all' })}>
            Clear the search and filter
          </button>
        </p>
      ) : (
        <>
          <div className="table-scroll">
            <table className="table" aria-label="Runs">
              <thead>
                <tr>
                  {COLUMNS.map((c) => (
                    <th
                      key={c.key}
                      scope="col"
                      className={c.numeric ? 'num' : undefined}
                      aria-sort={
                        query.sort === c.key ? (query.dir === 'asc' ? 'ascending' : 'descending') : undefined
                      }
                    >
                      <button type="button" className="sort" onClick={() => sortBy(c.key)}>
                        {c.label}
                        <span aria-hidden="true">
                          {query.sort === c.key ? (query.dir === 'asc' ? ' ▲' : ' ▼') : ''}
                        </span>
                      </button>
                    </th>
                  ))}
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {view.rows.map((r) => (
                  <tr key={r.id} data-testid="run-row" data-run-id={r.id}>
                    <td className="nowrap">{fmtDate(r.createdAt)}</td>
                    <td className="task-cell">
                      <a href={runHash(r.id)}>{r.name ?? r.task}</a>
                      <div className="hint small">
                        {shortId(r.id)} · {r.mode} · {r.sandbox}
                      </div>
                    </td>
                    <td>
                      <StatusBadge status={r.status} />
                    </td>
                    <td className="num">
                      {r.step}/{r.maxSteps}
                    </td>
                    <td className="num">
                      {fmtScore(r.bestScore)} <span className="hint small">{r.metric.name}</span>
                    </td>
                    <td className="num">{fmtCost(r.costUsd, r.unknownCostCalls)}</td>
                    <td className="num nowrap">
                      {r.startedAt && r.endedAt
                        ? fmtDuration(Date.parse(r.endedAt) - Date.parse(r.startedAt))
                        : '—'}
                    </td>
                    <td>
                      <button
                        type="button"
                        className="secondary small danger-text"
                        disabled={!isTerminalStatus(r.status)}
                        title={isTerminalStatus(r.status) ? undefined : 'Only an ended run can be deleted'}
                        aria-label={`Delete run ${shortId(r.id)}`}
                        onClick={() => askDelete(r.id)}
                      >
                        Delete
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <nav className="pager" aria-label="Pages of runs">
            <button
              type="button"
              className="secondary small"
              disabled={view.page === 0}
              onClick={() => setQuery({ page: view.page - 1 })}
            >
              Previous
            </button>
            <span role="status">
              Page {view.page + 1} of {view.pages} · {view.total} run{view.total === 1 ? '' : 's'}
            </span>
            <button
              type="button"
              className="secondary small"
              disabled={view.page >= view.pages - 1}
              onClick={() => setQuery({ page: view.page + 1 })}
            >
              Next
            </button>
            <label className="inline-field">
              <span>Per page</span>
              <select value={query.pageSize} onChange={(e) => setQuery({ pageSize: Number(e.target.value) })}>
                {[10, 20, 50, 100].map((n) => (
                  <option key={n} value={n}>
                    {n}
                  </option>
                ))}
              </select>
            </label>
          </nav>
        </>
      )}
    </section>
  );
}

function DeleteDialog() {
  const deleting = useRunsStore((s) => s.deleting);
  const run = useRunsStore((s) => s.rows.find((r) => r.id === s.deleting?.id) ?? null);
  const askDelete = useRunsStore((s) => s.askDelete);
  const confirmDelete = useRunsStore((s) => s.confirmDelete);
  return (
    <ConfirmDialog
      open={deleting !== null}
      title="Delete this run?"
      confirmLabel="Delete run"
      busy={deleting?.busy}
      error={deleting?.error}
      onConfirm={() => void confirmDelete()}
      onCancel={() => askDelete(null)}
    >
      <p>
        The run <strong>{run ? (run.name ?? run.task) : deleting?.id}</strong> and its record (stages,
        experiments, events) leave the database. Its workspace folder is kept
        {run ? (
          <>
            : <code>{run.workspace}</code>
          </>
        ) : null}
        .
      </p>
    </ConfirmDialog>
  );
}
