import type Database from 'better-sqlite3';
import type { RunStatus } from '../api/runs';

/** Where a run's record stands: its newest event's sequence number and its status. */
export interface RunHead {
  id: string;
  lastSeq: number;
  status: RunStatus;
}

const LIVE: readonly RunStatus[] = ['pending', 'running', 'paused'];

/**
 * The few cheap reads a store tail repeats several times a second: how many run rows there are, which rows
 * are new, and the heads (last_seq, status) of runs. Each is an indexed lookup or a small scan of `runs`;
 * no event is read here (RunRepository.events reads them by their (run_id, seq) key).
 */
export class RunHeads {
  private readonly stmts;

  constructor(db: Database.Database) {
    this.stmts = {
      marks: db.prepare('SELECT count(*) AS count, coalesce(max(rowid), 0) AS maxRowid FROM runs'),
      newer: db.prepare('SELECT rowid, id FROM runs WHERE rowid > ? ORDER BY rowid'),
      live: db.prepare(
        `SELECT id, last_seq AS lastSeq, status FROM runs WHERE status IN (${LIVE.map((s) => `'${s}'`).join(', ')})`,
      ),
      all: db.prepare('SELECT id, last_seq AS lastSeq, status FROM runs'),
      one: db.prepare('SELECT id, last_seq AS lastSeq, status FROM runs WHERE id = ?'),
    };
  }

  /** The row count and the highest rowid: a change in either means rows came or went. */
  marks(): { count: number; maxRowid: number } {
    return this.stmts.marks.get() as { count: number; maxRowid: number };
  }

  /** Rows inserted after `rowid`, oldest first. */
  newer(rowid: number): { rowid: number; id: string }[] {
    return this.stmts.newer.all(rowid) as { rowid: number; id: string }[];
  }

  /** The heads of every run that has not ended. */
  live(): RunHead[] {
    return this.stmts.live.all() as RunHead[];
  }

  /** The heads of every run (once, when a tail starts). */
  all(): RunHead[] {
    return this.stmts.all.all() as RunHead[];
  }

  /** One run's head; null when the row is gone. */
  head(id: string): RunHead | null {
    return (this.stmts.one.get(id) as RunHead | undefined) ?? null;
  }
}
