import fs from 'node:fs';
import path from 'node:path';
import { EngineError } from '../api/errors';
import type { RunStartInput } from '../api/runs';
import type { Settings } from '../api/settings';
import {
  configFromFolder,
  defaultMetricFor,
  formatConfigErrors,
  loadProjectConfig,
  loadProvider,
  safeUrl,
  type LoadedProject,
  type ProjectConfig,
  type ResolvedProvider,
  type SavedKeys,
} from '../config';
import { configFromForm } from '../config/project-form';
import {
  intakeErrorToApiError,
  prepareRunDataOffLoop,
  toDatasetSource,
  type IntakeLauncher,
  type PreparedRunData,
} from '../datasets';
import {
  createLlmClient,
  loadCatalog,
  matchModel,
  pricesFromCatalog,
  supportsTools,
  type CatalogCache,
  type LoadCatalogResult,
  type PriceTable,
} from '../llm';
import type { RunMetric } from '../pipeline';
import { resolveMetric } from '../scoring';
import { isWorkspaceError, openBrownfield, openGreenfield, type WorkspaceInfo } from '../workspace';

/**
 * Everything a run needs that can be wrong in the user's input, checked before the run exists: the
 * project file and flags, the provider and its model, the dataset (intake into the run's folder), the
 * workspace. Any problem is an `invalid_input` EngineError whose message says what and how to fix it, and
 * nothing is left behind: no run row, no run folder, no workspace change.
 */
export interface PreparedRun {
  id: string;
  config: ProjectConfig;
  warnings: string[];
  provider: ResolvedProvider;
  /** The actor's and the critic's model ids (as the catalog spells them). */
  models: { actor: string; critic: string };
  /** The model has no tool calling: JSON-object mode. */
  jsonMode: boolean;
  prices: PriceTable | undefined;
  workspace: WorkspaceInfo;
  runDir: string;
  runData: PreparedRunData | null;
  metric: RunMetric;
}

export interface PrepareDeps {
  settings: Settings;
  /** The engine's home (the database's folder): runs/<id>/ and workspaces/ go here. */
  home: string;
  catalogCache: CatalogCache;
  env?: NodeJS.ProcessEnv;
  /** The keys the host's store holds (beneath the shell and .env); read when a provider is resolved. */
  savedKeys?: () => SavedKeys | undefined;
  /** Tests: the model-list request's time limit (default CATALOG_TIMEOUT_MS). */
  catalogTimeoutMs?: number;
  /** Ends the preparation (the app quits while a big dataset is taken in): the intake worker is stopped. */
  signal?: AbortSignal;
  /** How the dataset intake's worker process is started (the host's; default Node's fork). */
  intakeLauncher?: IntakeLauncher;
}

const bad = (message: string): EngineError => new EngineError('invalid_input', message);

export async function prepareRun(id: string, input: RunStartInput, deps: PrepareDeps): Promise<PreparedRun> {
  const cwd = input.cwd ?? process.cwd();
  const loaded = loadConfig(input, deps, cwd);
  const config = loaded.config;
  const warnings = [...loaded.warnings];

  const provider = loadProvider({
    cwd,
    env: deps.env,
    saved: deps.savedKeys?.(),
    app: appProvider(deps.settings),
  });
  if (!provider.ok)
    throw bad(`${provider.message}${provider.notes.length ? `\n${provider.notes.join('\n')}` : ''}`);
  warnings.push(...provider.value.notes);
  const { models, jsonMode, prices, note } = await checkModels(
    config,
    provider.value,
    deps.catalogCache,
    deps.catalogTimeoutMs,
  );
  if (note) warnings.push(note);

  const workspaceDir = path.resolve(
    config.workspace.path ?? path.join(deps.home, 'workspaces', `${slug(config)}-${id.slice(0, 8)}`),
  );
  precheckWorkspace(config, workspaceDir);

  const runDir = path.join(deps.home, 'runs', id);
  const source = toDatasetSource(config);
  let runData: PreparedRunData | null = null;
  if (source) {
    // In a worker process: a big dataset's intake takes seconds of CPU the engine's loop (Electron main) cannot give.
    const prepared = await prepareRunDataOffLoop({
      source,
      runDataDir: path.join(runDir, 'data'),
      signal: deps.signal,
      ...(deps.intakeLauncher ? { launch: deps.intakeLauncher } : {}),
    });
    if (!prepared.ok) {
      fs.rmSync(runDir, { recursive: true, force: true });
      const errors = prepared.errors.filter((e) => e.severity === 'error');
      const api = intakeErrorToApiError(errors);
      // A crashed intake worker is the engine's fault, not the dataset's: said as such.
      const code = errors.some((e) => e.code === 'intake_worker_failed') ? 'internal' : 'invalid_input';
      throw new EngineError(code, `dataset: ${api.message}`, api.issues);
    }
    runData = prepared.value;
    warnings.push(...prepared.warnings.map((w) => w.message));
  }
  let metric: RunMetric;
  let workspace: WorkspaceInfo;
  try {
    metric = resolveRunMetric(config, runData);
    workspace =
      config.mode === 'brownfield' ? await openBrownfield(workspaceDir) : await openGreenfield(workspaceDir);
  } catch (error) {
    fs.rmSync(runDir, { recursive: true, force: true });
    if (error instanceof EngineError) throw error;
    if (isWorkspaceError(error)) throw bad(`workspace ${workspaceDir}: ${(error as Error).message}`);
    throw bad(`workspace ${workspaceDir}: ${(error as Error).message}`);
  }
  return {
    id,
    config,
    warnings,
    provider: provider.value,
    models,
    jsonMode,
    prices,
    workspace,
    runDir,
    runData,
    metric,
  };
}

function loadConfig(input: RunStartInput, deps: PrepareDeps, cwd: string): LoadedProject {
  const options = { settings: deps.settings, overrides: input.overrides, cwd };
  if (input.form) {
    const checked = configFromForm(input.form, options);
    if (!checked.loaded)
      throw new EngineError(
        'invalid_input',
        checked.issues.map((i) => (i.field === 'form' ? i.message : `${i.field}: ${i.message}`)).join('\n'),
        checked.issues.map((i) => ({ path: i.field, message: i.message })),
      );
    return checked.loaded;
  }
  const result = input.project
    ? loadProjectConfig(input.project, options)
    : configFromFolder(
        {
          folder: input.folder as string,
          task: input.task as string,
          ...(input.metric
            ? {
                metric: {
                  name: input.metric.name,
                  ...(input.metric.target_value !== undefined
                    ? { target_value: input.metric.target_value }
                    : {}),
                  ...(input.metric.comparison ? { comparison: input.metric.comparison } : {}),
                } as never,
              }
            : {}),
        },
        options,
      );
  if (!result.ok) throw bad(formatConfigErrors(result.errors));
  return result.value;
}

/**
 * The model must exist at the provider; a typo gets suggestions. The provider's model list is the preflight:
 * when it cannot be fetched and no cached list stands in, the run is refused before anything is created
 * (rather than created and failed minutes later, call after call, on an endpoint that was never there).
 */
export async function checkModels(
  config: ProjectConfig,
  provider: ResolvedProvider,
  cache: CatalogCache,
  timeoutMs: number | undefined,
  /** False: a fresh cached list will do (the New run form checks as the user types; the start asks again). */
  refresh = true,
) {
  const actor = config.models.actor ?? provider.model;
  const critic = config.models.critic ?? actor;
  // Always asked at start (a cached list does not make the endpoint answer), once, with a bounded wait.
  const loaded = await providerCatalog(provider, cache, timeoutMs, { refresh, fallback: false });
  if (!loaded.ok) throw bad(unreachableModelList(provider, actor, loaded.error.message));
  const resolved: string[] = [];
  for (const [field, name] of [
    ['actor', actor],
    ['critic', critic],
  ] as const) {
    const match = matchModel(name, loaded.catalog);
    if (!match.ok) {
      const where = config.models[field] ? `models.${field}` : (provider.source.model.name ?? 'the model');
      throw bad(`${where}: ${match.message} (the model list of ${safeUrl(provider.baseURL)})`);
    }
    resolved.push(match.model);
  }
  const [a = actor, c = critic] = resolved;
  return { models: { actor: a, critic: c }, ...modelTraits(loaded, a), note: loaded.note };
}

/** The refusal when the model list cannot be had: the endpoint and what went wrong (the client says what to do). */
export function unreachableModelList(provider: ResolvedProvider, model: string, error: string): string {
  return (
    `the model endpoint ${safeUrl(provider.baseURL)} did not give its model list, so "${model}" cannot be ` +
    `checked and no run was created: ${error}`
  );
}

/**
 * Bounds the model-list request (one attempt, never retried): long enough for a big list over a slow link,
 * short enough that a silent endpoint is reported at once rather than after a run was started.
 */
export const CATALOG_TIMEOUT_MS = 10_000;

/**
 * The provider's model list (one attempt): from the store's cache while fresh, else fetched; `refresh` always
 * fetches, and `fallback: false` returns a failed fetch rather than a stale cached list.
 */
export function providerCatalog(
  provider: ResolvedProvider,
  cache: CatalogCache,
  timeoutMs: number = CATALOG_TIMEOUT_MS,
  options: { refresh?: boolean; fallback?: boolean } = {},
): Promise<LoadCatalogResult> {
  const client = createLlmClient(provider, { retry: { maxAttempts: 1 }, timeoutMs });
  return loadCatalog(client, provider.baseURL, cache, options);
}

/** What the catalog says of a model for a run: JSON-object mode when it has no tool calling; prices. */
export function modelTraits(
  loaded: LoadCatalogResult,
  model: string,
): { jsonMode: boolean; prices: PriceTable | undefined } {
  if (!loaded.ok) return { jsonMode: false, prices: undefined };
  return {
    jsonMode: supportsTools(loaded.catalog, model) === false,
    prices: pricesFromCatalog(loaded.catalog),
  };
}

export function precheckWorkspace(config: ProjectConfig, dir: string): void {
  let stat: fs.Stats | null;
  try {
    stat = fs.statSync(dir, { throwIfNoEntry: false }) ?? null;
  } catch (error) {
    throw bad(`workspace ${dir} cannot be read: ${(error as Error).message}`);
  }
  if (config.mode === 'brownfield') {
    if (!stat)
      throw bad(
        `workspace ${dir} does not exist: brownfield mode improves an existing repository; give its folder in workspace.path (or --workspace)`,
      );
    if (!stat.isDirectory()) throw bad(`workspace ${dir} is a file, not a folder`);
    return;
  }
  if (stat && !stat.isDirectory()) throw bad(`workspace ${dir} is a file, not a folder`);
  if (stat && fs.readdirSync(dir).length > 0) {
    throw bad(
      `workspace ${dir} is not empty: a greenfield run starts in an empty folder and never writes over files. Choose a new folder (--workspace), or set mode: brownfield (workspace.existing_code: true) to improve the code that is there.`,
    );
  }
  // The nearest existing parent must be writable, or the folder cannot be created.
  let parent = stat ? dir : path.dirname(dir);
  while (!fs.existsSync(parent) && path.dirname(parent) !== parent) parent = path.dirname(parent);
  try {
    fs.accessSync(parent, fs.constants.W_OK);
  } catch {
    throw bad(
      `workspace ${dir} cannot be created: ${parent} is not writable. Choose a folder you can write to (--workspace).`,
    );
  }
}

export function resolveRunMetric(config: ProjectConfig, runData: PreparedRunData | null): RunMetric {
  const m = config.metric;
  if (!runData) {
    return {
      name: m?.name ?? 'score',
      direction: m?.direction ?? 'higher',
      target: m?.target ?? null,
      resolved: null,
      classes: undefined,
    };
  }
  const task = runData.manifest.task;
  const classes = runData.manifest.classes;
  const name = m?.name ?? defaultMetricFor(task);
  const resolution = resolveMetric(name, {
    task,
    ...(classes ? { classes } : {}),
    ...(m?.directionSource === 'override' ? { direction: m.direction } : {}),
  });
  if (!resolution.ok) throw bad(`goals.target_metric.name: ${resolution.message}`);
  if (resolution.metric.task === 'classification' && (classes?.length ?? 0) < 2) {
    throw bad(oneClass(runData.manifest.summary, classes?.[0], resolution.metric.name));
  }
  return {
    name: resolution.metric.name,
    direction: resolution.metric.direction,
    target: m?.target ?? null,
    resolved: resolution.metric,
    classes,
  };
}

/**
 * The refusal of a classification metric on data with a single class: predicting that label would score
 * perfectly (accuracy 1.0), so the target would be "reached" by a model that learnt nothing.
 */
function oneClass(summary: PreparedRunData['manifest']['summary'], only: string | undefined, metric: string) {
  const where =
    summary.kind === 'tabular'
      ? `the label column '${summary.label.name}' (dataset.target)`
      : summary.kind === 'image_folder'
        ? 'the class subfolders'
        : 'the "label" field of the lines';
  const what = only === undefined ? 'no example has a label' : `every example has the label '${only}'`;
  return (
    `dataset: ${what}, so ${metric} would be trivially perfect by predicting it: a classifier needs examples of ` +
    `at least two classes. Add examples of the other classes, or check ${where}.`
  );
}

/** The app's saved provider settings, in the shape provider resolution takes (beneath shell and .env). */
export function appProvider(settings: Settings) {
  return {
    ...(settings.llmProvider ? { provider: settings.llmProvider } : {}),
    ...(settings.llmModel ? { model: settings.llmModel } : {}),
    ...(settings.localBaseUrl ? { localBaseUrl: settings.localBaseUrl } : {}),
  };
}

function slug(config: ProjectConfig): string {
  const base = config.name ?? config.task;
  return (
    base
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 32) || 'run'
  );
}
