import type { CursorSource } from '../run-cursor';
import type { RunEvent, RunEventBody, RunSnapshot, RunSummary } from '../runs';

/**
 * Tests only: a host holding one run's events in memory, with the faults a real one has: events stored but
 * never sent (a lost message), sent twice or out of order, `runs.get` replies held back while events go on,
 * and an event stream that drops and comes back (its `onOpen` listeners are told).
 */
export class FakeRunHost implements CursorSource {
  readonly stored: RunEvent[] = [];
  private readonly listeners = new Set<(events: RunEvent[]) => void>();
  private readonly openListeners = new Set<() => void>();
  /** While false, sent events are lost (a dropped WebSocket). */
  connected = true;
  /** While set, `get` replies wait for `release()`. */
  private held: (() => void)[] | null = null;
  /** Each `get` asked; `tail` and `beforeSeq` only when given. */
  gets: { sinceSeq: number; limit: number; tail?: boolean; beforeSeq?: number }[] = [];
  /** Makes the next `get` fail. */
  failNext: Error | null = null;

  constructor(readonly summary: RunSummary) {}

  /** Stores events (the next sequence numbers); returns them, not sent. */
  store(...bodies: RunEventBody[]): RunEvent[] {
    return bodies.map((body) => {
      const event = {
        runId: this.summary.id,
        seq: this.stored.length + 1,
        at: new Date(0).toISOString(),
        body,
      };
      this.stored.push(event);
      return event;
    });
  }

  /** Sends events to the subscribers as the host would (lost while disconnected). */
  send(events: RunEvent[]): void {
    if (!this.connected || events.length === 0) return;
    for (const l of this.listeners) l(events);
  }

  /** Stores and sends, the normal way. */
  publish(...bodies: RunEventBody[]): RunEvent[] {
    const events = this.store(...bodies);
    this.send(events);
    return events;
  }

  disconnect(): void {
    this.connected = false;
  }

  reconnect(): void {
    this.connected = true;
    for (const l of this.openListeners) l();
  }

  hold(): void {
    this.held ??= [];
  }

  release(): void {
    const waiting = this.held ?? [];
    this.held = null;
    for (const go of waiting) go();
  }

  async get({
    sinceSeq,
    limit,
    tail,
    beforeSeq,
  }: {
    id: string;
    sinceSeq: number;
    limit: number;
    tail?: boolean;
    beforeSeq?: number;
  }): Promise<RunSnapshot> {
    this.gets.push({
      sinceSeq,
      limit,
      ...(tail !== undefined ? { tail } : {}),
      ...(beforeSeq !== undefined ? { beforeSeq } : {}),
    });
    if (this.failNext) {
      const error = this.failNext;
      this.failNext = null;
      throw error;
    }
    if (this.held) await new Promise<void>((go) => this.held!.push(go));
    // The reply is read when the host answers: everything stored by then.
    const after = this.stored.filter((e) => e.seq > sinceSeq);
    if (tail) {
      // The newest `limit` before `beforeSeq`, as the repository's tail read; nextSeq pages older.
      const range = after.filter((e) => beforeSeq === undefined || e.seq < beforeSeq);
      const events = range.slice(Math.max(0, range.length - limit));
      return {
        run: { ...this.summary, lastSeq: this.stored.length },
        stages: [],
        experiments: [],
        events,
        nextSeq: range.length > limit ? events[0]!.seq : null,
      };
    }
    const events = after.slice(0, limit);
    return {
      run: { ...this.summary, lastSeq: this.stored.length },
      stages: [],
      experiments: [],
      events,
      nextSeq: after.length > limit ? events[events.length - 1]!.seq : null,
    };
  }

  onEvents(listener: (events: RunEvent[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onOpen(listener: () => void): () => void {
    this.openListeners.add(listener);
    return () => this.openListeners.delete(listener);
  }

  get subscribers(): number {
    return this.listeners.size;
  }
}
