import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../testing/temp-dir';
import { GitError, isWorkspaceError } from './errors';
import { AGENT_EMAIL, AGENT_NAME, parseGitVersion, requireGit, runGit, splitNul } from './git';
import { userGit, write } from './testing/repos';

const temp = useTempDir('mle-beast-git-');

/** A stand-in `git` executable: a shell script (POSIX only, like the rest of these tests). */
function fakeGit(body: string): string {
  const file = path.join(temp.dir, 'fake-git');
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describe('runGit', () => {
  it('runs git in the folder and returns its output', async () => {
    userGit(temp.dir, 'init', '-q');
    const { stdout } = await runGit(temp.dir, ['rev-parse', '--is-inside-work-tree']);
    expect(stdout.trim()).toBe('true');
  });

  it('fails with the command, the exit code and git stderr', async () => {
    userGit(temp.dir, 'init', '-q');
    const error = await failure(runGit(temp.dir, ['rev-parse', '--verify', 'no-such-branch']));
    expect(error).toBeInstanceOf(GitError);
    const e = error as GitError;
    expect(e.code).toBe('git_failed');
    expect(e.exitCode).toBe(128);
    expect(e.command).toBe('git rev-parse --verify no-such-branch');
    expect(e.message).toContain('git rev-parse --verify no-such-branch failed');
    expect(e.message).toContain('Needed a single revision');
  });

  it('treats listed exit codes as answers', async () => {
    userGit(temp.dir, 'init', '-q');
    const { exitCode } = await runGit(temp.dir, ['symbolic-ref', '-q', 'HEAD'], { okExitCodes: [1] });
    expect(exitCode).toBe(0);
    userGit(temp.dir, 'commit', '-q', '--allow-empty', '-m', 'x');
    userGit(temp.dir, 'switch', '-q', '--detach');
    expect((await runGit(temp.dir, ['symbolic-ref', '-q', 'HEAD'], { okExitCodes: [1] })).exitCode).toBe(1);
  });

  it('says to install git when git cannot be started', async () => {
    const error = await failure(
      runGit(temp.dir, ['status'], { gitBinary: path.join(temp.dir, 'no-git-here') }),
    );
    expect(isWorkspaceError(error, 'git_missing')).toBe(true);
    expect((error as Error).message).toMatch(/not installed.*Install git/);
  });

  it('says the folder is missing (not git) when the working folder does not exist', async () => {
    const error = await failure(runGit(path.join(temp.dir, 'gone'), ['status']));
    expect(isWorkspaceError(error, 'git_failed')).toBe(true);
    expect((error as Error).message).toMatch(/folder .*gone does not exist/);
  });

  it('stops a git call that runs past its time limit', async () => {
    const slow = fakeGit('sleep 5');
    const started = Date.now();
    const error = await failure(runGit(temp.dir, ['status'], { gitBinary: slow, timeoutMs: 300 }));
    expect(isWorkspaceError(error, 'git_timeout')).toBe(true);
    expect((error as Error).message).toContain('did not finish within');
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('commits as mle-beast, with no identity configured and signing forced on in the repository', async () => {
    userGit(temp.dir, 'init', '-q');
    userGit(temp.dir, 'config', 'commit.gpgsign', 'true');
    userGit(temp.dir, 'config', 'gpg.program', '/bin/false');
    userGit(temp.dir, 'config', 'user.useConfigOnly', 'true');
    await runGit(temp.dir, ['commit', '-q', '--allow-empty', '-m', 'x']);
    const who = userGit(temp.dir, 'log', '-1', '--format=%an <%ae> / %cn <%ce>').trim();
    expect(who).toBe(`${AGENT_NAME} <${AGENT_EMAIL}> / ${AGENT_NAME} <${AGENT_EMAIL}>`);
  });

  it('runs no hooks, neither in .git/hooks nor in a core.hooksPath set by the repository', async () => {
    userGit(temp.dir, 'init', '-q');
    const marker = path.join(temp.dir, '..', `${path.basename(temp.dir)}-hook-ran`);
    const hook = `#!/bin/sh\necho ran > "${marker}"\nexit 1\n`;
    for (const dir of ['.git/hooks', 'custom-hooks']) {
      for (const name of ['pre-commit', 'commit-msg', 'post-commit', 'post-checkout']) {
        write(temp.dir, `${dir}/${name}`, hook);
        fs.chmodSync(path.join(temp.dir, dir, name), 0o755);
      }
    }
    await runGit(temp.dir, ['commit', '-q', '--allow-empty', '-m', 'x']);
    userGit(temp.dir, 'config', 'core.hooksPath', 'custom-hooks');
    await runGit(temp.dir, ['commit', '-q', '--allow-empty', '-m', 'y']);
    await runGit(temp.dir, ['switch', '-q', '-c', 'other']);
    expect(fs.existsSync(marker)).toBe(false);
    // The same hook does run for the user's own git: the test would catch a hook that cannot run.
    expect(() => userGit(temp.dir, 'commit', '-q', '--allow-empty', '-m', 'z')).toThrow();
    expect(fs.existsSync(marker)).toBe(true);
    fs.rmSync(marker);
  });

  it('ignores GIT_DIR and GIT_WORK_TREE inherited from the environment (e.g. when run from a hook)', async () => {
    const other = path.join(temp.dir, 'other');
    const mine = path.join(temp.dir, 'mine');
    fs.mkdirSync(other);
    fs.mkdirSync(mine);
    userGit(other, 'init', '-q');
    userGit(mine, 'init', '-q');
    const saved = { dir: process.env.GIT_DIR, tree: process.env.GIT_WORK_TREE };
    process.env.GIT_DIR = path.join(other, '.git');
    process.env.GIT_WORK_TREE = other;
    try {
      const { stdout } = await runGit(mine, ['rev-parse', '--show-toplevel']);
      expect(fs.realpathSync(stdout.trim())).toBe(fs.realpathSync(mine));
    } finally {
      if (saved.dir === undefined) delete process.env.GIT_DIR;
      else process.env.GIT_DIR = saved.dir;
      if (saved.tree === undefined) delete process.env.GIT_WORK_TREE;
      else process.env.GIT_WORK_TREE = saved.tree;
    }
  });

  it('never waits for an editor', async () => {
    userGit(temp.dir, 'init', '-q');
    userGit(temp.dir, 'config', 'core.editor', 'sleep 30');
    // Without -m git would open the editor; GIT_EDITOR=true answers with an empty message at once.
    const error = await failure(runGit(temp.dir, ['commit', '--allow-empty'], { timeoutMs: 10_000 }));
    expect(isWorkspaceError(error, 'git_failed')).toBe(true);
    expect((error as GitError).stderr).toMatch(/empty commit message/i);
  });
});

describe('requireGit', () => {
  it('accepts the installed git', async () => {
    expect(await requireGit()).toMatch(/^git version \d+\.\d+/);
  });

  it('refuses a git older than 2.23, saying what to do', async () => {
    const old = fakeGit('echo "git version 2.20.1"');
    const error = await failure(requireGit({ gitBinary: old }));
    expect(isWorkspaceError(error, 'git_too_old')).toBe(true);
    expect((error as Error).message).toMatch(/needs git 2\.23 or newer. Update git/);
  });

  it('reports a missing git, and checks again on the next call', async () => {
    const missing = path.join(temp.dir, 'git-not-yet');
    expect(isWorkspaceError(await failure(requireGit({ gitBinary: missing })), 'git_missing')).toBe(true);
    fs.writeFileSync(missing, '#!/bin/sh\necho "git version 2.40.0"\n', { mode: 0o755 });
    expect(await requireGit({ gitBinary: missing })).toBe('git version 2.40.0');
  });
});

describe('output parsing', () => {
  it('splits -z output, keeping spaces, unicode and newlines in names', () => {
    expect(splitNul('a b\0ü/数据.txt\0new\nline\0')).toEqual(['a b', 'ü/数据.txt', 'new\nline']);
    expect(splitNul('')).toEqual([]);
  });

  it('reads version numbers from every platform build', () => {
    expect(parseGitVersion('git version 2.39.5\n')).toEqual([2, 39]);
    expect(parseGitVersion('git version 2.39.3 (Apple Git-146)')).toEqual([2, 39]);
    expect(parseGitVersion('git version 2.41.0.windows.1')).toEqual([2, 41]);
    expect(parseGitVersion('hello')).toBeNull();
  });
});
