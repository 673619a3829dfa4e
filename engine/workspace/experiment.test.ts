import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../testing/temp-dir';
import { openBrownfield } from './brownfield';
import { isWorkspaceError } from './errors';
import { beginExperiment, commitWorkspace, keepExperiment, revertExperiment } from './experiment';
import { openGreenfield } from './greenfield';
import { diffStat } from './inspect';
import { restoreWorkspace } from './restore';
import { exists, fingerprint, read, userGit, userRepo, write } from './testing/repos';

const temp = useTempDir('mle-beast-experiment-');
const now = new Date('2025-06-01T12:34:56Z');

/** A greenfield workspace after its baseline: code committed, an ignored data folder, a research log. */
async function workspace(): Promise<string> {
  const root = path.join(temp.dir, 'ws');
  await openGreenfield(root, { now });
  write(root, 'model.py', 'class Model: pass\n');
  write(root, 'train.py', 'print("train")\n');
  write(root, 'lib/features.py', 'def f(x): return x\n');
  write(root, 'lib/old_name.py', 'OLD = 1\n');
  write(root, 'research_log.md', '# Research Log\n\n## Baseline\n');
  await keepExperiment(root, { step: 0, hypothesis: 'baseline', score: 0.5, previousScore: null });
  for (let i = 0; i < 50; i++) write(root, `data/train/part-${i}.csv`, `x,y\n${i},0\n`);
  return fs.realpathSync(root);
}

const subject = (root: string, rev = 'HEAD') => userGit(root, 'log', '-1', '--format=%s', rev).trim();

describe('keepExperiment', () => {
  it('commits everything on the run branch as `step N: ...` and returns the commit', async () => {
    const root = await workspace();
    write(root, 'model.py', 'class Model: deeper = True\n');
    write(root, 'new file ü.py', 'x = 1\n');
    write(root, 'checkpoints/best.pt', 'weights'); // ignored: not committed
    const kept = await keepExperiment(root, {
      step: 3,
      hypothesis: 'Use a deeper model\nwith residual blocks',
      score: 0.87346,
      previousScore: 0.85,
    });
    expect(kept.committed).toBe(true);
    expect(kept.sha).toBe(userGit(root, 'rev-parse', 'HEAD').trim());
    expect(kept.message).toBe('step 3: Use a deeper model with residual blocks (score 0.8735, was 0.85)');
    expect(subject(root)).toBe(kept.message);
    expect(userGit(root, 'show', '--name-only', '--format=', 'HEAD').trim().split('\n').sort()).toEqual([
      'model.py',
      'new file ü.py',
    ]);
    expect(userGit(root, 'status', '--porcelain')).toBe('');
    expect(userGit(root, 'symbolic-ref', '--short', 'HEAD').trim()).toBe('mle-beast-20250601-123456');
  });

  it('keeps the full hypothesis in the body when the subject has to cut it', async () => {
    const root = await workspace();
    write(root, 'model.py', 'v2\n');
    const long = `Replace the optimiser ${'and tune it carefully '.repeat(10)}`;
    const kept = await keepExperiment(root, { step: 1, hypothesis: long, score: 0.9, previousScore: 0.5 });
    expect(kept.message).toMatch(/^step 1: Replace the optimiser .*… \(score 0\.9, was 0\.5\)$/);
    expect(userGit(root, 'log', '-1', '--format=%b').trim()).toBe(long.trim());
  });

  it('handles nothing to commit: returns HEAD, makes no empty commit', async () => {
    const root = await workspace();
    const head = userGit(root, 'rev-parse', 'HEAD').trim();
    const kept = await keepExperiment(root, { step: 2, hypothesis: 'no-op', score: 0.6, previousScore: 0.5 });
    expect(kept).toMatchObject({ sha: head, committed: false });
    expect(userGit(root, 'rev-parse', 'HEAD').trim()).toBe(head);
  });

  it('keeps files too big for git out of the commit, in place', async () => {
    const root = await workspace();
    write(root, 'weights.bin', 'x'.repeat(5000));
    write(root, 'model.py', 'v3\n');
    const kept = await keepExperiment(
      root,
      { step: 1, hypothesis: 'big', score: 1, previousScore: 0.5 },
      { bulkLimits: { fileBytes: 1000, dirBytes: 1e9, dirFiles: 1e6 } },
    );
    expect(kept.keptOut).toEqual([{ path: 'weights.bin', reason: '4.9 KB' }]);
    expect(userGit(root, 'show', '--name-only', '--format=', 'HEAD').trim()).toBe('model.py');
    expect(read(root, 'weights.bin')).toHaveLength(5000);
  });

  it('commits on the run branch even when the agent switched to the user branch', async () => {
    const root = fs.realpathSync(temp.dir);
    userRepo(root);
    const info = await openBrownfield(root, { now });
    const main = userGit(root, 'rev-parse', 'main').trim();
    userGit(root, 'switch', '-q', 'main'); // what code the agent ran might do
    write(root, 'src/app.py', 'print("improved")\n');
    const kept = await keepExperiment(root, {
      step: 1,
      hypothesis: 'improve',
      score: 1,
      previousScore: null,
    });
    expect(kept.reattached).toBe(true);
    expect(userGit(root, 'rev-parse', 'main').trim()).toBe(main);
    expect(userGit(root, 'rev-parse', info.branch).trim()).toBe(kept.sha);
    expect(userGit(root, 'show', `${kept.sha}:src/app.py`)).toBe('print("improved")\n');
  });

  it('refuses to commit where no run is open', async () => {
    userRepo(temp.dir);
    write(temp.dir, 'README.md', 'changed\n');
    const head = userGit(temp.dir, 'rev-parse', 'HEAD').trim();
    let code = '';
    try {
      await keepExperiment(temp.dir, { step: 1, hypothesis: 'x', score: 1, previousScore: null });
    } catch (error) {
      if (isWorkspaceError(error)) code = error.code;
    }
    expect(code).toBe('no_session');
    expect(userGit(temp.dir, 'rev-parse', 'HEAD').trim()).toBe(head);
  });

  it('commits the research log (or anything) with a message of the caller', async () => {
    const root = await workspace();
    write(root, 'research_log.md', '# Research Log\n\n## Experiment 1\nreverted\n');
    const result = await commitWorkspace(root, 'research log: step 1 (reverted)');
    expect(result.committed).toBe(true);
    expect(subject(root)).toBe('research log: step 1 (reverted)');
    expect(await diffStat(root, 'HEAD~1', 'HEAD')).toMatchObject({ files: 1, insertions: 2, deletions: 1 });
  });
});

describe('keepExperiment never commits engine outputs or links out of the workspace', () => {
  const committed = (root: string) =>
    userGit(root, 'ls-tree', '-r', '--name-only', 'HEAD').trim().split('\n').sort();

  it('leaves out eval_results.json, predictions and script consoles, where .gitignore does not', async () => {
    const root = fs.realpathSync(temp.dir);
    userRepo(root); // its .gitignore ignores data/ and *.log, not logs/predictions nor eval_results.json
    // The user once committed an eval_results.json of their own.
    write(root, 'eval_results.json', '{"value": 0.5}\n');
    userGit(root, 'add', '-A');
    userGit(root, 'commit', '-q', '-m', 'their figure');
    await openBrownfield(root, { now });
    write(root, 'src/app.py', 'print("improved")\n');
    write(root, 'eval_results.json', '{"metric_name": "accuracy", "value": 0.999}\n');
    write(root, 'logs/predictions/selection.csv', 'id,prediction\n1,0\n');
    write(root, 'logs/train_output.log', 'loss 0.1\n');
    write(root, 'logs/safety.log', '2026-01-01T00:00:00Z\tblocked\trm -rf /\n');
    write(root, 'logs/metrics.jsonl', '{"epoch": 1}\n'); // the agent's own training log: code's output, kept
    // An earlier run's report where the user took the report lines out of .git/info/exclude: in a commit the
    // agent would read its holdout score through the workspace's .git. The user's own reports/ files are code's.
    write(root, 'reports/report_20260101T000000Z.html', '<p>final-holdout 0.98</p>\n');
    write(root, 'reports/figures/plot.png', 'png\n');
    write(root, 'reports/notes.md', 'notes\n');

    const kept = await keepExperiment(root, {
      step: 1,
      hypothesis: 'better',
      score: 0.75,
      previousScore: 0.7,
    });
    expect(kept.committed).toBe(true);
    const files = committed(root);
    expect(files).toContain('src/app.py');
    expect(files).toContain('logs/metrics.jsonl');
    expect(files).not.toContain('logs/predictions/selection.csv');
    expect(files).not.toContain('logs/train_output.log');
    expect(files).not.toContain('logs/safety.log');
    expect(files).not.toContain('reports/report_20260101T000000Z.html');
    expect(files).toEqual(expect.arrayContaining(['reports/figures/plot.png', 'reports/notes.md']));
    // The tracked one keeps the user's version in the commit; the new figure stays on disk only.
    expect(userGit(root, 'show', 'HEAD:eval_results.json')).toBe('{"value": 0.5}\n');
    expect(read(root, 'eval_results.json')).toMatch(/0\.999/);
    expect(read(root, 'logs/predictions/selection.csv')).toMatch(/prediction/);
    expect(kept.keptOut).toEqual(
      expect.arrayContaining([
        { path: 'eval_results.json', reason: 'written by the engine' },
        { path: 'logs/predictions/selection.csv', reason: 'written by the engine' },
        { path: 'reports/report_20260101T000000Z.html', reason: 'written by the engine' },
      ]),
    );
    // New outputs are excluded for the run: only the tracked figure shows as changed.
    expect(userGit(root, 'status', '--porcelain').trim()).toBe('M eval_results.json');
  });

  it('does not commit the removal of a tracked eval_results.json either (the engine removes it before evaluating)', async () => {
    const root = fs.realpathSync(temp.dir);
    userRepo(root);
    write(root, 'eval_results.json', '{"value": 0.5}\n');
    userGit(root, 'add', '-A');
    userGit(root, 'commit', '-q', '-m', 'their figure');
    await openBrownfield(root, { now });
    write(root, 'src/app.py', 'print("v2")\n');
    fs.rmSync(path.join(root, 'eval_results.json'));
    const kept = await keepExperiment(root, { step: 1, hypothesis: 'v2', score: 0.7, previousScore: 0.6 });
    expect(kept.committed).toBe(true);
    expect(userGit(root, 'show', 'HEAD:eval_results.json')).toBe('{"value": 0.5}\n');
    expect(userGit(root, 'show', '--name-only', '--format=', 'HEAD').trim()).toBe('src/app.py');
  });

  it('leaves out a new eval_results.json of a greenfield workspace, and keeps status clean', async () => {
    const root = await workspace();
    write(root, 'model.py', 'class Model: v = 2\n');
    write(root, 'eval_results.json', '{"value": 0.8}\n');
    const kept = await keepExperiment(root, { step: 1, hypothesis: 'v2', score: 0.8, previousScore: 0.5 });
    expect(kept.committed).toBe(true);
    expect(committed(root)).not.toContain('eval_results.json');
    expect(userGit(root, 'status', '--porcelain')).toBe('');
    expect(exists(root, 'eval_results.json')).toBe(true);
  });

  it('leaves out links whose target is outside the workspace, keeps links inside it', async () => {
    const root = await workspace();
    const outside = path.join(temp.dir, 'outside.txt');
    fs.writeFileSync(outside, 'host secret\n');
    fs.symlinkSync('/etc/passwd', path.join(root, 'passwd'));
    fs.symlinkSync('../outside.txt', path.join(root, 'up'));
    fs.symlinkSync(outside, path.join(root, 'absolute'));
    fs.symlinkSync('/workspace/model.py', path.join(root, 'sandbox_path')); // a path only the sandbox has
    fs.mkdirSync(path.join(root, 'lib', 'deep'));
    fs.symlinkSync('../../up', path.join(root, 'lib', 'deep', 'chain')); // inside, but leads out through `up`
    fs.symlinkSync(temp.dir, path.join(root, 'dirlink'));
    fs.symlinkSync('lib/features.py', path.join(root, 'inside'));
    fs.symlinkSync(path.join(root, 'model.py'), path.join(root, 'inside_absolute'));
    // A tracked file the experiment turned into a link out: HEAD keeps the file.
    fs.rmSync(path.join(root, 'train.py'));
    fs.symlinkSync('/etc/hostname', path.join(root, 'train.py'));
    write(root, 'model.py', 'class Model: v = 3\n');

    const kept = await keepExperiment(root, { step: 1, hypothesis: 'v3', score: 0.9, previousScore: 0.5 });
    const files = committed(root);
    for (const out of ['passwd', 'up', 'absolute', 'sandbox_path', 'lib/deep/chain', 'dirlink'])
      expect(files).not.toContain(out);
    expect(files).toEqual(expect.arrayContaining(['inside', 'inside_absolute', 'model.py', 'train.py']));
    expect(userGit(root, 'show', 'HEAD:train.py')).toBe('print("train")\n');
    expect(kept.keptOut).toContainEqual({ path: 'passwd', reason: 'a link to outside the workspace' });
    // The links stay where they are, untouched.
    expect(fs.readlinkSync(path.join(root, 'passwd'))).toBe('/etc/passwd');
  });
});

describe('revertExperiment', () => {
  it('goes back to the best commit; every file that existed before survives; what the experiment made goes', async () => {
    const root = await workspace();
    const outside = path.join(temp.dir, 'outside');
    write(outside, 'precious.txt', 'do not touch\n');
    // Before the experiment: the user's untracked notes, an ignored data folder, an empty folder of theirs.
    write(root, 'my notes.md', 'user notes\n');
    write(root, 'drafts/ünïcødé 数据.txt', 'draft\n');
    fs.mkdirSync(path.join(root, 'empty-of-mine'));
    const best = userGit(root, 'rev-parse', 'HEAD').trim();
    const snapshot = await beginExperiment(root);
    const before = fingerprint(root);

    // The experiment.
    write(root, 'model.py', 'class Model: broken = True\n'); // modified tracked
    fs.rmSync(path.join(root, 'train.py')); // deleted tracked
    fs.renameSync(path.join(root, 'lib/old_name.py'), path.join(root, 'lib/new_name.py')); // renamed
    userGit(root, 'add', '-A', 'lib'); // ... and staged by the agent
    write(root, 'new_module.py', 'x = 1\n'); // new untracked
    write(root, 'out/sub/result.txt', 'r\n'); // new folder tree
    fs.mkdirSync(path.join(root, 'empty/inner'), { recursive: true }); // new empty folders
    write(root, 'checkpoints/model.pt', 'weights'); // new ignored folder
    write(root, 'data/train/cache.npy', 'cache'); // new ignored file inside a pre-existing ignored folder
    write(root, 'my notes.md', 'the agent overwrote this\n'); // pre-existing untracked, modified
    fs.rmSync(path.join(root, 'drafts/ünïcødé 数据.txt')); // pre-existing untracked, deleted
    write(root, 'data/train/part-1.csv', 'changed by the experiment\n'); // pre-existing ignored, modified
    fs.rmSync(path.join(root, 'data/train/part-2.csv')); // pre-existing ignored, deleted
    fs.symlinkSync(outside, path.join(root, 'escape')); // link to a folder outside
    fs.mkdirSync(path.join(root, 'links'));
    fs.symlinkSync(path.join(outside, 'precious.txt'), path.join(root, 'links/to-file'));
    write(root, 'weird\nname.txt', 'newline in the name\n');
    write(root, 'research_log.md', '# Research Log\n\n## Baseline\n\n## Experiment 1\nfailed: NaN loss\n');

    const result = await revertExperiment(root, snapshot);

    expect(userGit(root, 'rev-parse', 'HEAD').trim()).toBe(best);
    expect(
      userGit(root, 'status', '--porcelain', '-z', '--untracked-files=all')
        .split('\0')
        .filter(Boolean)
        .sort(),
    ).toEqual([' M research_log.md', '?? drafts/ünïcødé 数据.txt', '?? my notes.md']);
    expect(read(root, 'model.py')).toBe('class Model: pass\n');
    expect(read(root, 'train.py')).toBe('print("train")\n');
    expect(read(root, 'lib/old_name.py')).toBe('OLD = 1\n');
    expect(exists(root, 'lib/new_name.py')).toBe(false);
    // Untracked files of the user: put back from the snapshot's copies.
    expect(read(root, 'my notes.md')).toBe('user notes\n');
    expect(read(root, 'drafts/ünïcødé 数据.txt')).toBe('draft\n');
    expect(fs.statSync(path.join(root, 'empty-of-mine')).isDirectory()).toBe(true);
    // The ignored data folder survives; git has no copy of its files, so changes are reported, not undone.
    expect(read(root, 'data/train/part-3.csv')).toBe('x,y\n3,0\n');
    expect(result.modified).toEqual(['data/train/part-1.csv']);
    expect(result.lost).toEqual(['data/train/part-2.csv']);
    expect(result.restored.sort()).toEqual(['drafts/ünïcødé 数据.txt', 'my notes.md']);
    // What the experiment created is gone; links removed as links, their targets untouched.
    for (const rel of [
      'new_module.py',
      'out',
      'empty',
      'checkpoints',
      'data/train/cache.npy',
      'escape',
      'links',
      'weird\nname.txt',
    ]) {
      expect(exists(root, rel), rel).toBe(false);
    }
    expect(read(outside, 'precious.txt')).toBe('do not touch\n');
    expect(result.removed.sort()).toEqual(
      [
        'checkpoints/',
        'data/train/cache.npy',
        'empty/',
        'escape',
        'lib/new_name.py',
        'links/',
        'new_module.py',
        'out/',
        'weird\nname.txt',
      ].sort(),
    );
    expect(result.notRemoved).toEqual([]);
    // The research log keeps what the agent wrote during the experiment.
    expect(read(root, 'research_log.md')).toContain('failed: NaN loss');
    // Everything else is exactly as before the experiment.
    const after = fingerprint(root);
    const except = new Set(['research_log.md', 'data/train/part-1.csv', 'data/train/part-2.csv']);
    const strip = (f: Record<string, string>) =>
      Object.fromEntries(Object.entries(f).filter(([k]) => !except.has(k)));
    expect(strip(after)).toEqual(strip(before));
  });

  it('reverts from the snapshot saved in .git after a crash, and asks for one when there is none', async () => {
    const root = await workspace();
    await beginExperiment(root);
    write(root, 'model.py', 'broken\n');
    write(root, 'tmp.py', 'x\n');
    // A new process: nothing in memory, only the folder.
    const result = await revertExperiment(root);
    expect(read(root, 'model.py')).toBe('class Model: pass\n');
    expect(result.removed).toEqual(['tmp.py']);
    let code = '';
    try {
      await revertExperiment(root);
    } catch (error) {
      if (isWorkspaceError(error)) code = error.code;
    }
    expect(code).toBe('no_snapshot');
  });

  it('undoes commits the agent made itself and keeps a pre-existing file it committed', async () => {
    const root = await workspace();
    write(root, 'big-notes.txt', 'n'.repeat(2 * 1024 * 1024)); // too big for the snapshot's copies
    const best = userGit(root, 'rev-parse', 'HEAD').trim();
    const snapshot = await beginExperiment(root);
    write(root, 'model.py', 'agent commit\n');
    userGit(root, 'add', '-A');
    userGit(root, 'commit', '-q', '-m', 'agent did this');
    const result = await revertExperiment(root, snapshot);
    expect(userGit(root, 'rev-parse', 'HEAD').trim()).toBe(best);
    expect(read(root, 'model.py')).toBe('class Model: pass\n');
    expect(fs.statSync(path.join(root, 'big-notes.txt')).size).toBe(2 * 1024 * 1024);
    expect(result.lost).toEqual([]);
  });

  it('brings back uncommitted tracked changes that were there when the experiment began', async () => {
    const root = await workspace();
    write(root, 'data_analysis.md', 'analysis, not committed yet\n');
    userGit(root, 'add', 'data_analysis.md');
    write(root, 'train.py', 'print("tweaked before the experiment")\n');
    const snapshot = await beginExperiment(root);
    write(root, 'train.py', 'print("experiment")\n');
    fs.rmSync(path.join(root, 'data_analysis.md'));
    await revertExperiment(root, snapshot);
    expect(read(root, 'train.py')).toBe('print("tweaked before the experiment")\n');
    expect(read(root, 'data_analysis.md')).toBe('analysis, not committed yet\n');
    expect(userGit(root, 'diff', '--cached', '--name-only').trim()).toBe('data_analysis.md');
  });

  it('puts the research log back as a file when the experiment replaced it with a link', async () => {
    const root = await workspace();
    const outside = path.join(temp.dir, 'secret.txt');
    fs.writeFileSync(outside, 'secret\n');
    const snapshot = await beginExperiment(root);
    fs.rmSync(path.join(root, 'research_log.md'));
    fs.symlinkSync(outside, path.join(root, 'research_log.md'));
    await revertExperiment(root, snapshot);
    expect(fs.lstatSync(path.join(root, 'research_log.md')).isFile()).toBe(true);
    expect(read(root, 'research_log.md')).toBe('# Research Log\n\n## Baseline\n');
    expect(fs.readFileSync(outside, 'utf8')).toBe('secret\n');
  });

  it('never removes a folder of the user that the experiment turned into a repository', async () => {
    const root = await workspace();
    write(root, 'notes/idea.txt', 'idea\n');
    const snapshot = await beginExperiment(root);
    userGit(path.join(root, 'notes'), 'init', '-q');
    await revertExperiment(root, snapshot);
    expect(read(root, 'notes/idea.txt')).toBe('idea\n');
  });

  it('gives the research log its text back even when a step of the revert fails', async () => {
    const root = await workspace();
    const snapshot = await beginExperiment(root);
    write(root, 'research_log.md', '# Research Log\n\n## Experiment 1\nlesson learnt\n');
    const broken = { ...snapshot, pending: '0'.repeat(40) }; // a stash commit that does not exist
    await expect(revertExperiment(root, broken)).rejects.toThrow(/git stash apply/);
    expect(read(root, 'research_log.md')).toContain('lesson learnt');
  });

  it('puts back a link of the user the experiment removed', async () => {
    const root = await workspace();
    const datasets = path.join(temp.dir, 'datasets');
    fs.mkdirSync(datasets);
    fs.symlinkSync(datasets, path.join(root, 'data/shared'));
    const snapshot = await beginExperiment(root);
    fs.unlinkSync(path.join(root, 'data/shared'));
    const result = await revertExperiment(root, snapshot);
    expect(fs.readlinkSync(path.join(root, 'data/shared'))).toBe(datasets);
    expect(result.restored).toEqual(['data/shared']);
  });
});

describe('revertExperiment, hard cases', () => {
  it('brings back a staged new file that was pending when the experiment began, however often it runs', async () => {
    const root = await workspace();
    write(root, 'new.py', 'staged\n');
    userGit(root, 'add', 'new.py');
    write(root, 'new.py', 'staged, then edited\n');
    const snapshot = await beginExperiment(root);
    for (let attempt = 0; attempt < 2; attempt++) {
      write(root, 'new.py', 'changed by the experiment\n');
      write(root, 'extra.py', 'x\n');
      await revertExperiment(root, snapshot);
      expect(read(root, 'new.py')).toBe('staged, then edited\n');
      expect(userGit(root, 'show', ':new.py')).toBe('staged\n');
      expect(exists(root, 'extra.py')).toBe(false);
    }
  });

  it('keeps the research log through a crash in the middle of a revert and the revert after it', async () => {
    const root = await workspace();
    write(root, 'train.py', 'print("tweaked before the experiment")\n'); // pending: revert applies it
    await beginExperiment(root);
    write(root, 'research_log.md', '# Research Log\n\n## Experiment 1\nlesson learnt\n');
    // A git that stops at `stash apply` (after the resets) until told to go on.
    const reached = path.join(temp.dir, 'reached');
    const go = path.join(temp.dir, 'go');
    const fake = path.join(temp.dir, 'fake-git');
    fs.writeFileSync(
      fake,
      `#!/bin/sh\nfor a in "$@"; do [ "$a" = apply ] && { touch "${reached}"; while [ ! -e "${go}" ]; do sleep 0.05; done; exit 1; }; done\nexec git "$@"\n`,
      { mode: 0o755 },
    );
    const first = revertExperiment(root, undefined, { gitBinary: fake }).catch((error: unknown) => error);
    while (!fs.existsSync(reached)) await new Promise((resolve) => setTimeout(resolve, 20));
    // The process dies here: keep what is on disk at this moment.
    const state = path.join(root, '.git', 'mle-beast');
    const copy = path.join(temp.dir, 'crashed-state');
    fs.cpSync(state, copy, { recursive: true });
    const log = fs.readFileSync(path.join(root, 'research_log.md'));
    fs.writeFileSync(go, '');
    await first;
    // The disk as the crash left it; then a new process reverts again.
    fs.rmSync(state, { recursive: true, force: true });
    fs.cpSync(copy, state, { recursive: true });
    fs.writeFileSync(path.join(root, 'research_log.md'), log);
    await revertExperiment(root);
    expect(read(root, 'research_log.md')).toContain('lesson learnt');
    expect(read(root, 'train.py')).toBe('print("tweaked before the experiment")\n');
    expect(fs.existsSync(path.join(state, 'preserved'))).toBe(false);
  });

  it('keeps a root file named __proto__ through a revert from the saved snapshot', async () => {
    const root = await workspace();
    write(root, '.gitignore', `${read(root, '.gitignore')}__proto__\n`);
    await keepExperiment(root, { step: 1, hypothesis: 'ignore it', score: 0.5, previousScore: 0.5 });
    write(root, '__proto__', 'not a prototype\n');
    await beginExperiment(root);
    write(root, 'model.py', 'changed\n');
    const result = await revertExperiment(root); // the snapshot as saved in .git
    expect(read(root, '__proto__')).toBe('not a prototype\n');
    expect(result.removed).toEqual([]);
    expect(result.lost).toEqual([]);
  });

  it('reports a nested repository the experiment deleted as lost', async () => {
    const root = await workspace();
    write(root, 'vendor/lib/z.txt', 'z\n');
    userGit(path.join(root, 'vendor/lib'), 'init', '-q');
    const snapshot = await beginExperiment(root);
    fs.rmSync(path.join(root, 'vendor/lib'), { recursive: true });
    const result = await revertExperiment(root, snapshot);
    expect(result.lost).toEqual(['vendor/lib/']);
  });
});

describe('keepExperiment and nested repositories', () => {
  it('keeps a repository below an untracked folder out of the commit instead of adding a gitlink', async () => {
    const root = await workspace();
    write(root, 'third_party/README', 'vendored\n');
    write(root, 'third_party/tool/main.py', 'x = 1\n');
    userGit(path.join(root, 'third_party/tool'), 'init', '-q');
    const kept = await keepExperiment(root, { step: 1, hypothesis: 'x', score: 1, previousScore: 0.5 });
    expect(kept.keptOut).toEqual([{ path: 'third_party/tool/', reason: 'another git repository' }]);
    expect(userGit(root, 'ls-tree', '-r', '--name-only', 'HEAD', 'third_party').trim()).toBe(
      'third_party/README',
    );
    expect(read(root, 'third_party/tool/main.py')).toBe('x = 1\n');
  });
});

describe('diffStat', () => {
  it('counts lines per file, binary files as such', async () => {
    const root = await workspace();
    const base = userGit(root, 'rev-parse', 'HEAD').trim();
    write(root, 'model.py', 'a\nb\n');
    write(root, 'blob.bin', Buffer.from([0, 1, 2, 0, 255]));
    await keepExperiment(root, { step: 1, hypothesis: 'x', score: 1, previousScore: 0.5 });
    const stat = await diffStat(root, base, 'HEAD');
    expect(stat.files).toBe(2);
    expect(stat.changes).toContainEqual({ path: 'blob.bin', insertions: 0, deletions: 0, binary: true });
    expect(stat.changes).toContainEqual({ path: 'model.py', insertions: 2, deletions: 1, binary: false });
  });
});

describe('a whole brownfield run', () => {
  it('keeps and reverts on the run branch, then restores the user exactly', async () => {
    const root = fs.realpathSync(temp.dir);
    userRepo(root);
    write(root, 'notes.txt', 'user notes\n');
    const main = userGit(root, 'rev-parse', 'main').trim();
    await openBrownfield(root, { now });
    await beginExperiment(root);
    write(root, 'src/app.py', 'print("better")\n');
    const kept = await keepExperiment(root, {
      step: 1,
      hypothesis: 'better',
      score: 0.7,
      previousScore: 0.6,
    });
    const snapshot = await beginExperiment(root);
    write(root, 'src/app.py', 'print("worse")\n');
    await revertExperiment(root, snapshot);
    expect(read(root, 'src/app.py')).toBe('print("better")\n');
    expect(userGit(root, 'rev-parse', 'HEAD').trim()).toBe(kept.sha);
    expect((await restoreWorkspace(root)).status).toBe('restored');
    expect(userGit(root, 'rev-parse', 'HEAD').trim()).toBe(main);
    expect(read(root, 'notes.txt')).toBe('user notes\n');
    expect(read(root, 'src/app.py')).toBe('print("v1")\n');
  });
});
