import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../testing/temp-dir';
import { uncommittedDiff } from './uncommitted-diff';

// A real repository: what an experiment changed and never committed, read without touching index or files.

const git = (dir: string, ...args: string[]) =>
  execFileSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@t', ...args], {
    encoding: 'utf8',
  });

describe('uncommittedDiff', () => {
  const temp = useTempDir('mle-beast-uncommitted-');

  it('shows tracked changes and new files against the base, leaves ignored files out, changes nothing', async () => {
    const dir = temp.dir;
    git(dir, 'init', '-q');
    fs.writeFileSync(path.join(dir, 'model.py'), 'C = 1.0\n');
    fs.writeFileSync(path.join(dir, '.gitignore'), 'checkpoints/\n');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'baseline');
    const base = git(dir, 'rev-parse', 'HEAD').trim();

    fs.writeFileSync(path.join(dir, 'model.py'), 'C = 0.1\n');
    fs.writeFileSync(path.join(dir, 'features.py'), 'def add(x):\n    return x\n');
    fs.mkdirSync(path.join(dir, 'checkpoints'));
    fs.writeFileSync(path.join(dir, 'checkpoints', 'model.pkl'), 'binary');
    const statusBefore = git(dir, 'status', '--porcelain');

    const diff = await uncommittedDiff(dir, base);
    expect(diff).toContain('diff --git a/model.py b/model.py');
    expect(diff).toContain('-C = 1.0\n+C = 0.1');
    expect(diff).toMatch(/diff --git a\/features\.py b\/features\.py\nnew file mode/);
    expect(diff).toContain('+def add(x):');
    expect(diff).not.toContain('model.pkl');
    // Read-only: the status (index and working tree) is as it was.
    expect(git(dir, 'status', '--porcelain')).toBe(statusBefore);
  });

  it('is empty when nothing changed', async () => {
    const dir = temp.dir;
    git(dir, 'init', '-q');
    fs.writeFileSync(path.join(dir, 'a.txt'), 'a\n');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'one');
    expect(await uncommittedDiff(dir, git(dir, 'rev-parse', 'HEAD').trim())).toBe('');
  });
});
