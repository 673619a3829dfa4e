import fs from 'node:fs';
import path from 'node:path';
import type { RunEventBody, StageName } from '../api/runs';
import type { CommandLog } from '../tools';
import { logFileName, RotatingLogFile, rotatedFileName } from '../tools/output-file';
import type { EventPublisher } from './publisher';

type LogBody = Extract<RunEventBody, { type: 'log' }>;
type Source = LogBody['source'];
type Stream = 'stdout' | 'stderr';

/** What the database keeps of one command's output; the run folder's log file keeps all of it. */
export interface OutputBounds {
  /** The first lines, each stored. */
  headLines: number;
  /** The last lines, stored when the command ends (those not already stored as samples). */
  tailLines: number;
  /** Between head and tail: at most this many lines a second are stored (a live sample). */
  samplesPerSecond: number;
  /** A longer line is cut in its event (the file has it whole). */
  maxLineChars: number;
}

export const DEFAULT_OUTPUT_BOUNDS: OutputBounds = {
  headLines: 200,
  tailLines: 200,
  samplesPerSecond: 2,
  maxLineChars: 4000,
};

/** The folder of a run's command logs. */
export const logsDir = (runDir: string) => path.join(runDir, 'logs');

/**
 * One command's output as the run keeps it (the tools' CommandLog): every chunk to `<run>/logs/<name>.log`
 * (rotated, capped), and as `log` events its first lines, a rate-limited sample, and its last lines, with one
 * `log.omitted` event that says how many lines were not stored and where they are. Per line it does a few
 * comparisons and one array write: no I/O, no transaction.
 */
export class CommandOutputLog implements CommandLog {
  private lines = 0;
  private stored = 0;
  /** The last lines past the head, newest last, at most tailLines (a ring); sampled ones are marked stored. */
  private readonly tail: ({ stream: Stream; text: string; stored: boolean } | undefined)[];
  private tailStart = 0;
  private tailLen = 0;
  private nextSampleAt = 0;
  private announced = false;
  private closed = false;
  private file: RotatingLogFile | null = null;
  /** Resolves when the file is closed. */
  done: Promise<void> = Promise.resolve();

  constructor(
    private readonly publisher: EventPublisher,
    private readonly runId: string,
    private readonly dir: string,
    readonly name: string,
    private readonly meta: { stage: StageName | null; source: Source },
    private readonly bounds: OutputBounds = DEFAULT_OUTPUT_BOUNDS,
    private readonly now: () => number = Date.now,
  ) {
    this.tail = new Array(Math.max(0, bounds.tailLines));
  }

  chunk(_stream: Stream, text: string): void {
    if (this.closed) return;
    this.file ??= new RotatingLogFile(this.dir, this.name);
    this.file.write(text);
  }

  line(stream: Stream, text: string): void {
    if (this.closed) return;
    this.lines += 1;
    if (this.lines <= this.bounds.headLines) return this.store(stream, text);
    const now = this.now();
    const sampled = now >= this.nextSampleAt;
    if (sampled) {
      // A sampled line: stored now (it stays in the tail window, marked, so it is not stored twice).
      this.nextSampleAt = now + 1000 / Math.max(0.001, this.bounds.samplesPerSecond);
      this.store(stream, text);
    } else if (!this.announced) {
      // From here on, lines are not all stored: said once, where it begins.
      this.announce();
    }
    const size = this.tail.length;
    if (size === 0) return;
    const at = (this.tailStart + this.tailLen) % size;
    this.tail[at] = { stream, text, stored: sampled };
    if (this.tailLen < size) this.tailLen += 1;
    else this.tailStart = (this.tailStart + 1) % size;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    const tail: { stream: Stream; text: string }[] = [];
    for (let i = 0; i < this.tailLen; i++) {
      const entry = this.tail[(this.tailStart + i) % this.tail.length]!;
      if (!entry.stored) tail.push(entry);
    }
    const omitted = this.lines - this.stored - tail.length;
    try {
      if (omitted > 0) {
        this.publisher.coalesce(this.runId, {
          type: 'log.omitted',
          ...this.meta,
          log: this.name,
          omittedLines: omitted,
          totalLines: this.lines,
        });
      }
      for (const { stream, text } of tail) this.store(stream, text);
    } finally {
      this.tail.fill(undefined);
      this.done = this.file?.close() ?? Promise.resolve();
    }
  }

  private store(stream: Stream, text: string): void {
    this.stored += 1;
    const max = this.bounds.maxLineChars;
    const cut =
      text.length > max
        ? `${text.slice(0, max)}... [${text.length - max} characters cut; whole in the log]`
        : text;
    this.publisher.coalesce(this.runId, { type: 'log', ...this.meta, stream, text: cut });
  }

  private announce(): void {
    this.announced = true;
    this.publisher.coalesce(this.runId, {
      type: 'log',
      stage: this.meta.stage,
      source: 'engine',
      stream: 'info',
      text: `${this.meta.source} output past ${this.bounds.headLines} lines is sampled here (${this.bounds.samplesPerSecond} lines/s, then its last ${this.bounds.tailLines} lines); all of it is in the run's log ${this.name} (mle-beast show <run> --log ${this.name})`,
    });
  }
}

/**
 * A name for a command's log that no earlier command of the run has (in this process or a previous one):
 * `step<step>-<stage>[-<source>]`, then `-2`, `-3`, ... One directory read per command, never per line.
 */
export function newLogName(
  runDir: string,
  taken: Set<string>,
  step: number,
  stage: StageName | null,
  source: Source,
): string {
  const what = stage === null ? source : stage === source ? stage : `${stage}-${source}`;
  const base = `step${step}-${what}`;
  const exists = (name: string) =>
    taken.has(name) ||
    fs.existsSync(path.join(logsDir(runDir), logFileName(name))) ||
    fs.existsSync(path.join(logsDir(runDir), rotatedFileName(name)));
  let name = base;
  for (let i = 2; exists(name); i++) name = `${base}-${i}`;
  taken.add(name);
  return name;
}
