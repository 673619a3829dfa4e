import { z } from 'zod';
import { RunStatus } from './runs';

/**
 * `app.storage`: where mle-beast keeps its data on this machine, and what the database holds. Shown by the
 * Settings view's Data section so a user can find, back up or clean up their runs.
 */
export const StorageLocationId = z.enum(['database', 'home', 'runs', 'workspaces', 'policy', 'runLogs']);
export type StorageLocationId = z.infer<typeof StorageLocationId>;

export const StorageLocation = z.object({
  id: StorageLocationId,
  label: z.string(),
  /** Absolute path; for per-run places a pattern with `<run id>`. */
  path: z.string(),
  /** Whether it exists now (null for a pattern, which names many places). */
  exists: z.boolean().nullable(),
  /** What lives there, and how it is used (e.g. the environment variable that moves it). */
  note: z.string(),
});
export type StorageLocation = z.infer<typeof StorageLocation>;

const Count = z.number().int().min(0);

export const DatabaseStats = z.object({
  /** The database file, and its write-ahead log beside it (both count towards the disk it takes). */
  fileBytes: Count,
  walBytes: Count,
  runs: Count,
  /** Every status, zero included, so a UI need not know the list. */
  runsByStatus: z.record(RunStatus, Count),
  events: Count,
  experiments: Count,
  llmCalls: Count,
  /** Creation time of the oldest and newest run (ISO); null when there is none. */
  oldestRunAt: z.string().nullable(),
  newestRunAt: z.string().nullable(),
});
export type DatabaseStats = z.infer<typeof DatabaseStats>;

export const AppStorage = z.object({
  locations: z.array(StorageLocation),
  database: DatabaseStats,
});
export type AppStorage = z.infer<typeof AppStorage>;
