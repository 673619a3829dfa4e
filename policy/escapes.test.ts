import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkPythonFile } from './check-python';
import { type CheckContext, appDataPaths, checkShellCommand, defaultPrivateDirs } from './check-shell';
import { parseListing } from './shell/archives';
import { loadPolicy } from './load-policy';

// Issue 8, section 2: the escapes a red-team pass found through the local sandbox, each against real files.
// The layout is a small machine: a HOME with the app's data folder (database, a run folder with visible data,
// hidden labels and holdout features, the run's workspace), a sibling folder and an "outside" folder the
// workspace must not reach, and a private temp folder. /tmp itself is not writable here: only the private one.
//
//   root/home/.mle-beast/mle_beast.db
//   root/home/.mle-beast/runs/r1/data/{visible/train.csv, labels/final.csv, holdout/final/features.csv}
//   root/home/.mle-beast/workspaces/ws/          the workspace (etc_link -> root/outside, linkdir/escape -> root/outside)
//   root/home/.mle-beast/workspaces/other/       another run's workspace
//   root/outside/passwd, root/outside/sub/       stands for /etc
//   root/private-tmp/                            the sandbox's temp folder

const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mle-policy-escapes-')));
const home = path.join(root, 'home');
const app = path.join(home, '.mle-beast');
const ws = path.join(app, 'workspaces', 'ws');
const sibling = path.join(app, 'workspaces', 'other');
const run = path.join(app, 'runs', 'r1', 'data');
const visible = path.join(run, 'visible');
const outside = path.join(root, 'outside');
const privateTmp = path.join(root, 'private-tmp');

for (const dir of [ws, sibling, visible, path.join(run, 'labels'), path.join(run, 'holdout', 'final')])
  fs.mkdirSync(dir, { recursive: true });
for (const dir of [
  path.join(outside, 'sub'),
  privateTmp,
  path.join(ws, 'checkpoints'),
  path.join(ws, 'logs'),
])
  fs.mkdirSync(dir, { recursive: true });
fs.writeFileSync(path.join(app, 'mle_beast.db'), 'db');
fs.writeFileSync(path.join(visible, 'train.csv'), 'x,y\n');
fs.writeFileSync(path.join(run, 'labels', 'final.csv'), 'id,label\n');
fs.writeFileSync(path.join(run, 'holdout', 'final', 'features.csv'), 'id,x\n');
fs.writeFileSync(path.join(outside, 'passwd'), 'root:x:0:0\n');
fs.writeFileSync(path.join(sibling, 'keep.py'), '# another run\n');
fs.writeFileSync(path.join(ws, 'train.py'), 'print("train")\n');
fs.writeFileSync(path.join(ws, 'checkpoints', 'a.pt'), '');
fs.symlinkSync(outside, path.join(ws, 'etc_link'));
fs.mkdirSync(path.join(ws, 'linkdir'));
fs.symlinkSync(outside, path.join(ws, 'linkdir', 'escape'));

// Archives: one with a `..` member (made with -P), one with a link member leading out, one harmless.
const stage = path.join(root, 'stage');
fs.mkdirSync(path.join(stage, 'data'), { recursive: true });
fs.writeFileSync(path.join(stage, 'data', 'a.csv'), 'a\n');
fs.symlinkSync('../../outside', path.join(stage, 'lk'));
const tar = (...args: string[]) => execFileSync('tar', args, { cwd: stage, stdio: 'ignore' });
tar('-czf', path.join(ws, 'good.tgz'), 'data');
tar('-cf', path.join(ws, 'linked.tar'), 'lk', 'data');
tar('-cPf', path.join(ws, 'dotdot.tar'), '../outside/passwd');

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const policy = loadPolicy({ homeDir: home, userPolicyPath: null });
const ctx: CheckContext = {
  workspaceDir: ws,
  homeDir: home,
  tempDir: privateTmp,
  privateDirs: [app],
  readableDirs: [visible],
};
const check = (command: string) => checkShellCommand(policy, command, ctx);

/** [command, expected rule (null: allowed)]. */
const TABLE: [string, string | null][] = [
  // 1. Links the command itself creates, then follows.
  ['ln -s ../../../outside h && rm -rf h/', 'path-containment'],
  ['ln -s ../../../outside h && rm -rf h', null], // removes the link, not what it points to
  [`ln -s ${outside} e; echo x >> e/passwd`, 'path-containment'],
  [`ln -s ${outside}/passwd p; echo x >> p`, 'path-containment'],
  [`ln -s ${outside} e; cp train.py e/`, 'path-containment'],
  [`ln -s ${outside} e; cp train.py e`, 'path-containment'],
  [`ln -s ${outside} e; mv train.py e`, 'path-containment'],
  [`ln -s ${outside} e; bash -c "echo x >> e/passwd"`, 'path-containment'],
  [`ln -s ${outside}/sub h; rm -rf h/../passwd`, 'path-containment'],
  [`timeout 5 ln -s ${outside} e; touch e/x`, 'path-containment'],
  [`cp -s ${outside}/passwd p && echo x > p`, 'path-containment'],
  ['mv etc_link moved && rm -rf moved/', 'path-containment'],
  ['cp -a linkdir copy && echo x >> copy/escape/passwd', 'path-containment'],
  ['ln -s train.py latest.py && python train.py > logs/train.log', null],
  ['mkdir -p out && cp train.py out/ && rm -rf out/', null],
  // 2. Hard links to files outside the workspace.
  [`ln ${outside}/passwd hl`, 'path-containment'],
  [`ln ${outside}/passwd hl && echo x >> hl`, 'path-containment'],
  [`cp -l ${outside}/passwd hl`, 'path-containment'],
  ['ln etc_link/passwd hl', 'path-containment'],
  ['ln train.py train_hardlink.py', null],
  // 3. CDPATH.
  ['CDPATH=..; cd other && rm -rf *', 'path-containment'],
  ['export CDPATH=..', 'path-containment'],
  ['env CDPATH=.. bash -c "cd other && rm -rf *"', 'path-containment'],
  ['echo "$CDPATH"; unset CDPATH', null],
  // 4. Globs resolve before the containment check.
  ['rm -f etc_lin?/passwd', 'path-containment'],
  ['rm -f etc_li*/passwd', 'path-containment'],
  ['echo x > etc_lin[k]/passwd', 'path-containment'],
  ['rm -rf ../oth?r', 'path-containment'],
  [`ln -s ${outside} el && rm -f e?/passwd`, 'path-containment'],
  ['rm -f etc_lin*', null], // the link itself
  ['rm -f checkpoints/*.pt logs/*.log', null],
  // 5. tar: absolute names, members that climb out, link members leading out.
  ['tar -xPf dotdot.tar', 'path-containment'],
  ['tar --absolute-names -xf dotdot.tar', 'path-containment'],
  ['tar -xf dotdot.tar', 'path-containment'],
  ['tar -xf linked.tar', 'path-containment'],
  ['tar -xzf good.tgz -C checkpoints', null],
  ['tar xzf good.tgz && rm good.tgz', null],
  ['curl -sSLo raw.tgz https://example.com/raw.tgz && tar -xzf raw.tgz -C checkpoints', null],
  ['curl -sSL https://example.com/raw.tgz | tar -xz && echo x > data/cfg/x.txt', 'path-containment'],
  // 6. git on another repository, or on configuration outside this one.
  ['git -C ../other reset --hard', 'path-containment'],
  ['git -C checkpoints -C ../../other clean -fdx', 'path-containment'],
  ['git --git-dir=../other/.git --work-tree=../other clean -fdx', 'path-containment'],
  ['GIT_DIR=../other/.git git clean -fdx', 'git-scope'],
  ['export GIT_WORK_TREE=../other; git checkout .', 'git-scope'],
  ['env GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=core.hooksPath GIT_CONFIG_VALUE_0=/x git commit', 'git-scope'],
  ['git config --global core.hooksPath /x', 'git-scope'],
  ['git config --system user.name x', 'git-scope'],
  ['git config core.hooksPath .hooks', 'git-scope'],
  ['git -c core.hooksPath=/x commit -m x', 'git-scope'],
  ['git config include.path ../../other/gitconfig', 'git-scope'],
  ['git config --file ../other/.git/config user.name x', 'path-containment'],
  ['git clone https://example.com/r.git ../r', 'path-containment'],
  ['git worktree add ../wt2', 'path-containment'],
  ['git config --global user.name', null],
  ['git config user.email agent@example.com && git status', null],
  ['git -C checkpoints status && git --git-dir=.git log -1', null],
  ['git -c user.name=a -c user.email=b@c commit -qm "exp 4"', null],
  // 7. The app's data folder: nothing readable or writable; the temp folder: only the private one.
  ['cat ~/.mle-beast/runs/r1/data/labels/final.csv', 'private-path'],
  ['cp $HOME/.mle-beast/runs/r1/data/labels/final.csv .', 'private-path'],
  ['python train.py --labels ~/.mle-beast/runs/r1/data/labels/final.csv', 'private-path'],
  [`python train.py --labels=${run}/labels/final.csv`, 'private-path'],
  ['head ~/.mle-beast/runs/r1/data/holdout/final/features.csv', 'private-path'],
  ['ls ~/.mle-bea*/runs/*/data/label?', 'private-path'],
  ['sort < ../../runs/r1/data/labels/final.csv', 'private-path'],
  ['cat ../other/keep.py', 'private-path'],
  ['rm -f ~/.mle-beast/mle_beast.db', 'path-containment'],
  ['rm -rf ~/.mle-beast/runs', 'path-containment'],
  ['echo 1 > ~/.mle-beast/runs/r1/data/labels/final.csv', 'path-containment'],
  ['cat ~/.mle-beast/runs/r1/data/visible/train.csv | head', null],
  [`python train.py --data ${visible}/train.csv > logs/run.log`, null],
  ['rm -rf /tmp', 'path-containment'],
  ['rm -rf /tmp/*', 'path-containment'],
  ['echo x > /tmp/x', 'path-containment'],
  ['rm -rf /var/tmp/x', 'path-containment'],
  [`rm -rf ${privateTmp}`, 'path-containment'],
  [`echo x > ${privateTmp}/x && rm -rf ${privateTmp}/x`, null],
  // 8. A loop variable with several known values: each value is checked.
  ['for lr in 1e-3 3e-4; do python train.py --lr $lr > logs/lr_$lr.log; done', null],
  ['for d in checkpoints ../other; do rm -rf $d/old; done', 'path-containment'],
  ['for d in a b; do echo x > $d/../../../x; done', 'path-containment'],
];

describe('issue 8: the policy catches the escapes itself', () => {
  it.each(TABLE)('%j -> %s', async (command, rule) => {
    const verdict = await check(command);
    expect({ rule: verdict.rule, allowed: verdict.allowed }, verdict.reason ?? '').toEqual({
      rule,
      allowed: rule === null,
    });
    if (rule !== null) expect(verdict.reason?.length).toBeGreaterThan(40);
  });

  it('left every file outside the workspace as it was (the checker only reads)', () => {
    expect(fs.readFileSync(path.join(outside, 'passwd'), 'utf8')).toBe('root:x:0:0\n');
    expect(fs.readFileSync(path.join(app, 'mle_beast.db'), 'utf8')).toBe('db');
    expect(fs.existsSync(path.join(sibling, 'keep.py'))).toBe(true);
  });
});

describe('issue 8: the reasons say what to do', () => {
  it('a link made by the same command: make it in one command and use it in the next', async () => {
    const v = await check(`ln -s ${outside} e; echo x >> e/passwd`);
    expect(v.reason).toMatch(
      /a link this same command creates.*create the link in one command and use it in the next/,
    );
  });

  it('a hard link out: names the file and offers cp or ln -s', async () => {
    const v = await check(`ln ${outside}/passwd hl`);
    expect(v.reason).toContain(`${outside}/passwd`);
    expect(v.reason).toMatch(/Copy it instead \(cp\), or use a symbolic link/);
  });

  it('a glob is judged by what it matches: names the resolved file', async () => {
    expect((await check('rm -f etc_lin?/passwd')).reason).toContain(`${outside}/passwd`);
  });

  it('the labels: names the file under ~ and points at the visible data', async () => {
    const v = await check('cat ~/.mle-beast/runs/r1/data/labels/final.csv');
    expect(v.reason).toMatch(/~\/\.mle-beast\/runs\/r1\/data\/labels\/final\.csv, in the app's data folder/);
    expect(v.reason).toMatch(/use the workspace and the visible data/);
  });

  it('the allowed places name the private temp folder', async () => {
    expect((await check('echo x > /tmp/x')).reason).toContain(`${privateTmp} (private temp folder)`);
  });

  it('the default private folder is ~/.mle-beast when the caller names none', async () => {
    const v = await checkShellCommand(policy, 'cat ~/.mle-beast/mle_beast.db', {
      workspaceDir: path.join(root, 'stage'),
      homeDir: home,
    });
    expect(v.rule).toBe('private-path');
  });
});

describe('issue 8: Python files may not name the app data folder', () => {
  const write = (name: string, code: string) => {
    fs.writeFileSync(path.join(ws, name), code);
    return name;
  };

  it.each([
    ['from pathlib import Path\nlabels = Path.home() / ".mle-beast" / "runs"\n', 'private-path'],
    ['import os\nos.path.expanduser("~/.mle-beast/mle_beast.db")\n', 'private-path'],
    [`import pandas as pd\npd.read_csv("${run}/labels/final.csv")\n`, 'private-path'],
    [`import pandas as pd\npd.read_csv("${visible}/train.csv")\n`, null],
    [`open("${ws}/logs/x.log", "w").write("ok")\n`, null],
    ['print("mle-beast agent")\n', null],
  ])('%j -> %s', async (code, rule) => {
    const verdict = await checkPythonFile(policy, write('screened.py', code), ctx);
    expect(verdict.rule, verdict.reason ?? '').toBe(rule);
  });

  it('names the line and the file', async () => {
    const v = await checkPythonFile(policy, write('named.py', 'x = 1\ny = "~/.mle-beast/runs"\n'), ctx);
    expect(v.reason).toMatch(/^named\.py: line 2 names ~\/\.mle-beast\/runs, in the app's data folder/);
  });
});

describe('archive listings', () => {
  it('reads GNU tar, bsdtar and zipinfo lines, and gives up on a line it cannot read', () => {
    const gnu = [
      'drwxr-xr-x root/root         0 2026-01-01 00:00 data/',
      'lrwxrwxrwx root/root         0 2026-01-01 00:00 data/up -> ../../x',
      'lrwxrwxrwx root/root         0 2026-01-01 00:00 a b -> c',
      'hrw-r--r-- root/root         0 2026-01-01 00:00 data/h link to data/a.csv',
      '-rw-r--r-- root/root         2 2026-01-01 00:00 ../evil',
    ].join('\n');
    expect(parseListing('tar', gnu)).toEqual({
      unsafe: ['data/up -> ../../x', '../evil'],
      links: ['data/up', 'a b'],
    });
    const bsd =
      'lrwxr-xr-x  0 me staff 0 Jan  1  2020 lk -> /etc\n-rw-r--r--  0 me staff 2 Jan  1 00:00 ok.csv\n';
    expect(parseListing('tar', bsd)).toEqual({ unsafe: ['lk -> /etc'], links: ['lk'] });
    const zip =
      'Archive:  x.zip\nlrwxrwxrwx  3.0 unx       13 bx stor 26-Jan-01 00:00 lk\n1 file, 13 bytes\n';
    expect(parseListing('unzip', zip)).toEqual({ unsafe: [], links: ['lk'] });
    expect(parseListing('tar', '-rw-r--r-- something unexpected\n')).toBeNull();
  });
});

describe('the default private folders', () => {
  it('are ~/.mle-beast and the database folder, but only the app files of a broad folder', () => {
    expect(defaultPrivateDirs('/home/u', {})).toEqual(['/home/u/.mle-beast']);
    expect(defaultPrivateDirs('/home/u', { MLE_BEAST_DB_PATH: '/srv/mle/db.sqlite' })).toEqual([
      '/home/u/.mle-beast',
      '/srv/mle',
    ]);
    expect(defaultPrivateDirs('/home/u', { MLE_BEAST_DB_PATH: '/tmp/db.sqlite' })).toEqual([
      '/home/u/.mle-beast',
      '/tmp/runs',
      '/tmp/workspaces',
      '/tmp/db.sqlite',
      '/tmp/db.sqlite-wal',
      '/tmp/db.sqlite-shm',
    ]);
    expect(appDataPaths('/home/u', '/home/u')).toContain('/home/u/mle_beast.db');
    expect(appDataPaths('/', '/home/u')).toContain('/runs');
    expect(appDataPaths('/home/u/.mle-beast', '/home/u')).toEqual(['/home/u/.mle-beast']);
  });
});

describe('a glob with more matches than the policy checks one by one', () => {
  // Over MAX_GLOB_MATCHES files, each in the labels (private) and in the visible data (readable).
  const many = (dir: string) => {
    for (let i = 0; i < 101; i++) {
      const sub = path.join(dir, `d${i}`);
      fs.mkdirSync(sub, { recursive: true });
      for (let j = 0; j < 100; j++) fs.writeFileSync(path.join(sub, `f${j}.csv`), '');
    }
  };
  many(path.join(run, 'labels', 'many'));
  many(path.join(visible, 'many'));

  it('is judged by the folder it starts from: the hidden labels stay out of reach', async () => {
    const verdict = await check(`cat ${run}/labels/many/*/*.csv`);
    expect(verdict).toMatchObject({ allowed: false, rule: 'private-path' });
    const above = await check(`cat ${app}/runs/*/*/*/*/*.csv`);
    expect(above).toMatchObject({ allowed: false, rule: 'private-path' });
  });

  it('a big visible dataset stays readable', async () => {
    expect(await check(`ls ${visible}/many/*/*.csv`)).toMatchObject({ allowed: true });
  });
});
