import fs from 'node:fs';
import type Database from 'better-sqlite3';
import { RunStatus } from '../api/runs';
import type { DatabaseStats } from '../api/storage';

const sizeOf = (file: string): number => fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0;

/**
 * What the database holds, counted by SQLite, and the size of its file and write-ahead log on disk. The counts
 * are exact (count(*) scans an index), so the view asks for them when opened and on "Count again", not live.
 */
export function databaseStats(db: Database.Database, file: string): DatabaseStats {
  const count = (table: string) =>
    (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  const byStatus = Object.fromEntries(RunStatus.options.map((s) => [s, 0])) as Record<RunStatus, number>;
  const rows = db.prepare('SELECT status, count(*) AS n FROM runs GROUP BY status').all() as {
    status: string;
    n: number;
  }[];
  let runs = 0;
  for (const row of rows) {
    runs += row.n;
    const status = RunStatus.safeParse(row.status);
    if (status.success) byStatus[status.data] = row.n;
  }
  const span = db.prepare('SELECT min(created_at) AS oldest, max(created_at) AS newest FROM runs').get() as {
    oldest: string | null;
    newest: string | null;
  };
  return {
    fileBytes: sizeOf(file),
    walBytes: sizeOf(`${file}-wal`),
    runs,
    runsByStatus: byStatus,
    events: count('events'),
    experiments: count('experiments'),
    llmCalls: count('llm_calls'),
    oldestRunAt: span.oldest,
    newestRunAt: span.newest,
  };
}
