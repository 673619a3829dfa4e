import { z } from 'zod';

export const HostKind = z.enum(['electron', 'server', 'cli']);
export type HostKind = z.infer<typeof HostKind>;

export const DockerStatus = z.object({
  available: z.boolean(),
  /** Engine version when the daemon answered. */
  version: z.string().nullable(),
  /** Where the client looked (DOCKER_HOST or the default socket). */
  endpoint: z.string(),
  /** What is wrong and how to fix it, when the daemon did not answer. */
  error: z.string().nullable(),
});
export type DockerStatus = z.infer<typeof DockerStatus>;

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  platform: z.string(),
  arch: z.string(),
  nodeVersion: z.string(),
  electronVersion: z.string().nullable(),
  host: HostKind,
  databasePath: z.string(),
  /** Things the store repaired or set aside at start-up, for the user to see. */
  storeNotes: z.array(z.string()),
  docker: DockerStatus,
});
export type AppInfo = z.infer<typeof AppInfo>;
