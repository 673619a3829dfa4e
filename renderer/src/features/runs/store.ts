import { create } from 'zustand';
import { isTerminalStatus, type RunEvent, type RunSummary } from '../../../../engine/api';
import { applyEvents, foldSnapshotPage, initialRunView, type RunView } from '../../../../engine/api/run-view';
import { api } from '../../api';
import { messageOf } from '../../lib/format';

import type { RunsQuery } from './history';

interface RunsState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  /** Every run in the database, newest first (runs.list, paged through). */
  runs: RunSummary[];
  /** The live view of each run that has not ended, for its card. */
  active: Record<string, RunView>;
  query: RunsQuery;
  deleting: { id: string; busy: boolean; error: string | null } | null;
  load(): Promise<void>;
  refresh(): Promise<void>;
  setQuery(patch: Partial<RunsQuery>): void;
  receive(events: RunEvent[]): void;
  askDelete(id: string | null): void;
  confirmDelete(): Promise<void>;
}

const LIST_PAGE = 500;
/** How many runs the page reads at most: the history table sorts and searches these in memory. */
const LIST_MAX = 10_000;

const isActive = (r: RunSummary) => !isTerminalStatus(r.status);

async function listAll(): Promise<RunSummary[]> {
  const runs: RunSummary[] = [];
  for (let offset = 0; offset < LIST_MAX; offset += LIST_PAGE) {
    const page = await api.call('runs.list', { limit: LIST_PAGE, offset });
    runs.push(...page.runs);
    if (runs.length >= page.total || page.runs.length === 0) break;
  }
  return runs;
}

// Catch-ups in flight, per run: one at a time, so a burst of gaps asks the store once.
const catchingUp = new Set<string>();
let listTimer: ReturnType<typeof setTimeout> | null = null;

export const useRunsStore = create<RunsState>((set, get) => {
  /** Opens the live view of an active run: its summary, stages and experiments (events after it follow). */
  async function openView(run: RunSummary): Promise<void> {
    const snap = await api.call('runs.get', { id: run.id, sinceSeq: run.lastSeq, limit: 1 });
    const view = initialRunView({ ...snap, events: [] }, Date.now(), { sinceSeq: snap.run.lastSeq }).view;
    set((s) => (s.active[run.id] ? {} : { active: { ...s.active, [run.id]: view } }));
  }

  /** Asks the store for the events after the view's last one: fills a gap, or follows another process's run. */
  async function catchUp(id: string): Promise<void> {
    if (catchingUp.has(id)) return;
    catchingUp.add(id);
    try {
      for (;;) {
        const view = get().active[id];
        if (!view) return;
        const snap = await api.call('runs.get', { id, sinceSeq: view.lastSeq, limit: 1000 });
        const current = get().active[id];
        if (!current) return;
        const { view: next } = foldSnapshotPage(current, snap, Date.now());
        settle(next);
        if (snap.nextSeq === null) return;
      }
    } catch {
      // The next poll tries again; a deleted run leaves the list on the next refresh.
    } finally {
      catchingUp.delete(id);
    }
  }

  /** Puts a view back: its summary updates the history row; an ended run leaves the cards. */
  function settle(view: RunView): void {
    set((s) => {
      const runs = s.runs.map((r) => (r.id === view.run.id ? view.run : r));
      const active = { ...s.active };
      if (isTerminalStatus(view.run.status)) delete active[view.run.id];
      else active[view.run.id] = view;
      return { runs, active };
    });
  }

  function scheduleList(): void {
    if (listTimer) return;
    listTimer = setTimeout(() => {
      listTimer = null;
      void get().refresh();
    }, 300);
  }

  return {
    status: 'idle',
    error: null,
    runs: [],
    active: {},
    query: { search: '', status: 'all', sort: 'createdAt', dir: 'desc', page: 0, pageSize: 20 },
    deleting: null,

    async load() {
      set({ status: get().runs.length > 0 ? 'ready' : 'loading', error: null });
      try {
        await get().refresh();
        set({ status: 'ready' });
      } catch (error) {
        set({ status: 'error', error: messageOf(error) });
      }
    },

    async refresh() {
      const listed = await listAll();
      const { active } = get();
      // A live view newer than the listed row wins: the list may have been read before its last events.
      const runs = listed.map((r) => {
        const view = active[r.id];
        return view && view.run.lastSeq >= r.lastSeq ? view.run : r;
      });
      const ids = new Set(runs.map((r) => r.id));
      const kept: Record<string, RunView> = {};
      for (const [id, view] of Object.entries(active)) {
        const row = runs.find((r) => r.id === id);
        if (ids.has(id) && row && isActive(row)) kept[id] = view;
      }
      set({ runs, active: kept });
      await Promise.all(
        runs.filter(isActive).map((r) => (kept[r.id] ? catchUp(r.id) : openView(r).catch(() => undefined))),
      );
    },

    setQuery(patch) {
      // Any change but the page itself goes back to the first page.
      set((s) => ({ query: { ...s.query, ...patch, page: patch.page ?? 0 } }));
    },

    receive(events) {
      const byRun = new Map<string, RunEvent[]>();
      for (const e of events) {
        const list = byRun.get(e.runId);
        if (list) list.push(e);
        else byRun.set(e.runId, [e]);
      }
      const { active, runs } = get();
      for (const [id, list] of byRun) {
        const view = active[id];
        if (!view) {
          // A run this page has not seen (just started, here or elsewhere), or one that came back to life.
          if (!runs.some((r) => r.id === id && isActive(r))) scheduleList();
          continue;
        }
        const { view: next, gap, applied } = applyEvents(view, list, Date.now());
        if (applied > 0) settle(next);
        if (gap) void catchUp(id);
      }
    },

    askDelete(id) {
      set({ deleting: id ? { id, busy: false, error: null } : null });
    },

    async confirmDelete() {
      const target = get().deleting;
      if (!target) return;
      set({ deleting: { ...target, busy: true, error: null } });
      try {
        await api.call('runs.delete', { id: target.id });
        set((s) => ({ deleting: null, runs: s.runs.filter((r) => r.id !== target.id) }));
      } catch (error) {
        set({ deleting: { ...target, busy: false, error: messageOf(error) } });
      }
    },
  };
});
