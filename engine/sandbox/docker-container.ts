import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Dockerode from 'dockerode';
import { PRODUCT } from '../version';
import { engineReportFiles } from './engine-only';
import { tmpfsBytes } from './limits';
import type { NetworkMode, SandboxLimits, TransientMount } from './types';

/** Where things are inside every sandbox container. */
export const CONTAINER_PATHS = {
  workspace: '/workspace',
  data: '/data',
  home: '/home/sandbox',
  tmp: '/tmp',
} as const;

/** Labels on everything the sandbox creates; orphan clean-up finds containers and volumes by them. */
export const LABELS = {
  managed: 'dev.mlebeast.managed',
  runId: 'dev.mlebeast.run-id',
  role: 'dev.mlebeast.role',
  version: 'dev.mlebeast.version',
  /** host:pid of the process that started it: clean-up leaves alone what a live process still uses. */
  owner: 'dev.mlebeast.owner',
} as const;

export type ContainerRole = 'main' | 'oneshot';

/** A Docker name from a run id: [a-zA-Z0-9][a-zA-Z0-9_.-]*, at most 63 characters of it. */
export function dockerSafeName(runId: string): string {
  const cleaned = runId.replace(/[^a-zA-Z0-9_.-]+/g, '-').replace(/^[^a-zA-Z0-9]+/, '');
  return (cleaned || 'run').slice(0, 63);
}

/**
 * True when the process that made a container or volume still runs on this machine (it may still be using
 * it: another engine sharing the database, a `mle-beast sandbox exec` in another terminal). Labels made on
 * another host (a remote daemon shared by several machines) cannot be checked and count as not alive.
 */
export function ownerAlive(owner: string | undefined, hostname = os.hostname()): boolean {
  const match = owner ? /^(.*):(\d+)$/.exec(owner) : null;
  if (!match) return false;
  // Another machine's sandbox (a shared remote daemon): only that machine can tell whether its owner lives.
  if (match[1] !== hostname) return true;
  const pid = Number(match[2]);
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function containerName(runId: string): string {
  return `mle-beast-${dockerSafeName(runId)}`;
}

export function homeVolumeName(runId: string): string {
  return `mle-beast-home-${dockerSafeName(runId)}`;
}

export function sandboxLabels(runId: string, role: ContainerRole): Record<string, string> {
  return {
    [LABELS.managed]: 'true',
    [LABELS.runId]: runId,
    [LABELS.role]: role,
    [LABELS.version]: PRODUCT.version,
    [LABELS.owner]: `${os.hostname()}:${process.pid}`,
  };
}

/** The GPU request: every NVIDIA GPU the daemon can hand out. */
export const GPU_REQUEST: Dockerode.DeviceRequest = { Driver: 'nvidia', Count: -1, Capabilities: [['gpu']] };

/** A daemon's refusal of the GPU request (no NVIDIA driver, toolkit or runtime), as opposed to other failures. */
export function isGpuRefusal(error: unknown): boolean {
  const text = error instanceof Error ? error.message : String(error);
  return /device driver|nvidia|gpu|DeviceRequest|cdi/i.test(text);
}

/**
 * Paths a transient mount may not use: the sandbox's own mounts (a mount under /workspace would even create its
 * mount point in the user's folder) and the system's folders.
 */
const RESERVED = [
  '/workspace',
  '/data',
  '/home',
  '/tmp',
  '/proc',
  '/sys',
  '/dev',
  '/etc',
  '/usr',
  '/bin',
  '/sbin',
  '/lib',
  '/lib64',
  '/var',
  '/run',
  '/boot',
  '/root',
];

export function checkTransientTarget(target: string): string | null {
  if (!target.startsWith('/') || target.includes('\0'))
    return `sandboxPath must be an absolute path (got ${target})`;
  const normal = target.replace(/\/+$/, '').replace(/\/+/g, '/');
  if (normal === '' || normal.split('/').includes('..')) return `sandboxPath ${target} is not allowed`;
  const clash = RESERVED.find((r) => normal === r || normal.startsWith(`${r}/`));
  return clash
    ? `sandboxPath ${target} is inside ${clash}, which the sandbox owns; use e.g. /mnt/holdout`
    : null;
}

export interface ContainerPlan {
  runId: string;
  role: ContainerRole;
  name: string;
  image: string;
  /** PATH from the image's config, so images that install Python elsewhere (conda) keep it. */
  imagePath: string | null;
  /** uid:gid of the agent's commands. */
  user: { uid: number; gid: number };
  limits: SandboxLimits;
  network: NetworkMode;
  gpu: boolean;
  workspaceDir: string;
  dataDir: string | null;
  homeVolume: string;
  env: Record<string, string>;
  extraMounts?: TransientMount[];
  /** Whether the host paths are on this machine (a local daemon), so they can be checked here. */
  localPaths?: boolean;
}

/** The uid of the container's idle main process: not the agent's, so the agent cannot kill it (kill -1). */
export function keeperUid(agentUid: number): number {
  return agentUid === 65534 ? 65533 : 65534;
}

/** The environment every command sees (the request's env is added per exec). */
export function containerEnv(plan: ContainerPlan): string[] {
  const home = CONTAINER_PATHS.home;
  const basePath = plan.imagePath ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
  const pathValue = basePath.split(':').includes(`${home}/.local/bin`)
    ? basePath
    : `${home}/.local/bin:${basePath}`;
  const env: Record<string, string> = {
    PATH: pathValue,
    HOME: home,
    // Arbitrary uids have no passwd entry; getpass.getuser() (used by torch's caches) reads these first.
    USER: 'sandbox',
    LOGNAME: 'sandbox',
    TMPDIR: CONTAINER_PATHS.tmp,
    MPLBACKEND: 'Agg',
    PYTHONUNBUFFERED: '1',
    PIP_DISABLE_PIP_VERSION_CHECK: '1',
    MLE_BEAST_RUN_ID: plan.runId,
    MLE_BEAST_WORKSPACE: CONTAINER_PATHS.workspace,
    ...(plan.dataDir ? { MLE_BEAST_DATA: CONTAINER_PATHS.data } : {}),
    ...(plan.gpu ? { NVIDIA_DRIVER_CAPABILITIES: 'compute,utility' } : {}),
    ...plan.env,
  };
  return Object.entries(env).map(([k, v]) => `${k}=${v}`);
}

/** What the workspace's `.git` is: absent, a real folder or gitfile (mounted read-only), or a symbolic link. */
export function gitMountKind(gitPath: string): 'absent' | 'real' | 'link' {
  try {
    const stat = fs.lstatSync(gitPath);
    if (stat.isSymbolicLink()) return 'link';
    return stat.isDirectory() || stat.isFile() ? 'real' : 'absent';
  } catch {
    return 'absent';
  }
}

/** The full create request for a sandbox container. */
export function containerOptions(plan: ContainerPlan): Dockerode.ContainerCreateOptions {
  // The workspace cannot be mounted nosuid,nodev: Docker refuses those options on a bind, and its local volume
  // driver only applies them to a read-only one. The container gets the same guarantees otherwise:
  // no-new-privileges (setuid bits are ignored), no capabilities (no mknod) and the device cgroup (a device
  // node in the workspace cannot be opened). workspace-mount.docker.test.ts proves both.
  const mounts: Dockerode.MountSettings[] = [
    { Type: 'bind', Source: plan.workspaceDir, Target: CONTAINER_PATHS.workspace, ReadOnly: false },
    { Type: 'volume', Source: plan.homeVolume, Target: CONTAINER_PATHS.home, ReadOnly: false },
  ];
  // The engine runs git on the host, in this workspace. Code the agent runs must not be able to plant a hook,
  // a filter driver or an alias in .git that the engine's own git calls would then execute outside the sandbox.
  // Only a real .git (a folder, or a worktree's gitfile) is mounted: a link would mount whatever it points to.
  const gitDir = path.join(plan.workspaceDir, '.git');
  if (plan.localPaths && gitMountKind(gitDir) === 'real')
    mounts.push({
      Type: 'bind',
      Source: gitDir,
      Target: `${CONTAINER_PATHS.workspace}/.git`,
      ReadOnly: true,
    });
  // Earlier runs' reports hold final-holdout scores the agent must never see: each engine report file there is
  // (engine-only.ts) is covered by a read-only bind of /dev/null, in the main container and in every transient
  // one; the rest of `reports/` (a brownfield repository's figures, the user's notes) stays the agent's. Reading
  // a covered report gives nothing, a write to it is discarded (a device), the host file is untouched. A remote
  // daemon's disk cannot be checked from here, and the daemon would create a missing mount point as root.
  // A container's mounts are fixed when it is made, so the engine writes no report into a workspace while a run
  // of it is going on (report/write.ts: it goes to the run's own folder); a transient container is made per
  // command and covers what is there then, and bubblewrap looks at each command.
  if (plan.localPaths)
    for (const rel of engineReportFiles(plan.workspaceDir))
      mounts.push({
        Type: 'bind',
        Source: '/dev/null',
        Target: `${CONTAINER_PATHS.workspace}/${rel}`,
        ReadOnly: true,
      });
  if (plan.dataDir)
    mounts.push({ Type: 'bind', Source: plan.dataDir, Target: CONTAINER_PATHS.data, ReadOnly: true });
  for (const m of plan.extraMounts ?? [])
    mounts.push({ Type: 'bind', Source: m.hostPath, Target: m.sandboxPath, ReadOnly: true });
  const keeper = keeperUid(plan.user.uid);
  return {
    name: plan.name,
    Image: plan.image,
    // The container only waits; commands arrive as execs. Init (docker-init, i.e. tini) is pid 1 and reaps
    // the orphans that killed process trees leave behind.
    Entrypoint: ['sleep'],
    Cmd: ['infinity'],
    User: `${keeper}:${keeper}`,
    WorkingDir: CONTAINER_PATHS.workspace,
    Hostname: 'sandbox',
    Env: containerEnv(plan),
    Labels: sandboxLabels(plan.runId, plan.role),
    Tty: false,
    OpenStdin: false,
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    NetworkDisabled: false,
    HostConfig: {
      Init: true,
      Mounts: mounts,
      // The image is read-only; /tmp is a tmpfs and HOME a per-run volume (pip install --user, caches).
      ReadonlyRootfs: true,
      Tmpfs: { [CONTAINER_PATHS.tmp]: `rw,nosuid,nodev,size=${tmpfsBytes(plan.limits)},mode=1777` },
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      Privileged: false,
      IpcMode: 'private',
      Memory: plan.limits.memoryBytes,
      MemorySwap: plan.limits.memoryBytes,
      NanoCpus: Math.round(plan.limits.cpus * 1e9),
      PidsLimit: plan.limits.pids,
      ShmSize: plan.limits.shmBytes,
      NetworkMode: plan.network,
      RestartPolicy: { Name: 'no', MaximumRetryCount: 0 },
      AutoRemove: false,
      ...(plan.gpu ? { DeviceRequests: [GPU_REQUEST] } : {}),
    },
  };
}
