import fs from 'node:fs';
import path from 'node:path';
import { SandboxError, failWith, succeed, type SandboxResult } from './errors';
import type { ExecRequest, ExecResult, NetworkMode, Sandbox, SandboxSpec, TransientMount } from './types';

/** Checks shared by both sandboxes: the spec and each exec request. */

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface CheckedSpec extends SandboxSpec {
  network: NetworkMode;
}

/**
 * Validates a spec. With `checkPaths` (the folders are on this machine: always locally, and for a Docker daemon
 * reached through a local socket), the workspace and data must be existing folders; they are returned as real
 * paths, so a symlinked workspace mounts what it points to.
 */
export function checkSpec(spec: SandboxSpec, checkPaths: boolean): SandboxResult<CheckedSpec> {
  const problems: string[] = [];
  if (typeof spec.runId !== 'string' || spec.runId.trim() === '')
    problems.push('runId must be a non-empty string');
  else if (spec.runId.length > 128) problems.push('runId must be at most 128 characters');
  const network = spec.network ?? 'none';
  if (network !== 'none' && network !== 'bridge')
    problems.push(`network must be "none" or "bridge", not "${network}"`);
  const envProblem = checkEnv(spec.env);
  if (envProblem) problems.push(envProblem);

  const dirs: { workspaceDir?: string; dataDir?: string } = {};
  for (const key of ['workspaceDir', 'dataDir'] as const) {
    const value = spec[key];
    if (value === undefined && key === 'dataDir') continue;
    if (typeof value !== 'string' || !path.isAbsolute(value)) {
      problems.push(`${key} must be an absolute path (got ${JSON.stringify(value)})`);
      continue;
    }
    if (!checkPaths) {
      dirs[key] = value;
      continue;
    }
    try {
      const real = fs.realpathSync(value);
      if (!fs.statSync(real).isDirectory()) problems.push(`${key} ${value} is not a folder`);
      dirs[key] = real;
    } catch {
      problems.push(`${key} ${value} does not exist`);
    }
  }
  if (problems.length > 0) return failWith('invalid_spec', `invalid sandbox spec: ${problems.join('; ')}`);
  return succeed({ ...spec, ...dirs, network } as CheckedSpec);
}

function checkEnv(env: Record<string, string> | undefined): string | null {
  if (env === undefined) return null;
  for (const [name, value] of Object.entries(env)) {
    if (!ENV_NAME.test(name)) return `env name ${JSON.stringify(name)} is not a valid variable name`;
    if (typeof value !== 'string' || value.includes('\0'))
      return `env ${name} must be a string without NUL bytes`;
  }
  return null;
}

/** The argv an exec request runs: its argv as is, or `bash -c LINE`. Throws on a malformed request. */
export function requestArgv(request: ExecRequest): string[] {
  const hasArgv = request.argv !== undefined;
  const hasShell = request.shell !== undefined;
  if (hasArgv === hasShell) {
    throw new SandboxError('invalid_spec', 'an exec request needs exactly one of argv and shell');
  }
  if (hasShell) {
    if (typeof request.shell !== 'string' || request.shell.trim() === '') {
      throw new SandboxError('invalid_spec', 'shell must be a non-empty command line');
    }
    return ['bash', '-c', request.shell];
  }
  const argv = request.argv!;
  if (
    !Array.isArray(argv) ||
    argv.length === 0 ||
    argv.some((a) => typeof a !== 'string' || a.includes('\0'))
  ) {
    throw new SandboxError('invalid_spec', 'argv must be a non-empty list of strings without NUL bytes');
  }
  return argv;
}

/** The request's cwd relative to the workspace root, normalised; throws when it leaves the workspace. */
export function requestCwd(request: ExecRequest): string {
  const cwd = request.cwd ?? '';
  const normal = path.posix.normalize(cwd.replaceAll('\\', '/'));
  if (path.posix.isAbsolute(normal) || normal === '..' || normal.startsWith('../')) {
    throw new SandboxError(
      'invalid_spec',
      `cwd must be a folder inside the workspace, relative to it (got ${cwd})`,
    );
  }
  return normal === '.' ? '' : normal.replace(/\/$/, '');
}

export function requestEnv(request: ExecRequest): Record<string, string> {
  const problem = checkEnv(request.env);
  if (problem) throw new SandboxError('invalid_spec', problem);
  return request.env ?? {};
}

export function requestTimeout(request: ExecRequest): number | null {
  const t = request.timeoutMs;
  if (t === undefined) return null;
  if (!Number.isFinite(t) || t <= 0)
    throw new SandboxError('invalid_spec', `timeoutMs must be a positive number (got ${t})`);
  return t;
}

/** A result for a request whose signal was already aborted: nothing ran. */
export function cancelledBeforeStart(): ExecResult {
  return {
    exitCode: null,
    durationMs: 0,
    timedOut: false,
    cancelled: true,
    oomKilled: false,
    stdout: '',
    stderr: '',
    stdoutDroppedBytes: 0,
    stderrDroppedBytes: 0,
  };
}

/** The message appended to stderr when the kernel killed a command for its memory use. */
export function oomMessage(limitText: string | null): string {
  const limit = limitText ? ` of ${limitText}` : '';
  return (
    `\n[mle-beast: out of memory: the command went over the sandbox's memory limit${limit} and the kernel killed it. ` +
    'Use less memory (smaller batches, fewer data-loader workers, a smaller model) or raise the limit.]\n'
  );
}

export function timeoutMessage(timeoutMs: number): string {
  return `\n[mle-beast: timed out after ${Math.round(timeoutMs / 100) / 10} s; the command and all its processes were killed.]\n`;
}

export const CANCEL_MESSAGE = '\n[mle-beast: cancelled; the command and all its processes were killed.]\n';

/** Where a command of `sandbox` sees a transient mount: its sandbox path where the sandbox can place one. */
export function mountPathOf(sandbox: Pick<Sandbox, 'isolation'>, mount: TransientMount): string {
  return hasOwnFilesystem(sandbox) ? mount.sandboxPath : mount.hostPath;
}

/**
 * The sandbox shows its own view of the filesystem (Docker, bubblewrap): the workspace at /workspace, mounts at
 * their sandbox paths, a private /tmp. Elsewhere (Seatbelt, unisolated) commands see the host's paths.
 */
export function hasOwnFilesystem(sandbox: Pick<Sandbox, 'isolation'>): boolean {
  return sandbox.isolation === 'container' || sandbox.isolation === 'bubblewrap';
}
