import fs from 'node:fs';
import os from 'node:os';
import { isMainThread } from 'node:worker_threads';
import { execa } from 'execa';
import { GitError, WorkspaceError } from './errors';
import { gitThreadAvailable, spawnGitOnThread } from './git-off-loop';

/**
 * The one way this module runs git. Every call:
 * - commits as a synthetic identity, so commits work on machines with no git identity configured and are
 *   plainly the agent's;
 * - never prompts, pages or opens an editor (a run has no terminal);
 * - never signs (a signing prompt or a missing key would make a commit fail in the middle of a run);
 * - never runs hooks: core.hooksPath points where no hook can exist. The working tree, .git included, is
 *   writable by code the agent wrote, and hooks run on the host outside the sandbox, so a hook planted there
 *   must not run; the user's own hooks (formatters, linters, pre-commit frameworks) would also rewrite or
 *   refuse our bookkeeping commits for reasons the agent cannot see. The user's hooks run as usual when they
 *   commit or merge the run's branch themselves. `-c` on the command line beats the repository's config,
 *   so a core.hooksPath or core.fsmonitor written into .git/config cannot undo this;
 * - never recurses into submodules and never starts an automatic gc: the first would rewrite files inside
 *   the user's submodules, the second could prune objects this module holds only loosely (snapshot blobs);
 * - has a time limit (default 60 s) and fails with the command, the exit code and git's stderr.
 * Clean/smudge filters (git-lfs) still run: an LFS repository cannot be committed or checked out without them.
 * Filter and merge drivers that appeared after the run opened are switched off per call through
 * `configOverrides` (see config-guard.ts).
 */

export interface GitOptions {
  /** Per-call time limit in ms (default 60 000). */
  timeoutMs?: number;
  /** The git executable (default `git` from PATH). */
  gitBinary?: string;
  /** More `key=value` settings passed with `-c` after this module's own (config-guard.ts fills these). */
  configOverrides?: readonly string[];
}

export interface GitCallOptions extends GitOptions {
  /** Exit codes that are answers rather than failures (e.g. 1 from `diff --quiet`). */
  okExitCodes?: readonly number[];
  /** Text written to git's stdin. */
  input?: string;
}

export interface GitResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export const DEFAULT_GIT_TIMEOUT_MS = 60_000;
/** `git switch` (2.23) is the newest command used here. */
export const MIN_GIT_VERSION: readonly [number, number] = [2, 23];

export const AGENT_NAME = 'mle-beast';
export const AGENT_EMAIL = 'mle-beast@noreply.local';

// On Windows, Git for Windows maps /dev/null to NUL as well; a hook path under it can never exist.
const NO_HOOKS = '/dev/null';

const CONFIG: readonly string[] = [
  `user.name=${AGENT_NAME}`,
  `user.email=${AGENT_EMAIL}`,
  'user.useConfigOnly=false',
  'commit.gpgsign=false',
  'tag.gpgsign=false',
  `core.hooksPath=${NO_HOOKS}`,
  // An fsmonitor is a command git runs; a stale one could also hide the agent's changes from status.
  'core.fsmonitor=false',
  'core.quotePath=false',
  'core.pager=cat',
  // A user's safecrlf=true would make `git add` refuse files with mixed line endings mid-run.
  'core.safecrlf=false',
  'color.ui=never',
  'advice.detachedHead=false',
  'log.showSignature=false',
  'submodule.recurse=false',
  // Never look inside a nested repository (a gitlink the agent's own git added): status and diff would run
  // its filters, which agent code wrote, on this machine.
  'diff.ignoreSubmodules=all',
  'status.submoduleSummary=false',
  'gc.auto=0',
  'maintenance.auto=false',
].flatMap((setting) => ['-c', setting]);

// Variables that would point git at another repository, index or config than the folder we pass.
const INHERITED_GIT_VARIABLE = /^GIT_/;

function gitEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !INHERITED_GIT_VARIABLE.test(key)) env[key] = value;
  }
  return {
    ...env,
    GIT_AUTHOR_NAME: AGENT_NAME,
    GIT_AUTHOR_EMAIL: AGENT_EMAIL,
    GIT_COMMITTER_NAME: AGENT_NAME,
    GIT_COMMITTER_EMAIL: AGENT_EMAIL,
    GIT_TERMINAL_PROMPT: '0',
    GIT_PAGER: 'cat',
    PAGER: 'cat',
    // `true` exits at once: anything that would open an editor gets an empty answer instead of a hang.
    GIT_EDITOR: 'true',
    GIT_SEQUENCE_EDITOR: 'true',
    GIT_MERGE_AUTOEDIT: 'no',
    // Read-only commands (status) skip the optional index refresh lock, so they never race an IDE's git.
    GIT_OPTIONAL_LOCKS: '0',
    // English messages, so logs and the few messages we recognise read the same everywhere.
    LC_ALL: 'C',
    LANGUAGE: 'C',
  };
}

/** `git stash push -u ...` for messages: the command without our `-c` settings, long arguments cut. */
export function describeCommand(args: readonly string[]): string {
  const shown = args.map((a) => (a.length > 80 ? `${a.slice(0, 77)}...` : a));
  return ['git', ...shown].map((a) => (/[\s"']/.test(a) ? JSON.stringify(a) : a)).join(' ');
}

/** Adds what to do for the failures people actually meet. */
function hintFor(stderr: string, cwd: string): string {
  if (/detected dubious ownership/i.test(stderr)) {
    return ` git refuses to work in a repository owned by another user. If you trust ${cwd}, run \`git config --global --add safe.directory ${cwd}\`, or fix the folder's owner.`;
  }
  if (/index\.lock': File exists/i.test(stderr)) {
    return ' Another git process is working in this repository, or one that crashed left .git/index.lock behind: close other git tools; if none is running, delete .git/index.lock and try again.';
  }
  return '';
}

/** Runs git in `cwd`. Throws a GitError on failure, timeout, or when git is not installed. */
export async function runGit(
  cwd: string,
  args: readonly string[],
  options: GitCallOptions = {},
): Promise<GitResult> {
  const { stdout, stderr, exitCode } = await spawnGit(cwd, args, options, 'utf8');
  return { stdout: stdout as string, stderr, exitCode };
}

/** Like runGit, with stdout as raw bytes (file contents from `cat-file blob`). */
export async function runGitBinary(
  cwd: string,
  args: readonly string[],
  options: GitCallOptions = {},
): Promise<{ stdout: Uint8Array; stderr: string; exitCode: number }> {
  const { stdout, stderr, exitCode } = await spawnGit(cwd, args, options, 'buffer');
  return { stdout: stdout as Uint8Array, stderr, exitCode };
}

/** Runs git on the git thread when it is built (git-off-loop.ts), else here. */
function spawnGit(
  cwd: string,
  args: readonly string[],
  options: GitCallOptions,
  encoding: 'utf8' | 'buffer',
): Promise<{ stdout: string | Uint8Array; stderr: string; exitCode: number }> {
  if (!isMainThread || !gitThreadAvailable()) return spawnGitHere(cwd, args, options, encoding);
  return spawnGitOnThread(cwd, args, options, encoding);
}

/** Runs git on this thread: what the git thread does for each call it is sent. */
export async function spawnGitHere(
  cwd: string,
  args: readonly string[],
  options: GitCallOptions,
  encoding: 'utf8' | 'buffer',
): Promise<{ stdout: string | Uint8Array; stderr: string; exitCode: number }> {
  const binary = options.gitBinary ?? 'git';
  const timeout = options.timeoutMs ?? DEFAULT_GIT_TIMEOUT_MS;
  const command = describeCommand(args);
  const overrides = (options.configOverrides ?? []).flatMap((setting) => ['-c', setting]);
  const child = execa(binary, ['--no-pager', ...CONFIG, ...overrides, ...args], {
    cwd,
    env: gitEnv(),
    extendEnv: false,
    reject: false,
    // Its own process group (and session: no terminal to prompt on), so a timeout can stop git together
    // with what it started (a filter, a credential helper): those would hold our pipes open otherwise.
    detached: process.platform !== 'win32',
    stripFinalNewline: false,
    // ls-files of a folder with a million files is tens of MB; more than this is not a workspace.
    maxBuffer: 512 * 1024 * 1024,
    encoding,
    ...(options.input !== undefined ? { input: options.input } : { stdin: 'ignore' as const }),
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    stopGroup(child, 'SIGTERM');
    setTimeout(() => stopGroup(child, 'SIGKILL'), 2_000).unref();
  }, timeout);
  const sub = await child.finally(() => clearTimeout(timer));
  const text = (value: unknown): string =>
    typeof value === 'string' ? value : value instanceof Uint8Array ? new TextDecoder().decode(value) : '';
  const stderr = text(sub.stderr);
  if (sub.failed && sub.exitCode === undefined && (sub as { code?: string }).code === 'ENOENT') {
    // spawn says ENOENT for a missing working folder as well as for a missing program.
    if (!fs.existsSync(cwd)) {
      throw new GitError(
        'git_failed',
        `${command} cannot run: the folder ${cwd} does not exist.`,
        command,
        cwd,
        null,
        '',
      );
    }
    throw new GitError(
      'git_missing',
      `git is not installed or not on PATH (could not start \`${binary}\`). Install git (https://git-scm.com/downloads, or your package manager: apt install git, brew install git, winget install Git.Git), then start mle-beast again.`,
      command,
      cwd,
      null,
      '',
    );
  }
  if (timedOut) {
    throw new GitError(
      'git_timeout',
      `${command} did not finish within ${timeout < 1000 ? `${timeout} ms` : `${Math.round(timeout / 1000)} s`} in ${cwd} and was stopped. A very large working tree or a slow disk can cause this: raise the git time limit, or keep large data out of the repository (.gitignore). If .git/index.lock was left behind and no git process runs, delete it.`,
      command,
      cwd,
      null,
      stderr,
    );
  }
  const exitCode = sub.exitCode ?? -1;
  if (exitCode !== 0 && !(options.okExitCodes ?? []).includes(exitCode)) {
    const detail = stderr.trim() || text(sub.stdout).trim() || sub.shortMessage;
    throw new GitError(
      'git_failed',
      `${command} failed in ${cwd} (exit ${exitCode}): ${detail}${hintFor(stderr, cwd)}`,
      command,
      cwd,
      exitCode,
      stderr,
    );
  }
  const stdout = encoding === 'utf8' ? text(sub.stdout) : ((sub.stdout as Uint8Array) ?? new Uint8Array());
  return { stdout, stderr, exitCode };
}

function stopGroup(
  child: { pid?: number | undefined; kill(signal: NodeJS.Signals): boolean },
  signal: NodeJS.Signals,
) {
  try {
    if (process.platform !== 'win32' && child.pid) process.kill(-child.pid, signal);
    else child.kill(signal);
  } catch {
    // already gone
  }
}

/** Splits NUL-terminated `-z` output. Paths may hold spaces, quotes, unicode and newlines. */
export function splitNul(output: string): string[] {
  const parts = output.split('\0');
  if (parts.at(-1) === '') parts.pop();
  return parts;
}

/** Parses `git version 2.39.5 (Apple Git-146)` / `2.41.0.windows.1` into [major, minor]. */
export function parseGitVersion(text: string): [number, number] | null {
  const match = /git version (\d+)\.(\d+)/.exec(text);
  return match ? [Number(match[1]), Number(match[2])] : null;
}

const checked = new Map<string, Promise<string>>();

/**
 * Makes sure git is installed and recent enough; resolves to its version text. Checked once per binary per
 * process, so callers may call it before every public operation.
 */
export function requireGit(options: GitOptions = {}): Promise<string> {
  const binary = options.gitBinary ?? 'git';
  let pending = checked.get(binary);
  if (!pending) {
    pending = (async () => {
      // Any existing folder will do for `git version`; the process's own may have been deleted.
      const { stdout } = await runGit(os.tmpdir(), ['version'], options);
      const version = parseGitVersion(stdout);
      const [major, minor] = MIN_GIT_VERSION;
      if (version && (version[0] < major || (version[0] === major && version[1] < minor))) {
        throw new WorkspaceError(
          'git_too_old',
          `${stdout.trim()} is too old: mle-beast needs git ${major}.${minor} or newer. Update git (https://git-scm.com/downloads), then try again.`,
        );
      }
      return stdout.trim();
    })();
    // A failed check (git missing) is not remembered: the user may install git and retry in the same process.
    pending.catch(() => checked.delete(binary));
    checked.set(binary, pending);
  }
  return pending;
}
