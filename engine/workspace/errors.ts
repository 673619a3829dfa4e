/**
 * The workspace module's one error model.
 *
 * - An operation that could not do what it was asked THROWS a `WorkspaceError` whose `code` says why. Before
 *   throwing it has changed nothing (or put back what it had changed), so the caller may show the message and
 *   stop, or fix the cause and call again.
 * - An operation that did its job but has something the caller must tell the user (a stash that could not be
 *   re-applied, a pre-existing ignored file the experiment modified) RETURNS that in its result value.
 *
 * Messages say what is wrong and how to fix it; they are meant for the user as they are.
 */
export type WorkspaceErrorCode =
  /** git is not installed or not on PATH. */
  | 'git_missing'
  /** git is older than the oldest version this module supports. */
  | 'git_too_old'
  /** A git command exited with an error (see `GitError.stderr`). */
  | 'git_failed'
  /** A git command ran past its time limit and was stopped. */
  | 'git_timeout'
  /** The path exists but is a file, not a folder. */
  | 'not_a_directory'
  /** Brownfield: the folder does not exist. */
  | 'not_found'
  /** Greenfield: the folder has files in it (or is a repository); nothing was changed. */
  | 'not_empty'
  /** The folder lies inside another repository without being its top level. */
  | 'nested_in_repository'
  /** The repository has no working tree (bare), or git's idea of its top level is not the folder. */
  | 'not_a_work_tree'
  /** A merge, rebase, cherry-pick, revert or bisect is under way in the repository. */
  | 'operation_in_progress'
  /** A previous run on this repository has not been restored yet. */
  | 'session_active'
  /** keep / revert / restore called on a folder with no mle-beast run open in it. */
  | 'no_session'
  /** The state file in .git/mle-beast is unreadable or not what this version wrote. */
  | 'state_invalid'
  /** revert called without a snapshot, and none saved by beginExperiment. */
  | 'no_snapshot'
  /** A filter or merge driver configured since the run opened has a name git's `-c` cannot switch off. */
  | 'unsafe_config';

export class WorkspaceError extends Error {
  constructor(
    readonly code: WorkspaceErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'WorkspaceError';
  }
}

/** A git command that failed: the command (without our `-c` settings), its exit code and its stderr. */
export class GitError extends WorkspaceError {
  constructor(
    code: 'git_failed' | 'git_timeout' | 'git_missing',
    message: string,
    readonly command: string,
    readonly cwd: string,
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(code, message);
    this.name = 'GitError';
  }
}

/** Narrows an unknown error to a WorkspaceError, optionally of one code. */
export function isWorkspaceError(error: unknown, code?: WorkspaceErrorCode): error is WorkspaceError {
  return error instanceof WorkspaceError && (code === undefined || error.code === code);
}
