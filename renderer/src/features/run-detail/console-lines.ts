import type { StageName } from '../../../../engine/api';
import type { LogLine } from '../../../../engine/api/run-view';

/** One row of the console: one line of text (an event may carry several). */
export interface ConsoleRow {
  key: string;
  source: string;
  stream: string;
  text: string;
}

/** Rows per chunk: appends fill the last chunk, prepends add chunks at the front; nothing is re-copied. */
const CHUNK = 4096;

/**
 * The console's rows over a run's log lines, kept in step with the view's `logs` cheaply: the view only ever
 * grows at its end (live events) or at its start (older pages of a tail read), so each sync turns only the new
 * lines into rows, in chunks, instead of rebuilding 100,000 rows per batch. Anything else (a filter change,
 * lines dropped at the limit, another run) rebuilds once. Rows are found by index with a binary search over
 * the chunks' first indexes.
 */
export class LineBuffer {
  private chunks: ConsoleRow[][] = [];
  private starts: number[] = [];
  private firstSeq = 0;
  private lastSeq = 0;
  private source: readonly LogLine[] | null = null;
  private filter: ((l: LogLine) => boolean) | null = null;
  /** Rows. */
  length = 0;
  /** Rows the last sync put before the ones there were (the console keeps the reader's place by them). */
  addedAtFront = 0;
  /** Rebuilds so far, and rows put in front since the last one: what a cached search needs to stay right. */
  private generation = 0;
  private frontSinceRebuild = 0;
  private search: {
    needle: string;
    generation: number;
    front: number;
    length: number;
    hits: number[];
  } | null = null;
  /** Stages that have lines, in first-seen order. */
  readonly stages = new Set<StageName>();

  /** `runId`: the run whose lines these are (a buffer never mixes two runs). */
  constructor(readonly runId: string) {}

  /** Brings the rows up to `logs` kept by `filter`; returns whether anything changed. */
  sync(logs: readonly LogLine[], filter: (l: LogLine) => boolean): boolean {
    this.addedAtFront = 0;
    if (logs === this.source && filter === this.filter) return false;
    const first = logs[0];
    const last = logs[logs.length - 1];
    const incremental =
      filter === this.filter && this.source !== null && this.source.length > 0 && first && last;
    if (!incremental || first.seq > this.firstSeq || last.seq < this.lastSeq) {
      this.rebuild(logs, filter);
      return true;
    }
    // New lines at the front (older pages), then at the end (live output).
    let front = 0;
    while (front < logs.length && logs[front]!.seq < this.firstSeq) front += 1;
    let back = logs.length;
    while (back > front && logs[back - 1]!.seq > this.lastSeq) back -= 1;
    this.source = logs;
    if (front > 0) {
      const rows = this.rows(logs, 0, front);
      this.addedAtFront = rows.length;
      this.frontSinceRebuild += rows.length;
      for (let end = rows.length; end > 0; end -= CHUNK)
        this.chunks.unshift(rows.slice(Math.max(0, end - CHUNK), end));
      this.firstSeq = first.seq;
    }
    if (back < logs.length) {
      const rows = this.rows(logs, back, logs.length);
      for (const row of rows) {
        const tail = this.chunks[this.chunks.length - 1];
        if (tail && tail.length < CHUNK) tail.push(row);
        else this.chunks.push([row]);
      }
      this.lastSeq = last.seq;
    }
    this.index();
    return true;
  }

  /** The row at `i` (0 ≤ i < length). */
  at(i: number): ConsoleRow {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= i) lo = mid;
      else hi = mid - 1;
    }
    return this.chunks[lo]![i - this.starts[lo]!]!;
  }

  /**
   * Indexes of the rows whose text contains `needle` (lower case). Incremental: asked again for the same text,
   * it searches only the rows added since (at either end) and shifts the earlier matches.
   */
  find(needle: string): number[] {
    const last = this.search;
    let hits: number[];
    if (last && last.needle === needle && last.generation === this.generation) {
      const shift = this.frontSinceRebuild - last.front;
      if (shift === 0 && last.length === this.length) return last.hits;
      hits = this.scan(needle, 0, shift);
      for (const h of last.hits) hits.push(h + shift);
      hits.push(...this.scan(needle, last.length + shift, this.length));
    } else hits = this.scan(needle, 0, this.length);
    this.search = {
      needle,
      generation: this.generation,
      front: this.frontSinceRebuild,
      length: this.length,
      hits,
    };
    return hits;
  }

  /** Indexes in [from, to) of the rows whose text contains `needle`. */
  private scan(needle: string, from: number, to: number): number[] {
    const out: number[] = [];
    for (let c = 0; c < this.chunks.length; c++) {
      const start = this.starts[c]!;
      const chunk = this.chunks[c]!;
      if (start + chunk.length <= from) continue;
      if (start >= to) break;
      for (let j = Math.max(0, from - start); j < chunk.length && start + j < to; j++)
        if (chunk[j]!.text.toLowerCase().includes(needle)) out.push(start + j);
    }
    return out;
  }

  private rebuild(logs: readonly LogLine[], filter: (l: LogLine) => boolean): void {
    this.source = logs;
    this.filter = filter;
    this.generation += 1;
    this.frontSinceRebuild = 0;
    this.chunks = [];
    this.stages.clear();
    const rows = this.rows(logs, 0, logs.length);
    for (let i = 0; i < rows.length; i += CHUNK) this.chunks.push(rows.slice(i, i + CHUNK));
    this.firstSeq = logs[0]?.seq ?? 0;
    this.lastSeq = logs[logs.length - 1]?.seq ?? 0;
    this.index();
  }

  private rows(logs: readonly LogLine[], from: number, to: number): ConsoleRow[] {
    const out: ConsoleRow[] = [];
    const keep = this.filter!;
    for (let i = from; i < to; i++) {
      const l = logs[i]!;
      if (l.stage) this.stages.add(l.stage);
      if (!keep(l)) continue;
      // Most events carry one line: split only those that hold more.
      if (l.text.indexOf('\n') < 0 || l.text.indexOf('\n') === l.text.length - 1) {
        out.push({ key: `${l.seq}:0`, source: l.source, stream: l.stream, text: l.text.replace(/\n$/, '') });
        continue;
      }
      const parts = l.text.replace(/\n$/, '').split('\n');
      for (let p = 0; p < parts.length; p++)
        out.push({ key: `${l.seq}:${p}`, source: l.source, stream: l.stream, text: parts[p]! });
    }
    return out;
  }

  private index(): void {
    this.chunks = this.chunks.filter((c) => c.length > 0);
    this.starts = [];
    let n = 0;
    for (const c of this.chunks) {
      this.starts.push(n);
      n += c.length;
    }
    this.length = n;
  }
}

/** The same rows over plain lines of text (a command's full log file). */
export function fileRows(name: string, firstLine: number, lines: readonly string[]): ConsoleRow[] {
  return lines.map((text, i) => ({ key: `f${firstLine + i}`, source: name, stream: 'stdout', text }));
}
