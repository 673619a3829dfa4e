import fs from 'node:fs';
import path from 'node:path';
import { isTerminalStatus, type RunEvent } from '../api/runs';
import { runEventsOf } from '../api/contract';
import type { EventBus } from '../api/event-bus';
import type { RunHeads } from '../store/run-heads';
import type { RunRepository } from '../store/run-repository';

export interface StoreTailOptions {
  /** How often the store is read (ms). */
  intervalMs?: number;
  /** Events read per query; a tick reads at most `maxPages` pages per run, the next tick goes on. */
  pageSize?: number;
  maxPages?: number;
  /**
   * The database file: a change to it or its write-ahead log wakes the tail at once (another process wrote),
   * so another process's events arrive in milliseconds rather than at the next interval. The interval stays, for
   * file systems that report no changes.
   */
  watchFile?: string;
  warn?: (message: string) => void;
}

/** After a change to the database files, the tail reads them this soon (a burst of writes is read once). */
const WAKE_MS = 15;

/**
 * Makes the runs of other processes (a `mle-beast run` in a terminal, another app window's process) live on
 * this process's bus: every few hundred milliseconds it reads the heads of the runs that have not ended, and
 * publishes their stored events newer than what this bus has carried, as the same `run.event`/`run.events`
 * messages this process's own runs send. It also says when run rows come or go (`runs.changed`).
 *
 * No duplicates, no losses: the tail keeps, per run, the highest sequence number that went over this bus
 * (its own messages and the local publisher's alike, which it hears as a subscriber). This process's events
 * are stored and sent in one synchronous step, so a stored event of a local run has always been sent before
 * the tail can read it; the tail therefore never sends them again, and needs no notion of who owns a run.
 */
export class StoreTail {
  /** Per run: the highest seq this bus has carried (or that was already stored when the tail first saw it). */
  private readonly sent = new Map<string, number>();
  /** Runs read on each tick: those not ended, and ended ones until their last event was sent. */
  private readonly watched = new Set<string>();
  private marks: { count: number; maxRowid: number };
  private timer: NodeJS.Timeout | null = null;
  private watcher: fs.FSWatcher | null = null;
  private wake: NodeJS.Timeout | null = null;
  private readonly unsubscribe: () => void;
  private readonly intervalMs: number;
  private readonly pageSize: number;
  private readonly maxPages: number;
  private readonly warn: (message: string) => void;
  private failing = false;

  constructor(
    private readonly heads: RunHeads,
    private readonly repo: RunRepository,
    private readonly bus: EventBus,
    private readonly options: StoreTailOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 250;
    this.pageSize = options.pageSize ?? 1000;
    this.maxPages = options.maxPages ?? 20;
    this.warn = options.warn ?? ((m) => console.warn(m));
    this.unsubscribe = bus.subscribe((message) => {
      for (const event of runEventsOf(message)) this.mark(event);
    });
    // What is stored now is history: clients read it with runs.get. Only what comes after is sent, for every
    // run, so an ended run that another process resumes later sends its new events, not its whole past.
    this.marks = heads.marks();
    for (const head of heads.all()) {
      this.sent.set(head.id, head.lastSeq);
      if (!isTerminalStatus(head.status)) this.watched.add(head.id);
    }
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tickQuietly(), this.intervalMs);
    this.timer.unref();
    // An in-memory or relative database has no folder worth watching.
    if (this.options.watchFile && path.isAbsolute(this.options.watchFile)) this.watch(this.options.watchFile);
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.wake) clearTimeout(this.wake);
    this.wake = null;
    this.watcher?.close();
    this.watcher = null;
    this.unsubscribe();
  }

  /** Wakes the tail when the database or its -wal/-shm files change (the folder is watched: the WAL comes and goes). */
  private watch(file: string): void {
    const base = path.basename(file);
    try {
      this.watcher = fs.watch(path.dirname(file), { persistent: false }, (_event, name) => {
        if (name && !String(name).startsWith(base)) return;
        this.wake ??= setTimeout(() => {
          this.wake = null;
          this.tickQuietly();
        }, WAKE_MS);
      });
      // A watcher that fails later (the folder removed) leaves the interval to do the work.
      this.watcher.on('error', () => {
        this.watcher?.close();
        this.watcher = null;
      });
    } catch {
      // No change notices here (some network file systems): the interval reads the store.
    }
  }

  /** One read of the store: new rows, then the new events of every watched run. Public for tests. */
  tick(): void {
    const marks = this.heads.marks();
    if (marks.count !== this.marks.count || marks.maxRowid !== this.marks.maxRowid) {
      const created = marks.maxRowid > this.marks.maxRowid ? this.heads.newer(this.marks.maxRowid) : [];
      // A run that started and ended between two ticks is never seen live: watch new rows from their start.
      for (const row of created) {
        this.watched.add(row.id);
        if (!this.sent.has(row.id)) this.sent.set(row.id, 0);
      }
      const deleted = Math.max(0, this.marks.count + created.length - marks.count);
      this.marks = marks;
      this.bus.emit('runs.changed', { created: created.map((r) => r.id), deleted });
    }
    for (const head of this.heads.live()) {
      this.watched.add(head.id);
      if (!this.sent.has(head.id)) this.sent.set(head.id, 0);
    }
    for (const id of [...this.watched]) this.catchUp(id);
  }

  private catchUp(id: string): void {
    for (let page = 0; page < this.maxPages; page += 1) {
      const head = this.heads.head(id);
      if (!head) {
        // Deleted: nothing more will come.
        this.watched.delete(id);
        this.sent.delete(id);
        return;
      }
      const sent = this.sent.get(id) ?? 0;
      if (head.lastSeq <= sent) {
        if (isTerminalStatus(head.status)) this.watched.delete(id);
        return;
      }
      const { events, nextSeq } = this.repo.events(id, { sinceSeq: sent, limit: this.pageSize });
      this.send(id, events);
      // Events at or below the head were stored before the query ran; any not returned cannot be read by this
      // version (the repository reported them), so the tail moves past them instead of asking forever.
      if (nextSeq === null) {
        this.sent.set(id, Math.max(this.sent.get(id) ?? 0, head.lastSeq));
        if (isTerminalStatus(head.status) && (this.heads.head(id)?.lastSeq ?? 0) <= head.lastSeq)
          this.watched.delete(id);
        return;
      }
    }
  }

  /** Sends events as runs of consecutive sequence numbers (a batch must be consecutive). */
  private send(runId: string, events: RunEvent[]): void {
    let start = 0;
    for (let i = 1; i <= events.length; i += 1) {
      if (i < events.length && events[i]!.seq === events[i - 1]!.seq + 1) continue;
      const chunk = events.slice(start, i);
      start = i;
      if (chunk.length === 1) this.bus.emit('run.event', chunk[0]!);
      else if (chunk.length > 1) this.bus.emit('run.events', { runId, events: chunk });
    }
  }

  private mark(event: RunEvent): void {
    const sent = this.sent.get(event.runId);
    if (sent === undefined || event.seq > sent) this.sent.set(event.runId, event.seq);
  }

  private tickQuietly(): void {
    try {
      this.tick();
      this.failing = false;
    } catch (error) {
      // A busy or closing store: the next tick tries again; say so once, not four times a second.
      if (!this.failing) this.warn(`reading other processes' runs failed: ${(error as Error).message}`);
      this.failing = true;
    }
  }
}
