import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skippedTitle } from '../testing/skip';
import { makeTempDir } from '../testing/temp-dir';
import { SandboxError } from './errors';
import { ISOLATED_LOCAL_NOTE, LOCAL_WARNING, startLocalSandbox, type LocalSandbox } from './local-sandbox';
import { startSandbox } from './index';

/** Live (non-zombie) processes whose command line starts with `marker` (named with `exec -a`). */
function alive(marker: string): number[] {
  const found: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      if (fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').startsWith(marker)) found.push(Number(name));
    } catch {
      // exited
    }
  }
  return found;
}

const linux = process.platform === 'linux';

// Every behaviour holds with and without the OS sandbox (bubblewrap here); only the paths differ.
describe.each([
  { mode: 'isolated', unisolated: false },
  { mode: 'unisolated', unisolated: true },
])('local sandbox ($mode)', ({ unisolated }) => {
  const temp = makeTempDir();
  const workspace = path.join(temp.dir, 'ws');
  const data = path.join(temp.dir, 'data');
  let sandbox: LocalSandbox;

  beforeAll(async () => {
    fs.mkdirSync(path.join(workspace, 'sub'), { recursive: true });
    fs.mkdirSync(data);
    const started = await startLocalSandbox(
      {
        runId: 'local-test',
        workspaceDir: workspace,
        dataDir: data,
        env: { FROM_SPEC: 'yes' },
      },
      { unisolated },
    );
    if (!started.ok) throw started.error;
    sandbox = started.value;
  });
  afterAll(async () => {
    await sandbox.stop();
    temp.cleanup();
  });

  it.runIf(unisolated)(
    skippedTitle(
      'says plainly that it is not isolated, and uses host paths',
      !unisolated && 'unisolated mode only',
    ),
    () => {
      expect(sandbox.kind).toBe('local');
      expect(sandbox.isolation).toBe('none');
      expect(sandbox.warnings).toEqual([LOCAL_WARNING]);
      expect(sandbox.warnings[0]).toMatch(/not isolated/);
      expect(sandbox.paths).toEqual({ workspace: fs.realpathSync(workspace), data: fs.realpathSync(data) });
      expect(sandbox.gpu).toBe(false);
    },
  );

  it.runIf(!unisolated && linux)(
    skippedTitle(
      'is isolated by bubblewrap, with the Docker sandbox paths',
      unisolated ? 'isolated mode only' : !linux && 'bubblewrap is Linux only',
    ),
    () => {
      expect(sandbox.kind).toBe('local');
      expect(sandbox.isolation).toBe('bubblewrap');
      expect(sandbox.warnings).toEqual([ISOLATED_LOCAL_NOTE]);
      expect(sandbox.paths).toEqual({ workspace: '/workspace', data: '/data' });
      expect(sandbox.hostPaths).toEqual({
        workspace: fs.realpathSync(workspace),
        data: fs.realpathSync(data),
      });
    },
  );

  it('runs argv and shell lines in the workspace with exit codes, both streams, cwd and env', async () => {
    const r = await sandbox.exec({
      shell: 'pwd; echo "$FROM_SPEC $FROM_REQUEST $MPLBACKEND $PYTHONUNBUFFERED"; echo oops >&2; exit 3',
      cwd: 'sub',
      env: { FROM_REQUEST: 'too' },
    });
    expect(r).toMatchObject({ exitCode: 3, timedOut: false, cancelled: false, oomKilled: false });
    expect(r.stdout).toBe(`${sandbox.paths.workspace}/sub\nyes too Agg 1\n`);
    expect(r.stderr).toBe('oops\n');
    const py = await sandbox.exec({ argv: ['python3', '-c', 'import sys; print(sys.executable)'] });
    expect(py.exitCode).toBe(0);
    expect(path.dirname(py.stdout.trim())).toBe(path.dirname(sandbox.python.executable));
    if (!unisolated) {
      // `python` is the chosen interpreter too, even where its folder has only python3.
      const plain = await sandbox.exec({
        argv: ['python', '-c', 'import os, sys; print(os.path.realpath(sys.executable))'],
      });
      expect(plain.stdout.trim()).toBe(fs.realpathSync(sandbox.python.executable));
    }
  });

  it('reports a missing program as exit 127 and a signal as 128+n', async () => {
    expect((await sandbox.exec({ argv: ['mle-beast-no-such-program'] })).exitCode).toBe(127);
    expect((await sandbox.exec({ shell: 'kill -SEGV $$' })).exitCode).toBe(139);
  });

  it('refuses malformed requests', async () => {
    await expect(sandbox.exec({ argv: ['true'], shell: 'true' })).rejects.toThrow(SandboxError);
    await expect(sandbox.exec({ shell: 'true', cwd: '../..' })).rejects.toThrow(/inside the workspace/);
    await expect(sandbox.exec({ shell: 'true', timeoutMs: -1 })).rejects.toThrow(/timeoutMs/);
  });

  it.skipIf(!linux)(
    skippedTitle(
      'a timeout kills the whole process group, children included, within 2 s',
      !linux && 'process groups are tested on Linux',
    ),
    async () => {
      const marker = `mle-local-timeout-${process.pid}`;
      const t0 = performance.now();
      const r = await sandbox.exec({
        shell: `(exec -a ${marker} sleep 1000) & (exec -a ${marker} sleep 1000) & setsid bash -c "exec -a ${marker} sleep 1000" & wait`,
        timeoutMs: 1000,
      });
      const elapsed = performance.now() - t0;
      expect(r).toMatchObject({ exitCode: null, timedOut: true, cancelled: false });
      expect(r.stderr).toMatch(/timed out after 1 s/);
      expect(elapsed).toBeLessThan(1000 + 2000);
      expect(alive(marker)).toEqual([]);
    },
  );

  it.skipIf(!linux)(
    skippedTitle(
      'an AbortSignal cancels at once and kills the tree',
      !linux && 'process groups are tested on Linux',
    ),
    async () => {
      const marker = `mle-local-cancel-${process.pid}`;
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 300);
      const t0 = performance.now();
      const r = await sandbox.exec({
        shell: `(exec -a ${marker} sleep 1000) & wait`,
        signal: controller.signal,
      });
      expect(r).toMatchObject({ exitCode: null, timedOut: false, cancelled: true });
      expect(performance.now() - t0).toBeLessThan(300 + 2000);
      expect(alive(marker)).toEqual([]);
      const already = await sandbox.exec({ shell: 'echo never', signal: AbortSignal.abort() });
      expect(already).toMatchObject({ cancelled: true, exitCode: null, stdout: '' });
    },
  );

  it.skipIf(!linux)(
    skippedTitle(
      'background children do not outlive their command',
      !linux && 'process groups are tested on Linux',
    ),
    async () => {
      const marker = `mle-local-bg-${process.pid}`;
      const r = await sandbox.exec({ shell: `(exec -a ${marker} sleep 1000) & echo started` });
      expect(r).toMatchObject({ exitCode: 0, stdout: 'started\n' });
      expect(alive(marker)).toEqual([]);
    },
  );

  it('caps output at head and tail and counts what it dropped', async () => {
    const r = await sandbox.exec({
      shell: 'echo FIRST; head -c 5000000 /dev/zero | tr "\\0" x; echo; echo LAST',
      outputCapBytes: 1000,
    });
    expect(r.exitCode).toBe(0);
    expect(r.stdout.startsWith('FIRST\nxxx')).toBe(true);
    expect(r.stdout.endsWith('xxx\nLAST\n')).toBe(true);
    expect(r.stdoutDroppedBytes).toBe(6 + 5_000_000 + 1 + 5 - 1000);
    expect(r.stdout).toMatch(/bytes of output dropped here/);
  });

  it('streams output as it arrives', async () => {
    const chunks: Array<[string, number]> = [];
    const t0 = performance.now();
    await sandbox.exec({
      shell: 'echo one; sleep 0.4; echo two >&2',
      onOutput: (stream, chunk) => chunks.push([`${stream}:${chunk}`, performance.now() - t0]),
    });
    expect(chunks.map((c) => c[0])).toEqual(['stdout:one\n', 'stderr:two\n']);
    expect(chunks[0]![1]).toBeLessThan(chunks[1]![1] - 200);
  });

  it('stop() kills what is running, and the sandbox refuses new commands; twice is fine', async () => {
    const other = await startLocalSandbox({ runId: 'local-stop', workspaceDir: workspace }, { unisolated });
    if (!other.ok) throw other.error;
    const running = other.value.exec({ shell: 'sleep 1000' });
    await new Promise((r) => setTimeout(r, 200));
    await other.value.stop();
    await other.value.stop();
    expect(await running).toMatchObject({ cancelled: true, exitCode: null });
    await expect(other.value.exec({ shell: 'true' })).rejects.toMatchObject({ code: 'sandbox_gone' });
  });
});

describe('starting a local sandbox', () => {
  it('reports a Python that does not run, and a missing workspace, as values', async () => {
    const temp = makeTempDir();
    try {
      const noPython = await startLocalSandbox({
        runId: 'x',
        workspaceDir: temp.dir,
        python: '/nonexistent/bin/python',
      });
      expect(noPython.ok).toBe(false);
      if (!noPython.ok) expect(noPython.error.code).toBe('python_unavailable');
      const noDir = await startLocalSandbox({ runId: 'x', workspaceDir: path.join(temp.dir, 'missing') });
      expect(noDir.ok).toBe(false);
      if (!noDir.ok)
        expect(noDir.error).toMatchObject({
          code: 'invalid_spec',
          message: expect.stringMatching(/does not exist/),
        });
      const relative = await startSandbox({ runId: 'x', workspaceDir: 'relative/path' }, 'local');
      expect(relative.ok).toBe(false);
      if (!relative.ok) expect(relative.error.message).toMatch(/absolute path/);
    } finally {
      temp.cleanup();
    }
  });

  it('a venv python comes first on PATH with VIRTUAL_ENV set', async () => {
    const temp = makeTempDir();
    try {
      const venv = path.join(temp.dir, 'venv');
      const { execa } = await import('execa');
      await execa('python3', ['-m', 'venv', '--without-pip', venv]);
      const started = await startLocalSandbox({
        runId: 'venv',
        workspaceDir: temp.dir,
        python: path.join(venv, 'bin', 'python'),
      });
      if (!started.ok) throw started.error;
      const r = await started.value.exec({ shell: 'command -v python; echo "$VIRTUAL_ENV"' });
      expect(r.stdout).toBe(`${path.join(venv, 'bin', 'python')}\n${venv}\n`);
      await started.value.stop();
    } finally {
      temp.cleanup();
    }
  });
});
