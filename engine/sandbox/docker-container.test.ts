import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  GPU_REQUEST,
  LABELS,
  checkTransientTarget,
  containerEnv,
  containerName,
  containerOptions,
  gitMountKind,
  dockerSafeName,
  isGpuRefusal,
  keeperUid,
  ownerAlive,
  type ContainerPlan,
} from './docker-container';

const MiB = 1024 ** 2;
const plan: ContainerPlan = {
  runId: 'run 42/α',
  role: 'main',
  name: containerName('run 42/α'),
  image: 'mle-beast-sandbox:test',
  imagePath: '/opt/conda/bin:/usr/bin:/bin',
  user: { uid: 1234, gid: 5678 },
  limits: { memoryBytes: 512 * MiB, cpus: 1.5, pids: 256, shmBytes: 64 * MiB },
  network: 'none',
  gpu: true,
  workspaceDir: '/home/me/ws',
  dataDir: '/home/me/data',
  homeVolume: 'mle-beast-home-run-42',
  env: { EXTRA: '1' },
};

describe('sandbox container configuration', () => {
  it('locks the container down: caps dropped, no new privileges, read-only root, init, limits without swap', () => {
    const host = containerOptions(plan).HostConfig!;
    expect(host.CapDrop).toEqual(['ALL']);
    expect(host.SecurityOpt).toEqual(['no-new-privileges']);
    expect(host.Privileged).toBe(false);
    expect(host.ReadonlyRootfs).toBe(true);
    expect(host.Init).toBe(true);
    expect(host.Memory).toBe(512 * MiB);
    expect(host.MemorySwap).toBe(512 * MiB);
    expect(host.NanoCpus).toBe(1_500_000_000);
    expect(host.PidsLimit).toBe(256);
    expect(host.ShmSize).toBe(64 * MiB);
    expect(host.NetworkMode).toBe('none');
    expect(host.Tmpfs).toEqual({ '/tmp': `rw,nosuid,nodev,size=${128 * MiB},mode=1777` });
    expect(host.DeviceRequests).toEqual([GPU_REQUEST]);
    expect(containerOptions({ ...plan, gpu: false }).HostConfig!.DeviceRequests).toBeUndefined();
  });

  it('mounts the workspace read-write, the data read-only, HOME on the run volume, extra mounts read-only', () => {
    const mounts = containerOptions({
      ...plan,
      extraMounts: [{ hostPath: '/h/holdout', sandboxPath: '/mnt/holdout' }],
    }).HostConfig!.Mounts!;
    expect(mounts).toEqual([
      { Type: 'bind', Source: '/home/me/ws', Target: '/workspace', ReadOnly: false },
      { Type: 'volume', Source: 'mle-beast-home-run-42', Target: '/home/sandbox', ReadOnly: false },
      { Type: 'bind', Source: '/home/me/data', Target: '/data', ReadOnly: true },
      { Type: 'bind', Source: '/h/holdout', Target: '/mnt/holdout', ReadOnly: true },
    ]);
  });

  it('mounts a local workspace’s .git read-only over the read-write workspace', () => {
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'mle-beast-git-mount-'));
    try {
      const without = containerOptions({ ...plan, workspaceDir: ws, localPaths: true }).HostConfig!.Mounts!;
      expect(without.some((m) => m.Target === '/workspace/.git')).toBe(false);
      fs.mkdirSync(path.join(ws, '.git'));
      const mounts = containerOptions({ ...plan, workspaceDir: ws, localPaths: true }).HostConfig!.Mounts!;
      expect(mounts).toContainEqual({
        Type: 'bind',
        Source: path.join(ws, '.git'),
        Target: '/workspace/.git',
        ReadOnly: true,
      });
      // A link is never mounted: Docker would mount its target (anything on the host).
      fs.rmSync(path.join(ws, '.git'), { recursive: true });
      fs.symlinkSync(os.tmpdir(), path.join(ws, '.git'));
      expect(gitMountKind(path.join(ws, '.git'))).toBe('link');
      const linked = containerOptions({ ...plan, workspaceDir: ws, localPaths: true }).HostConfig!.Mounts!;
      expect(linked.some((m) => m.Target === '/workspace/.git')).toBe(false);
    } finally {
      fs.rmSync(ws, { recursive: true, force: true });
    }
  });

  it("covers each engine report file with /dev/null, read-only; the rest of reports/ stays the agent's", () => {
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'mle-beast-reports-mount-'));
    const local = { ...plan, workspaceDir: ws, localPaths: true };
    const covered = (p: ContainerPlan) =>
      containerOptions(p).HostConfig!.Mounts!.filter((m) => m.Target.startsWith('/workspace/reports'));
    const write = (rel: string) => {
      fs.mkdirSync(path.dirname(path.join(ws, rel)), { recursive: true });
      fs.writeFileSync(path.join(ws, rel), 'x');
    };
    try {
      // None: nothing to cover, and no mount point for Docker to make as root in the user's folder.
      expect(covered(local)).toEqual([]);
      expect(fs.existsSync(path.join(ws, 'reports'))).toBe(false);
      // A brownfield repository's own reports/ (cookiecutter-data-science): nothing covered.
      for (const rel of ['reports/figures/plot.png', 'reports/notes.md', 'reports/report_final.html'])
        write(rel);
      expect(covered(local)).toEqual([]);
      write('reports/report_20260101T000000Z.html');
      write('reports/report_20260101T000000Z.pdf');
      fs.symlinkSync('notes.md', path.join(ws, 'reports', 'report_20260102T000000Z.html'));
      fs.mkdirSync(path.join(ws, 'reports', 'report_20260103T000000Z.html'));
      const mounts = containerOptions(local).HostConfig!.Mounts!;
      // Only real files: a link would mount over whatever it points to, and holds no report.
      expect(covered(local)).toEqual(
        ['html', 'pdf'].map((ext) => ({
          Type: 'bind',
          Source: '/dev/null',
          Target: `/workspace/reports/report_20260101T000000Z.${ext}`,
          ReadOnly: true,
        })),
      );
      // Listed after the workspace they cover (Docker also orders mounts by depth).
      expect(mounts.findIndex((m) => m.Target.startsWith('/workspace/reports'))).toBeGreaterThan(
        mounts.findIndex((m) => m.Target === '/workspace'),
      );
      // A remote daemon's disk cannot be checked from here.
      expect(covered({ ...plan, workspaceDir: ws })).toEqual([]);
      // A `reports` that is a link is not looked into.
      fs.renameSync(path.join(ws, 'reports'), path.join(ws, 'elsewhere'));
      fs.symlinkSync('elsewhere', path.join(ws, 'reports'));
      expect(covered(local)).toEqual([]);
    } finally {
      fs.rmSync(ws, { recursive: true, force: true });
    }
  });

  it('idles as a user other than the agent, so the agent cannot kill the container', () => {
    const options = containerOptions(plan);
    expect(options.User).toBe('65534:65534');
    expect(keeperUid(65534)).toBe(65533);
    expect(options.Entrypoint).toEqual(['sleep']);
    expect(options.Cmd).toEqual(['infinity']);
  });

  it('labels the container with the product, the run and its owner process', () => {
    const labels = containerOptions(plan).Labels!;
    expect(labels[LABELS.managed]).toBe('true');
    expect(labels[LABELS.runId]).toBe('run 42/α');
    expect(labels[LABELS.owner]).toMatch(new RegExp(`:${process.pid}$`));
    expect(containerOptions(plan).name).toBe('mle-beast-run-42-');
  });

  it('gives commands HOME, USER, the image PATH with ~/.local/bin first, Agg and unbuffered Python', () => {
    const env = containerEnv(plan);
    expect(env).toContain('PATH=/home/sandbox/.local/bin:/opt/conda/bin:/usr/bin:/bin');
    expect(env).toContain('HOME=/home/sandbox');
    expect(env).toContain('USER=sandbox');
    expect(env).toContain('MPLBACKEND=Agg');
    expect(env).toContain('PYTHONUNBUFFERED=1');
    expect(env).toContain('NVIDIA_DRIVER_CAPABILITIES=compute,utility');
    expect(env).toContain('EXTRA=1');
  });

  it('knows whether the process that made a container still runs here', () => {
    expect(ownerAlive(`${os.hostname()}:${process.pid}`)).toBe(true);
    // Another machine's container (a shared daemon) is spared: only that machine can tell.
    expect(ownerAlive(`other-host:${process.pid}`)).toBe(true);
    expect(ownerAlive(`${os.hostname()}:999999999`)).toBe(false);
    expect(ownerAlive(undefined)).toBe(false);
  });

  it('makes Docker-safe names from any run id', () => {
    expect(dockerSafeName('2026-01-01T00:00:00Z run')).toBe('2026-01-01T00-00-00Z-run');
    expect(dockerSafeName('---')).toBe('run');
    expect(dockerSafeName('x'.repeat(200))).toHaveLength(63);
  });

  it('keeps transient mounts out of the sandbox own folders and the system', () => {
    expect(checkTransientTarget('/mnt/holdout')).toBeNull();
    expect(checkTransientTarget('/holdout')).toBeNull();
    expect(checkTransientTarget('/workspace/holdout')).toMatch(/inside \/workspace/);
    expect(checkTransientTarget('/etc')).toMatch(/inside \/etc/);
    expect(checkTransientTarget('relative')).toMatch(/absolute/);
    expect(checkTransientTarget('/')).toMatch(/not allowed/);
    expect(checkTransientTarget('/mnt/../etc')).toMatch(/not allowed/);
  });

  it('tells a GPU refusal from other start failures', () => {
    expect(
      isGpuRefusal(new Error('could not select device driver "nvidia" with capabilities: [[gpu]]')),
    ).toBe(true);
    expect(
      isGpuRefusal(new Error('nvidia-container-cli: initialization error: nvml error: driver not loaded')),
    ).toBe(true);
    expect(
      isGpuRefusal(new Error('invalid mount config for type "bind": bind source path does not exist')),
    ).toBe(false);
  });
});
