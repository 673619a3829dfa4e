import fs from 'node:fs';
import path from 'node:path';
import type { NetworkMode, TransientMount } from '../types';

/**
 * The bubblewrap command line of one local-sandbox command (Linux). The host's root is NOT bound: the sandbox
 * sees a fresh root holding only
 * - the system, read-only: /usr /etc /opt and the /bin /lib* links or folders, as this machine has them;
 * - the chosen Python's own folders, read-only, at their host paths (a pyenv or conda prefix, a venv);
 * - the workspace at /workspace, read-write, its `.git` read-only (as in the Docker sandbox: the engine runs git
 *   on the host, so code in the sandbox must not plant hooks or filters there);
 * - the visible data at /data and transient mounts (the one split predict.py reads), read-only;
 * - a private HOME and /tmp of this sandbox (host folders the sandbox owns and removes);
 * - a new /proc (its own pid namespace) and a minimal /dev.
 * Secrets that could still lie inside a bound folder (the engine's home, ~/.ssh, the shadow files) are covered
 * with an empty folder or /dev/null. All namespaces are new (network too unless the run allows it), every
 * capability is dropped, and the command dies with the sandbox's monitor process, so killing that one process
 * (the local sandbox's process-group kill) ends everything the command started.
 */

/** Where things are inside the local sandbox: the same paths as in the Docker container. */
export const OS_SANDBOX_PATHS = {
  workspace: '/workspace',
  data: '/data',
  home: '/home/sandbox',
  tmp: '/tmp',
} as const;

/** System folders bound read-only when this machine has them (as folders or as links, like /bin -> usr/bin). */
export const SYSTEM_PATHS = [
  '/usr',
  '/bin',
  '/sbin',
  '/lib',
  '/lib32',
  '/lib64',
  '/libx32',
  '/etc',
  '/opt',
] as const;

/** Files under the bound system folders that hold secrets: replaced by /dev/null. */
export const MASKED_SYSTEM_FILES = ['/etc/shadow', '/etc/shadow-', '/etc/gshadow', '/etc/gshadow-'] as const;
/** Folders under the bound system folders that hold secrets: replaced by an empty folder. */
export const MASKED_SYSTEM_DIRS = ['/etc/ssh', '/etc/sudoers.d'] as const;

/** What a host path is: a folder, a file, a link (with its target, bound as a link), or nothing. */
export type HostEntry =
  { kind: 'dir' } | { kind: 'file' } | { kind: 'link'; target: string } | { kind: 'absent' };

export interface BwrapPlan {
  /** Real host path of the workspace. */
  workspaceDir: string;
  /** Whether `<workspace>/.git` is a real folder or gitfile (bound read-only); a link is covered instead. */
  git: 'real' | 'link' | 'absent';
  /** Real host path of the visible data, or null. */
  dataDir: string | null;
  /** Host folders bound as the sandbox's HOME and /tmp (private to this sandbox). */
  homeDir: string;
  tmpDir: string;
  /** Extra host paths bound read-only at the same path: the Python's prefixes. */
  readOnly: readonly string[];
  /** Read-only mounts of this command only. */
  mounts: readonly TransientMount[];
  /** Host paths never to be visible, even where they lie inside a bound folder (engine home, credentials). */
  hidden: readonly string[];
  /** Device nodes passed through as they are (GPUs). */
  devices: readonly string[];
  network: NetworkMode;
  /** The command's folder, relative to the workspace ('' = the root). */
  cwd: string;
}

export function hostEntry(p: string): HostEntry {
  try {
    const stat = fs.lstatSync(p);
    if (stat.isSymbolicLink()) return { kind: 'link', target: fs.readlinkSync(p) };
    if (stat.isDirectory()) return { kind: 'dir' };
    return { kind: 'file' };
  } catch {
    return { kind: 'absent' };
  }
}

const inside = (parent: string, child: string): boolean => {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};

/**
 * The bwrap options (everything before the command) for one command. `lookup` tells what a host path is (the
 * system folders, the secrets to cover); the plan's own folders are taken as given (already real paths).
 */
export function bwrapArgs(plan: BwrapPlan, lookup: (p: string) => HostEntry = hostEntry): string[] {
  const args: string[] = [
    '--unshare-all',
    ...(plan.network === 'bridge' ? ['--share-net'] : []),
    '--die-with-parent',
    '--new-session',
    '--cap-drop',
    'ALL',
    '--hostname',
    'sandbox',
  ];
  // What is bound read-only from the host at its own path: the system, then the Python's folders (after the
  // private /tmp and HOME, so a Python kept under /tmp stays visible).
  const roots: string[] = [];
  for (const p of SYSTEM_PATHS) {
    const entry = lookup(p);
    if (entry.kind === 'link') args.push('--symlink', entry.target, p);
    else if (entry.kind === 'dir') {
      args.push('--ro-bind', p, p);
      roots.push(p);
    }
  }
  // With the network on, names must resolve: /etc/resolv.conf is often a link into /run (systemd-resolved,
  // NetworkManager), which the sandbox does not show, so the file it leads to is bound where it lies.
  if (plan.network === 'bridge') {
    const resolv = lookup('/etc/resolv.conf');
    const target = resolv.kind === 'link' ? path.resolve('/etc', resolv.target) : null;
    if (target && !roots.some((r) => inside(r, target))) args.push('--ro-bind-try', target, target);
  }
  args.push('--proc', '/proc', '--dev', '/dev');
  for (const d of plan.devices) args.push('--dev-bind', d, d);
  args.push('--bind', plan.tmpDir, OS_SANDBOX_PATHS.tmp, '--bind', plan.homeDir, OS_SANDBOX_PATHS.home);
  for (const p of dedupe(plan.readOnly)) {
    if (roots.some((r) => inside(r, p))) continue;
    args.push('--ro-bind', p, p);
    roots.push(p);
  }
  // Secrets inside what was just bound are covered.
  const masks: { path: string; dir: boolean }[] = [
    ...MASKED_SYSTEM_FILES.map((p) => ({ path: p, dir: false })),
    ...MASKED_SYSTEM_DIRS.map((p) => ({ path: p, dir: true })),
  ];
  for (const p of plan.hidden) masks.push({ path: p, dir: true });
  for (const m of masks) {
    if (!roots.some((r) => inside(r, m.path))) continue;
    const entry = lookup(m.path);
    // A link inside a read-only bind cannot be replaced, and leads where nothing else is bound.
    if (entry.kind === 'dir') args.push('--tmpfs', m.path);
    else if (entry.kind === 'file') args.push('--ro-bind', '/dev/null', m.path);
  }
  args.push('--bind', plan.workspaceDir, OS_SANDBOX_PATHS.workspace);
  const git = `${OS_SANDBOX_PATHS.workspace}/.git`;
  // Only a real .git is bound (a folder or a worktree's gitfile); a link leads outside, where nothing is bound.
  if (plan.git === 'real') args.push('--ro-bind', path.join(plan.workspaceDir, '.git'), git);
  if (plan.dataDir) args.push('--ro-bind', plan.dataDir, OS_SANDBOX_PATHS.data);
  for (const m of plan.mounts) args.push('--ro-bind', m.hostPath, m.sandboxPath);
  // A workspace that holds a secret (a brownfield run on a home folder, say) or the engine's run report files
  // (local-sandbox.ts) shows them covered: a folder by an empty read-only tmpfs (a write there fails at once
  // instead of vanishing with the command's private cover), a file by /dev/null, read-only.
  const moved: [string, string][] = [
    [plan.workspaceDir, OS_SANDBOX_PATHS.workspace],
    ...(plan.dataDir ? [[plan.dataDir, OS_SANDBOX_PATHS.data] as [string, string]] : []),
    ...plan.mounts.map((m) => [m.hostPath, m.sandboxPath] as [string, string]),
  ];
  for (const hidden of plan.hidden) {
    for (const [host, inSandbox] of moved) {
      if (hidden === host || !inside(host, hidden)) continue;
      const target = path.posix.join(inSandbox, path.relative(host, hidden).split(path.sep).join('/'));
      const entry = lookup(hidden);
      if (entry.kind === 'dir') args.push('--tmpfs', target, '--remount-ro', target);
      else if (entry.kind === 'file') args.push('--ro-bind', '/dev/null', target);
    }
  }
  args.push(
    '--chdir',
    plan.cwd ? path.posix.join(OS_SANDBOX_PATHS.workspace, plan.cwd) : OS_SANDBOX_PATHS.workspace,
  );
  return args;
}

function dedupe(paths: readonly string[]): string[] {
  const sorted = [...new Set(paths.map((p) => path.resolve(p)))].sort((a, b) => a.length - b.length);
  const kept: string[] = [];
  for (const p of sorted) if (!kept.some((k) => inside(k, p))) kept.push(p);
  return kept;
}

/**
 * The environment a command starts from in an OS sandbox: nothing of the host's but PATH (given) and the
 * locale, so API keys and tokens in the engine's environment never reach the agent's code.
 */
export function isolatedEnv(
  base: NodeJS.ProcessEnv,
  where: { path: string; home: string; tmp: string },
): Record<string, string> {
  const env: Record<string, string> = {
    PATH: where.path,
    HOME: where.home,
    USER: 'sandbox',
    LOGNAME: 'sandbox',
    TMPDIR: where.tmp,
    PIP_DISABLE_PIP_VERSION_CHECK: '1',
  };
  for (const [name, value] of Object.entries(base)) {
    if (
      value !== undefined &&
      (name === 'LANG' || name === 'TZ' || name === 'TERM' || name.startsWith('LC_'))
    )
      env[name] = value;
  }
  return env;
}

/** The PATH inside the bubblewrap sandbox: the Python's folder first, then the system's. */
export function isolatedPath(pythonBin: string | null): string {
  return [pythonBin, '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin']
    .filter(Boolean)
    .join(':');
}
