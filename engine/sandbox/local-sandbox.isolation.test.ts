import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../testing/temp-dir';
import { startSandbox } from './index';
import { LOCAL_WARNING, startLocalSandbox, type LocalSandbox } from './local-sandbox';
import { probeOsSandbox } from './os-sandbox/probe';
import { makeHostFixture, snapshotOutside, type HostFixture } from './testing/host-fixture';

// The OS boundary itself, not the string policy: each command goes straight to the sandbox's exec, as if the
// policy had let it through. Every reproduction of issue 8 section 2 runs against real files under a
// temporary HOME, and everything outside the workspace must be exactly as it was.

const SECRET = 'final-holdout 0.987654';
const REPORT = `<html><body>${SECRET}</body></html>`;

const bwrap = process.platform === 'linux' ? await probeOsSandbox(process.env) : null;
const canIsolate = bwrap?.kind === 'bubblewrap';

describe.skipIf(!canIsolate)('the local sandbox in bubblewrap: a real boundary', () => {
  const temp = makeTempDir();
  let f: HostFixture;
  let sandbox: LocalSandbox;
  let before: Map<string, string>;
  const realGitConfig = path.join(os.homedir(), '.gitconfig');
  const realGitConfigBefore = fs.existsSync(realGitConfig) ? fs.readFileSync(realGitConfig, 'utf8') : null;
  const hostnameBefore = fs.readFileSync('/etc/hostname', 'utf8');

  beforeAll(async () => {
    f = makeHostFixture(fs.realpathSync(temp.dir));
    const started = await startLocalSandbox(
      { runId: 'escape', workspaceDir: f.workspace, dataDir: f.visible },
      {
        baseEnv: { ...process.env, HOME: f.home, OPENAI_API_KEY: 'sk-secret-of-the-engine' },
        hiddenPaths: [f.engineHome],
      },
    );
    if (!started.ok) throw started.error;
    sandbox = started.value;
    expect(sandbox.isolation).toBe('bubblewrap');
    before = snapshotOutside(f);
  });
  afterAll(async () => {
    await sandbox?.stop();
    temp.cleanup();
  });

  /** Runs a shell line in the sandbox; returns its result. */
  const sh = (line: string) => sandbox.exec({ shell: line, timeoutMs: 30_000 });
  const expectUntouched = () => expect(snapshotOutside(f)).toEqual(before);

  it('writes go to the workspace, and are there on the host', async () => {
    const r = await sh('echo made > made.txt && mkdir -p sub && echo deep > sub/x && cat made.txt');
    expect(r).toMatchObject({ exitCode: 0, stdout: 'made\n' });
    expect(fs.readFileSync(path.join(f.workspace, 'sub', 'x'), 'utf8')).toBe('deep\n');
    expectUntouched();
  });

  it('ln -s DIR h && rm -rf h/ empties nothing outside', async () => {
    await sh(`ln -s ${f.sibling} h && rm -rf h/; ln -s ../other h2 && rm -rf h2/; ls ${f.sibling}`);
    expect(fs.readFileSync(f.siblingFile, 'utf8')).toBe('keep me\n');
    expectUntouched();
  });

  it('a hard link to a file outside cannot be made, so >> cannot reach it', async () => {
    const r = await sh(
      `ln ${f.siblingFile} hl; a=$?; ln /etc/hostname hl2; b=$?; echo x >> hl; echo x >> hl2; echo "$a $b"`,
    );
    expect(r.stdout).toMatch(/^[1-9]\d* [1-9]\d*\n$/);
    expect(fs.readFileSync('/etc/hostname', 'utf8')).toBe(hostnameBefore);
    expectUntouched();
  });

  it('CDPATH=..; cd other && rm -rf * wipes nothing', async () => {
    const r = await sh(
      'CDPATH=..; cd other && rm -rf *; CDPATH=' + path.dirname(f.sibling) + '; cd other && rm -rf *',
    );
    expect(r.exitCode).not.toBe(0);
    expectUntouched();
  });

  it('rm -f etc_lin?/hostname through a link to /etc removes nothing', async () => {
    const r = await sh('ln -s /etc etc_link && rm -f etc_lin?/hostname');
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/Read-only file system/);
    expect(fs.readFileSync('/etc/hostname', 'utf8')).toBe(hostnameBefore);
  });

  it('tar -xPf with absolute members writes nothing outside', async () => {
    // The archive names a host file by its absolute path, as an attacker's archive would.
    const script = [
      'import io, tarfile',
      `data = b"overwritten"`,
      `with tarfile.open("evil.tar", "w") as t:`,
      `    for name in [${JSON.stringify(f.siblingFile)}, ${JSON.stringify(path.join(f.canary, 'alive.txt'))}]:`,
      '        info = tarfile.TarInfo(name); info.size = len(data); t.addfile(info, io.BytesIO(data))',
    ].join('\n');
    fs.writeFileSync(path.join(f.workspace, 'mk_tar.py'), script);
    await sh('python3 mk_tar.py && tar -xPf evil.tar');
    expect(fs.readFileSync(f.siblingFile, 'utf8')).toBe('keep me\n');
    expectUntouched();
  });

  it('git on another repository (-C, --git-dir/--work-tree) changes nothing there', async () => {
    await sh(
      `git -C ../repo reset --hard; git -C ${f.repo} reset --hard; ` +
        `git --git-dir=${f.repo}/.git --work-tree=${f.repo} clean -fdx`,
    );
    expect(fs.readFileSync(path.join(f.repo, 'tracked.txt'), 'utf8')).toBe('uncommitted work\n');
    expect(fs.existsSync(path.join(f.repo, 'untracked.txt'))).toBe(true);
    expectUntouched();
  });

  it("git config --global changes only the sandbox's own HOME", async () => {
    const r = await sh(
      'git config --global core.hooksPath x && git config --global core.hooksPath && echo "$HOME"',
    );
    expect(r.stdout).toBe('x\n/home/sandbox\n');
    expect(fs.readFileSync(f.gitConfig, 'utf8')).toBe('[user]\n\tname = Someone\n');
    expect(fs.existsSync(realGitConfig) ? fs.readFileSync(realGitConfig, 'utf8') : null).toBe(
      realGitConfigBefore,
    );
    expectUntouched();
  });

  it("the workspace's .git is read-only: no hook can be planted for the engine's git", async () => {
    const r = await sh('echo "touch /tmp/pwned" > .git/hooks/post-commit');
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/Read-only file system/);
    expect(fs.existsSync(path.join(f.workspace, '.git', 'hooks', 'post-commit'))).toBe(false);
  });

  it('the database, the runs and the user policy file can be neither deleted nor read', async () => {
    const r = await sh(
      `rm -f ~/.mle-beast/mle_beast.db ${f.db}; rm -rf ~/.mle-beast/runs ${path.join(f.engineHome, 'runs')}; ` +
        `cat ${f.db} ${f.policyFile}`,
    );
    expect(r.exitCode).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(fs.existsSync(f.db)).toBe(true);
    expectUntouched();
  });

  it("a run's hidden labels can be neither read nor overwritten, by any path", async () => {
    const rel = path.relative(f.visible, f.labels);
    const r = await sh(
      `cat ${f.labels}; cat /data/${rel}; cat /data/../labels/selection.csv; echo 1,dog > ${f.labels}; ` +
        `python3 -c "open(${JSON.stringify(f.labels)}, 'w').write('hacked')"`,
    );
    expect(r.exitCode).not.toBe(0);
    expect(r.stdout).not.toMatch(/cat|dog/);
    expect(fs.readFileSync(f.labels, 'utf8')).toBe('id,label\n1,cat\n2,dog\n');
    expectUntouched();
  });

  it('the visible data is readable and read-only', async () => {
    const r = await sh('cat /data/train.csv && echo x >> /data/train.csv');
    expect(r.stdout).toBe('x,label\n0.1,cat\n0.9,dog\n');
    expect(r.stderr).toMatch(/Read-only file system/);
    expectUntouched();
  });

  it('the holdout split is visible only to the command given it, read-only, and the labels never', async () => {
    const mounts = [{ hostPath: f.holdoutSplit, sandboxPath: '/holdout/selection' }];
    const r = await sandbox.exec({
      shell: 'cat /holdout/selection/features.csv; ls /holdout/selection; cat /holdout/labels/selection.csv',
      mounts,
    });
    expect(r.stdout).toBe('id,x\n1,0.5\n2,0.7\nfeatures.csv\n');
    expect((await sh('ls /holdout')).exitCode).not.toBe(0);
    expectUntouched();
  });

  it("~/.ssh, ~/.aws and the engine's environment (API keys) are out of reach", async () => {
    const r = await sh(
      `cat ${f.home}/.ssh/id_ed25519 ${f.home}/.aws/credentials ~/.ssh/id_ed25519 /etc/shadow; echo "key=$OPENAI_API_KEY"`,
    );
    expect(r.stdout).toBe('key=\n');
    expectUntouched();
  });

  it('rm -rf /tmp/<a folder of the host> and of the whole temp root touches only the private /tmp', async () => {
    // Named folders only: were the boundary broken, a wider rm would hit other programs' files.
    const hostTmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mle-beast-host-canary-'));
    fs.writeFileSync(path.join(hostTmp, 'alive.txt'), 'alive\n');
    try {
      const r = await sh(`rm -rf ${hostTmp} ${f.root}; ls ${hostTmp} ${f.root}; touch /tmp/mine && ls /tmp`);
      expect(r.stdout).toBe('mine\n');
      expect(fs.readFileSync(path.join(hostTmp, 'alive.txt'), 'utf8')).toBe('alive\n');
      expect(fs.existsSync(path.join(f.canary, 'alive.txt'))).toBe(true);
      expect(fs.existsSync(path.join(os.tmpdir(), 'mine'))).toBe(false);
      expectUntouched();
    } finally {
      fs.rmSync(hostTmp, { recursive: true, force: true });
    }
  });

  it("an engine report written after the sandbox started is out of reach by any path; the rest of reports/ is the agent's", async () => {
    const reports = path.join(f.workspace, 'reports');
    const name = 'report_20260101T000000Z.html';
    // A brownfield repository's own reports/ (cookiecutter-data-science), and a report the engine writes while
    // the sandbox runs (`mle-beast report` of an earlier run, say): each command looks for report files anew.
    fs.mkdirSync(path.join(reports, 'figures'), { recursive: true });
    fs.writeFileSync(path.join(reports, 'figures', 'plot.png'), 'png\n');
    fs.writeFileSync(path.join(reports, 'notes.md'), 'notes\n');
    fs.writeFileSync(path.join(reports, name), REPORT);
    const r = await sh(
      `cat reports/${name} /workspace/reports/${name} ${path.join(reports, name)}; grep -rs 0.987654 .; ` +
        `ln -s reports/${name} r.html && cat r.html; ln -s reports alias && cat alias/${name}; ` +
        `echo planted > reports/${name}; rm -f reports/${name}; mv reports/${name} reports/gone.html; ` +
        'cat reports/notes.md reports/figures/plot.png; echo more >> reports/notes.md; ' +
        'echo png2 > reports/figures/plot2.png; mkdir reports/figures/sub; echo new > reports/mine.md; echo end',
    );
    expect(r.stdout).toBe('notes\npng\nend\n');
    expect(r.stderr).not.toContain(SECRET);
    // Covered by /dev/null on a nodev bind: refused by every name, through links too; not movable.
    for (const given of [`reports/${name}`, `/workspace/reports/${name}`, 'r.html', `alias/${name}`])
      expect(r.stderr).toContain(`cat: ${given}: Permission denied`);
    expect(r.stderr).toMatch(/cannot remove .*: Device or resource busy/);
    expect(fs.readFileSync(path.join(reports, name), 'utf8')).toBe(REPORT);
    expect(fs.existsSync(path.join(reports, 'gone.html'))).toBe(false);
    expect(fs.readFileSync(path.join(reports, 'notes.md'), 'utf8')).toBe('notes\nmore\n');
    expect(fs.readFileSync(path.join(reports, 'figures', 'plot2.png'), 'utf8')).toBe('png2\n');
    expect(fs.statSync(path.join(reports, 'figures', 'sub')).isDirectory()).toBe(true);
    expect(fs.readFileSync(path.join(reports, 'mine.md'), 'utf8')).toBe('new\n');
    // The engine still writes there while the sandbox runs.
    fs.writeFileSync(path.join(reports, 'report_20260102T000000Z.pdf'), REPORT);
    const again = await sh('cat reports/report_20260102T000000Z.pdf; echo end');
    expect(again.stdout).toBe('end\n');
    expect(again.stderr).not.toContain(SECRET);
    expectUntouched();
  });

  it('a workspace that is a home folder shows its secrets and the engine folder covered', async () => {
    const home = await startLocalSandbox(
      { runId: 'home-ws', workspaceDir: f.home },
      { baseEnv: { ...process.env, HOME: f.home }, hiddenPaths: [f.engineHome] },
    );
    if (!home.ok) throw home.error;
    try {
      const r = await home.value.exec({
        shell:
          'cat .ssh/id_ed25519 .aws/credentials .mle-beast/mle_beast.db; ls -A .ssh .mle-beast; ' +
          'rm -rf .mle-beast/runs .ssh; echo done',
      });
      expect(r.stdout).toBe('.mle-beast:\n\n.ssh:\ndone\n');
      expect(fs.readFileSync(path.join(f.home, '.ssh', 'id_ed25519'), 'utf8')).toBe('PRIVATE KEY\n');
      expectUntouched();
    } finally {
      await home.value.stop();
    }
  });

  it('the network is off unless the run allows it', async () => {
    const server = http.createServer((_req, res) => res.end('hello'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const fetchLine = `python3 -c "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:${port}', timeout=3).read().decode())"`;
    try {
      const off = await sh(fetchLine);
      expect(off.exitCode).not.toBe(0);
      const allowed = await startLocalSandbox(
        { runId: 'net', workspaceDir: f.workspace, network: 'bridge' },
        { baseEnv: { ...process.env, HOME: f.home } },
      );
      if (!allowed.ok) throw allowed.error;
      try {
        const on = await allowed.value.exec({ shell: fetchLine, timeoutMs: 30_000 });
        expect(on).toMatchObject({ exitCode: 0, stdout: 'hello\n' });
      } finally {
        await allowed.value.stop();
      }
    } finally {
      server.close();
    }
  });

  it('its private HOME and /tmp persist between commands and are removed with it', async () => {
    const other = await startLocalSandbox({ runId: 'private', workspaceDir: f.workspace });
    if (!other.ok) throw other.error;
    await other.value.exec({ shell: 'echo a > /tmp/keep && echo b > ~/keep' });
    const r = await other.value.exec({ shell: 'cat /tmp/keep ~/keep' });
    expect(r.stdout).toBe('a\nb\n');
    const privateDirs = fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('mle-beast-sandbox-'));
    await other.value.stop();
    const after = fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('mle-beast-sandbox-'));
    expect(after.length).toBe(privateDirs.length - 1);
  });
});

describe('a local sandbox without an OS sandbox', () => {
  const temp = makeTempDir();
  afterAll(() => temp.cleanup());

  it('is refused unless the run chose local-unisolated (bwrap missing from PATH)', async () => {
    // Simulated by a PATH without bwrap, as on a machine where it is not installed.
    const baseEnv = { ...process.env, PATH: path.join(temp.dir, 'empty-bin') };
    const refused = await startLocalSandbox({ runId: 'x', workspaceDir: temp.dir }, { baseEnv });
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.error.code).toBe('isolation_unavailable');
      expect(refused.error.message).toMatch(/cannot be isolated/);
      expect(refused.error.message).toMatch(/--sandbox local-unisolated/);
      expect(refused.error.message).toMatch(
        process.platform === 'linux' ? /bubblewrap \(bwrap\) is not installed/ : /./,
      );
    }
  });

  it('is refused by startSandbox for "local", started for "local-unisolated" with a plain warning', async () => {
    const local = { probe: async () => ({ kind: 'none' as const, reason: 'no OS sandbox here (test)' }) };
    const spec = { runId: 'y', workspaceDir: temp.dir };
    const refused = await startSandbox(spec, 'local', { local });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.message).toMatch(/no OS sandbox here \(test\)/);
    const started = await startSandbox(spec, 'local-unisolated', { local });
    if (!started.ok) throw started.error;
    try {
      expect(started.value.isolation).toBe('none');
      expect(started.value.warnings).toEqual([LOCAL_WARNING]);
      expect(LOCAL_WARNING).toMatch(/not isolated/);
      expect((await started.value.exec({ shell: 'pwd' })).stdout).toBe(`${fs.realpathSync(temp.dir)}\n`);
    } finally {
      await started.value.stop();
    }
  });
});
