import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RunDetails } from '../runs/run-details';
import { openStore, type Store } from '../store/database';
import { RunRepository } from '../store/run-repository';
import { useTempDir } from '../testing/temp-dir';
import { gatherReportData } from './data';
import { syntheticReportData } from './testing/synthetic';
import { excludeFromGit, prepareReportsFolder, writeRunReport } from './write';

// Gathering from a real store and a real git workspace: the kept changes' diffs (read in one git process),
// and writing the file where it belongs.

const temp = useTempDir('mle-beast-report-data-');
let store: Store | null = null;
afterEach(() => {
  store?.close();
  store = null;
});

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-C', cwd, '-c', 'user.name=t', '-c', 'user.email=t@e.x', ...args], {
    encoding: 'utf8',
  }).trim();

function setup(steps: number) {
  const workspace = path.join(temp.dir, 'ws');
  fs.mkdirSync(workspace);
  git(workspace, 'init', '-q', '-b', 'main');
  const data = syntheticReportData(steps, { workspace });
  for (const e of data.experiments) {
    if (e.outcome !== 'kept' && e.outcome !== 'baseline') continue;
    fs.writeFileSync(path.join(workspace, 'model.py'), `C = ${e.step}\n`);
    git(workspace, 'add', '-A');
    git(workspace, 'commit', '-q', '-m', `step ${e.step}`);
    e.commitSha = git(workspace, 'rev-parse', 'HEAD');
  }
  store = openStore({ path: path.join(temp.dir, 'db.sqlite') });
  const repo = new RunRepository(store.db);
  const { run } = data;
  repo.create({
    id: run.id,
    name: run.name,
    mode: 'greenfield',
    task: run.task,
    workspace,
    runDir: path.join(temp.dir, 'run'),
    config: {},
    metric: run.metric,
    maxSteps: steps,
    model: run.model,
    sandbox: 'local',
    ownerPid: process.pid,
    ownerHost: 'test',
  });
  for (const e of data.experiments) repo.recordExperiment(run.id, e);
  return { repo, details: new RunDetails(repo), data, workspace };
}

describe('gatherReportData', () => {
  it("reads every kept change's diff against its parent experiment's commit", async () => {
    const { repo, details, data, workspace } = setup(7);
    const gathered = await gatherReportData(repo, details, data.run.id);
    const kept = data.experiments.filter((e) => e.outcome === 'kept' || e.outcome === 'baseline');
    expect([...gathered.diffs.keys()]).toEqual(kept.map((e) => e.step));
    for (const e of kept) {
      const parent = data.experiments.find((p) => p.step === e.parentStep)?.commitSha;
      const expected = parent
        ? `${git(workspace, 'diff', '--no-color', parent, e.commitSha!)}\n`
        : `${git(workspace, 'show', '--format=', '--no-color', e.commitSha!)}\n`;
      expect(gathered.diffs.get(e.step)!.text).toBe(expected);
    }
    expect(gathered.diffs.get(3)!.text).toContain('-C = 0\n+C = 3');
    expect(gathered.config).toBeNull();
  });

  it('a commit that is gone: that step says so, the others keep their diffs', async () => {
    const { repo, details, data } = setup(4);
    const gone = data.experiments.find((e) => e.outcome === 'kept')!;
    repo.recordExperiment(data.run.id, { ...gone, commitSha: 'f'.repeat(40) });
    const gathered = await gatherReportData(repo, details, data.run.id);
    expect(gathered.diffs.get(gone.step)!.note).toMatch(/is not in the workspace any more/);
    expect(gathered.diffs.get(0)!.text).toContain('+C = 0');
  });
});

describe('writeRunReport', () => {
  it('writes reports/report_<UTC>.html in the workspace, kept out of git; --out elsewhere; a link as reports is refused', async () => {
    const { repo, details, data, workspace } = setup(2);
    const now = () => new Date('2026-12-07T23:15:00.123Z');
    const written = await writeRunReport({ repo, details, now }, { id: data.run.id });
    expect(written.path).toBe(path.join(workspace, 'reports', 'report_20261207T231500Z.html'));
    expect(fs.statSync(written.path).size).toBe(written.bytes);
    expect(git(workspace, 'status', '--porcelain')).toBe('');
    excludeFromGit(workspace);
    const exclude = fs.readFileSync(path.join(workspace, '.git/info/exclude'), 'utf8');
    for (const ext of ['html', 'pdf'])
      expect(exclude.split('\n').filter((l) => l.startsWith('/reports/') && l.endsWith(ext))).toEqual([
        `/reports/report_[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]T[0-9][0-9][0-9][0-9][0-9][0-9]Z.${ext}`,
      ]);
    // The PDF `mle-beast report --pdf` prints beside it is ignored too; a user's own file there is not.
    fs.writeFileSync(written.path.replace(/\.html$/, '.pdf'), '%PDF');
    expect(git(workspace, 'status', '--porcelain')).toBe('');
    fs.mkdirSync(path.join(workspace, 'reports', 'figures'));
    fs.writeFileSync(path.join(workspace, 'reports', 'figures', 'plot.png'), 'png');
    expect(git(workspace, 'status', '--porcelain', '-uall')).toBe('?? reports/figures/plot.png');

    const out = await writeRunReport({ repo, details, cwd: temp.dir }, { id: data.run.id, out: 'mine.html' });
    expect(out.path).toBe(path.join(temp.dir, 'mine.html'));
    await expect(writeRunReport({ repo, details }, { id: data.run.id, out: temp.dir })).rejects.toThrow(
      /is a folder/,
    );
    await expect(writeRunReport({ repo, details }, { id: 'nope' })).rejects.toThrow(/no run nope/);

    fs.rmSync(path.join(workspace, 'reports'), { recursive: true });
    fs.symlinkSync(temp.dir, path.join(workspace, 'reports'));
    await expect(writeRunReport({ repo, details }, { id: data.run.id })).rejects.toThrow(/symbolic link/);
  });
});

describe('writeRunReport while another run of the workspace goes on', () => {
  it("writes into the run's own folder, never into the workspace a running container sees", async () => {
    const { repo, details, data, workspace } = setup(2);
    // Another run of the same workspace, pending (a live run): its container's covers were fixed at its start.
    repo.create({
      id: 'other-run',
      name: 'other',
      mode: 'greenfield',
      task: data.run.task,
      workspace,
      runDir: path.join(temp.dir, 'other-run'),
      config: {},
      metric: data.run.metric,
      maxSteps: 2,
      model: data.run.model,
      sandbox: 'docker',
      ownerPid: process.pid,
      ownerHost: 'test',
    });
    const now = () => new Date('2026-12-07T23:15:00.123Z');
    const written = await writeRunReport({ repo, details, now }, { id: data.run.id });
    expect(written.path).toBe(path.join(temp.dir, 'run', 'reports', 'report_20261207T231500Z.html'));
    expect(fs.readFileSync(written.path, 'utf8')).toContain('<html');
    expect(fs.existsSync(path.join(workspace, 'reports'))).toBe(false);
    // Once it has ended, reports go to the workspace again.
    repo.update('other-run', { status: 'completed' });
    const later = await writeRunReport({ repo, details, now }, { id: data.run.id });
    expect(later.path).toBe(path.join(workspace, 'reports', 'report_20261207T231500Z.html'));
  });
});

describe('excludeFromGit', () => {
  it("replaces the whole-folder line of earlier versions; a user's own reports/ line is left as it is", () => {
    const workspace = path.join(temp.dir, 'old');
    fs.mkdirSync(workspace);
    git(workspace, 'init', '-q');
    const exclude = path.join(workspace, '.git', 'info', 'exclude');
    fs.writeFileSync(exclude, '# theirs\n*.tmp\n# mle-beast run reports\n/reports/\nlast\n');
    excludeFromGit(workspace);
    const patterns = [
      '/reports/report_[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]T[0-9][0-9][0-9][0-9][0-9][0-9]Z.html',
      '/reports/report_[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]T[0-9][0-9][0-9][0-9][0-9][0-9]Z.pdf',
    ];
    const block = ['# mle-beast run reports', ...patterns].join('\n');
    expect(fs.readFileSync(exclude, 'utf8')).toBe(`# theirs\n*.tmp\n${block}\nlast\n`);
    // Once: a second call changes nothing.
    excludeFromGit(workspace);
    expect(fs.readFileSync(exclude, 'utf8')).toBe(`# theirs\n*.tmp\n${block}\nlast\n`);
    // The user's own files in reports/ can now be committed; the engine's reports still cannot be seen.
    fs.mkdirSync(path.join(workspace, 'reports'));
    fs.writeFileSync(path.join(workspace, 'reports', 'notes.md'), 'n');
    fs.writeFileSync(path.join(workspace, 'reports', 'report_20260101T000000Z.html'), 'r');
    expect(git(workspace, 'status', '--porcelain', '-uall')).toBe('?? reports/notes.md');
    // A `/reports/` line of the user's own (no header of ours) stays: the folder is theirs to keep out.
    fs.writeFileSync(exclude, '/reports/\n');
    excludeFromGit(workspace);
    expect(fs.readFileSync(exclude, 'utf8')).toBe(`/reports/\n${block}\n`);
  });
});

describe('prepareReportsFolder (where a report is written)', () => {
  it("makes the folder, kept out of git, once; the workspace owner's when the engine is root", () => {
    const workspace = path.join(temp.dir, 'ws');
    fs.mkdirSync(workspace);
    git(workspace, 'init', '-q');
    const root = process.getuid?.() === 0;
    // A workspace of another user, as a root engine may run on (chown needs root; otherwise the engine's own).
    if (root) fs.chownSync(workspace, 4321, 4322);
    const dir = prepareReportsFolder(workspace);
    expect(dir).toBe(path.join(workspace, 'reports'));
    const made = fs.lstatSync(dir);
    expect(made.isDirectory()).toBe(true);
    expect([made.uid, made.gid]).toEqual(root ? [4321, 4322] : [process.getuid?.(), process.getgid?.()]);
    fs.writeFileSync(path.join(dir, 'report_20260101T000000Z.html'), 'x');
    expect(prepareReportsFolder(workspace)).toBe(dir);
    expect(fs.readdirSync(dir)).toEqual(['report_20260101T000000Z.html']);
    // (git refuses another user's repository unless told it is safe.)
    expect(git(workspace, '-c', 'safe.directory=*', 'status', '--porcelain')).toBe('');
    fs.rmSync(dir, { recursive: true });
    fs.writeFileSync(dir, 'a file');
    expect(() => prepareReportsFolder(workspace)).toThrow(/is not a folder \(a file\)/);
  });
});
