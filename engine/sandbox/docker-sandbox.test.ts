import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../testing/temp-dir';
import { LABELS, homeVolumeName, sandboxLabels } from './docker-container';
import { daemon, dockerSuiteTitle } from '../testing/docker';
import { connectDocker } from './docker-probe';
import { runDockerExec } from './docker-exec';
import { startDockerSandbox, type DockerSandbox } from './docker-sandbox';
import { SandboxError } from './errors';
import { findSandboxImage } from './images';
import { cleanupOrphanSandboxes } from './orphans';

// Integration tests against the real Docker daemon and the sandbox image (build it with
// `mle-beast sandbox build --offline`; scripts/setup.sh does in CI). A machine where no daemon answers at all
// skips this file, with the reason in the suite name; a missing image FAILS every test.
// Nothing here sends traffic anywhere: the network checks only look at the container's interfaces.

const MiB = 1024 ** 2;
const title = dockerSuiteTitle('Docker sandbox');
const hostUid = process.getuid?.() ?? 1000;
const expectedUid = hostUid === 0 ? 1000 : hostUid;

async function requireImage(docker: Dockerode): Promise<void> {
  const found = await findSandboxImage(docker);
  if (!found.ok)
    throw new Error(`build the image with mle-beast sandbox build --offline (${found.error.message})`);
}

/** Process command lines in the sandbox that start with `marker` (named with bash's `exec -a`). */
async function survivors(sandbox: DockerSandbox, marker: string): Promise<string[]> {
  const ps = await sandbox.exec({ argv: ['ps', '-eo', 'stat=,args='] });
  return ps.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => !l.startsWith('Z') && l.split(/\s+/)[1]?.startsWith(marker));
}

describe.skipIf(!daemon.available)(title, () => {
  const temp = makeTempDir('mle-beast-docker-test-');
  const workspace = path.join(temp.dir, 'workspace');
  const data = path.join(temp.dir, 'data');
  const holdout = path.join(temp.dir, 'holdout');
  const runId = `test-main-${process.pid}`;
  let docker: Dockerode;
  let sandbox: DockerSandbox;

  beforeAll(async () => {
    const connection = await connectDocker();
    if (!connection.ok) throw connection.error;
    docker = connection.value.docker;
    await requireImage(docker);
    for (const dir of [workspace, data, holdout]) fs.mkdirSync(dir, { mode: 0o700 });
    fs.writeFileSync(path.join(data, 'train.csv'), 'x,y\n1,0\n');
    fs.writeFileSync(path.join(holdout, 'features.csv'), 'id,x\n7,1\n');
    fs.writeFileSync(path.join(workspace, 'model.py'), '# the user file\n');
    fs.mkdirSync(path.join(workspace, '.git', 'hooks'), { recursive: true });
    fs.writeFileSync(path.join(workspace, '.git', 'config'), '[core]\n\tbare = false\n');
    // No forceCpu: this daemon has no NVIDIA runtime, so the GPU request is refused for real.
    const started = await startDockerSandbox({
      runId,
      workspaceDir: workspace,
      dataDir: data,
      limits: { pids: 512 },
    });
    if (!started.ok) throw started.error;
    sandbox = started.value;
  }, 60_000);

  afterAll(async () => {
    await sandbox?.stop();
    temp.cleanup();
  });

  it('falls back to the CPU with a warning when the daemon refuses the GPU request', async () => {
    expect(sandbox.gpu).toBe(false);
    expect(sandbox.warnings.join('\n')).toMatch(
      /GPU requested but the Docker daemon refused it .*running on CPU/,
    );
    const info = await docker.getContainer(sandbox.id).inspect();
    expect(info.HostConfig.DeviceRequests ?? []).toEqual([]);
  });

  it('creates a locked-down, labelled container', async () => {
    const info = await docker.getContainer(sandbox.id).inspect();
    const host = info.HostConfig;
    expect(host.CapDrop).toEqual(['ALL']);
    expect(host.SecurityOpt).toEqual(['no-new-privileges']);
    expect(host.ReadonlyRootfs).toBe(true);
    expect(host.Init).toBe(true);
    expect(host.NetworkMode).toBe('none');
    expect(host.PidsLimit).toBe(512);
    expect(host.Memory).toBeGreaterThan(0);
    expect(host.MemorySwap).toBe(host.Memory);
    expect(host.ShmSize).toBeGreaterThan(64 * MiB);
    expect(info.Config.Labels[LABELS.managed]).toBe('true');
    expect(info.Config.Labels[LABELS.runId]).toBe(runId);
    expect(info.Name).toBe(`/mle-beast-${runId}`);
    expect(sandbox.paths).toEqual({ workspace: '/workspace', data: '/data' });
  });

  it('runs commands as a non-root user, with exit codes, both streams, cwd and env', async () => {
    fs.mkdirSync(path.join(workspace, 'sub'), { recursive: true });
    const r = await sandbox.exec({
      shell: 'id -u; pwd; echo "$GREETING $MPLBACKEND $PYTHONUNBUFFERED $HOME"; echo problem >&2; exit 5',
      cwd: 'sub',
      env: { GREETING: 'hello' },
    });
    expect(r).toMatchObject({ exitCode: 5, timedOut: false, cancelled: false, oomKilled: false });
    expect(r.stdout).toBe(`${expectedUid}\n/workspace/sub\nhello Agg 1 /home/sandbox\n`);
    expect(r.stderr).toBe('problem\n');
    expect(expectedUid).not.toBe(0);
    await expect(sandbox.exec({ shell: 'true', cwd: '../etc' })).rejects.toThrow(SandboxError);
  });

  it('cannot write outside the workspace (but /tmp and HOME work); the data mount is read-only', async () => {
    for (const target of ['/etc/x', '/usr/x', '/x', '/root/x', '/data/x', '/data/train.csv']) {
      const r = await sandbox.exec({ argv: ['sh', '-c', `echo nope > ${target}`] });
      expect(r.exitCode, target).not.toBe(0);
      expect(r.stderr, target).toMatch(/Read-only file system|Permission denied/);
    }
    const ro = await sandbox.exec({ shell: 'touch /data/new' });
    expect(ro.stderr).toMatch(/Read-only file system/);
    expect(fs.existsSync(path.join(data, 'new'))).toBe(false);
    const ok = await sandbox.exec({
      shell:
        'cat /data/train.csv && echo t > /tmp/t && mkdir -p "$HOME/.cache" && echo h > "$HOME/.cache/h" && cat /workspace/model.py',
    });
    expect(ok.stderr).toBe('');
    expect(ok).toMatchObject({ exitCode: 0, stdout: 'x,y\n1,0\n# the user file\n' });
  });

  it('sees the workspace .git read-only, so agent code cannot plant hooks or filters the host git would run', async () => {
    const r = await sandbox.exec({
      shell:
        'cat .git/config && { printf "[filter \\"x\\"]\\n\\tclean = touch /tmp/pwned\\n" >> .git/config || echo BLOCKED; } && { echo evil > .git/hooks/pre-commit || echo BLOCKED; }',
    });
    expect(r.stdout).toBe('[core]\n\tbare = false\nBLOCKED\nBLOCKED\n');
    expect(r.stderr).toMatch(/Read-only file system/);
    expect(fs.readFileSync(path.join(workspace, '.git', 'config'), 'utf8')).toBe('[core]\n\tbare = false\n');
    expect(fs.existsSync(path.join(workspace, '.git', 'hooks', 'pre-commit'))).toBe(false);
  });

  it('refuses a workspace whose .git is a symbolic link', async () => {
    const linked = path.join(temp.dir, 'linked-ws');
    fs.mkdirSync(linked);
    fs.symlinkSync(holdout, path.join(linked, '.git'));
    const started = await startDockerSandbox({
      runId: `${runId}-linked`,
      workspaceDir: linked,
      forceCpu: true,
    });
    expect(started.ok).toBe(false);
    if (!started.ok)
      expect(started.error).toMatchObject({
        code: 'invalid_spec',
        message: expect.stringMatching(/\.git is a symbolic link/),
      });
  });

  it('writes workspace files as the host user (or the fixed uid when the host user is root)', async () => {
    const r = await sandbox.exec({
      shell: 'echo result > out.txt && mkdir -p logs && echo 1 > logs/m.jsonl && echo edit >> model.py',
    });
    expect(r.exitCode).toBe(0);
    const file = path.join(workspace, 'out.txt');
    expect(fs.statSync(file).uid).toBe(expectedUid);
    expect(fs.statSync(path.join(workspace, 'logs')).uid).toBe(expectedUid);
    // The user can read and remove what the sandbox wrote; their own file kept its owner.
    expect(fs.readFileSync(file, 'utf8')).toBe('result\n');
    fs.rmSync(file);
    fs.rmSync(path.join(workspace, 'logs'), { recursive: true });
    expect(fs.statSync(path.join(workspace, 'model.py')).uid).toBe(hostUid);
    expect(fs.readFileSync(path.join(workspace, 'model.py'), 'utf8')).toBe('# the user file\nedit\n');
  });

  it('with network none has no interface but loopback', async () => {
    const r = await sandbox.exec({ shell: 'ls /sys/class/net; tail -n +3 /proc/net/dev | cut -d: -f1' });
    expect(
      r.stdout
        .split('\n')
        .filter(Boolean)
        .map((s) => s.trim()),
    ).toEqual(['lo', 'lo']);
  });

  it('a timeout kills the command and all its children within 2 s', async () => {
    const marker = `mle-timeout-${process.pid}`;
    const t0 = performance.now();
    const r = await sandbox.exec({
      shell: `(exec -a ${marker} sleep 1000) & (exec -a ${marker} sleep 1000) & exec -a ${marker} sleep 1000`,
      timeoutMs: 2000,
    });
    const afterTimeout = performance.now() - t0 - 2000;
    expect(r).toMatchObject({ exitCode: null, timedOut: true, cancelled: false });
    expect(r.stderr).toMatch(/timed out after 2 s/);
    expect(afterTimeout).toBeLessThan(2000);
    expect(await survivors(sandbox, marker)).toEqual([]);
  });

  it('a timeout also ends a process that left the session and dropped its marker (setsid env -i)', async () => {
    const marker = `mle-escapee-${process.pid}`;
    const r = await sandbox.exec({
      shell: `setsid -f env -i /bin/bash -c 'nohup /bin/bash -c "exec -a ${marker} sleep 1000" >/dev/null 2>&1 &'; sleep 1000`,
      timeoutMs: 1500,
    });
    expect(r.timedOut).toBe(true);
    expect(await survivors(sandbox, marker)).toEqual([]);
  });

  it('cancel (AbortSignal) kills the tree at once, even a child that started its own session', async () => {
    const marker = `mle-cancel-${process.pid}`;
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 500);
    const t0 = performance.now();
    const r = await sandbox.exec({
      shell: `setsid bash -c "exec -a ${marker} sleep 1000" & (exec -a ${marker} sleep 1000) & wait`,
      signal: controller.signal,
    });
    expect(r).toMatchObject({ exitCode: null, timedOut: false, cancelled: true });
    expect(performance.now() - t0).toBeLessThan(500 + 2000);
    expect(await survivors(sandbox, marker)).toEqual([]);
  });

  it('background processes end with their command', async () => {
    const marker = `mle-bg-${process.pid}`;
    const r = await sandbox.exec({ shell: `(exec -a ${marker} sleep 1000) & echo started` });
    expect(r).toMatchObject({ exitCode: 0, stdout: 'started\n' });
    expect(await survivors(sandbox, marker)).toEqual([]);
  });

  it('the agent cannot take the container down by killing everything it may signal', async () => {
    await sandbox.exec({ shell: 'kill -KILL -1' });
    const r = await sandbox.exec({ shell: 'echo still here' });
    expect(r).toMatchObject({ exitCode: 0, stdout: 'still here\n' });
  });

  it('200 MB of output keeps head and tail, counts the rest, and does not grow the engine memory', async () => {
    const cap = 1024 * 1024;
    const total = 200_000_000;
    // A first pass warms the allocator and V8's young generation (a one-off ~90 MB); then the peak RSS of the
    // real pass is sampled: buffering the output would add at least 200 MB.
    await sandbox.exec({ shell: `head -c ${total / 4} /dev/zero`, outputCapBytes: cap });
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
    let streamed = 0;
    const r = await sandbox.exec({
      shell: `echo START; head -c ${total} /dev/zero | tr '\\0' x; echo; echo END`,
      outputCapBytes: cap,
      onOutput: (_s, chunk) => (streamed += chunk.length),
    });
    clearInterval(sampler);
    const growth = Math.max(peak, process.memoryUsage().rss) - rssBefore;
    expect(r.exitCode).toBe(0);
    expect(streamed).toBe(6 + total + 1 + 4);
    expect(r.stdoutDroppedBytes).toBe(6 + total + 1 + 4 - cap);
    expect(r.stdout.startsWith('START\nxxxx')).toBe(true);
    expect(r.stdout.endsWith('xxxx\nEND\n')).toBe(true);
    expect(r.stdout).toContain(
      `[... ${(total + 11 - cap).toLocaleString('en-US')} bytes of output dropped here`,
    );
    expect(growth).toBeLessThan(100 * MiB);
  }, 60_000);

  it('streams output as it comes', async () => {
    const seen: Array<{ text: string; at: number }> = [];
    const t0 = performance.now();
    await sandbox.exec({
      shell: 'echo first; sleep 0.5; echo second',
      onOutput: (_s, text) => seen.push({ text, at: performance.now() - t0 }),
    });
    expect(seen.map((s) => s.text).join('')).toBe('first\nsecond\n');
    expect(seen[0]!.at).toBeLessThan(seen[seen.length - 1]!.at - 300);
  });

  it('runs Python with the ML stack, headless matplotlib included', async () => {
    const r = await sandbox.exec({
      argv: [
        'python3',
        '-c',
        'import numpy, pandas, sklearn, matplotlib.pyplot as plt; plt.plot([1, 2]); plt.savefig("/workspace/plot.png"); print("ok")',
      ],
    });
    expect(r.stderr).toBe('');
    expect(r).toMatchObject({ exitCode: 0, stdout: 'ok\n' });
    expect(fs.statSync(path.join(workspace, 'plot.png')).size).toBeGreaterThan(1000);
  }, 30_000);

  it('transient read-only mounts exist for one command only, in a sibling that is removed afterwards', async () => {
    const r = await sandbox.exec({
      shell:
        'cat /mnt/holdout/features.csv; touch /mnt/holdout/x 2>&1; ls /sys/class/net; cat /workspace/model.py | head -1',
      mounts: [{ hostPath: holdout, sandboxPath: '/mnt/holdout' }],
    });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^id,x\n7,1\n.*Read-only file system\nlo\n# the user file\n$/s);
    const main = await sandbox.exec({ shell: 'ls /mnt/holdout' });
    expect(main.exitCode).not.toBe(0);
    const siblings = await docker.listContainers({
      all: true,
      filters: JSON.stringify({ label: [`${LABELS.runId}=${runId}`, `${LABELS.role}=oneshot`] }),
    });
    expect(siblings).toEqual([]);
    await expect(
      sandbox.exec({ shell: 'true', mounts: [{ hostPath: holdout, sandboxPath: '/workspace/h' }] }),
    ).rejects.toThrow(/inside \/workspace/);
  }, 30_000);

  it('a container stopped from outside is started again on the next command, with a warning', async () => {
    await docker.getContainer(sandbox.id).kill();
    const r = await sandbox.exec({ shell: 'echo revived' });
    expect(r).toMatchObject({ exitCode: 0, stdout: 'revived\n' });
    expect(sandbox.warnings.join('\n')).toMatch(/had stopped .* started again/);
  });

  it('refuses a second sandbox for a live run, and replaces the leftover of a dead one', async () => {
    const again = await startDockerSandbox({ runId, workspaceDir: workspace, forceCpu: true });
    expect(again.ok).toBe(false);
    if (!again.ok)
      expect(again.error).toMatchObject({
        code: 'start_failed',
        message: expect.stringMatching(/already has a live sandbox/),
      });
    const deadRun = `dead-run-${process.pid}`;
    const image = (await docker.getContainer(sandbox.id).inspect()).Config.Image;
    await docker.createContainer({
      Image: image,
      name: `mle-beast-${deadRun}`,
      Cmd: ['true'],
      Labels: { ...sandboxLabels(deadRun, 'main'), [LABELS.owner]: `${os.hostname()}:999999999` },
    });
    const fresh = await startDockerSandbox({ runId: deadRun, workspaceDir: workspace, forceCpu: true });
    if (!fresh.ok) throw fresh.error;
    try {
      expect(fresh.value.warnings.join('\n')).toMatch(
        /removed the container mle-beast-dead-run-\d+ left over/,
      );
      expect((await fresh.value.exec({ shell: 'echo fresh' })).stdout).toBe('fresh\n');
    } finally {
      await fresh.value.stop();
    }
  }, 30_000);

  it('orphan clean-up removes labelled containers of dead runs, and nothing else', async () => {
    const image = (await docker.getContainer(sandbox.id).inspect()).Config.Image;
    // Made here by a process that has ended.
    const orphanLabels = {
      ...sandboxLabels(`orphan-${process.pid}`, 'main'),
      [LABELS.owner]: `${os.hostname()}:999999999`,
    };
    const orphan = await docker.createContainer({
      Image: image,
      name: `mle-beast-orphan-${process.pid}`,
      Cmd: ['true'],
      Labels: orphanLabels,
    });
    await docker.createVolume({ Name: homeVolumeName(`orphan-${process.pid}`), Labels: orphanLabels });
    const stranger = await docker.createContainer({
      Image: image,
      name: `not-ours-${process.pid}`,
      Cmd: ['true'],
    });
    // Another machine's sandbox on a shared daemon: only that machine can tell whether its owner lives.
    const foreign = await docker.createContainer({
      Image: image,
      name: `mle-beast-foreign-${process.pid}`,
      Cmd: ['true'],
      Labels: { ...sandboxLabels(`foreign-${process.pid}`, 'main'), [LABELS.owner]: 'laptop-b:4242' },
    });
    try {
      const r = await cleanupOrphanSandboxes([runId]);
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      expect(r.value.containers).toContain(`mle-beast-orphan-${process.pid}`);
      expect(r.value.volumes).toContain(homeVolumeName(`orphan-${process.pid}`));
      await expect(orphan.inspect()).rejects.toMatchObject({ statusCode: 404 });
      expect((await stranger.inspect()).Name).toBe(`/not-ours-${process.pid}`);
      expect((await foreign.inspect()).Name).toBe(`/mle-beast-foreign-${process.pid}`);
      expect((await sandbox.exec({ shell: 'echo alive' })).stdout).toBe('alive\n');
    } finally {
      await stranger.remove({ force: true });
      await foreign.remove({ force: true });
    }
  });
});

describe.skipIf(!daemon.available)(`${title}: limits`, () => {
  const temp = makeTempDir('mle-beast-docker-limits-');
  let docker: Dockerode;
  let sandbox: DockerSandbox;

  beforeAll(async () => {
    const connection = await connectDocker();
    if (!connection.ok) throw connection.error;
    docker = connection.value.docker;
    await requireImage(docker);
    const started = await startDockerSandbox({
      runId: `test-limits-${process.pid}`,
      workspaceDir: temp.dir,
      forceCpu: true,
      limits: { memoryBytes: 256 * MiB, pids: 128 },
    });
    if (!started.ok) throw started.error;
    sandbox = started.value;
  }, 60_000);

  afterAll(async () => {
    await sandbox?.stop();
    temp.cleanup();
  });

  it('forceCpu makes no GPU request and no GPU warning', () => {
    expect(sandbox.gpu).toBe(false);
    expect(sandbox.warnings.join('\n')).not.toMatch(/GPU requested/);
  });

  it('a memory hog is killed with a clear out-of-memory message', async () => {
    const r = await sandbox.exec({
      argv: ['python3', '-c', 'b = []\nwhile True: b.append(bytearray(16 * 1024 * 1024))'],
      timeoutMs: 30_000,
    });
    expect(r).toMatchObject({ exitCode: 137, oomKilled: true, timedOut: false });
    expect(r.stderr).toMatch(/out of memory: the command went over the sandbox's memory limit of 256 MiB/);
    // A plain SIGKILL is not mistaken for an OOM.
    const killed = await sandbox.exec({ shell: 'kill -KILL $$' });
    expect(killed).toMatchObject({ exitCode: 137, oomKilled: false });
  }, 40_000);

  it('a fork bomb is stopped by the pids limit, and the sandbox keeps working afterwards', async () => {
    // The bomb grows for 2 s against the limit; then its shell exits and the wrapper sweeps what is left.
    const r = await sandbox.exec({ argv: ['bash', '-c', ':(){ :|:& };:; sleep 2'], timeoutMs: 20_000 });
    expect(r).toMatchObject({ timedOut: false, exitCode: 0 });
    expect(r.stderr).toMatch(/fork: (retry: )?Resource temporarily unavailable/);
    const after = await sandbox.exec({ shell: 'echo survived; ps -e --no-headers | wc -l' });
    expect(after.exitCode).toBe(0);
    const [line, count] = after.stdout.split('\n');
    expect(line).toBe('survived');
    expect(Number(count)).toBeLessThan(10);
    const info = await docker.getContainer(sandbox.id).inspect();
    expect(info.HostConfig.PidsLimit).toBe(128);
  }, 40_000);

  it('a bomb that keeps its main process alive is killed by the timeout, every process of it', async () => {
    const marker = `mle-bomb-${process.pid}`;
    const t0 = performance.now();
    const r = await sandbox.exec({
      argv: [
        'bash',
        '-c',
        `bomb(){ bomb|bomb& }; while :; do bomb; (exec -a ${marker} sleep 1000) & sleep 0.1; done`,
      ],
      timeoutMs: 2000,
    });
    expect(r).toMatchObject({ timedOut: true, exitCode: null });
    expect(performance.now() - t0 - 2000).toBeLessThan(2000);
    const after = await sandbox.exec({ shell: 'ps -e --no-headers | wc -l' });
    expect(Number(after.stdout)).toBeLessThan(10);
  }, 40_000);

  it('when the targeted kill fails, the fallback restarts the container and it keeps working', async () => {
    const container = docker.getContainer(sandbox.id);
    const info = await container.inspect();
    let reason = '';
    const t0 = performance.now();
    const r = await runDockerExec(
      {
        docker,
        container,
        user: `${expectedUid}:${expectedUid}`,
        workspace: '/workspace',
        memoryLimitText: '256 MiB',
        killScript: 'exit 1',
        forceKillAll: async (why) => {
          reason = why;
          await container.restart({ t: 0 });
        },
      },
      { shell: 'sleep 1000', timeoutMs: 1000 },
    );
    expect(r).toMatchObject({ timedOut: true, exitCode: null });
    expect(performance.now() - t0 - 1000).toBeLessThan(2000);
    expect(reason).toMatch(/could not be killed one by one/);
    expect((await container.inspect()).State.StartedAt).not.toBe(info.State.StartedAt);
    const after = await sandbox.exec({ shell: 'echo back; ps -e --no-headers | wc -l' });
    expect(after.stdout).toMatch(/^back\n\d+\n$/);
    expect(Number(after.stdout.split('\n')[1])).toBeLessThan(10);
  }, 40_000);

  it('stop removes the container and its volume, is safe twice, and refuses later commands', async () => {
    const id = sandbox.id;
    await sandbox.stop();
    await sandbox.stop();
    await expect(docker.getContainer(id).inspect()).rejects.toMatchObject({ statusCode: 404 });
    await expect(
      docker.getVolume(homeVolumeName(`test-limits-${process.pid}`)).inspect(),
    ).rejects.toMatchObject({ statusCode: 404 });
    await expect(sandbox.exec({ shell: 'true' })).rejects.toMatchObject({ code: 'sandbox_gone' });
  });
});
