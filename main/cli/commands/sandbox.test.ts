import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { daemon, dockerSuiteTitle } from '../../../engine/testing/docker';
import { useTempDir } from '../../../engine/testing/temp-dir';
import { EXIT } from '../exit-codes';
import { main } from '../index';
import { commandLine } from './sandbox';

const temp = useTempDir('mle-cli-sandbox-');
let ws: string;

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((c) => (out.push(String(c)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((c) => (err.push(String(c)), true));
  vi.spyOn(console, 'error').mockImplementation((m) => err.push(`${String(m)}\n`));
  vi.spyOn(console, 'log').mockImplementation((m) => out.push(`${String(m)}\n`));
  return { out: () => out.join(''), err: () => err.join('') };
}

const run = (...args: string[]) => main(['node', 'mle-beast', 'sandbox', ...args]);

beforeEach(() => {
  ws = path.join(temp.dir, 'ws');
  fs.mkdirSync(ws);
  const home = path.join(temp.dir, 'home');
  fs.mkdirSync(home);
  // The user policy file is looked up under HOME: keep the real one out of the tests.
  vi.stubEnv('HOME', home);
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('mle-beast sandbox (no Docker needed)', () => {
  it('lists its subcommands', async () => {
    const io = capture();
    expect(await main(['node', 'mle-beast', 'sandbox', '--help'])).toBe(EXIT.ok);
    expect(io.out()).toMatch(/build \[options\]/);
    expect(io.out()).toMatch(/status \[options\]/);
    expect(io.out()).toMatch(/exec \[options\] <command\.\.\.>/);
  });

  it('takes one argument as a command line and quotes several', () => {
    expect(commandLine(['ls -la | wc -l'])).toBe('ls -la | wc -l');
    expect(commandLine(['python', '-c', "print('a b')"])).toBe(`python -c 'print('\\''a b'\\'')'`);
    expect(commandLine(['echo', 'a/b.txt', '--x=1'])).toBe('echo a/b.txt --x=1');
  });

  it('refuses bad options with exit 2', async () => {
    const io = capture();
    expect(await run('exec', '--network', 'wifi', '--', 'true')).toBe(EXIT.badInput);
    expect(io.err()).toMatch(/none or bridge/);
    expect(await run('exec', '--timeout', '-3', '--', 'true')).toBe(EXIT.badInput);
    expect(await run('exec', '--local', '--force-cpu', '--', 'true')).toBe(EXIT.badInput);
    expect(io.err()).toMatch(/apply to Docker/);
  });

  it('blocks what the policy blocks with exit 126, the policy message, and a safety.log line; nothing runs', async () => {
    const io = capture();
    expect(await run('exec', '--local', '--workspace', ws, '--', 'sudo touch /tmp/x; touch ran')).toBe(126);
    expect(io.err()).toMatch(/^ERROR: blocked by safety policy: /m);
    expect(fs.readFileSync(path.join(ws, 'logs', 'safety.log'), 'utf8')).toMatch(/\tshell\t.*sudo touch/);
    expect(fs.existsSync(path.join(ws, 'ran'))).toBe(false);
  });

  it('--local runs the command, streams its output and exits with its code', async () => {
    const io = capture();
    expect(
      await run('exec', '--local', '--workspace', ws, '--', 'echo out; echo err >&2; touch made; exit 7'),
    ).toBe(7);
    expect(io.out()).toBe('out\n');
    expect(io.err()).toMatch(/err\n/);
    expect(io.err()).toMatch(/isolated by the OS/);
    expect(fs.existsSync(path.join(ws, 'made'))).toBe(true);
  });

  it('--local runs in the OS sandbox, with the paths of the Docker sandbox; --unisolated says it is not isolated', async () => {
    let io = capture();
    expect(await run('exec', '--local', '--workspace', ws, '--', 'pwd; echo "$HOME"')).toBe(0);
    expect(io.out()).toBe('/workspace\n/home/sandbox\n');
    vi.restoreAllMocks();
    io = capture();
    expect(await run('exec', '--local', '--unisolated', '--workspace', ws, '--', 'pwd')).toBe(0);
    expect(io.out()).toBe(`${fs.realpathSync(ws)}\n`);
    expect(io.err()).toMatch(/not isolated/);
    expect(await run('exec', '--unisolated', '--workspace', ws, '--', 'true')).toBe(EXIT.badInput);
  });

  it('--timeout kills the command and exits 124', async () => {
    const io = capture();
    const t0 = Date.now();
    expect(await run('exec', '--local', '--timeout', '0.5', '--workspace', ws, '--', 'sleep 30')).toBe(124);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(io.err()).toMatch(/timed out/);
  });

  it('Ctrl-C cancels the command, stops the sandbox and exits 130', async () => {
    capture();
    const running = run('exec', '--local', '--workspace', ws, '--', 'sleep 30');
    await new Promise((r) => setTimeout(r, 500));
    process.emit('SIGINT');
    expect(await running).toBe(EXIT.cancelled);
    expect(process.listenerCount('SIGINT')).toBe(0);
  });
});

describe.skipIf(!daemon.available)(dockerSuiteTitle('mle-beast sandbox with Docker'), () => {
  it('status --json reports the daemon and the images', async () => {
    const io = capture();
    const code = await run('status', '--json');
    const status = JSON.parse(io.out());
    expect(status.docker).toMatchObject({ available: true, version: daemon.version, problem: null });
    expect(status.images.map((i: { tag: string }) => i.tag)).toEqual([
      expect.stringMatching(/^mle-beast-sandbox:[^-]+$/),
      expect.stringMatching(/^mle-beast-sandbox:.*-offline$/),
    ]);
    expect(code).toBe(status.ready ? EXIT.ok : EXIT.failed);
    if (!status.ready) throw new Error('build the image with mle-beast sandbox build --offline');
  });

  it('exec runs in the container as a non-root user with the workspace at /workspace, and cleans up', async () => {
    const io = capture();
    const code = await run(
      'exec',
      '--workspace',
      ws,
      '--force-cpu',
      '--',
      'id -u; pwd; echo hi > out.txt; exit 4',
    );
    expect(code).toBe(4);
    const [uid, cwd] = io.out().split('\n');
    expect(Number(uid)).not.toBe(0);
    expect(cwd).toBe('/workspace');
    expect(fs.readFileSync(path.join(ws, 'out.txt'), 'utf8')).toBe('hi\n');
  }, 30_000);

  it('screens the scripts a command runs from the workspace, and lets it write its own HOME', async () => {
    fs.writeFileSync(path.join(ws, 'sneaky.py'), 'import os\nos.system("sudo ls")\n');
    let io = capture();
    expect(await run('exec', '--workspace', ws, '--force-cpu', '--', 'python3 sneaky.py')).toBe(126);
    expect(io.err()).toMatch(/blocked by safety policy: in sneaky.py/);
    expect(await run('exec', '--workspace', ws, '--force-cpu', '--', 'python3 /workspace/sneaky.py')).toBe(
      126,
    );
    io = capture();
    const code = await run('exec', '--workspace', ws, '--force-cpu', '--', 'mkdir -p ~/.kaggle && echo ok');
    expect(io.out()).toBe('ok\n');
    expect(code).toBe(0);
  }, 60_000);

  it('Ctrl-C during a Docker command exits 130 and removes the container', async () => {
    capture();
    const running = run('exec', '--workspace', ws, '--force-cpu', '--', 'sleep 60');
    const { connectDocker } = await import('../../../engine/sandbox/docker-probe');
    const connection = await connectDocker();
    if (!connection.ok) throw connection.error;
    const mine = async () =>
      (
        await connection.value.docker.listContainers({
          all: true,
          filters: JSON.stringify({
            label: [`dev.mlebeast.owner=${(await import('node:os')).hostname()}:${process.pid}`],
          }),
        })
      ).filter((c) => c.Labels['dev.mlebeast.run-id']?.startsWith('cli-exec-'));
    for (let i = 0; i < 100 && (await mine()).length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await mine()).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 300));
    process.emit('SIGINT');
    expect(await running).toBe(EXIT.cancelled);
    expect(await mine()).toEqual([]);
  }, 30_000);

  it('build starts sandbox.build, prints its progress events as they come, and ends with the image', async () => {
    // A tiny recipe of its own (FROM scratch, a label): the real builder's whole flow in a second.
    const recipe = path.join(temp.dir, 'recipe');
    fs.mkdirSync(recipe);
    fs.writeFileSync(path.join(recipe, 'Dockerfile'), 'FROM scratch\nLABEL dev.mlebeast.test=cli\n');
    vi.stubEnv('MLE_BEAST_SANDBOX_RESOURCES', recipe);
    const tag = `mle-beast-contract-test:cli-${process.pid}-${Date.now().toString(36)}`;
    try {
      let io = capture();
      expect(await run('build', '--tag', tag)).toBe(EXIT.ok);
      expect(io.out()).toMatch(/^Step 2\/2 : LABEL dev.mlebeast.test=cli$/m);
      expect(io.out()).toMatch(new RegExp(`mle-beast: built ${tag} \\(0\\.00 GiB\\) in \\d+ s`));
      vi.restoreAllMocks();
      io = capture();
      expect(await run('build', '--tag', tag, '--if-missing')).toBe(EXIT.ok);
      expect(io.out()).toMatch(/is already built/);
      vi.restoreAllMocks();
      // A failing build: the daemon's reason, exit 3.
      fs.writeFileSync(path.join(recipe, 'Dockerfile'), 'FROM scratch\nRUN true\n');
      io = capture();
      expect(await run('build', '--tag', `${tag}-fail`)).toBe(EXIT.failed);
      expect(io.err()).toMatch(new RegExp(`mle-beast: building ${tag}-fail failed`));
    } finally {
      const Dockerode = (await import('dockerode')).default;
      await new Dockerode()
        .getImage(tag)
        .remove({ force: true })
        .catch(() => undefined);
    }
  }, 60_000);
});
