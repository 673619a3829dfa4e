import { create } from 'zustand';
import type { RunSnapshot } from '../../../../engine/api';
import { openRunView, type CursorSource, type RunViewCursor } from '../../../../engine/api/run-cursor';
import type { RunView } from '../../../../engine/api/run-view';
import { api } from '../../api';
import { isNotFound, messageOf } from '../../lib/format';
import { cursorSource } from '../../lib/run-events';

export type RunAction = 'pause' | 'resume' | 'cancel' | 'delete';

interface DetailState {
  runId: string | null;
  status: 'idle' | 'loading' | 'ready' | 'missing' | 'error';
  error: string | null;
  view: RunView | null;
  /** Older events are still being read (a long run opens on its newest page and fills in behind it). */
  paging: boolean;
  action: { kind: RunAction; busy: boolean; error: string | null; confirming: boolean } | null;
  /** The page opens its run (joining a preopen of the same run); `preopen` passes `{ preopen: true }`. */
  open(id: string, how?: { preopen: boolean }): Promise<void>;
  /**
   * Start-up's open (startup.ts), before the page's chunk has loaded: the newest events are read at once, the
   * older ones only after the page has opened (`open`), so paging them in never delays its first screen.
   */
  preopen(id: string): Promise<void>;
  close(): void;
  catchUp(): Promise<void>;
  ask(kind: RunAction): void;
  dismiss(): void;
  perform(kind: RunAction): Promise<boolean>;
}

/**
 * Events per runs.get read. The page opens on the newest of them (a tail read) and pages the older ones in
 * behind, one page per idle moment: a page is small enough that reading, checking and folding it stays well
 * under a frame's long-task budget (50 ms) on a slow machine.
 */
const PAGE = 1000;
/** Events in the first (tail) read: more than a console screen of lines, little enough to show at once. */
const FIRST = 500;

/** Lines the view keeps: the console holds a whole 100,000-event run, and more. */
const LIMITS = { logLines: 250_000, metricPoints: 50_000 };

/** Waits for the main thread to be idle (a frame at most), so paging never stalls scrolling or typing. */
const idle = (): Promise<void> =>
  new Promise((resolve) => {
    if (typeof requestIdleCallback === 'function') requestIdleCallback(() => resolve(), { timeout: 100 });
    else setTimeout(resolve, 0);
  });

/**
 * The open run's cursor: snapshot, then live events from the host's bus, which carries this process's runs
 * and, tailed from the store, those of other processes. It catches up by itself after a hole or a reconnect.
 */
let live: RunViewCursor | null = null;

/**
 * The cursor's source with its first (tail) read sent at once by `send`: the cursor itself asks a microtask after
 * it subscribes, which at start-up is only once the whole bundle has run. Sent right after the subscription, in
 * the same tick (no event can fall between them), the read is on its way meanwhile; the cursor's own first read
 * takes it.
 */
function sourceWithTailRead(id: string): CursorSource & { send(): void } {
  let sent: Promise<RunSnapshot> | null = null;
  const isFirst = (q: Parameters<CursorSource['get']>[0]) =>
    q.id === id && q.sinceSeq === 0 && q.limit === FIRST && q.tail === true && q.beforeSeq === undefined;
  return {
    ...cursorSource,
    get(query) {
      if (!sent || !isFirst(query)) return cursorSource.get(query);
      const read = sent;
      sent = null;
      return read;
    },
    send() {
      sent = cursorSource.get({ id, sinceSeq: 0, limit: FIRST, tail: true });
      sent.catch(() => undefined); // the cursor's read reports it; unhandled only if the cursor closed first
    },
  };
}

/** Older pages wait for this: open by default, closed between a preopen and the page's own open. */
let pageOpened: Promise<void> = Promise.resolve();
let openPage: () => void = () => undefined;
const olderPace = () => pageOpened.then(idle);

export const useRunDetailStore = create<DetailState>((set, get) => ({
  runId: null,
  status: 'idle',
  error: null,
  view: null,
  paging: false,
  action: null,

  async preopen(id) {
    pageOpened = new Promise((resolve) => (openPage = resolve));
    return get().open(id, { preopen: true });
  },

  async open(id, how?: { preopen: boolean }) {
    if (!how?.preopen) openPage();
    // Opened at start-up (preopen), before this page had mounted: the page joins that read.
    const { runId, status } = get();
    if (live && runId === id && (status === 'loading' || status === 'ready'))
      return live.cursor.ready.catch(() => undefined);
    live?.close();
    set({ runId: id, status: 'loading', error: null, view: null, action: null, paging: false });
    const source = sourceWithTailRead(id);
    const mine = openRunView(source, id, (view, { paging }) => set({ status: 'ready', view, paging }), {
      pageSize: PAGE,
      snapshotLimit: FIRST,
      tail: true,
      pace: olderPace,
      limits: LIMITS,
      onError: (error) => {
        // A failed first read is the page's error; later ones are retried on the next hole or reconnect.
        if (live === mine && (get().status === 'loading' || isNotFound(error)))
          set({ status: isNotFound(error) ? 'missing' : 'error', error: messageOf(error) });
      },
    });
    source.send();
    live = mine;
    await mine.cursor.ready.catch(() => undefined);
  },

  close() {
    live?.close();
    live = null;
    set({ runId: null, status: 'idle', view: null, action: null, error: null, paging: false });
  },

  /** Reads what the store has after the newest event folded (after an action, whose effect it awaits). */
  async catchUp() {
    await live?.cursor.catchUp();
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
