import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../testing/temp-dir';
import { isWorkspaceError, type WorkspaceErrorCode } from './errors';
import { ML_GITIGNORE } from './gitignore';
import { openGreenfield } from './greenfield';
import { readWorkspaceState } from './read-state';
import { restoreWorkspace } from './restore';
import { fingerprint, userGit, write } from './testing/repos';

const temp = useTempDir('mle-beast-greenfield-');
const now = new Date('2025-06-01T12:34:56Z');

async function refusal(dir: string): Promise<WorkspaceErrorCode> {
  try {
    await openGreenfield(dir, { now });
  } catch (error) {
    if (isWorkspaceError(error)) return error.code;
    throw error;
  }
  throw new Error('expected openGreenfield to refuse');
}

const ignored = (root: string, rel: string) => {
  try {
    userGit(root, 'check-ignore', '-q', '--no-index', rel);
    return true;
  } catch {
    return false;
  }
};

describe('openGreenfield', () => {
  it('creates the folder, a repository with an ML .gitignore and an initial commit, and the run branch', async () => {
    const dir = path.join(temp.dir, 'projects', 'new-ws');
    const info = await openGreenfield(dir, { now });
    const root = fs.realpathSync(dir);
    expect(info).toMatchObject({
      root,
      mode: 'greenfield',
      branch: 'mle-beast-20250601-123456',
      original: null,
      stash: null,
      createdRepository: true,
    });
    expect(fs.readFileSync(path.join(root, '.gitignore'), 'utf8')).toBe(ML_GITIGNORE);
    expect(userGit(root, 'symbolic-ref', 'HEAD').trim()).toBe('refs/heads/mle-beast-20250601-123456');
    expect(userGit(root, 'rev-parse', 'HEAD').trim()).toBe(info.baseCommit);
    expect(userGit(root, 'rev-parse', 'main').trim()).toBe(info.baseCommit);
    expect(userGit(root, 'log', '--format=%an %s', 'main').trim()).toBe('mle-beast mle-beast: new workspace');
    expect(userGit(root, 'ls-files').trim()).toBe('.gitignore');
    expect(userGit(root, 'status', '--porcelain')).toBe('');
    expect((await readWorkspaceState(root))?.status).toBe('active');
  });

  it('ignores bulky ML output but never the workspace contract files', async () => {
    const info = await openGreenfield(temp.dir, { now });
    for (const rel of [
      'data/train.csv',
      'checkpoints/best.pt',
      'model.pt',
      'logs/training.log',
      '.venv/bin/python',
      'src/__pycache__/m.pyc',
      '.env',
    ]) {
      expect(ignored(info.root, rel), rel).toBe(true);
    }
    for (const rel of [
      'research_log.md',
      'data_analysis.md',
      'model.py',
      'train.py',
      'evaluate.py',
      'predict.py',
      'tests/test_smoke.py',
      'eval_results.json',
    ]) {
      expect(ignored(info.root, rel), rel).toBe(false);
    }
  });

  it('accepts an existing empty folder, and one holding only OS clutter', async () => {
    write(temp.dir, '.DS_Store', 'finder');
    const info = await openGreenfield(temp.dir, { now });
    expect(info.branch).toBe('mle-beast-20250601-123456');
    expect(fs.readFileSync(path.join(temp.dir, '.DS_Store'), 'utf8')).toBe('finder');
    expect(userGit(temp.dir, 'ls-files').trim()).toBe('.gitignore');
  });

  it('refuses a folder with files in it, and changes nothing there', async () => {
    write(temp.dir, 'notes.txt', 'mine');
    write(temp.dir, 'sub/.gitignore', 'x');
    const before = fingerprint(temp.dir);
    expect(await refusal(temp.dir)).toBe('not_empty');
    expect(fingerprint(temp.dir)).toEqual(before);
    expect(fs.existsSync(path.join(temp.dir, '.git'))).toBe(false);
  });

  it('refuses an existing repository (even an empty one), pointing to brownfield', async () => {
    userGit(temp.dir, 'init', '-q');
    const before = fingerprint(path.join(temp.dir, '.git'));
    let message = '';
    try {
      await openGreenfield(temp.dir, { now });
    } catch (error) {
      expect(isWorkspaceError(error, 'not_empty')).toBe(true);
      message = (error as Error).message;
    }
    expect(message).toMatch(/already a git repository.*brownfield/);
    expect(fingerprint(path.join(temp.dir, '.git'))).toEqual(before);
  });

  it('refuses a file given as the folder', async () => {
    write(temp.dir, 'file', 'x');
    expect(await refusal(path.join(temp.dir, 'file'))).toBe('not_a_directory');
    expect(fs.readFileSync(path.join(temp.dir, 'file'), 'utf8')).toBe('x');
  });

  it('removes what it created when a step fails half-way', async () => {
    // A git that works until the commit: init and the rest run, then commit fails.
    const fake = path.join(temp.dir, 'git-failing-commit');
    fs.writeFileSync(
      fake,
      `#!/bin/sh\nfor a in "$@"; do [ "$a" = commit ] && { echo "fatal: disk full" >&2; exit 128; }; done\nexec git "$@"\n`,
      { mode: 0o755 },
    );
    const dir = path.join(temp.dir, 'a', 'b', 'ws');
    await expect(openGreenfield(dir, { now, gitBinary: fake })).rejects.toThrow(/disk full/);
    expect(fs.existsSync(path.join(temp.dir, 'a'))).toBe(false);

    const existing = path.join(temp.dir, 'empty');
    fs.mkdirSync(existing);
    await expect(openGreenfield(existing, { now, gitBinary: fake })).rejects.toThrow(/disk full/);
    expect(fs.readdirSync(existing)).toEqual([]);
  });

  it('leaves the run branch checked out when the run ends: there is nothing of the user to put back', async () => {
    const info = await openGreenfield(temp.dir, { now });
    const result = await restoreWorkspace(temp.dir);
    expect(result.status).toBe('restored');
    expect(result.message).toContain(info.branch);
    expect(userGit(temp.dir, 'symbolic-ref', 'HEAD').trim()).toBe(`refs/heads/${info.branch}`);
    expect((await restoreWorkspace(temp.dir)).status).toBe('already_restored');
  });
});
