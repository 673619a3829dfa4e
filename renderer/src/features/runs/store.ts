import { create } from 'zustand';
import {
  isTerminalStatus,
  openRunView,
  type RunEvent,
  type RunSummary,
  type RunViewCursor,
} from '../../../../engine/api';
import type { RunView } from '../../../../engine/api/run-view';
import { api } from '../../api';
import { messageOf } from '../../lib/format';
import { cursorSource } from '../../lib/run-events';

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
  /** Reads the list again soon (a burst of notices reads it once). */
  listChanged(): void;
  /** Stops following the active runs (the page closed). */
  stop(): void;
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

/**
 * One cursor per active run, for its card: it opens on the run's summary (no history) and follows its events,
 * whichever process carries the run (the host tails the store for the runs of others).
 */
const cursors = new Map<string, RunViewCursor>();
let listTimer: ReturnType<typeof setTimeout> | null = null;

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
      const runs = s.runs.map((r) => (r.id === view.run.id ? view.run : r));
      const active = { ...s.active };
      if (ended) delete active[view.run.id];
      else active[view.run.id] = view;
      return { runs, active };
    });
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
      const live = new Set(runs.filter((r) => isActive(r)).map((r) => r.id));
      const kept: Record<string, RunView> = {};
      for (const [id, view] of Object.entries(active)) if (live.has(id)) kept[id] = view;
      for (const id of [...cursors.keys()]) if (!live.has(id)) unfollow(id);
      set({ runs, active: kept });
      for (const r of runs) if (live.has(r.id)) follow(r);
    },

    listChanged() {
      if (listTimer) return;
      listTimer = setTimeout(() => {
        listTimer = null;
        void get()
          .refresh()
          .catch(() => undefined);
      }, 200);
    },

    stop() {
      for (const id of [...cursors.keys()]) unfollow(id);
      if (listTimer) clearTimeout(listTimer);
      listTimer = null;
    },

    setQuery(patch) {
      // Any change but the page itself goes back to the first page.
      set((s) => ({ query: { ...s.query, ...patch, page: patch.page ?? 0 } }));
    },

    receive(events) {
      // The cursors follow the runs listed as active; an event of any other run means the list changed: a run
      // just started (here or in another process), or one that came back to life (resumed).
      const { runs } = get();
      const seen = new Set<string>();
      for (const e of events) {
        if (seen.has(e.runId) || cursors.has(e.runId)) continue;
        seen.add(e.runId);
        if (!runs.some((r) => r.id === e.runId && isActive(r))) return get().listChanged();
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
        set((s) => ({ deleting: null, runs: s.runs.filter((r) => r.id !== target.id) }));
      } catch (error) {
        set({ deleting: { ...target, busy: false, error: messageOf(error) } });
      }
    },
  };
});
