import { failWith, succeed, type SandboxResult } from './errors';
import type { SandboxLimits } from './types';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** The machine the container runs on (the daemon's, which is not this one with a remote DOCKER_HOST). */
export interface HostResources {
  memoryBytes: number;
  cpus: number;
}

/**
 * Defaults sized for ML work, all overridable per run:
 * - memory: 75% of the daemon host's RAM. Training wants as much as it can get, and a fixed cap (say 16 GiB)
 *   starves a 128 GiB GPU server; the last quarter keeps the desktop, the engine and the page cache alive.
 *   Swap is off (MemorySwap = Memory), so going over the limit is a clean, reported OOM kill, not thrashing.
 * - cpus: every core of the host. A run is the user's main job; the limit exists so they can lower it.
 * - pids: 4096 processes and threads. PyTorch data loaders with a dozen workers of a few dozen threads each
 *   stay far below it; a fork bomb hits it in milliseconds.
 * - shm: half the memory limit, at most 8 GiB. Docker's 64 MB default breaks DataLoader workers; shared memory
 *   is charged to the memory limit as it is used, so a high ceiling costs nothing until it is needed.
 */
export function defaultLimits(host: HostResources): SandboxLimits {
  const memoryBytes = Math.max(512 * MiB, Math.floor((host.memoryBytes * 0.75) / MiB) * MiB);
  return {
    memoryBytes,
    cpus: Math.max(1, host.cpus),
    pids: 4096,
    shmBytes: Math.min(8 * GiB, Math.floor(memoryBytes / 2 / MiB) * MiB),
  };
}

/** Size of the /tmp tmpfs: a quarter of the memory limit, at most 2 GiB (tmpfs pages count as memory). */
export function tmpfsBytes(limits: SandboxLimits): number {
  return Math.min(2 * GiB, Math.max(16 * MiB, Math.floor(limits.memoryBytes / 4 / MiB) * MiB));
}

/** The defaults with the spec's overrides, checked against what the daemon would refuse. */
export function resolveLimits(
  overrides: Partial<SandboxLimits> | undefined,
  host: HostResources,
): SandboxResult<SandboxLimits> {
  const limits = { ...defaultLimits(host), ...definedOnly(overrides ?? {}) };
  if (overrides?.memoryBytes !== undefined && overrides.shmBytes === undefined) {
    limits.shmBytes = Math.min(8 * GiB, Math.floor(limits.memoryBytes / 2));
  }
  const problems: string[] = [];
  if (!Number.isFinite(limits.memoryBytes) || limits.memoryBytes < 16 * MiB) {
    problems.push(`memoryBytes must be at least 16 MiB (got ${limits.memoryBytes})`);
  }
  if (!Number.isFinite(limits.cpus) || limits.cpus < 0.01) {
    problems.push(`cpus must be at least 0.01 (got ${limits.cpus})`);
  } else if (limits.cpus > host.cpus) {
    problems.push(`cpus must be at most ${host.cpus}, the host's cores (got ${limits.cpus})`);
  }
  if (!Number.isInteger(limits.pids) || limits.pids < 8) {
    problems.push(`pids must be a whole number of at least 8 (got ${limits.pids})`);
  }
  if (!Number.isFinite(limits.shmBytes) || limits.shmBytes < MiB) {
    problems.push(`shmBytes must be at least 1 MiB (got ${limits.shmBytes})`);
  }
  if (problems.length > 0) return failWith('invalid_spec', `invalid sandbox limits: ${problems.join('; ')}`);
  return succeed({
    ...limits,
    shmBytes: Math.floor(limits.shmBytes),
    memoryBytes: Math.floor(limits.memoryBytes),
  });
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** "1.5 GiB", "512 MiB": for messages. */
export function formatBytes(bytes: number): string {
  if (bytes >= GiB) return `${Math.round((bytes / GiB) * 10) / 10} GiB`;
  return `${Math.round(bytes / MiB)} MiB`;
}
