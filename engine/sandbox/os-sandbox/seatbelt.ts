import type { NetworkMode } from '../types';

/**
 * The Seatbelt profile (macOS `sandbox-exec -p PROFILE`) of one local-sandbox command. Seatbelt cannot move
 * folders, so commands see host paths; it filters each file operation instead:
 * - writes only to the workspace (not its `.git`), the sandbox's private HOME and temp folder, and /dev/null;
 * - reads everywhere except the hidden paths (the engine's home with the runs' labels and the database, ~/.ssh,
 *   ~/.aws, keychains, the user's policy file), with the `readable` exceptions under them (the visible data and
 *   the one holdout split predict.py needs live in the run folder);
 * - nothing at all in the workspace's engine-only folders (the run reports);
 * - no network unless the run allows it (local Unix sockets stay usable: Python's multiprocessing needs them).
 * Later rules win in Seatbelt, so the order below is deliberate: allow, then deny, then the exceptions, then
 * the engine-only folders.
 */

export interface SeatbeltPlan {
  /** Real host paths. */
  workspaceDir: string;
  homeDir: string;
  tmpDir: string;
  /** Never readable (folders or files). */
  hidden: readonly string[];
  /** Readable even though under a hidden folder: the visible data, transient mounts. */
  readable: readonly string[];
  /**
   * Folders of the workspace only the engine may see (earlier runs' reports, with their final-holdout scores):
   * neither readable nor writable, over every allowance of the workspace.
   */
  engineOnly?: readonly string[];
  network: NetworkMode;
}

/** A string literal in the profile language (a Scheme string). */
export function sbString(value: string): string {
  return `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

const subpath = (p: string) => `(subpath ${sbString(p)})`;

export function seatbeltProfile(plan: SeatbeltPlan): string {
  const lines = [
    '(version 1)',
    '(deny default)',
    '(allow process-exec process-fork)',
    '(allow signal (target same-sandbox))',
    '(allow sysctl-read)',
    '(allow mach-lookup)',
    '(allow ipc-posix-shm ipc-posix-sem)',
    '(allow file-read*)',
  ];
  if (plan.hidden.length > 0)
    lines.push(`(deny file-read* file-write* ${plan.hidden.map(subpath).join(' ')})`);
  if (plan.readable.length > 0) lines.push(`(allow file-read* ${plan.readable.map(subpath).join(' ')})`);
  lines.push(
    `(allow file-write* ${[plan.workspaceDir, plan.homeDir, plan.tmpDir].map(subpath).join(' ')} (literal "/dev/null") (literal "/dev/tty"))`,
    `(deny file-write* ${subpath(`${plan.workspaceDir}/.git`)})`,
  );
  // Last, so neither the workspace's read exception nor its write allowance reopens them.
  if (plan.engineOnly?.length)
    lines.push(`(deny file-read* file-write* ${plan.engineOnly.map(subpath).join(' ')})`);
  if (plan.network === 'bridge') lines.push('(allow network*)');
  else lines.push('(allow network* (local unix-socket) (remote unix-socket))');
  return `${lines.join('\n')}\n`;
}
