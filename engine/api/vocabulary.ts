import { z } from 'zod';
import { DIRECTIONS, END_REASONS, RUN_STATUSES, STAGES } from './vocabulary-values';

// The plain values and predicates (lists, isBetter, isTerminalStatus, ...) live in vocabulary-values.ts, which
// imports no zod, so the renderer's first screen can use them without building a schema; they are re-exported
// here, and the enums below are built from those same lists.
export * from './vocabulary-values';

/**
 * The words every layer shares: which way a metric is better, the run's mode, the sandbox and network
 * choices, the pipeline's stages, the states of runs and stages, experiment tags and outcomes, the sources
 * of log lines, the dataset kinds. Declared here once; engine/, policy/, main/ and renderer/ import them
 * and declare none of them again (engine/store's SQL CHECK constraints are history, tested against these).
 * This file sits in engine/api, the lowest layer, so every other folder may import it.
 */

export const Direction = z.enum(DIRECTIONS);
export type Direction = z.infer<typeof Direction>;

/** Greenfield: an empty workspace; brownfield: improve an existing repository, on a branch. */
export const RUN_MODES = ['greenfield', 'brownfield'] as const;
export const RunMode = z.enum(RUN_MODES);
export type RunMode = z.infer<typeof RunMode>;

/** The sandbox implementations: a Docker container, or local processes (inside an OS sandbox when offered). */
export const SANDBOX_KINDS = ['docker', 'local'] as const;
export const SandboxKind = z.enum(SANDBOX_KINDS);
export type SandboxKind = z.infer<typeof SandboxKind>;

/**
 * What a run asks for (settings, project.yaml, --sandbox, the form): docker; local (inside an OS sandbox:
 * bubblewrap on Linux, Seatbelt on macOS; refused where there is none); local-unisolated (local without one,
 * chosen on purpose, and shown as not isolated).
 */
export const SANDBOX_CHOICES = [...SANDBOX_KINDS, 'local-unisolated'] as const;
export const SandboxChoice = z.enum(SANDBOX_CHOICES);
export type SandboxChoice = z.infer<typeof SandboxChoice>;

/** The kind of sandbox a choice starts (`local-unisolated` is the local sandbox without an OS sandbox). */
export const sandboxKindOf = (choice: SandboxChoice): SandboxKind =>
  choice === 'docker' ? 'docker' : 'local';

/** The run's network: none, or the default bridge (for downloads the run allows). */
export const NETWORK_MODES = ['none', 'bridge'] as const;
export const NetworkMode = z.enum(NETWORK_MODES);
export type NetworkMode = z.infer<typeof NetworkMode>;

export const RunStatus = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof RunStatus>;

export const StageName = z.enum(STAGES);
export type StageName = z.infer<typeof StageName>;

export const StageStatus = z.enum(['pending', 'active', 'pass', 'fail', 'retrying', 'skipped']);
export type StageStatus = z.infer<typeof StageStatus>;

/** Why a run ended: the machine-readable reason beside the human message. */
export const EndReason = z.enum(END_REASONS);
export type EndReason = z.infer<typeof EndReason>;

/** What kind of change an experiment tries (the proposal critic and the journal tally them). */
export const EXPERIMENT_TAGS = ['MODEL', 'FEATURE', 'HYPERPARAM', 'DATA', 'ENSEMBLE'] as const;
export const ExperimentTag = z.enum(EXPERIMENT_TAGS);
export type ExperimentTag = z.infer<typeof ExperimentTag>;

export const ExperimentOutcome = z.enum(['baseline', 'kept', 'reverted', 'abandoned', 'failed']);
export type ExperimentOutcome = z.infer<typeof ExperimentOutcome>;

/** Where a log line came from: a script the engine ran, or the engine itself. */
export const LogSource = z.enum(['training', 'evaluate', 'predict', 'tests', 'tool', 'engine']);
export type LogSource = z.infer<typeof LogSource>;
/** A process's output streams (what a sandbox command prints). */
export const OUTPUT_STREAMS = ['stdout', 'stderr'] as const;
export type OutputStream = (typeof OUTPUT_STREAMS)[number];
/** A command's output stream, or the level of an engine message. */
export const LogStream = z.enum([...OUTPUT_STREAMS, 'info', 'warning', 'error']);
export type LogStream = z.infer<typeof LogStream>;

/** The two hidden splits: `selection` scores every step, `final` scores the best commit once at the end. */
export const ScoreSplit = z.enum(['selection', 'final']);
export type ScoreSplit = z.infer<typeof ScoreSplit>;
/** `engine`: computed on the hidden holdout; `self_reported`: the agent's eval_results.json. */
export const ScoreSource = z.enum(['engine', 'self_reported']);
export type ScoreSource = z.infer<typeof ScoreSource>;

export const TaskType = z.enum(['classification', 'regression']);
export type TaskType = z.infer<typeof TaskType>;

/** The dataset kinds the engine scores itself (ARCHITECTURE.md section 6). */
export const DatasetKind = z.enum(['tabular', 'image_folder', 'text_jsonl']);
export type DatasetKind = z.infer<typeof DatasetKind>;

/** The file extensions of the file-based kinds (image folders are recognised by IMAGE_EXTENSIONS). */
export const KIND_EXTENSIONS = {
  tabular: ['.csv', '.tsv'],
  text_jsonl: ['.jsonl', '.ndjson'],
} as const;

/** The files an image folder's classes hold. */
export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set([
  '.png',
  '.jpg',
  '.jpeg',
  '.gif',
  '.bmp',
  '.webp',
  '.tif',
  '.tiff',
]);

/** The LLM providers: a local OpenAI-compatible server, OpenRouter, OpenAI (detected in this order). */
export const PROVIDER_NAMES = ['local', 'openrouter', 'openai'] as const;
export const ProviderName = z.enum(PROVIDER_NAMES);
export type ProviderName = z.infer<typeof ProviderName>;

/**
 * The variable holding each provider's credential: a key, or for a local server its address (it needs no key).
 * The shell, a `.env` file and the app's saved keys all use these names.
 */
export const CREDENTIAL_VARIABLE = {
  local: 'LOCAL_LLM_BASE_URL',
  openrouter: 'OPENROUTER_API_KEY',
  openai: 'OPENAI_API_KEY',
} as const satisfies Record<ProviderName, string>;

/** The keys the app can save for the user (in the OS keychain, or a file only they can read). */
export const SECRET_VARIABLES = [CREDENTIAL_VARIABLE.openrouter, CREDENTIAL_VARIABLE.openai] as const;
export const SecretVariable = z.enum(SECRET_VARIABLES);
export type SecretVariable = z.infer<typeof SecretVariable>;
/** The provider a saved key is for. */
export const SECRET_PROVIDER = {
  OPENROUTER_API_KEY: 'openrouter',
  OPENAI_API_KEY: 'openai',
} as const satisfies Record<SecretVariable, ProviderName>;
