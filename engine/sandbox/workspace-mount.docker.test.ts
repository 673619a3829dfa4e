import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../testing/temp-dir';
import { connectDocker, probeDocker } from './docker-probe';
import { startDockerSandbox, type DockerSandbox } from './docker-sandbox';
import { findSandboxImage } from './images';

// Issue 8: what `nosuid,nodev` on the workspace mount would give, proven against the real daemon. Docker's API
// cannot put nosuid or nodev on a read-write bind mount (the bind string refuses the options, and the local
// volume driver only remounts a bind to apply flags when it is read-only), so the container gets the same
// guarantees another way: no-new-privileges (execve ignores setuid bits and file capabilities), all
// capabilities dropped (no mknod), and the device cgroup (device nodes outside the default set cannot be
// opened, wherever they lie). Planting a setuid-root file or a device node in the workspace takes root on the
// host, so those two tests need a root test runner (CI runs as root).

const daemon = await probeDocker(3000);
const title = daemon.available
  ? `the workspace mount (daemon ${daemon.version})`
  : `the workspace mount (SKIPPED: no Docker daemon answers at ${daemon.endpoint}: ${daemon.error})`;
const root = process.getuid?.() === 0;

const SECRET = 'final-holdout 0.987654';
const REPORT = `<html><body>${SECRET}</body></html>`;

describe.skipIf(!daemon.available)(title, () => {
  const temp = makeTempDir('mle-beast-mount-test-');
  const workspace = path.join(temp.dir, 'workspace');
  let sandbox: DockerSandbox;

  beforeAll(async () => {
    const connection = await connectDocker();
    if (!connection.ok) throw connection.error;
    const found = await findSandboxImage(connection.value.docker);
    if (!found.ok)
      throw new Error(`build the image with mle-beast sandbox build --offline (${found.error.message})`);
    fs.mkdirSync(workspace, { mode: 0o755 });
    // An earlier run's report, with the final-holdout score the agent must never see.
    fs.mkdirSync(path.join(workspace, 'reports'));
    fs.writeFileSync(path.join(workspace, 'reports', 'report_x.html'), REPORT);
    if (root) {
      // A setuid-root copy of `id`, and a node for /dev/mem (character device 1:1), both owned by root.
      fs.copyFileSync('/usr/bin/id', path.join(workspace, 'suid-id'));
      fs.chmodSync(path.join(workspace, 'suid-id'), 0o4755);
      execFileSync('mknod', ['-m', '666', path.join(workspace, 'mem'), 'c', '1', '1']);
    }
    const started = await startDockerSandbox({
      runId: `test-mount-${process.pid}`,
      workspaceDir: workspace,
      forceCpu: true,
      limits: { pids: 128 },
    });
    if (!started.ok) throw started.error;
    sandbox = started.value;
  }, 60_000);

  afterAll(async () => {
    await sandbox?.stop();
    temp.cleanup();
  });

  it('mounts the workspace read-write at /workspace, in a container with no-new-privileges and no capabilities', async () => {
    const r = await sandbox.exec({
      shell:
        "awk '$2 == \"/workspace\"' /proc/mounts; grep -E '^(NoNewPrivs|CapEff|CapBnd)' /proc/self/status",
    });
    expect(r.exitCode).toBe(0);
    const [mount, ...status] = r.stdout.trim().split('\n');
    expect(mount?.split(' ')[3]?.split(',')).toContain('rw');
    expect(status).toEqual(['CapEff:\t0000000000000000', 'CapBnd:\t0000000000000000', 'NoNewPrivs:\t1']);
  });

  it.skipIf(!root)(
    'a setuid-root file in the workspace runs without root (needs a root test runner)',
    async () => {
      const r = await sandbox.exec({
        shell: 'ls -ln /workspace/suid-id; /workspace/suid-id -u; /workspace/suid-id -ru',
      });
      expect(r.exitCode).toBe(0);
      const [listing, euid, ruid] = r.stdout.trim().split('\n');
      // The file really is setuid root as the container sees it...
      expect(listing).toMatch(/^-..s\S*\s+\d+\s+0\s+0\s/);
      // ...and still does not make the sandbox user root.
      expect(ruid).not.toBe('0');
      expect(euid).toBe(ruid);
    },
  );

  it.skipIf(!root)('a device node in the workspace cannot be opened (needs a root test runner)', async () => {
    const r = await sandbox.exec({ shell: 'ls -ln /workspace/mem; head -c 1 /workspace/mem | wc -c' });
    expect(r.stdout).toMatch(/^crw-rw-rw-\S*\s+\d+\s+0\s+0\s+1,\s+1\s/);
    expect(r.stderr).toMatch(/Operation not permitted|Permission denied/);
    expect(r.stdout.trim().split('\n').at(-1)).toBe('0');
  });

  it("earlier runs' reports are out of reach: an empty read-only folder, in the main and a transient container", async () => {
    const r = await sandbox.exec({
      shell:
        'cat /workspace/reports/report_x.html; ls -A /workspace/reports; grep -rs holdout /workspace; ' +
        'ln -s reports /workspace/r && cat /workspace/r/report_x.html; ' +
        'echo planted > /workspace/reports/x; mv /workspace/reports /workspace/gone; rm -rf /workspace/reports; ' +
        'awk \'$2 == "/workspace/reports" {print $1, $4}\' /proc/mounts',
    });
    expect(r.stdout).not.toContain(SECRET);
    expect(r.stderr).not.toContain(SECRET);
    // Nothing listed; the one line is the cover itself: a read-only tmpfs.
    expect(r.stdout.trim()).toMatch(/^tmpfs ro,/);
    expect(r.stderr).toMatch(/report_x\.html: No such file or directory/);
    expect(r.stderr).toMatch(/Read-only file system/);
    // The host's report is intact, and the engine still writes there while the sandbox runs.
    expect(fs.readFileSync(path.join(workspace, 'reports', 'report_x.html'), 'utf8')).toBe(REPORT);
    expect(fs.existsSync(path.join(workspace, 'gone'))).toBe(false);
    fs.writeFileSync(path.join(workspace, 'reports', 'report_y.html'), REPORT);
    // A transient container (predict.py on a hidden split) is covered the same way.
    const holdout = path.join(temp.dir, 'holdout');
    fs.mkdirSync(holdout, { recursive: true });
    const t = await sandbox.exec({
      shell: 'ls -A /workspace/reports; cat /workspace/reports/*; ls /mnt/holdout && echo reached',
      mounts: [{ hostPath: holdout, sandboxPath: '/mnt/holdout' }],
    });
    expect(t.stdout).toBe('reached\n');
    expect(t.stderr).not.toContain(SECRET);
    expect(fs.readdirSync(path.join(workspace, 'reports')).sort()).toEqual([
      'report_x.html',
      'report_y.html',
    ]);
  });
});
