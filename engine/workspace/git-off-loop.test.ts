import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { useTempDir } from '../testing/temp-dir';
import { GitError } from './errors';
import { runGit } from './git';
import { GIT_THREAD_ENV, gitThreadAvailable, gitThreadState, restartGitThread } from './git-off-loop';
import { userGit } from './testing/repos';

const temp = useTempDir('mle-beast-git-thread-');
const FAKE = path.resolve(import.meta.dirname, 'testing/fake-git-thread.mjs');

afterEach(() => restartGitThread(process.env[GIT_THREAD_ENV]));

describe('git on its own thread', () => {
  it('runs every call there, several at once', async () => {
    expect(gitThreadAvailable()).toBe(true);
    await restartGitThread();
    expect(gitThreadState().running).toBe(false);
    userGit(temp.dir, 'init', '-q');
    const calls = [
      runGit(temp.dir, ['rev-parse', '--is-inside-work-tree']),
      runGit(temp.dir, ['status', '--porcelain']),
    ];
    expect(gitThreadState()).toEqual({ running: true, pending: 2 });
    const [inside] = await Promise.all(calls);
    expect(inside?.stdout).toBe('true\n');
    expect(gitThreadState()).toEqual({ running: true, pending: 0 });
  });

  it('throws the same GitError as on the caller thread', async () => {
    const error = await runGit(temp.dir, ['log'], { gitBinary: path.join(temp.dir, 'no-git') }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(GitError);
    expect((error as GitError).code).toBe('git_missing');
    expect((error as GitError).message).toMatch(/git is not installed or not on PATH/);
  });

  it('a thread that dies fails its calls with a clear GitError, and the next call starts a new one', async () => {
    await restartGitThread(FAKE);
    const error = await runGit(temp.dir, ['status']).catch((e) => e);
    expect(error).toBeInstanceOf(GitError);
    expect((error as GitError).code).toBe('git_failed');
    expect((error as GitError).message).toBe(
      "git status could not run: the engine's git thread failed (it stopped (code 7)). Try again; if it keeps failing, report it with this message.",
    );
    expect(gitThreadState().running).toBe(false);

    await restartGitThread(process.env[GIT_THREAD_ENV]);
    userGit(temp.dir, 'init', '-q');
    expect((await runGit(temp.dir, ['rev-parse', '--git-dir'])).stdout).toBe('.git\n');
  });
});
