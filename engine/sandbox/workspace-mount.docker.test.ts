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
const REPORT_NAME = 'report_20260101T000000Z.html';

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
    // An earlier run's report, with the final-holdout score the agent must never see, in a brownfield
    // repository's own reports/ (cookiecutter-data-science): its figures and notes are the agent's to use.
    fs.mkdirSync(path.join(workspace, 'reports', 'figures'), { recursive: true });
    fs.writeFileSync(path.join(workspace, 'reports', REPORT_NAME), REPORT);
    fs.writeFileSync(path.join(workspace, 'reports', 'figures', 'plot.png'), 'png\n');
    fs.writeFileSync(path.join(workspace, 'reports', 'notes.md'), 'notes\n');
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

  it("earlier runs' reports read as empty, in the main and a transient container; the rest of reports/ is the agent's", async () => {
    const reports = path.join(workspace, 'reports');
    const r = await sandbox.exec({
      shell:
        `cd /workspace/reports; echo "[$(cat ${REPORT_NAME})]"; wc -c < ${REPORT_NAME}; grep -rs holdout /workspace; ` +
        `ln -s reports/${REPORT_NAME} /workspace/r.html && cat /workspace/r.html; ` +
        `echo planted > ${REPORT_NAME}; rm -f ${REPORT_NAME}; mv ${REPORT_NAME} gone.html; ` +
        // The brownfield repository's own files: read, written, made, as anywhere in the workspace.
        'cat notes.md figures/plot.png; echo more >> notes.md; echo png2 > figures/plot2.png; mkdir figures/sub; ' +
        'echo new > mine.md; ls; ' +
        `awk '$2 == "/workspace/reports/${REPORT_NAME}" {print $4}' /proc/mounts`,
    });
    expect(r.stdout).not.toContain(SECRET);
    expect(r.stderr).not.toContain(SECRET);
    const out = r.stdout.trim().split('\n');
    expect(out.slice(0, 2)).toEqual(['[]', '0']);
    expect(out.slice(2, 4)).toEqual(['notes', 'png']);
    // Its name is listed (it is only a name); its mount is read-only and cannot be moved or removed.
    expect(out.slice(4, -1)).toEqual(['figures', 'mine.md', 'notes.md', REPORT_NAME]);
    expect(out.at(-1)?.split(',')).toContain('ro');
    expect(r.stderr).toMatch(/Device or resource busy/);
    // The host's report is intact; the agent's writes to the rest of reports/ are there.
    expect(fs.readFileSync(path.join(reports, REPORT_NAME), 'utf8')).toBe(REPORT);
    expect(fs.existsSync(path.join(reports, 'gone.html'))).toBe(false);
    expect(fs.readFileSync(path.join(reports, 'notes.md'), 'utf8')).toBe('notes\nmore\n');
    expect(fs.readFileSync(path.join(reports, 'figures', 'plot2.png'), 'utf8')).toBe('png2\n');
    expect(fs.statSync(path.join(reports, 'figures', 'sub')).isDirectory()).toBe(true);
    expect(fs.readFileSync(path.join(reports, 'mine.md'), 'utf8')).toBe('new\n');
    // A report the engine writes while the sandbox runs is covered in each transient container made after it
    // (predict.py on a hidden split); the main container's mounts are fixed at its start (docker-container.ts).
    const later = 'report_20260102T000000Z.pdf';
    fs.writeFileSync(path.join(reports, later), REPORT);
    const holdout = path.join(temp.dir, 'holdout');
    fs.mkdirSync(holdout, { recursive: true });
    const t = await sandbox.exec({
      shell: `cd /workspace/reports; cat ${REPORT_NAME} ${later}; cat notes.md; ls /mnt/holdout && echo reached`,
      mounts: [{ hostPath: holdout, sandboxPath: '/mnt/holdout' }],
    });
    expect(t.stdout).toBe('notes\nmore\nreached\n');
    expect(t.stderr).not.toContain(SECRET);
    expect(fs.readFileSync(path.join(reports, later), 'utf8')).toBe(REPORT);
  });
});
