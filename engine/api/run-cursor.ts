import type { RunEvent, RunSnapshot } from './runs';
import {
  applyEvents,
  foldSnapshotPage,
  initialRunView,
  prependEvents,
  type RunView,
  type ViewLimits,
} from './run-view';

/**
 * The one cursor over a run's events, for every client (the renderer in Electron and in the browser, the CLI):
 * subscribe first, read the snapshot (`runs.get` after a sequence number), then go live, and hand over every
 * event exactly once, in sequence order:
 * - live events that arrive while the store is being read wait, and those the read already returned are dropped;
 * - an event after a hole (a batch lost, an event sent before the subscription took) makes the cursor read the
 *   missing range from the store, and the events after it wait meanwhile;
 * - after the event stream was lost and came back (a dropped WebSocket), it reads what came after its last
 *   event, so nothing sent while it was away is lost;
 * - duplicates (the same event live and from the store, or twice) are ignored.
 * With `tail`, the first read is the newest events (a long run's page shows its latest output at once) and the
 * older ones are handed over afterwards, newest page first, to `sink.older`: the forward stream above is
 * unchanged, and the older range (after `sinceSeq`, before the first event of the tail read) is disjoint from
 * it, so each event is still handed over exactly once.
 * Pure TypeScript over a `CursorSource`: no Node, no DOM, no clock; the same code runs in every process.
 */

/** What a cursor needs of a client: the `runs.get` command and the stream of run events. */
export interface CursorSource {
  get(query: {
    id: string;
    sinceSeq: number;
    limit: number;
    tail?: boolean;
    beforeSeq?: number;
  }): Promise<RunSnapshot>;
  /** Every run event the host sends (of any run), in batches; returns the unsubscribe. */
  onEvents(listener: (events: RunEvent[]) => void): () => void;
  /**
   * Called whenever the event stream is (again) open: events sent while it was closed are missing. A source
   * that cannot lose its stream (in-process, IPC) leaves it out.
   */
  onOpen?(listener: () => void): () => void;
}

/** What a cursor hands over: each event once, in order, after the snapshot. */
export interface CursorSink {
  /** The first read: the run as of now, with its events after `sinceSeq` (a first page of them). */
  snapshot(snapshot: RunSnapshot, sinceSeq: number): void;
  /** A later read from the store (paging in a long run, filling a hole, catching up after a reconnect). */
  page(snapshot: RunSnapshot): void;
  /**
   * With `tail`: a page of older events (ascending), each page before the ones handed over until then;
   * `state` says whether more follow, this was the last, or paging stopped on a failed read (reported to
   * `error`; the older events stay missing until the run is opened again).
   */
  older?(events: RunEvent[], state: 'more' | 'done' | 'failed'): void;
  /** Live events, consecutive and following the last event handed over. */
  events(events: RunEvent[]): void;
  /** A read failed; the cursor tries again on the next hole, reconnect or `catchUp()`. */
  error?(error: unknown): void;
}

export interface RunCursorOptions {
  /** Hand over the events after this sequence number (0: all of them). */
  sinceSeq?: number;
  /** Events in the first read (a card needs none of the history: 1). */
  snapshotLimit?: number;
  /** Events per later read. */
  pageSize?: number;
  /**
   * Read the newest events first (`snapshotLimit` of them), then the older ones in pages of `pageSize`, to
   * `sink.older`, newest page first.
   */
  tail?: boolean;
  /**
   * Awaited before each older page (with `tail`): the caller's way to leave the main thread free between
   * pages (a frame, an idle callback). Default: none.
   */
  pace?: () => Promise<void>;
}

export interface RunCursor {
  /** The newest event handed over (the `sinceSeq` until then). */
  readonly lastSeq: number;
  /** Resolves after the first read (rejects when it failed). */
  readonly ready: Promise<void>;
  /** Reads what the store has after the last event (a run that may have changed unseen). */
  catchUp(): Promise<void>;
  close(): void;
}

/** The contract's most events per `runs.get`. */
const MAX_PAGE = 5000;

export function openRunCursor(
  source: CursorSource,
  runId: string,
  sink: CursorSink,
  options: RunCursorOptions = {},
): RunCursor {
  const sinceSeq = options.sinceSeq ?? 0;
  const pageSize = Math.min(options.pageSize ?? MAX_PAGE, MAX_PAGE);
  let lastSeq = sinceSeq;
  let loaded = false;
  let closed = false;
  /** Live events not handed over yet, by seq (waiting for a read, or for the events before them). */
  const waiting = new Map<number, RunEvent>();
  let reading: Promise<void> | null = null;
  let readAgain = false;
  if (options.tail && !sink.older) throw new Error('a tail cursor needs a sink with `older`');

  const offEvents = source.onEvents((events) => {
    if (closed) return;
    for (const e of events) if (e.runId === runId && e.seq > lastSeq) waiting.set(e.seq, e);
    if (loaded && !reading) drain();
  });
  const offOpen = source.onOpen?.(() => {
    if (!closed) void read();
  });

  /** Hands over the waiting events that follow the last one; a hole before the rest makes it read the store. */
  function drain(): void {
    const out: RunEvent[] = [];
    for (let next = waiting.get(lastSeq + 1); next; next = waiting.get(lastSeq + 1)) {
      waiting.delete(next.seq);
      out.push(next);
      lastSeq = next.seq;
    }
    if (out.length > 0) sink.events(out);
    if (waiting.size > 0) void read();
  }

  function forget(): void {
    for (const seq of waiting.keys()) if (seq <= lastSeq) waiting.delete(seq);
  }

  let settleReady: { resolve(): void; reject(error: unknown): void } | null = null;
  const ready = new Promise<void>((resolve, reject) => (settleReady = { resolve, reject }));
  ready.catch(() => undefined);

  /**
   * Reads the store after the last event until it has no more; one read at a time, repeated when asked again
   * meanwhile. Never rejects: a failure goes to the sink (and rejects `ready` when it was the first read).
   */
  function read(): Promise<void> {
    if (reading) {
      readAgain = true;
      return reading;
    }
    reading = (async () => {
      await null; // `reading` is set before any of this runs, even when `get` throws at once
      // The events that already waited when the last read began: stored before it, so it must have seen them.
      let waitedBefore: Set<number>;
      try {
        do {
          readAgain = false;
          for (;;) {
            const first = !loaded;
            const tail = first && options.tail === true;
            waitedBefore = new Set(waiting.keys());
            const snap = await source.get({
              id: runId,
              sinceSeq: lastSeq,
              limit: first ? Math.min(options.snapshotLimit ?? pageSize, MAX_PAGE) : pageSize,
              ...(tail ? { tail: true } : {}),
            });
            if (closed) return;
            const events = snap.events.filter((e) => e.seq > lastSeq);
            if (events.length > 0) lastSeq = events[events.length - 1]!.seq;
            forget();
            if (first) {
              loaded = true;
              sink.snapshot({ ...snap, events }, sinceSeq);
              settleReady?.resolve();
              // The older events page in behind the tail, beside the forward reads.
              if (tail && snap.nextSeq !== null) void readOlder(snap.nextSeq);
              if (tail) break;
            } else sink.page({ ...snap, events });
            if (snap.nextSeq === null) break;
          }
        } while (readAgain && !closed);
      } catch (error) {
        reading = null;
        if (closed) return;
        if (!loaded) settleReady?.reject(error);
        sink.error?.(error);
        return;
      }
      reading = null;
      if (closed) return;
      // An event that waited before the read began, after a hole the read did not fill: the events in the hole
      // are stored but this version cannot read them (the store skips them). Go on after them, not ask forever.
      const first = Math.min(...waiting.keys());
      if (waiting.size > 0 && first > lastSeq + 1 && waitedBefore.has(first)) lastSeq = first - 1;
      drain();
    })();
    return reading;
  }

  /**
   * Hands over the events after `sinceSeq` and before `beforeSeq` (the first event of the tail read), newest
   * page first, pacing each page. A failure goes to the sink; older output is then missing until reopened.
   */
  async function readOlder(beforeSeq: number): Promise<void> {
    let before: number | null = beforeSeq;
    try {
      while (before !== null && before > sinceSeq + 1) {
        await options.pace?.();
        if (closed) return;
        const snap = await source.get({
          id: runId,
          sinceSeq,
          limit: pageSize,
          tail: true,
          beforeSeq: before,
        });
        if (closed) return;
        const events = snap.events.filter((e) => e.seq > sinceSeq && e.seq < before!);
        const next: number | null = snap.nextSeq !== null && snap.nextSeq < before ? snap.nextSeq : null;
        before = next;
        sink.older!(events, next !== null ? 'more' : 'done');
      }
    } catch (error) {
      if (!closed) {
        sink.older!([], 'failed');
        sink.error?.(error);
      }
    }
  }

  void read();
  return {
    get lastSeq() {
      return lastSeq;
    },
    ready,
    catchUp: () => read(),
    close() {
      closed = true;
      waiting.clear();
      offEvents();
      offOpen?.();
    },
  };
}

/** A run's view kept current by a cursor: the one fold (run-view.ts) over the one cursor. */
export interface RunViewCursor {
  readonly view: RunView | null;
  readonly cursor: RunCursor;
  close(): void;
}

/**
 * Opens a cursor on a run and folds what it hands over into its view; `onView` gets each new view (one per
 * snapshot, page or batch of live events), and whether older events are still being read (a long run opens on
 * its first page and fills in). `now` is the caller's clock.
 */
export function openRunView(
  source: CursorSource,
  runId: string,
  onView: (view: RunView, info: { paging: boolean }) => void,
  options: RunCursorOptions & {
    limits?: Partial<ViewLimits>;
    now?: () => number;
    onError?: (error: unknown) => void;
  } = {},
): RunViewCursor {
  const now = options.now ?? Date.now;
  let view: RunView | null = null;
  let paging = false;
  /** Forward pages still to read (a long run read from its start), and older ones (a tail read). */
  let forward = false;
  let older = false;
  const set = (next: RunView, nextSeq?: number | null) => {
    if (nextSeq !== undefined) forward = nextSeq !== null;
    const more = forward || older;
    if (next === view && more === paging) return;
    view = next;
    paging = more;
    onView(next, { paging });
  };
  const cursor = openRunCursor(
    source,
    runId,
    {
      snapshot: (snap, sinceSeq) => {
        // A tail read's nextSeq points at older events, not at more forward pages.
        if (options.tail) older = snap.nextSeq !== null;
        const opened = initialRunView(snap, now(), { sinceSeq, limits: options.limits, tail: options.tail });
        set(opened.view, options.tail ? null : snap.nextSeq);
      },
      older: (events, state) => {
        if (!view) return;
        older = state === 'more';
        let next = prependEvents(view, events);
        if (state === 'done') next = { ...next, olderBefore: next.sinceSeq + 1 };
        set(next);
      },
      page: (snap) => view && set(foldSnapshotPage(skipTo(view, snap), snap, now()).view, snap.nextSeq),
      events: (events) => view && set(applyEvents(skipTo(view, { events }), events, now()).view),
      error: options.onError,
    },
    options,
  );
  return {
    get view() {
      return view;
    },
    cursor,
    close: () => cursor.close(),
  };
}

/**
 * The cursor hands events over without holes, except past stored events this version cannot read: the view
 * moves past those too, or the fold would wait for them forever.
 */
function skipTo(view: RunView, batch: { events: readonly RunEvent[] }): RunView {
  const first = batch.events[0];
  return first && first.seq > view.lastSeq + 1 ? { ...view, lastSeq: first.seq - 1 } : view;
}
