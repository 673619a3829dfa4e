import { create } from 'zustand';
import { isTerminalStatus, type RunEvent, type RunSummary } from '../../../../engine/api';
import { applyEvents, foldSnapshotPage, initialRunView, type RunView } from '../../../../engine/api/run-view';
import { api } from '../../api';
import { messageOf } from '../../lib/format';

import { DEFAULT_QUERY, listInput, pageCount, type RunsQuery } from './history';

interface RunsState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  /** The history table's page: searched, filtered, sorted and paged by the engine (runs.list). */
  rows: RunSummary[];
  /** Runs matching the table's query, all pages. */
  total: number;
  /** Every run that has not ended, for the cards and to tell a run this page has not seen. */
  live: RunSummary[];
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

const LIVE_PAGE = 500;
/** Live runs read at most: more than anyone runs at once. */
const LIVE_MAX = 2000;
/** Typing in the search box asks the engine once it pauses this long. */
const SEARCH_DEBOUNCE_MS = 150;

const isActive = (r: RunSummary) => !isTerminalStatus(r.status);

async function listLive(): Promise<RunSummary[]> {
  const runs: RunSummary[] = [];
  for (let offset = 0; offset < LIVE_MAX; offset += LIVE_PAGE) {
    const page = await api.call('runs.list', { active: true, limit: LIVE_PAGE, offset });
    runs.push(...page.runs);
    if (runs.length >= page.total || page.runs.length === 0) break;
  }
  return runs;
}

/** A live view newer than the listed row wins: the list may have been read before its last events. */
const freshest = (r: RunSummary, active: Record<string, RunView>): RunSummary => {
  const view = active[r.id];
  return view && view.run.lastSeq >= r.lastSeq ? view.run : r;
};

// Each refresh is numbered: an answer to an older query (the user typed on) is dropped.
let listGeneration = 0;
let searchTimer: ReturnType<typeof setTimeout> | null = null;

// Catch-ups in flight, per run: one at a time, so a burst of gaps asks the store once.
const catchingUp = new Set<string>();
// Views being opened: a poll while one is on its way does not ask again.
const opening = new Set<string>();
let listTimer: ReturnType<typeof setTimeout> | null = null;

export const useRunsStore = create<RunsState>((set, get) => {
  /** Opens the live view of an active run: its summary, stages and experiments (events after it follow). */
  async function openView(run: RunSummary): Promise<void> {
    if (opening.has(run.id)) return;
    opening.add(run.id);
    try {
      await readView(run);
    } finally {
      opening.delete(run.id);
    }
  }

  async function readView(run: RunSummary): Promise<void> {
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
      const swap = (r: RunSummary) => (r.id === view.run.id ? view.run : r);
      const active = { ...s.active };
      if (isTerminalStatus(view.run.status)) delete active[view.run.id];
      else active[view.run.id] = view;
      return { rows: s.rows.map(swap), live: s.live.map(swap), active };
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
    rows: [],
    total: 0,
    live: [],
    active: {},
    query: DEFAULT_QUERY,
    deleting: null,

    async load() {
      set({ status: get().status === 'ready' ? 'ready' : 'loading', error: null });
      try {
        await get().refresh();
        set({ status: 'ready' });
      } catch (error) {
        set({ status: 'error', error: messageOf(error) });
      }
    },

    async refresh() {
      const generation = ++listGeneration;
      const query = get().query;
      const [page, listedLive] = await Promise.all([api.call('runs.list', listInput(query)), listLive()]);
      if (generation !== listGeneration) return;
      const pages = pageCount(page.total, query.pageSize);
      if (page.runs.length === 0 && query.page >= pages) {
        // The page went past the end (runs were deleted): show the last one there is.
        set({ query: { ...query, page: pages - 1 } });
        return get().refresh();
      }
      const { active } = get();
      const live = listedLive.map((r) => freshest(r, active));
      const kept: Record<string, RunView> = {};
      for (const r of live) if (active[r.id] && isActive(r)) kept[r.id] = active[r.id]!;
      set({ rows: page.runs.map((r) => freshest(r, active)), total: page.total, live, active: kept });
      // The table shows now; the cards fill in as their views arrive.
      for (const r of live.filter(isActive)) {
        if (kept[r.id]) void catchUp(r.id);
        else void openView(r).catch(() => undefined);
      }
    },

    setQuery(patch) {
      // Any change but the page itself goes back to the first page.
      set((s) => ({ query: { ...s.query, ...patch, page: patch.page ?? 0 } }));
      if (searchTimer) clearTimeout(searchTimer);
      const ask = () => {
        searchTimer = null;
        get()
          .refresh()
          .catch((error: unknown) => set({ status: 'error', error: messageOf(error) }));
      };
      if (patch.search !== undefined) searchTimer = setTimeout(ask, SEARCH_DEBOUNCE_MS);
      else ask();
    },

    receive(events) {
      const byRun = new Map<string, RunEvent[]>();
      for (const e of events) {
        const list = byRun.get(e.runId);
        if (list) list.push(e);
        else byRun.set(e.runId, [e]);
      }
      const { active, live } = get();
      for (const [id, list] of byRun) {
        const view = active[id];
        if (!view) {
          // A run this page has not seen (just started, here or elsewhere), or one that came back to life.
          if (!live.some((r) => r.id === id && isActive(r))) scheduleList();
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
        set({ deleting: null });
        await get()
          .refresh()
          .catch(() => undefined); // the next poll tries again
      } catch (error) {
        set({ deleting: { ...target, busy: false, error: messageOf(error) } });
      }
    },
  };
});
