import { create } from 'zustand';
import { isTerminalStatus, type RunEvent } from '../../../../engine/api';
import { applyEvents, foldSnapshotPage, initialRunView, type RunView } from '../../../../engine/api/run-view';
import { api } from '../../api';
import { isNotFound, messageOf } from '../../lib/format';

export type RunAction = 'pause' | 'resume' | 'cancel' | 'delete';

interface DetailState {
  runId: string | null;
  status: 'idle' | 'loading' | 'ready' | 'missing' | 'error';
  error: string | null;
  view: RunView | null;
  /** Older events are still being read (a long run opens on its first page and fills in). */
  paging: boolean;
  action: { kind: RunAction; busy: boolean; error: string | null; confirming: boolean } | null;
  open(id: string): Promise<void>;
  close(): void;
  receive(events: RunEvent[]): void;
  catchUp(): Promise<void>;
  ask(kind: RunAction): void;
  dismiss(): void;
  perform(kind: RunAction): Promise<boolean>;
}

/** Events per runs.get page (the contract's most). */
const PAGE = 5000;

// Each open() gets a generation: replies for a run the page has left are dropped.
let generation = 0;
let paging = false;

export const useRunDetailStore = create<DetailState>((set, get) => ({
  runId: null,
  status: 'idle',
  error: null,
  view: null,
  paging: false,
  action: null,

  async open(id) {
    const gen = ++generation;
    paging = false;
    set({ runId: id, status: 'loading', error: null, view: null, action: null, paging: false });
    try {
      const snap = await api.call('runs.get', { id, sinceSeq: 0, limit: PAGE });
      if (gen !== generation) return;
      const { view } = initialRunView(snap, Date.now(), { sinceSeq: 0 });
      set({ status: 'ready', view });
      if (snap.nextSeq !== null) await get().catchUp();
    } catch (error) {
      if (gen !== generation) return;
      set({ status: isNotFound(error) ? 'missing' : 'error', error: messageOf(error) });
    }
  },

  close() {
    generation += 1;
    set({ runId: null, status: 'idle', view: null, action: null, error: null });
  },

  receive(events) {
    const { view } = get();
    if (!view) return;
    const { view: next, gap, applied } = applyEvents(view, events, Date.now());
    if (applied > 0) set({ view: next });
    if (gap) void get().catchUp();
  },

  /** Reads the events after the newest one folded, page by page: fills a gap, or pages in a long run. */
  async catchUp() {
    if (paging) return;
    const gen = generation;
    paging = true;
    set({ paging: true });
    try {
      for (;;) {
        const view = get().view;
        if (!view || gen !== generation) return;
        const snap = await api.call('runs.get', { id: view.run.id, sinceSeq: view.lastSeq, limit: PAGE });
        const current = get().view;
        if (!current || gen !== generation) return;
        set({ view: foldSnapshotPage(current, snap, Date.now()).view });
        if (snap.nextSeq === null) return;
      }
    } catch (error) {
      if (gen === generation && isNotFound(error)) set({ status: 'missing', error: messageOf(error) });
    } finally {
      if (gen === generation) {
        paging = false;
        set({ paging: false });
      }
    }
  },

  ask(kind) {
    set({ action: { kind, busy: false, error: null, confirming: true } });
  },

  dismiss() {
    set({ action: null });
  },

  async perform(kind) {
    const view = get().view;
    if (!view) return false;
    set({ action: { kind, busy: true, error: null, confirming: get().action?.confirming ?? false } });
    try {
      const id = view.run.id;
      if (kind === 'delete') await api.call('runs.delete', { id });
      else await api.call(`runs.${kind}`, { id });
      set({ action: null });
      if (kind !== 'delete') await get().catchUp();
      return true;
    } catch (error) {
      set((s) => ({
        action: { kind, busy: false, error: messageOf(error), confirming: s.action?.confirming ?? false },
      }));
      return false;
    }
  },
}));

/** Whether the run may still change: poll the store for what the host does not push (another process's run). */
export const isLive = (view: RunView | null): boolean => view !== null && !isTerminalStatus(view.run.status);
