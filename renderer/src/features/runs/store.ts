import { create } from 'zustand';
import type { RunEvent, RunSummary } from '../../../../engine/api';
import { openRunView, type RunViewCursor } from '../../../../engine/api/run-cursor';
import { isTerminalStatus } from '../../../../engine/api/vocabulary-values';
import type { RunView } from '../../../../engine/api/run-view';
import { api } from '../../api';
import { messageOf } from '../../lib/format';
import { cursorSource } from '../../lib/run-events';

import { DEFAULT_QUERY, listInput, pageCount, type RunsQuery } from './history';

interface RunsState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  /** The history table's page: searched, filtered, sorted and paged by the engine (runs.list). */
  rows: RunSummary[];
  /** Runs matching the table's query, all pages. */
  total: number;
  /** Runs in the database whatever the query (none: "No runs yet", not "no run matches"). */
  all: number;
  /** Every run that has not ended, for the cards and to tell a run this page has not seen. */
  live: RunSummary[];
  /** The live view of each run that has not ended, for its card. */
  active: Record<string, RunView>;
  query: RunsQuery;
  deleting: { id: string; busy: boolean; error: string | null } | null;
  load(): Promise<void>;
  refresh(): Promise<void>;
  /** Reads the list again soon (a burst of notices reads it once). */
  listChanged(): void;
  /** Stops following the active runs (the page closed). */
  stop(): void;
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
/** A burst of "the list changed" notices reads the list once. */
const LIST_CHANGED_MS = 200;

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
let listTimer: ReturnType<typeof setTimeout> | null = null;
let loading: Promise<void> | null = null;

/**
 * One cursor per active run, for its card: it opens on the run's summary (no history) and follows its events,
 * whichever process carries the run (the host tails the store for the runs of others).
 */
const cursors = new Map<string, RunViewCursor>();

export const useRunsStore = create<RunsState>((set, get) => {
  function follow(run: RunSummary): void {
    if (cursors.has(run.id)) return;
    const cursor = openRunView(cursorSource, run.id, settle, { sinceSeq: run.lastSeq, snapshotLimit: 1 });
    cursors.set(run.id, cursor);
    // A run deleted meanwhile leaves the list on its next read.
    cursor.cursor.ready.catch(() => unfollow(run.id));
  }

  function unfollow(id: string): void {
    cursors.get(id)?.close();
    cursors.delete(id);
  }

  /** Puts a view back: its summary updates the history row; an ended run leaves the cards. */
  function settle(view: RunView): void {
    const ended = isTerminalStatus(view.run.status);
    if (ended) unfollow(view.run.id);
    set((s) => {
      const swap = (r: RunSummary) => (r.id === view.run.id ? view.run : r);
      const active = { ...s.active };
      if (ended) delete active[view.run.id];
      else active[view.run.id] = view;
      return { rows: s.rows.map(swap), live: s.live.map(swap), active };
    });
  }

  return {
    status: 'idle',
    error: null,
    rows: [],
    total: 0,
    all: 0,
    live: [],
    active: {},
    query: DEFAULT_QUERY,
    deleting: null,

    load() {
      // One read at a time: the app starts it before the page mounts (see App), and the page's own call joins it.
      loading ??= (async () => {
        set({ status: get().status === 'ready' ? 'ready' : 'loading', error: null });
        try {
          await get().refresh();
          set({ status: 'ready' });
        } catch (error) {
          set({ status: 'error', error: messageOf(error) });
        } finally {
          loading = null;
        }
      })();
      return loading;
    },

    async refresh() {
      const generation = ++listGeneration;
      const query = get().query;
      const [page, listedLive] = await Promise.all([api.call('runs.list', listInput(query)), listLive()]);
      if (generation !== listGeneration) return;
      const pages = pageCount(page.total, query.pageSize);
      if (page.runs.length === 0 && query.page >= pages && query.page > 0) {
        // The page went past the end (runs were deleted): show the last one there is.
        set({ query: { ...query, page: pages - 1 } });
        return get().refresh();
      }
      const { active } = get();
      const live = listedLive.map((r) => freshest(r, active));
      const liveIds = new Set(live.filter(isActive).map((r) => r.id));
      const kept: Record<string, RunView> = {};
      for (const [id, view] of Object.entries(active)) if (liveIds.has(id)) kept[id] = view;
      for (const id of [...cursors.keys()]) if (!liveIds.has(id)) unfollow(id);
      set({
        rows: page.runs.map((r) => freshest(r, active)),
        total: page.total,
        all: page.all,
        live,
        active: kept,
      });
      // The table shows now; the cards fill in as their cursors open.
      for (const r of live) if (liveIds.has(r.id)) follow(r);
    },

    listChanged() {
      if (listTimer) return;
      listTimer = setTimeout(() => {
        listTimer = null;
        void get()
          .refresh()
          .catch(() => undefined);
      }, LIST_CHANGED_MS);
    },

    stop() {
      for (const id of [...cursors.keys()]) unfollow(id);
      if (listTimer) clearTimeout(listTimer);
      listTimer = null;
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
      // The cursors follow the runs listed as live; an event of any other run means the list changed: a run
      // just started (here or in another process), or one that came back to life (resumed).
      const { live } = get();
      const seen = new Set<string>();
      for (const e of events) {
        if (seen.has(e.runId) || cursors.has(e.runId)) continue;
        seen.add(e.runId);
        if (!live.some((r) => r.id === e.runId && isActive(r))) return get().listChanged();
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
        unfollow(target.id);
        set({ deleting: null });
        await get()
          .refresh()
          .catch(() => undefined); // runs.changed reads it again
      } catch (error) {
        set({ deleting: { ...target, busy: false, error: messageOf(error) } });
      }
    },
  };
});
