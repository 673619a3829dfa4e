// The agent's tools: schemas and role tool sets (what the model may call), and their executors.
export {
  DEFAULT_OUTPUT_CAP_CHARS,
  ToolError,
  effectiveTimeoutMs,
  type CommandLog,
  type LogSource,
  type ToolContext,
  type ToolOutcome,
  type ToolTimeouts,
} from './context';
export * from './schemas';
export {
  ROLES,
  ROLE_TOOLS,
  ROLE_CALL_UNIONS,
  roleCallUnion,
  toolCallUnion,
  toolsFor,
  type Role,
  type ToolCallUnion,
} from './roles';
export { executeTool } from './execute';
export {
  MAX_LIST_ENTRIES,
  MAX_READ_CHARS,
  SKIPPED_FOLDERS,
  createDirectoryTool,
  editFileTool,
  listFilesTool,
  readFileTool,
  writeFileTool,
} from './files';
export {
  type Area,
  type ModelPath,
  displayPath,
  hostPathOf,
  makeFolder,
  readablePath,
  resolveModelPath,
  sandboxPathOf,
  writablePath,
} from './paths';
export { splitArgs } from './args';
export { capText } from './output';
export {
  RAW_OUTPUT_CAP_BYTES,
  endingNote,
  formatExec,
  logStreams,
  policyContext,
  pythonEnv,
  runPythonFileTool,
  runShellCommandTool,
} from './shell';
export {
  describeCounts,
  parseFailedIds,
  parseImportErrors,
  parsePytestSummary,
  runTests,
  runTestsTool,
  type PytestCounts,
  type TestRun,
} from './pytest';
export {
  METRICS_FILE,
  MetricsTail,
  launchScript,
  launchTool,
  metricsOf,
  type LaunchOptions,
  type LaunchResult,
} from './launch';
export { DOWNLOAD_MAX_BYTES, DOWNLOAD_TIMEOUT_MS, downloadUrlTool } from './download';
