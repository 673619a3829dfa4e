import { z } from 'zod';

/**
 * Live updates across processes. A long-lived host (serve, the desktop app) tails the shared store for runs
 * carried by other processes (`mle-beast run` in a terminal) and publishes their events as the same
 * `run.event`/`run.events` it publishes for its own runs; this event tells a runs list that rows came or went.
 */
export const RunsChanged = z.object({
  /** Runs whose rows appeared since the last notice (started here or in another process). */
  created: z.array(z.string().min(1)),
  /** How many rows went away since the last notice (deleted here or in another process). */
  deleted: z.number().int().min(0),
});
export type RunsChanged = z.infer<typeof RunsChanged>;

/** The state of a client's event stream, for a "reconnecting…" notice. */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting';
