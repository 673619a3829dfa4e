import { z } from 'zod';
import { AppInfo } from './app-info';
import { RunsChanged } from './live';
import {
  RunEvent,
  RunEventBatch,
  RunGetQuery,
  RunId,
  RunList,
  RunLogList,
  RunLogPage,
  RunLogQuery,
  RunListQuery,
  RunSnapshot,
  RunStartInput,
  RunSummary,
} from './runs';
import { Settings, SettingsPatch } from './settings';
import { OpenPage, OpenRun } from './navigation';
import * as form from './project-form';
import { AppStorage } from './storage';
import { ProviderStatus } from './provider-status';
import {
  MetricList,
  ModelCatalogList,
  ModelSuggestions,
  ModelsListInput,
  ModelsSuggestInput,
} from './catalog';
import { ExampleCreateInput, ExampleCreated, ExampleList } from './examples';
import { PolicyCheckInput, PolicyInfo, PolicyUpdateInput, PolicyVerdict } from './policy';
import {
  SandboxBuildFinished,
  SandboxBuildInput,
  SandboxBuildProgress,
  SandboxBuildStarted,
  SandboxStatus,
} from './sandbox';
import { SetupCheckInput, SetupCheckResult } from './setup-check';
import {
  RunDocuments,
  RunExperimentDetail,
  RunExperimentQuery,
  RunGitLog,
  RunSafety,
  RunTrace,
  RunTraceQuery,
} from './run-details';
import { SecretDeleteInput, SecretSetInput, SecretsStatus } from './secrets';
import type { DeclaredCommandName, DeclaredEventName } from './names';

/**
 * THE contract. Every command and event any host or UI exchanges is declared here, once.
 * IPC channels, the preload bridge, HTTP routes and the renderer client are all derived from these maps.
 */
const command = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O, summary: string) => ({
  input,
  output,
  summary,
});

const NoInput = z.object({}).strict();

export const commands = {
  'app.info': command(NoInput, AppInfo, 'Version, platform, database path and whether Docker answers.'),
  'app.storage': command(
    NoInput,
    AppStorage,
    'Where data is kept (database, engine home, runs, policy file, logs) and database statistics.',
  ),
  'provider.status': command(
    NoInput,
    ProviderStatus,
    'The provider and model a new run would use, and which key variables are set (never their values).',
  ),
  'settings.get': command(NoInput, Settings, 'The saved settings, defaults filled in.'),
  'settings.update': command(SettingsPatch, Settings, 'Change some settings; returns all of them.'),
  'runs.start': command(RunStartInput, RunSummary, 'Validate a project and start a run; returns it at once.'),
  'runs.list': command(RunListQuery, RunList, 'Runs, newest first, a page at a time.'),
  'runs.get': command(
    RunGetQuery,
    RunSnapshot,
    'A run with its stages, experiments and events after a sequence number.',
  ),
  'runs.cancel': command(
    RunId,
    RunSummary,
    'Stop a run now: its sandbox process is killed, the workspace left at its best commit.',
  ),
  'runs.pause': command(RunId, RunSummary, 'Pause a run between steps.'),
  'runs.resume': command(RunId, RunSummary, 'Continue a paused or interrupted run from its best commit.'),
  'runs.delete': command(
    RunId,
    z.object({ deleted: z.literal(true) }),
    'Forget an ended run (its workspace is kept).',
  ),
  'runs.logs': command(RunId, RunLogList, "The full output logs of a run's commands, in its run folder."),
  'runs.log': command(
    RunLogQuery,
    RunLogPage,
    "A page of one of a run's logs (by byte offset, or its tail).",
  ),
  // The New run form (project-form.ts).
  'datasets.inspect': command(
    form.DatasetInspectInput,
    form.DatasetPreview,
    'The intake preview of a dataset path (read-only, time-bounded), or why it cannot be read.',
  ),
  'workspace.inspect': command(
    form.WorkspaceInspectInput,
    form.WorkspaceState,
    'A workspace folder: exists, empty, git branch and changes, what each mode would do there.',
  ),
  'project.validate': command(
    form.ProjectValidateInput,
    form.ProjectValidateResult,
    "The New run form checked by runs.start's own checks, each problem on its field.",
  ),
  'project.import': command(
    form.ProjectImportInput,
    form.ProjectImportResult,
    'A project.yaml read into the form.',
  ),
  'project.export': command(
    form.ProjectValidateInput,
    form.ProjectExportResult,
    'The form as project.yaml text.',
  ),
  // The sandbox, the safety policy, examples and catalogs (engine/api/{sandbox,policy,examples,catalog}.ts).
  'sandbox.status': command(
    NoInput,
    SandboxStatus,
    'Docker, the sandbox images, the OS sandbox and the GPU.',
  ),
  'sandbox.build': command(
    SandboxBuildInput,
    SandboxBuildStarted,
    'Start building a sandbox image; returns its build id at once, progress comes as sandbox.build.* events.',
  ),
  'policy.check': command(
    PolicyCheckInput,
    PolicyVerdict,
    'Whether the safety policy allows a command or file.',
  ),
  'policy.get': command(
    NoInput,
    PolicyInfo,
    'The effective safety policy: shipped rules plus the user file.',
  ),
  'policy.update': command(
    PolicyUpdateInput,
    PolicyInfo,
    "Replace the user's policy additions (all checked).",
  ),
  'examples.list': command(NoInput, ExampleList, 'The example datasets the generators can make.'),
  'examples.create': command(
    ExampleCreateInput,
    ExampleCreated,
    'Write an example dataset into a new folder.',
  ),
  'models.list': command(ModelsListInput, ModelCatalogList, "A provider's live model catalog with prices."),
  'models.suggest': command(ModelsSuggestInput, ModelSuggestions, 'Match a typed model name to the catalog.'),
  'metrics.list': command(NoInput, MetricList, 'The metrics the engine scores, with their direction.'),
  // Run detail drill-downs (engine/api/run-details.ts).
  'runs.experiment': command(
    RunExperimentQuery,
    RunExperimentDetail,
    "An experiment's proposal, critic notes and diff against its parent's commit.",
  ),
  'runs.trace': command(RunTraceQuery, RunTrace, "A page of a run's model calls with their messages."),
  'runs.documents': command(RunId, RunDocuments, "The workspace's research_log.md and data_analysis.md."),
  'runs.gitLog': command(RunId, RunGitLog, "The commits of the run's branch, newest first."),
  'runs.safety': command(RunId, RunSafety, 'The commands the safety policy blocked during the run.'),
  // First start and `mle-beast doctor` (engine/api/setup-check.ts).
  'setup.check': command(
    SetupCheckInput,
    SetupCheckResult,
    'The checks a first start and `doctor` need (provider, key, live model list, model, Docker, image, OS sandbox, GPU, git, Python), each with its fix; optionally of a provider not saved yet.',
  ),
  // Saved API keys (engine/api/secrets.ts): there is no get, a saved key never comes back.
  'secrets.status': command(
    NoInput,
    SecretsStatus,
    'Where saved API keys are kept, and per key whether it is saved (masked) or overridden by the shell or .env.',
  ),
  'secrets.set': command(
    SecretSetInput,
    SecretsStatus,
    "Save an API key in the host's store (the OS keychain; plain text only with the user's agreement).",
  ),
  'secrets.delete': command(SecretDeleteInput, SecretsStatus, 'Remove a saved API key.'),
} as const;

export const events = {
  'settings.changed': z.object({ settings: Settings }),
  /** One run event, after it was stored. */
  'run.event': RunEvent,
  /** Several events of one run, stored together, in order (coalesced output). Unpack with runEventsOf. */
  'run.events': RunEventBatch,
  /** A line of a sandbox image build, with its phase and how far it is. */
  'sandbox.build.progress': SandboxBuildProgress,
  /** A sandbox image build ended (ok or not). */
  'sandbox.build.finished': SandboxBuildFinished,
  /** Run rows came or went (another process started or deleted a run); a runs list reads the list again. */
  'runs.changed': RunsChanged,
  /** A key was saved or removed: the new status (masked, never a value), so open views refresh. */
  'secrets.changed': SecretsStatus,
  /** The desktop app asks its page to show a run (a notification, the tray or a deep link was clicked). */
  'app.openRun': OpenRun,
  /** The desktop app asks its page to show one of its pages (the application menu was used). */
  'app.openPage': OpenPage,
} as const;

export type Commands = typeof commands;
export type CommandName = keyof Commands;
export type CommandInput<K extends CommandName> = z.input<Commands[K]['input']>;
export type CommandOutput<K extends CommandName> = z.output<Commands[K]['output']>;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<K extends EventName> = z.output<Events[K]>;
/** One event as it travels to subscribers. */
export type EventMessage = { [K in EventName]: { name: K; payload: EventPayload<K> } }[EventName];

// names.ts repeats the names above without zod, for the preload. Checked here both ways at compile time: a
// name on one side only fails typecheck with "Type '"x.y"' does not satisfy the constraint 'never'".
type OnlyNever<T extends never> = T;
export type ContractNamesAgree = [
  OnlyNever<Exclude<CommandName, DeclaredCommandName>>,
  OnlyNever<Exclude<DeclaredCommandName, CommandName>>,
  OnlyNever<Exclude<EventName, DeclaredEventName>>,
  OnlyNever<Exclude<DeclaredEventName, EventName>>,
];

export const commandNames = Object.keys(commands) as CommandName[];
export const eventNames = Object.keys(events) as EventName[];

export const isCommandName = (name: unknown): name is CommandName =>
  typeof name === 'string' && Object.hasOwn(commands, name);
export const isEventName = (name: unknown): name is EventName =>
  typeof name === 'string' && Object.hasOwn(events, name);

/** The run events a message carries, in order: one for `run.event`, several for `run.events`, else none. */
export function runEventsOf(message: EventMessage): RunEvent[] {
  if (message.name === 'run.event') return [message.payload];
  if (message.name === 'run.events') return message.payload.events;
  return [];
}
