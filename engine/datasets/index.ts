/**
 * Dataset intake: validation, summary, fingerprint and the hidden holdout (ARCHITECTURE.md section 6).
 *
 * Callers mount `<runDataDir>/visible` read-only for the whole run and one `<runDataDir>/holdout/<split>`
 * read-only for a single predict command. Never mount `<runDataDir>` itself nor `<runDataDir>/labels`.
 */
export { inspectDataset, prepareRunData, readRunDataset, type PreparedRunData } from './run-data';
export {
  inspectDatasetOffLoop,
  prepareRunDataOffLoop,
  intakeWorkerEntry,
  INTAKE_WORKER_ENV,
  INTAKE_WORKER_FILE,
} from './intake-off-loop';
export {
  forkIntakeLauncher,
  lowerIntakePriority,
  STDERR_TAIL as INTAKE_STDERR_TAIL,
  type IntakeLauncher,
  type IntakeWorker,
  type IntakeWorkerEvents,
  type IntakeWorkerExit,
} from './intake-launcher';
export { runDataPaths, type RunDataPaths, type SplitPaths } from './run-data-layout';
export { intakeErrorToApiError, type IntakeResult } from './issues';
export { sortClasses } from './label-collector';
export {
  ClassCount,
  ColumnSummary,
  DatasetIssue,
  DatasetKind,
  DatasetSource,
  DatasetSummary,
  Fingerprint,
  HoldoutOptions,
  HoldoutRecord,
  RunDataset,
  SplitName,
  TaskType,
} from './schemas';
export { toDatasetSource } from './config-source';
