import fs from 'node:fs';
import path from 'node:path';
import type { CommandHandlers } from '../api/dispatch';
import { EngineError } from '../api/errors';
import type { ModelCatalogList } from '../api/catalog';
import type { ProviderName } from '../api/vocabulary';
import type { Settings } from '../api/settings';
import { CREDENTIAL_VARIABLE, loadProvider, safeUrl, type ResolvedProvider, type SavedKeys } from '../config';
import { DEFAULT_SEED, EXAMPLES, createExample, listExamples } from '../examples';
import { matchModel, type CatalogCache, type LoadCatalogResult } from '../llm/catalog';
import { appProvider, providerCatalog } from '../runs/prepare';
import { SandboxBuilds } from '../sandbox/build-jobs';
import { sandboxStatus } from '../sandbox/sandbox-status';
import { screenCommand } from '../sandbox/screen-command';
import { describeMetrics } from '../scoring/metric-registry';
import { PolicyFileError, loadPolicy, readUserPolicy, saveUserPolicy } from '../../policy/index';
import type { EventBus } from '../api/event-bus';

/**
 * The contract's commands for what sits around runs: the sandbox (status, image builds), the safety policy,
 * the example datasets, the model catalogs and the metric registry. Each is a thin turn from the contract's
 * shapes to the engine module that knows the answer.
 */

type ToolCommand =
  | 'sandbox.status'
  | 'sandbox.build'
  | 'policy.check'
  | 'policy.get'
  | 'policy.update'
  | 'examples.list'
  | 'examples.create'
  | 'models.list'
  | 'models.suggest'
  | 'metrics.list';

export interface ToolCommandDeps {
  events: EventBus;
  settings: () => Settings;
  /** The environment providers are resolved from (shell variables); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** The keys the host's store holds (beneath the shell and .env). */
  savedKeys?: () => SavedKeys | undefined;
  catalogCache: CatalogCache;
  catalogTimeoutMs?: number;
}

const perMillion = (perToken: number | null) =>
  perToken === null ? null : Math.round(perToken * 1e6 * 1e6) / 1e6;

/** A loaded catalog as the contract gives it (`models.list`, `setup.check`): prices per 1M tokens. */
export function catalogListOf(
  p: ResolvedProvider,
  loaded: Extract<LoadCatalogResult, { ok: true }>,
): ModelCatalogList {
  return {
    provider: p.provider,
    baseURL: safeUrl(p.baseURL),
    fetchedAt: loaded.catalog.fetchedAt,
    fromCache: loaded.source !== 'provider',
    note: loaded.note,
    models: loaded.catalog.models.map((m) => ({
      id: m.id,
      name: m.name,
      inputPricePerMillion: perMillion(m.price.prompt),
      outputPricePerMillion: perMillion(m.price.completion),
      contextLength: m.contextLength,
      supportsTools: m.supportsTools,
    })),
  };
}

export function toolCommands(deps: ToolCommandDeps): {
  handlers: Pick<CommandHandlers, ToolCommand>;
  builds: SandboxBuilds;
} {
  const env = () => deps.env ?? process.env;
  const builds = new SandboxBuilds(
    {
      progress: (payload) => deps.events.emit('sandbox.build.progress', payload),
      finished: (payload) => deps.events.emit('sandbox.build.finished', payload),
    },
    env,
  );

  /** The provider a run would use now, or the one asked for; not configured is an error saying what to set. */
  const provider = (wanted: ProviderName | undefined): ResolvedProvider => {
    const base = env();
    const resolved = loadProvider({
      env: wanted ? { ...base, MLE_BEAST_PROVIDER: wanted } : base,
      saved: deps.savedKeys?.(),
      app: appProvider(deps.settings()),
    });
    if (!resolved.ok) throw new EngineError('unavailable', resolved.message);
    if (wanted && resolved.value.provider !== wanted) {
      const variable = CREDENTIAL_VARIABLE[wanted];
      throw new EngineError(
        'unavailable',
        `the ${wanted} provider is not configured: set ${variable} in the shell or the .env file` +
          (wanted === 'local' ? ' (or the local server URL in Settings)' : ', or save the key in Settings'),
      );
    }
    return resolved.value;
  };
  const catalog = async (p: ResolvedProvider, refresh: boolean) => {
    const loaded: LoadCatalogResult = await providerCatalog(p, deps.catalogCache, deps.catalogTimeoutMs, {
      refresh,
    });
    if (!loaded.ok) {
      throw new EngineError(
        'unavailable',
        `the model list of ${p.provider} at ${safeUrl(p.baseURL)} could not be fetched: ${loaded.error.message}`,
      );
    }
    return loaded;
  };

  const handlers: Pick<CommandHandlers, ToolCommand> = {
    'sandbox.status': async () => ({ ...(await sandboxStatus({ env: env() })), build: builds.current() }),
    'sandbox.build': async (input) => builds.start(input),

    'policy.check': async (input) => {
      const workspaceDir = path.resolve(input.workspace);
      if (!fs.statSync(workspaceDir, { throwIfNoEntry: false })?.isDirectory()) {
        throw new EngineError('invalid_input', `workspace: ${workspaceDir} is not a folder`, [
          { path: 'workspace', message: `${workspaceDir} is not a folder` },
        ]);
      }
      let policy;
      try {
        policy = loadPolicy(input.policyFile === undefined ? {} : { userPolicyPath: input.policyFile });
      } catch (error) {
        if (error instanceof PolicyFileError)
          throw new EngineError('invalid_input', `the safety policy does not load: ${error.message}`);
        throw error;
      }
      const { allowed, kind, rule, reason } = await screenCommand(policy, {
        ...(input.command !== undefined ? { command: input.command } : {}),
        ...(input.pythonFile !== undefined ? { pythonFile: input.pythonFile } : {}),
        workspaceDir,
        place: input.place ?? 'host',
      });
      return { allowed, kind, rule, reason };
    },
    'policy.get': async () => readUserPolicy(),
    'policy.update': async (rules) => {
      const issues = saveUserPolicy(rules);
      if (issues) {
        throw new EngineError(
          'invalid_input',
          `the policy was not saved: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
          issues,
        );
      }
      return readUserPolicy();
    },

    'examples.list': async () => ({
      examples: EXAMPLES.map((e) => ({ ...e })),
      defaultSeed: DEFAULT_SEED,
      text: listExamples(),
    }),
    'examples.create': async (input) => {
      const created = await createExample(input.name, input.folder, {
        ...(input.seed !== undefined ? { seed: input.seed } : {}),
        ...(input.size !== undefined ? { size: input.size } : {}),
      });
      if (!created.ok) throw new EngineError(created.error.code, created.error.message, created.error.issues);
      const { source: _source, ...value } = created.value;
      return value;
    },

    'models.list': async (input) => {
      const p = provider(input.provider);
      return catalogListOf(p, await catalog(p, input.refresh ?? false));
    },
    'models.suggest': async (input) => {
      const p = provider(input.provider);
      const loaded = await catalog(p, false);
      const match = matchModel(input.name, loaded.catalog);
      return match.ok
        ? { provider: p.provider, match: match.model, note: match.note, suggestions: [], message: null }
        : {
            provider: p.provider,
            match: null,
            note: null,
            suggestions: match.suggestions,
            message: match.message,
          };
    },

    'metrics.list': async () => ({ metrics: describeMetrics() }),
  };
  return { handlers, builds };
}
