import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../testing/temp-dir';
import { openBrownfield } from './brownfield';
import { isWorkspaceError, type WorkspaceErrorCode } from './errors';
import { beginExperiment, keepExperiment } from './experiment';
import { readWorkspaceState } from './read-state';
import { restoreWorkspace } from './restore';
import { statePath } from './state';
import { exists, fingerprint, gitSnapshot, read, userGit, userRepo, write } from './testing/repos';

const temp = useTempDir('mle-beast-brownfield-');
const now = new Date('2025-06-01T12:34:56Z');
const BRANCH = 'mle-beast-20250601-123456';

/** A user's repository in the middle of work: every kind of uncommitted change, an ignored data folder. */
function dirtyUserRepo(root: string): void {
  userRepo(root);
  write(root, 'CHANGES.md', 'old\n');
  write(root, 'gone.txt', 'to be deleted\n');
  userGit(root, 'add', '-A');
  userGit(root, 'commit', '-q', '-m', 'second');
  // An older stash of the user's own, which must stay where it is.
  write(root, 'README.md', '# project (stashed idea)\n');
  userGit(root, 'stash', 'push', '-q', '-m', 'my own stash');
  write(root, 'src/app.py', 'print("v2 unstaged")\n'); // modified, not staged
  write(root, 'src/util.py', 'X = 2\n');
  userGit(root, 'add', 'src/util.py'); // staged
  write(root, 'src/util.py', 'X = 3\n'); // ... and modified again on top
  write(root, 'CHANGES.md', 'staged only\n');
  userGit(root, 'add', 'CHANGES.md');
  fs.rmSync(path.join(root, 'gone.txt')); // deleted, not staged
  write(root, 'notes with space ü.txt', 'my notes\n'); // untracked
  write(root, 'scratch/idea.py', 'idea = 1\n'); // untracked folder
  for (let i = 0; i < 20; i++) write(root, `data/part-${i}.csv`, `a,b\n${i},1\n`); // ignored
  write(root, 'run.log', 'ignored log\n');
}

async function refusal(run: () => Promise<unknown>): Promise<{ code: WorkspaceErrorCode; message: string }> {
  try {
    await run();
  } catch (error) {
    if (isWorkspaceError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
}

/** One experiment the agent would make: change code, add a file, keep it. */
async function anExperiment(root: string, step = 1): Promise<string> {
  await beginExperiment(root);
  write(root, 'src/app.py', `print("experiment ${step}")\n`);
  write(root, 'model.py', `# model ${step}\n`);
  return (
    await keepExperiment(root, {
      step,
      hypothesis: `try ${step}`,
      score: 0.5 + step / 10,
      previousScore: null,
    })
  ).sha;
}

describe('openBrownfield on a repository with a dirty tree', () => {
  it('stashes the changes, works on a new branch, and restores everything exactly when the run ends', async () => {
    const root = fs.realpathSync(temp.dir);
    dirtyUserRepo(root);
    const before = { git: gitSnapshot(root), files: fingerprint(root) };
    const userHead = userGit(root, 'rev-parse', 'main').trim();

    const info = await openBrownfield(root, { now });
    expect(info).toMatchObject({
      mode: 'brownfield',
      branch: BRANCH,
      baseCommit: userHead,
      createdRepository: false,
    });
    expect(info.original).toEqual({ kind: 'branch', ref: 'refs/heads/main', sha: userHead });
    expect(info.stash?.message).toMatch(/^mle-beast [0-9a-f]+: your uncommitted changes/);
    // Recorded by commit id, and it is the newest stash entry now.
    const state = (await readWorkspaceState(root))!;
    expect(state.stash?.sha).toBe(userGit(root, 'rev-parse', 'stash@{0}').trim());
    expect(state.status).toBe('active');
    expect(fs.existsSync(statePath({ root, gitDir: path.join(root, '.git') }))).toBe(true);
    // A clean tree at the user's HEAD on the run branch; ignored data untouched; state file not in the tree.
    expect(userGit(root, 'symbolic-ref', 'HEAD').trim()).toBe(`refs/heads/${BRANCH}`);
    expect(userGit(root, 'status', '--porcelain')).toBe('');
    expect(read(root, 'src/app.py')).toBe('print("v1")\n');
    expect(exists(root, 'notes with space ü.txt')).toBe(false);
    expect(read(root, 'data/part-7.csv')).toBe('a,b\n7,1\n');
    expect(exists(root, 'run.log')).toBe(true);

    const first = await anExperiment(root, 1);
    const second = await anExperiment(root, 2);
    expect(userGit(root, 'rev-parse', 'main').trim()).toBe(userHead); // never moved

    const result = await restoreWorkspace(root);
    expect(result.status).toBe('restored');
    expect(result.indexRestored).toBe(true);
    expect(result.message).toContain(`git merge ${BRANCH}`);
    expect(gitSnapshot(root)).toEqual(before.git);
    expect(fingerprint(root)).toEqual(before.files);
    // The run's branch stays, with its commits.
    expect(userGit(root, 'log', '--format=%H %s', BRANCH).split('\n').slice(0, 2)).toEqual([
      `${second} step 2: try 2 (score 0.7, was none)`,
      `${first} step 1: try 1 (score 0.6, was none)`,
    ]);
  });

  it('restores after a crash from the state file alone, also when the crash came before the stash was recorded', async () => {
    const root = fs.realpathSync(temp.dir);
    dirtyUserRepo(root);
    const before = { git: gitSnapshot(root), files: fingerprint(root) };
    await openBrownfield(root, { now });
    await anExperiment(root);
    // The crash: opening had stashed, but the state file still says "opening" with no stash recorded.
    const file = path.join(root, '.git', 'mle-beast', 'state.json');
    const state = JSON.parse(fs.readFileSync(file, 'utf8'));
    fs.writeFileSync(file, JSON.stringify({ ...state, status: 'opening', stash: null }));

    const result = await restoreWorkspace(root);
    expect(result.status).toBe('restored');
    expect(gitSnapshot(root)).toEqual(before.git);
    expect(fingerprint(root)).toEqual(before.files);
  });

  it('is harmless to restore twice', async () => {
    const root = fs.realpathSync(temp.dir);
    dirtyUserRepo(root);
    const before = { git: gitSnapshot(root), files: fingerprint(root) };
    await openBrownfield(root, { now });
    await anExperiment(root);
    expect((await restoreWorkspace(root)).status).toBe('restored');
    const again = await restoreWorkspace(root);
    expect(again.status).toBe('already_restored');
    expect(gitSnapshot(root)).toEqual(before.git);
    expect(fingerprint(root)).toEqual(before.files);
  });

  it('after a cancel mid-experiment, keeps the unfinished work in a stash of its own', async () => {
    const root = fs.realpathSync(temp.dir);
    dirtyUserRepo(root);
    const before = { git: gitSnapshot(root), files: fingerprint(root) };
    await openBrownfield(root, { now });
    const kept = await anExperiment(root, 1);
    await beginExperiment(root);
    write(root, 'src/app.py', 'print("half done")\n');
    write(root, 'half_done.py', 'x = 1\n');

    const result = await restoreWorkspace(root);
    expect(result.status).toBe('restored');
    expect(result.unfinishedStash).toMatch(/^[0-9a-f]{40}$/);
    expect(result.message).toContain(result.unfinishedStash!);
    // The user's side is exactly as before, except the extra stash entry holding the run's unfinished work.
    const after = gitSnapshot(root);
    expect(after.stash.split('\n')[0]).toMatch(
      /^[0-9a-f]{40} On mle-beast-20250601-123456: mle-beast [0-9a-f]+: unfinished work/,
    );
    expect({ ...after, stash: after.stash.split('\n').slice(1).join('\n') }).toEqual(before.git);
    expect(fingerprint(root)).toEqual(before.files);
    // The run's branch is still at its last kept commit; the unfinished work is in the stash.
    expect(userGit(root, 'rev-parse', BRANCH).trim()).toBe(kept);
    const diff = userGit(root, 'stash', 'show', '-p', '--include-untracked', result.unfinishedStash!);
    expect(diff).toContain('half done');
    expect(diff).toContain('half_done.py');
  });

  it('keeps the stash and explains when re-applying it conflicts', async () => {
    const root = fs.realpathSync(temp.dir);
    dirtyUserRepo(root);
    await openBrownfield(root, { now });
    const stash = (await readWorkspaceState(root))!.stash!.sha;
    await anExperiment(root);
    // After a crash the user switched back by hand and started editing: the first restore waits for them.
    userGit(root, 'switch', '-q', 'main');
    write(root, 'src/app.py', 'print("changed on main meanwhile")\n');
    expect((await restoreWorkspace(root)).status).toBe('needs_attention');
    // They commit that edit on their branch (their own move, after restore gave it back), then restore again.
    userGit(root, 'commit', '-q', '-am', 'meanwhile');
    const moved = userGit(root, 'rev-parse', 'main').trim();

    const result = await restoreWorkspace(root);
    expect(result.status).toBe('needs_attention');
    expect(result.branchRestored).toBeNull();
    expect(userGit(root, 'rev-parse', 'main').trim()).toBe(moved);
    expect(result.keptStash).toBe(stash);
    expect(result.message).toContain(`git stash apply --index ${stash}`);
    expect(userGit(root, 'stash', 'list', '--format=%H')).toContain(stash);
    expect((await readWorkspaceState(root))!.status).toBe('needs_attention');
    // A new run is refused until this one is settled.
    const refused = await refusal(() => openBrownfield(root, { now }));
    expect(refused.code).toBe('session_active');
    expect(refused.message).toContain(stash);
  });

  it('refuses to apply over files in the way, then finishes once the user cleared them', async () => {
    const root = fs.realpathSync(temp.dir);
    dirtyUserRepo(root);
    const before = { git: gitSnapshot(root), files: fingerprint(root) };
    await openBrownfield(root, { now });
    await anExperiment(root);
    // After a crash the user switched back by hand and created a file the stash also holds.
    userGit(root, 'switch', '-q', 'main');
    write(root, 'notes with space ü.txt', 'written after the crash\n');

    const stuck = await restoreWorkspace(root);
    expect(stuck.status).toBe('needs_attention');
    expect(stuck.message).toContain('notes with space ü.txt');
    expect(read(root, 'notes with space ü.txt')).toBe('written after the crash\n'); // nothing applied over it
    expect(read(root, 'src/app.py')).toBe('print("v1")\n');

    fs.rmSync(path.join(root, 'notes with space ü.txt'));
    const done = await restoreWorkspace(root);
    expect(done.status).toBe('restored');
    expect(gitSnapshot(root)).toEqual(before.git);
    expect(fingerprint(root)).toEqual(before.files);
  });

  it('puts back what it did when opening fails half-way', async () => {
    const root = fs.realpathSync(temp.dir);
    dirtyUserRepo(root);
    const before = { git: gitSnapshot(root), files: fingerprint(root) };
    // A stale lock on the branch about to be made: `git switch -c` fails after the stash was made.
    fs.mkdirSync(path.join(root, '.git', 'refs', 'heads'), { recursive: true });
    fs.writeFileSync(path.join(root, '.git', 'refs', 'heads', `${BRANCH}.lock`), '');
    await expect(openBrownfield(root, { now })).rejects.toThrow(
      /git switch -q -c mle-beast-20250601-123456 failed/,
    );
    fs.rmSync(path.join(root, '.git', 'refs', 'heads', `${BRANCH}.lock`));
    expect(gitSnapshot(root)).toEqual(before.git);
    expect(fingerprint(root)).toEqual(before.files);
    expect((await readWorkspaceState(root))!.status).toBe('restored');
  });
});

describe('restoreWorkspace after the agent touched git itself', () => {
  it('re-applies the user changes from its own reference when the agent cleared the stash list', async () => {
    const root = fs.realpathSync(temp.dir);
    dirtyUserRepo(root);
    const before = { git: gitSnapshot(root), files: fingerprint(root) };
    await openBrownfield(root, { now });
    await anExperiment(root);
    userGit(root, 'stash', 'clear'); // agent code, or the agent's own git command

    const result = await restoreWorkspace(root);
    expect(result.status).toBe('restored');
    expect(fingerprint(root)).toEqual(before.files);
    // Everything but the stash list (the user's older entry went with `stash clear`) is as before.
    expect({ ...gitSnapshot(root), stash: '' }).toEqual({ ...before.git, stash: '' });
    expect(userGit(root, 'for-each-ref', '--format=%(refname)', 'refs/mle-beast/')).toBe('');
  });

  it('re-applies the user changes when the agent dropped or popped their stash entry', async () => {
    const root = fs.realpathSync(temp.dir);
    dirtyUserRepo(root);
    const before = { git: gitSnapshot(root), files: fingerprint(root) };
    await openBrownfield(root, { now });
    await beginExperiment(root);
    // The agent pops the user's changes onto the run branch; keep then commits them there.
    userGit(root, 'stash', 'pop', '-q', '--index');
    await keepExperiment(root, { step: 1, hypothesis: 'x', score: 1, previousScore: null });
    const result = await restoreWorkspace(root);
    expect(result.status).toBe('restored');
    expect(gitSnapshot(root)).toEqual(before.git);
    expect(fingerprint(root)).toEqual(before.files);
  });

  it('finishes a restore that crashed after re-applying the stash, without applying it twice', async () => {
    const root = fs.realpathSync(temp.dir);
    dirtyUserRepo(root);
    const before = { git: gitSnapshot(root), files: fingerprint(root) };
    await openBrownfield(root, { now });
    const stash = (await readWorkspaceState(root))!.stash!.sha;
    await anExperiment(root);
    // The crash: restore had switched back and applied the stash, but never recorded it.
    userGit(root, 'switch', '-q', 'main');
    userGit(root, 'stash', 'apply', '-q', '--index', stash);

    const result = await restoreWorkspace(root);
    expect(result.status).toBe('restored');
    expect(result.indexRestored).toBe(true);
    expect(gitSnapshot(root)).toEqual(before.git);
    expect(fingerprint(root)).toEqual(before.files);
  });

  it('puts back the user branch the agent committed on, keeping the moved tip under a backup ref', async () => {
    const root = fs.realpathSync(temp.dir);
    dirtyUserRepo(root);
    const before = { git: gitSnapshot(root), files: fingerprint(root) };
    const main = userGit(root, 'rev-parse', 'main').trim();
    await openBrownfield(root, { now });
    await beginExperiment(root);
    userGit(root, 'switch', '-q', 'main');
    write(root, 'src/app.py', 'print("agent on main")\n');
    userGit(root, 'commit', '-q', '-am', 'agent commit on main');
    const moved = userGit(root, 'rev-parse', 'main').trim();

    const kept = await keepExperiment(root, { step: 1, hypothesis: 'x', score: 1, previousScore: null });
    expect(userGit(root, 'rev-parse', 'main').trim()).toBe(main);
    expect(kept.branchRestored).toMatchObject({ branch: 'main', movedTo: moved, restoredTo: main });
    const backupRef = kept.branchRestored!.backupRef!;
    expect(userGit(root, 'rev-parse', backupRef).trim()).toBe(moved);
    expect(backupRef).toMatch(/^refs\/mle-beast\/[0-9a-f]+\/moved-main$/);
    // The agent's work is not lost: keep committed it on the run branch.
    expect(userGit(root, 'symbolic-ref', 'HEAD').trim()).toBe(`refs/heads/${BRANCH}`);
    expect(userGit(root, 'show', `${kept.sha}:src/app.py`)).toBe('print("agent on main")\n');

    expect((await restoreWorkspace(root)).status).toBe('restored');
    expect(gitSnapshot(root)).toEqual(before.git);
    expect(fingerprint(root)).toEqual(before.files);
  });

  it('notices at restore a user branch the agent reset, and puts it back', async () => {
    const root = fs.realpathSync(temp.dir);
    dirtyUserRepo(root);
    const before = { git: gitSnapshot(root), files: fingerprint(root) };
    const main = userGit(root, 'rev-parse', 'main').trim();
    await openBrownfield(root, { now });
    await anExperiment(root);
    userGit(root, 'switch', '-q', 'main');
    userGit(root, 'reset', '-q', '--hard', 'HEAD~1');

    const result = await restoreWorkspace(root);
    expect(result.status).toBe('restored');
    expect(result.branchRestored).toMatchObject({ branch: 'main', restoredTo: main });
    expect(userGit(root, 'rev-parse', 'main').trim()).toBe(main);
    expect(fingerprint(root)).toEqual(before.files);
    // What the agent left checked out on main is kept as the run's unfinished work.
    const after = gitSnapshot(root);
    expect(after.stash.split('\n')[0]).toMatch(/ mle-beast [0-9a-f]+: unfinished work/);
    expect({ ...after, stash: after.stash.split('\n').slice(1).join('\n') }).toEqual(before.git);
  });

  it('brings back a user branch the agent deleted, and deletes one it created where there was none', async () => {
    const root = fs.realpathSync(temp.dir);
    userRepo(root);
    const main = userGit(root, 'rev-parse', 'main').trim();
    await openBrownfield(root, { now });
    userGit(root, 'branch', '-q', '-D', 'main');
    const kept = await keepExperiment(root, { step: 1, hypothesis: 'x', score: 1, previousScore: null });
    expect(kept.branchRestored).toMatchObject({ branch: 'main', movedTo: null, backupRef: null });
    expect(userGit(root, 'rev-parse', 'main').trim()).toBe(main);

    const empty = path.join(temp.dir, 'empty');
    fs.mkdirSync(empty);
    userGit(empty, 'init', '-q');
    write(empty, 'a.py', 'a\n');
    const before = { git: gitSnapshot(empty), files: fingerprint(empty) };
    await openBrownfield(empty, { now });
    userGit(empty, 'branch', 'main'); // the unborn branch now has the run's commit
    const result = await restoreWorkspace(empty);
    expect(result.status).toBe('restored');
    expect(result.branchRestored).toMatchObject({ branch: 'main', restoredTo: null });
    expect(userGit(empty, 'rev-parse', result.branchRestored!.backupRef!).trim()).toMatch(/^[0-9a-f]{40}$/);
    expect(gitSnapshot(empty)).toEqual(before.git);
    expect(fingerprint(empty)).toEqual(before.files);
  });

  it('leaves alone a user branch that is checked out in another worktree', async () => {
    const root = fs.realpathSync(temp.dir);
    userRepo(root);
    userGit(root, 'branch', 'side');
    await openBrownfield(root, { now });
    const other = path.join(temp.dir, '..', `${path.basename(temp.dir)}-wt`);
    userGit(root, 'worktree', 'add', '-q', other, 'main');
    try {
      write(other, 'README.md', '# the user keeps working here\n');
      userGit(other, 'commit', '-q', '-am', 'user work');
      const moved = userGit(root, 'rev-parse', 'main').trim();
      const kept = await anExperiment(root);
      expect(kept).toMatch(/^[0-9a-f]{40}$/);
      expect(userGit(root, 'rev-parse', 'main').trim()).toBe(moved);
    } finally {
      userGit(root, 'worktree', 'remove', '--force', other);
    }
  });
});

describe('files that were ignored when the run began', () => {
  function repoWithData(root: string): void {
    userRepo(root);
    write(root, 'data/train.csv', 'a,b\n1,2\n');
  }

  it('never commits them, even when the agent un-ignores them', async () => {
    const root = fs.realpathSync(temp.dir);
    repoWithData(root);
    const before = { git: gitSnapshot(root), files: fingerprint(root) };
    await openBrownfield(root, { now });
    await beginExperiment(root);
    write(root, '.gitignore', '*.log\n'); // the agent drops data/ from .gitignore
    write(root, 'src/app.py', 'print("v2")\n');
    const kept = await keepExperiment(root, { step: 1, hypothesis: 'x', score: 1, previousScore: null });
    expect(userGit(root, 'ls-tree', '-r', '--name-only', kept.sha)).not.toContain('data/');
    expect(kept.keptOut).toContainEqual({ path: 'data/', reason: 'ignored when the run began' });
    expect(userGit(root, 'status', '--porcelain')).toBe('');

    expect((await restoreWorkspace(root)).status).toBe('restored');
    expect(gitSnapshot(root)).toEqual(before.git);
    expect(fingerprint(root)).toEqual(before.files);
  });

  it('puts them back at restore when the agent committed them itself', async () => {
    const root = fs.realpathSync(temp.dir);
    repoWithData(root);
    const before = { git: gitSnapshot(root), files: fingerprint(root) };
    await openBrownfield(root, { now });
    write(root, '.gitignore', '*.log\n');
    userGit(root, 'add', '-A');
    userGit(root, 'commit', '-q', '-m', 'agent commits the data');

    const result = await restoreWorkspace(root);
    expect(result.status).toBe('restored');
    expect(result.rematerialised).toEqual(['data/train.csv']);
    expect(result.message).toContain('data/train.csv');
    expect(gitSnapshot(root)).toEqual(before.git);
    expect(fingerprint(root)).toEqual(before.files);
  });

  it('leaves them in place when the run ends with them un-ignored and not committed', async () => {
    const root = fs.realpathSync(temp.dir);
    repoWithData(root);
    const before = fingerprint(root);
    await openBrownfield(root, { now });
    write(root, '.gitignore', '*.log\n');
    const result = await restoreWorkspace(root);
    expect(result.status).toBe('restored');
    expect(fingerprint(root)).toEqual(before);
    // The unfinished work holds the agent's .gitignore, not the user's data.
    const files = userGit(
      root,
      'stash',
      'show',
      '--include-untracked',
      '--name-only',
      result.unfinishedStash!,
    );
    expect(files.trim()).toBe('.gitignore');
  });
});

describe('nested repositories', () => {
  function repoWithNested(root: string): void {
    userRepo(root);
    write(root, 'vendor/a.py', 'a = 1\n');
    write(root, 'vendor/lib/z.txt', 'z\n');
    userGit(path.join(root, 'vendor/lib'), 'init', '-q');
  }

  it('keeps an untracked repository below the top level out of the stash and of commits, and restores', async () => {
    const root = fs.realpathSync(temp.dir);
    repoWithNested(root);
    const before = { git: gitSnapshot(root), files: fingerprint(root) };
    const info = await openBrownfield(root, { now });
    expect(info.keptOut).toEqual([{ path: 'vendor/lib/', reason: 'another git repository' }]);
    const sha = await anExperiment(root);
    expect(userGit(root, 'ls-tree', '-r', sha)).not.toContain('vendor');
    const result = await restoreWorkspace(root);
    expect(result.status).toBe('restored');
    expect(gitSnapshot(root)).toEqual(before.git);
    expect(fingerprint(root)).toEqual(before.files);
  });

  it('restores even when an untracked folder that was there at open shows up in the tree', async () => {
    const root = fs.realpathSync(temp.dir);
    repoWithNested(root);
    const before = { git: gitSnapshot(root), files: fingerprint(root) };
    await openBrownfield(root, { now });
    await anExperiment(root);
    // As a run opened by an older version left it: no exclude block, so `?? vendor/` shows in status.
    const exclude = path.join(root, '.git', 'info', 'exclude');
    fs.writeFileSync(
      exclude,
      fs.readFileSync(exclude, 'utf8').replace(/# >>> mle-beast[\s\S]*# <<< mle-beast\n/, ''),
    );
    const result = await restoreWorkspace(root);
    expect(result.status).toBe('restored');
    expect(gitSnapshot(root)).toEqual(before.git);
    expect(fingerprint(root)).toEqual(before.files);
  });
});

describe('openBrownfield, other starting points', () => {
  it('works from a clean tree without making a stash', async () => {
    const root = fs.realpathSync(temp.dir);
    userRepo(root);
    const before = gitSnapshot(root);
    const info = await openBrownfield(root, { now });
    expect(info.stash).toBeNull();
    await anExperiment(root);
    expect((await restoreWorkspace(root)).status).toBe('restored');
    expect(gitSnapshot(root)).toEqual(before);
  });

  it('returns to a detached HEAD', async () => {
    const root = fs.realpathSync(temp.dir);
    userRepo(root);
    write(root, 'b.txt', 'b');
    userGit(root, 'add', '-A');
    userGit(root, 'commit', '-q', '-m', 'b');
    userGit(root, 'switch', '-q', '--detach', 'HEAD~1');
    write(root, 'README.md', 'dirty on a detached HEAD\n');
    const before = { git: gitSnapshot(root), files: fingerprint(root) };
    const info = await openBrownfield(root, { now });
    expect(info.original).toEqual({ kind: 'detached', sha: before.git.head.trim() });
    await anExperiment(root);
    expect((await restoreWorkspace(root)).status).toBe('restored');
    expect(gitSnapshot(root)).toEqual(before.git);
    expect(fingerprint(root)).toEqual(before.files);
  });

  it('adopts the files of a repository with no commits yet, and puts back its unborn branch and index', async () => {
    const root = fs.realpathSync(temp.dir);
    userGit(root, 'init', '-q');
    write(root, '.gitignore', 'data/\n');
    write(root, 'train.py', 'staged version\n');
    userGit(root, 'add', 'train.py');
    write(root, 'train.py', 'working version\n'); // staged and modified
    write(root, 'model.py', 'untracked\n');
    write(root, 'data/x.csv', '1\n');
    const before = { git: gitSnapshot(root), files: fingerprint(root) };

    const info = await openBrownfield(root, { now });
    expect(info.original).toMatchObject({ kind: 'unborn', ref: 'refs/heads/main' });
    expect(info.stash).toBeNull();
    expect(userGit(root, 'ls-tree', '-r', '--name-only', info.baseCommit).trim().split('\n')).toEqual([
      '.gitignore',
      'model.py',
      'train.py',
    ]);
    expect(userGit(root, 'show', `${info.baseCommit}:train.py`)).toBe('working version\n');
    await anExperiment(root);

    expect((await restoreWorkspace(root)).status).toBe('restored');
    expect(gitSnapshot(root)).toEqual(before.git);
    expect(fingerprint(root)).toEqual(before.files);
    expect(userGit(root, 'log', '--format=%s', BRANCH).trim().split('\n')).toHaveLength(2);
  });

  it('makes a folder without git a repository without touching a file, and keeps bulky files out', async () => {
    const root = fs.realpathSync(temp.dir);
    write(root, 'train.py', 'print(1)\n');
    write(root, 'big.bin', 'x'.repeat(3000));
    for (let i = 0; i < 30; i++) write(root, `data/img-${i}.png`, 'png');
    for (let i = 0; i < 30; i++) write(root, `raw/img-${i}.png`, 'png');
    write(root, '.venv/pyvenv.cfg', 'home = /usr\n');
    const before = fingerprint(root);

    const info = await openBrownfield(root, {
      now,
      bulkLimits: { fileBytes: 1000, dirBytes: 1e9, dirFiles: 20 },
    });
    expect(info.createdRepository).toBe(true);
    expect(info.keptOut.map((k) => k.path).sort()).toEqual(['big.bin', 'raw/']);
    expect(fingerprint(root)).toEqual(before); // no .gitignore or anything else written
    // data/ and .venv/ by the ML defaults in .git/info/exclude; big.bin and raw/ by the run's block.
    expect(userGit(root, 'ls-tree', '-r', '--name-only', info.baseCommit).trim()).toBe('train.py');

    await anExperiment(root);
    const result = await restoreWorkspace(root);
    expect(result.status).toBe('restored');
    expect(fingerprint(root)).toEqual(before);
    expect(userGit(root, 'symbolic-ref', 'HEAD').trim()).toBe('refs/heads/main');
    expect(userGit(root, 'ls-files')).toBe('');
    expect(
      userGit(root, 'status', '--porcelain', '--untracked-files=normal').split('\n').filter(Boolean).sort(),
    ).toEqual(['?? big.bin', '?? raw/', '?? train.py']);
  });

  it('keeps bulky untracked files of a repository out of the stash, in place, and out of status afterwards', async () => {
    const root = fs.realpathSync(temp.dir);
    userRepo(root);
    write(root, 'dataset.csv', 'x'.repeat(3000));
    write(root, 'notes.txt', 'small\n');
    const before = { git: gitSnapshot(root), files: fingerprint(root) };
    const info = await openBrownfield(root, {
      now,
      bulkLimits: { fileBytes: 1000, dirBytes: 1e9, dirFiles: 1000 },
    });
    expect(info.keptOut).toEqual([{ path: 'dataset.csv', reason: '2.9 KB' }]);
    expect(exists(root, 'dataset.csv')).toBe(true); // still there for the run
    expect(exists(root, 'notes.txt')).toBe(false); // stashed
    expect(userGit(root, 'show', '--name-only', '--format=', `${info.stash!.sha}^3`).trim()).toBe(
      'notes.txt',
    );
    await anExperiment(root);
    expect(userGit(root, 'ls-tree', '-r', '--name-only', BRANCH)).not.toContain('dataset.csv');
    expect((await restoreWorkspace(root)).status).toBe('restored');
    expect(gitSnapshot(root)).toEqual(before.git);
    expect(fingerprint(root)).toEqual(before.files);
  });

  it('handles a repository that has nothing at all yet (git init, no files)', async () => {
    const root = fs.realpathSync(temp.dir);
    userGit(root, 'init', '-q');
    const before = gitSnapshot(root);
    const info = await openBrownfield(root, { now });
    expect(userGit(root, 'ls-tree', '-r', info.baseCommit)).toBe('');
    await anExperiment(root);
    expect((await restoreWorkspace(root)).status).toBe('restored');
    expect(gitSnapshot(root)).toEqual(before);
    expect(fingerprint(root)).toEqual({});
  });

  it('puts an unborn branch and its index back when opening fails before the first commit', async () => {
    const root = fs.realpathSync(temp.dir);
    userGit(root, 'init', '-q');
    write(root, 'a.py', 'a\n');
    userGit(root, 'add', 'a.py');
    write(root, 'b.py', 'b\n');
    const before = { git: gitSnapshot(root), files: fingerprint(root) };
    const fake = path.join(temp.dir, '..', `${path.basename(temp.dir)}-git`);
    fs.writeFileSync(
      fake,
      `#!/bin/sh\nfor a in "$@"; do [ "$a" = commit ] && { echo "fatal: no space left" >&2; exit 128; }; done\nexec git "$@"\n`,
      { mode: 0o755 },
    );
    try {
      await expect(openBrownfield(root, { now, gitBinary: fake })).rejects.toThrow(/no space left/);
    } finally {
      fs.rmSync(fake);
    }
    expect(gitSnapshot(root)).toEqual(before.git);
    expect(fingerprint(root)).toEqual(before.files);
  });

  it('never reuses an existing branch name', async () => {
    const root = fs.realpathSync(temp.dir);
    userRepo(root);
    userGit(root, 'branch', BRANCH);
    const info = await openBrownfield(root, { now });
    expect(info.branch).toBe(`${BRANCH}-2`);
  });
});

describe('openBrownfield refusals (nothing changed)', () => {
  it('refuses a second run while one is open', async () => {
    const root = fs.realpathSync(temp.dir);
    userRepo(root);
    await openBrownfield(root, { now });
    const before = gitSnapshot(root);
    expect((await refusal(() => openBrownfield(root, { now }))).code).toBe('session_active');
    expect(gitSnapshot(root)).toEqual(before);
  });

  it('refuses a repository in the middle of a merge', async () => {
    const root = fs.realpathSync(temp.dir);
    userRepo(root);
    write(root, 'README.md', 'dirty\n');
    fs.writeFileSync(path.join(root, '.git', 'MERGE_HEAD'), `${userGit(root, 'rev-parse', 'HEAD').trim()}\n`);
    const before = { git: gitSnapshot(root), files: fingerprint(root) };
    const refused = await refusal(() => openBrownfield(root, { now }));
    expect(refused.code).toBe('operation_in_progress');
    expect(refused.message).toMatch(/merge.*git merge --abort/);
    expect(gitSnapshot(root)).toEqual(before.git);
    expect(fingerprint(root)).toEqual(before.files);
  });

  it('refuses a folder inside a repository that is not its top level', async () => {
    const root = fs.realpathSync(temp.dir);
    userRepo(root);
    const refused = await refusal(() => openBrownfield(path.join(root, 'src'), { now }));
    expect(refused.code).toBe('nested_in_repository');
    expect(refused.message).toContain(`Choose ${root} as the workspace`);
  });

  it('refuses a folder that does not exist', async () => {
    expect((await refusal(() => openBrownfield(path.join(temp.dir, 'nope'), { now }))).code).toBe(
      'not_found',
    );
    expect(fs.existsSync(path.join(temp.dir, 'nope'))).toBe(false);
  });
});

describe('restoreWorkspace when things are not as it left them', () => {
  it('changes nothing when HEAD is on some other branch, and says what to do', async () => {
    const root = fs.realpathSync(temp.dir);
    dirtyUserRepo(root);
    await openBrownfield(root, { now });
    userGit(root, 'switch', '-q', '-c', 'elsewhere');
    const before = { git: gitSnapshot(root), files: fingerprint(root) };
    const result = await restoreWorkspace(root);
    expect(result.status).toBe('needs_attention');
    expect(result.message).toMatch(/HEAD is on branch elsewhere.*git switch main/);
    expect(gitSnapshot(root)).toEqual(before.git);
    expect(fingerprint(root)).toEqual(before.files);
    userGit(root, 'switch', '-q', BRANCH);
    expect((await restoreWorkspace(root)).status).toBe('restored');
  });

  it('refuses a damaged state file, naming it', async () => {
    const root = fs.realpathSync(temp.dir);
    userRepo(root);
    await openBrownfield(root, { now });
    const file = path.join(root, '.git', 'mle-beast', 'state.json');
    fs.writeFileSync(file, '{"version": 1, "status": "sideways"}');
    const refused = await refusal(() => restoreWorkspace(root));
    expect(refused.code).toBe('state_invalid');
    expect(refused.message).toContain(file);
    fs.writeFileSync(file, 'not json');
    expect((await refusal(() => restoreWorkspace(root))).message).toContain('(not JSON)');
  });
});

describe('restoreWorkspace without a run', () => {
  it('reports that there is nothing to restore', async () => {
    userRepo(temp.dir);
    expect((await restoreWorkspace(temp.dir)).status).toBe('no_session');
    expect((await restoreWorkspace(path.join(temp.dir, 'missing'))).status).toBe('no_session');
  });
});
