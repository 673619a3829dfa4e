/**
 * Configuration (ARCHITECTURE.md section 2, engine/config/README.md): project.yaml and the run config it
 * resolves to, command-line overrides, runs from a dataset folder without a YAML, `.env` files, and LLM
 * provider resolution. Errors are values with a place (file:line:column, or the flag), never exceptions.
 */
export {
  ProjectYaml,
  ProjectConfig,
  ConfigDatasetKind,
  Mode,
  DEFAULT_LIMITS,
  COMPARISON_WORDS,
  DATASET_TYPE_ALIASES,
  type ComparisonWord,
} from './project-schema';
export {
  loadProjectConfig,
  parseProjectConfig,
  applyOverrides,
  configFromFolder,
  configFromData,
  type LoadOptions,
  type CliOverrides,
  type LoadedProject,
  type ProjectOrigin,
  type FolderRunInput,
} from './project-config';
export {
  formatConfigError,
  formatConfigErrors,
  configErrorsToApiError,
  type ConfigError,
  type ConfigResult,
} from './errors';
export { inferDatasetKind, type InferredKind } from './dataset-kind';
export { KIND_EXTENSIONS } from '../api/vocabulary';
export { lookupMetric, targetReached, defaultMetricFor, type MetricLookup } from './metric';
export { resolveUserPath } from './paths';
export {
  parseDotenv,
  readDotenvFile,
  formatDotenvIssue,
  type DotenvIssue,
  type DotenvParse,
  type DotenvFile,
} from './dotenv';
export {
  resolveProvider,
  loadProvider,
  describeProvider,
  maskSecret,
  safeUrl,
  AppProviderSettings,
  ProviderName,
  PROVIDER_NAMES,
  DEFAULT_MODELS,
  CREDENTIAL_VARIABLE,
  OPENROUTER_BASE_URL,
  OPENAI_BASE_URL,
  LOCAL_PLACEHOLDER_KEY,
  type ProviderInput,
  type ProviderResult,
  type ResolvedProvider,
  type SettingOrigin,
  type Layer,
  type SavedKeys,
} from './provider';
