import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { SYSTEM_PATHS, hostEntry } from './bwrap';

/**
 * Which OS sandbox this machine offers the local sandbox: bubblewrap on Linux (found on PATH and proven to work
 * by running `true` in a sandbox shaped like the real ones), Seatbelt on macOS (`sandbox-exec`), none elsewhere
 * or when the tool is missing or refused (no user namespaces, a container that forbids them). The answer is
 * kept per PATH for the life of the process: the probe costs a process start.
 */

export type OsSandbox =
  | { kind: 'bubblewrap'; program: string }
  | { kind: 'seatbelt'; program: string }
  | { kind: 'none'; reason: string };

/** How the local sandbox learns which OS sandbox to use (tests inject one). */
export type OsSandboxProbe = (env: NodeJS.ProcessEnv) => Promise<OsSandbox>;

const cache = new Map<string, Promise<OsSandbox>>();

export const probeOsSandbox: OsSandboxProbe = (env) => {
  const key = `${process.platform}\0${env.PATH ?? ''}`;
  let found = cache.get(key);
  if (!found) {
    found = probeUncached(process.platform, env);
    cache.set(key, found);
  }
  return found;
};

export async function probeUncached(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): Promise<OsSandbox> {
  if (platform === 'darwin') {
    const program = '/usr/bin/sandbox-exec';
    return fs.existsSync(program)
      ? { kind: 'seatbelt', program }
      : { kind: 'none', reason: `${program} is missing` };
  }
  if (platform !== 'linux') return { kind: 'none', reason: `no OS sandbox is supported on ${platform}` };
  const program = findOnPath('bwrap', env.PATH ?? '');
  if (!program) {
    return {
      kind: 'none',
      reason: 'bubblewrap (bwrap) is not installed (install it: sudo apt-get install bubblewrap)',
    };
  }
  const args = ['--unshare-all', '--die-with-parent', '--new-session', '--cap-drop', 'ALL'];
  for (const p of SYSTEM_PATHS) {
    const entry = hostEntry(p);
    if (entry.kind === 'link') args.push('--symlink', entry.target, p);
    else if (entry.kind === 'dir') args.push('--ro-bind', p, p);
  }
  args.push('--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp', 'true');
  try {
    const result = await execa(program, args, { env, extendEnv: false, reject: false, timeout: 15_000 });
    if (result.exitCode === 0) return { kind: 'bubblewrap', program };
    const said = String(result.stderr || result.shortMessage || '')
      .trim()
      .split('\n')
      .pop();
    return { kind: 'none', reason: `${program} does not work here (${said || `exit ${result.exitCode}`})` };
  } catch (error) {
    return { kind: 'none', reason: `${program} does not run: ${(error as Error).message}` };
  }
}

function findOnPath(name: string, searchPath: string): string | null {
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/** The error text when a local sandbox cannot be isolated and the run did not ask for `local-unisolated`. */
export function noOsSandboxMessage(reason: string): string {
  return (
    `the local sandbox cannot be isolated on this machine: ${reason}. Without an OS sandbox, commands would run ` +
    'as you, with your files and network. Install bubblewrap (Linux), use Docker (--sandbox docker), or choose ' +
    'to run unisolated on purpose: --sandbox local-unisolated (project.yaml: sandbox.kind: local-unisolated).'
  );
}
