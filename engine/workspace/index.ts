/**
 * Workspaces and git (ARCHITECTURE.md section 4): open a workspace for a run (greenfield or brownfield),
 * keep or revert each experiment, and put a brownfield repository back when the run ends or after a crash.
 * Every function takes the workspace folder and reads what it needs from .git/mle-beast/, so a new process
 * can carry on (or restore) after a crash with nothing but the path.
 *
 * Errors: a function that cannot do its job throws a `WorkspaceError` (or its subclass `GitError`) with a
 * `code`, having changed nothing; outcomes the user must hear about (a stash that could not be re-applied,
 * a pre-existing ignored file an experiment changed, a git config or a user branch the agent changed and
 * that was put back) are fields of the returned value.
 */
export { openBrownfield } from './brownfield';
export type { BranchRestored } from './branch-guard';
export { experimentBranchName } from './branch-name';
export type { ConfigRestored } from './config-guard';
export { experimentCommitMessage, formatScore } from './commit-message';
export { GitError, isWorkspaceError, WorkspaceError, type WorkspaceErrorCode } from './errors';
export { DEFAULT_BULK_LIMITS, type BulkLimits, type KeptOut } from './excludes';
export {
  beginExperiment,
  commitWorkspace,
  DEFAULT_PRESERVE,
  ExperimentSnapshot,
  keepExperiment,
  type BegunExperiment,
  revertExperiment,
  type ExperimentOptions,
  type KeepInput,
  type KeepResult,
  type RevertResult,
} from './experiment';
export { DEFAULT_GIT_TIMEOUT_MS, MIN_GIT_VERSION, requireGit, type GitOptions } from './git';
export { ML_GITIGNORE } from './gitignore';
export { ENGINE_OUTPUTS } from './never-committed';
export { openGreenfield } from './greenfield';
export { currentSha, diffStat, type DiffStat } from './inspect';
export { restoreWorkspace, type RestoreResult, type RestoreStatus } from './restore';
export type { OpenOptions, WorkspaceInfo } from './session';
export { readWorkspaceState } from './read-state';
export type { GuardNotes } from './run-guard';
export { WorkspaceState, OriginalHead } from './state';
