import type { RunEvent, RunEventBody } from '../api/runs';
import type { EventBus } from '../api/event-bus';
import type { RunRepository } from '../store/run-repository';

/** How long a coalesced event may wait, and how many may wait, before they are stored and sent together. */
export const COALESCE_MS = 100;
export const COALESCE_MAX = 500;

interface Pending {
  bodies: RunEventBody[];
  timer: NodeJS.Timeout | null;
}

/**
 * Every run event takes this way: appended to SQLite with its per-run sequence number first, then fanned
 * out, so a UI that opens the run later misses nothing. Chatty events (output lines) are coalesced per run
 * (every COALESCE_MS or COALESCE_MAX events, whichever comes first) into one transaction and one `run.events`
 * message; any other event of the run first flushes what waits, so sequence numbers follow the order of
 * emission exactly.
 */
export class EventPublisher {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly repo: RunRepository,
    private readonly bus: EventBus,
    private readonly warn: (message: string) => void = (m) => console.warn(m),
  ) {}

  /** Stores and sends one event now (after what waits for the run). */
  publish(runId: string, body: RunEventBody): RunEvent {
    this.flush(runId);
    const event = this.repo.appendEvent(runId, body);
    this.bus.emit('run.event', event);
    return event;
  }

  /** Queues an event to be stored and sent with others of its run, soon. */
  coalesce(runId: string, body: RunEventBody): void {
    let entry = this.pending.get(runId);
    if (!entry) {
      entry = { bodies: [], timer: null };
      this.pending.set(runId, entry);
    }
    entry.bodies.push(body);
    if (entry.bodies.length >= COALESCE_MAX) this.flush(runId);
    else if (!entry.timer) {
      entry.timer = setTimeout(() => this.flushQuietly(runId), COALESCE_MS);
      entry.timer.unref();
    }
  }

  /** Stores and sends, in one transaction and one message, what waits for a run. */
  flush(runId: string): RunEvent[] {
    const entry = this.pending.get(runId);
    if (!entry) return [];
    this.pending.delete(runId);
    if (entry.timer) clearTimeout(entry.timer);
    if (entry.bodies.length === 0) return [];
    const events = this.repo.appendEvents(runId, entry.bodies);
    if (events.length === 1) this.bus.emit('run.event', events[0]!);
    else this.bus.emit('run.events', { runId, events });
    return events;
  }

  /** Everything that waits, for every run (before the process closes the store). */
  flushAll(): void {
    for (const runId of [...this.pending.keys()]) this.flushQuietly(runId);
  }

  private flushQuietly(runId: string): void {
    try {
      this.flush(runId);
    } catch (error) {
      // A timer has no caller to throw to: a run deleted meanwhile, a store closed under it.
      this.warn(`run ${runId}: output lines were not stored: ${(error as Error).message}`);
    }
  }
}
