import path from 'node:path';
import type { AppInfo, HostKind } from '../api/app-info';
import type { CommandHandlers } from '../api/dispatch';
import { RunManager, type RunManagerDeps } from '../runs';
import { removeDeadSandboxes } from '../runs/settle';
import { StoreTail, type StoreTailOptions } from '../runs/store-tail';
import { RunHeads } from '../store/run-heads';
import { RunDetails } from '../runs/run-details';
import { runReportHtml, writeRunReport } from '../report';
import { ModelCatalogRepository } from '../store/model-catalog-repository';
import { RunRepository } from '../store/run-repository';
import { probeDocker } from '../sandbox/docker-probe';
import { EngineError } from '../api/errors';
import { openStore, resolveDatabasePath, type Store } from '../store/database';
import { describeDatabaseError } from '../store/database-errors';
import { DatabaseFileError } from '../store/integrity';
import { SettingsRepository } from '../store/settings-repository';
import { PRODUCT } from '../version';
import { EventBus } from '../api/event-bus';
import { newRunFormHandlers } from './new-run-form';
import { describeStorage } from './storage';
import { providerStatus } from '../config/provider-status';
import { appProvider } from '../runs/prepare';
import { toolCommands } from './tool-commands';
import { setupCheck, type SetupCheckDeps } from './setup-check';
import type { SandboxBuilds } from '../sandbox/build-jobs';
import type { SecretStore } from '../api/secrets';
import { secretsCommands } from './secrets';
import { createUserFileSecretStore } from './secret-file';
import type { IntakeLauncher } from '../datasets';

export interface EngineOptions {
  host: HostKind;
  /** Database file; defaults to MLE_BEAST_DB_PATH or ~/.mle-beast/mle_beast.db. */
  databasePath?: string;
  /** Replaces the real Docker probe (used where a test must not depend on the machine's daemon). */
  probeDocker?: () => Promise<AppInfo['docker']>;
  /**
   * Remove sandbox containers left by runs whose process died (long-lived hosts set this). Runs in the
   * background; a container whose creating process is still alive is never touched.
   */
  cleanupOrphanSandboxes?: boolean;
  /**
   * Publish the events of runs carried by other processes on this engine's bus, as they are stored (long-lived
   * hosts: serve, the desktop app). Options tune the store tail (tests).
   */
  tailOtherProcesses?: boolean | StoreTailOptions;
  /** Tests: the run manager's policy, tuning, sandbox options and environment. */
  runs?: Partial<Pick<RunManagerDeps, 'policy' | 'tuning' | 'sandboxOptions' | 'env' | 'catalogTimeoutMs'>>;
  /**
   * Where the user's saved API keys live (engine/api/secrets.ts): the host's store (the desktop app's
   * safeStorage), or `user-file` for a 0600 file in the engine's home (the browser host on loopback, the CLI).
   * Absent: keys are not saved here, `secrets.set` says how to set the variable instead.
   */
  secrets?: SecretStore | 'user-file';
  /** Why there is no store, said to the user (e.g. the browser host served beyond loopback). */
  secretsUnavailable?: string;
  /**
   * setup.check's options: the folder whose `.env` it reads (`mle-beast init --cwd PATH`; default the process's
   * folder); tests: shorter deadlines, a git or Python that is not there.
   */
  setupCheck?: Pick<SetupCheckDeps, 'cwd' | 'timeoutsMs' | 'gitBinary' | 'pythonCandidates'>;
  /**
   * How the dataset intake's worker process is started (datasets/intake-launcher.ts), for the preview, the
   * form's check and a run's start. Default Node's fork; the desktop app passes Electron's utility process,
   * because its packaged binary cannot run as Node (the runAsNode fuse is off).
   */
  intakeLauncher?: IntakeLauncher;
}

/** The engine service: the one object every host calls, implementing the engine/api contract. */
export interface Engine {
  handlers: CommandHandlers;
  events: EventBus;
  store: Store;
  runs: RunManager;
  /** The sandbox image builds this engine runs (one at a time). */
  builds: SandboxBuilds;
  /**
   * The saved keys' values, for one use only: the hosts check every reply and event against them before it
   * leaves the main process (main/shared/secret-scan.ts), so a bug can never hand a saved key to a renderer.
   */
  savedKeyValues(): string[];
  /** Stops the runs of this process (they become interrupted, resumable) and closes the store. */
  close(): Promise<void>;
}

export function createEngine(options: EngineOptions): Engine {
  const store = openStore({ path: options.databasePath ?? resolveDatabasePath() });
  const events = new EventBus();
  const settings = new SettingsRepository(store.db);
  const docker = options.probeDocker ?? (() => probeDocker());
  const catalogCache = new ModelCatalogRepository(store.db);
  const repo = new RunRepository(store.db);
  const secrets = secretsCommands({
    store:
      options.secrets === 'user-file' ? createUserFileSecretStore(path.dirname(store.path)) : options.secrets,
    ...(options.secretsUnavailable ? { unavailable: options.secretsUnavailable } : {}),
    events,
    env: () => options.runs?.env ?? process.env,
    cwd: () => process.cwd(),
  });
  const runs = new RunManager({
    repo,
    readOnlyStore: store.readOnly,
    withoutWaiting: (write) => store.withoutWaiting(write),
    bus: events,
    settings: () => settings.get(),
    catalogCache,
    home: path.dirname(store.path),
    savedKeys: secrets.savedKeys,
    ...(options.intakeLauncher ? { intakeLauncher: options.intakeLauncher } : {}),
    ...options.runs,
  });
  const formHandlers = newRunFormHandlers({
    prepareDeps: () => ({
      settings: settings.get(),
      home: path.dirname(store.path),
      catalogCache,
      savedKeys: secrets.savedKeys,
      ...(options.runs?.env ? { env: options.runs.env } : {}),
      ...(options.runs?.catalogTimeoutMs ? { catalogTimeoutMs: options.runs.catalogTimeoutMs } : {}),
      ...(options.intakeLauncher ? { intakeLauncher: options.intakeLauncher } : {}),
    }),
    ...(options.intakeLauncher ? { intakeLauncher: options.intakeLauncher } : {}),
  });

  // The sandbox, policy, examples and catalog commands (tool-commands.ts).
  const tools = toolCommands({
    events,
    settings: () => settings.get(),
    catalogCache,
    savedKeys: secrets.savedKeys,
    ...(options.runs?.env ? { env: options.runs.env } : {}),
    ...(options.runs?.catalogTimeoutMs ? { catalogTimeoutMs: options.runs.catalogTimeoutMs } : {}),
  });

  const details = new RunDetails(repo);
  const handlers: CommandHandlers = {
    'app.info': async () => ({
      name: PRODUCT.name,
      version: PRODUCT.version,
      platform: process.platform,
      arch: process.arch,
      nodeVersion: process.versions.node,
      electronVersion: process.versions.electron ?? null,
      host: options.host,
      databasePath: store.path,
      storeNotes: store.notes,
      docker: await docker(),
    }),
    'app.storage': async () => describeStorage(store, { home: path.dirname(store.path) }),
    'provider.status': async () =>
      providerStatus({
        cwd: process.cwd(),
        env: options.runs?.env ?? process.env,
        saved: secrets.savedKeys(),
        app: appProvider(settings.get()),
      }),
    'settings.get': async () => settings.get(),
    'settings.update': async (patch) => {
      store.assertWritable();
      const next = settings.update(patch);
      events.emit('settings.changed', { settings: next });
      return next;
    },
    'runs.start': async (input) => {
      // Refused before the run's folders and workspace are made, not after, at its first write.
      store.assertWritable();
      return runs.start(input);
    },
    'runs.list': async (query) => runs.list(query),
    'runs.get': async (query) => runs.get(query),
    'runs.cancel': ({ id }) => runs.cancel(id),
    'runs.pause': async ({ id }) => runs.pause(id),
    'runs.resume': ({ id }) => runs.resume(id),
    'runs.delete': ({ id }) => runs.delete(id),
    'runs.logs': async ({ id }) => runs.logs(id),
    'runs.log': async (query) => runs.log(query),
    ...formHandlers,
    ...tools.handlers,
    'runs.experiment': (query) => details.experiment(query),
    'runs.trace': async (query) => details.trace(query),
    'runs.documents': async ({ id }) => details.documents(id),
    'runs.gitLog': ({ id }) => details.gitLog(id),
    'runs.safety': async ({ id }) => details.safety(id),
    'runs.report': (query) => writeRunReport({ repo, details }, query),
    'runs.reportHtml': ({ id }) => runReportHtml({ repo, details }, id),
    ...secrets.handlers,
    'setup.check': (input) =>
      setupCheck(
        {
          settings: () => settings.get(),
          catalogCache,
          savedKeys: secrets.savedKeys,
          ...(options.runs?.env ? { env: options.runs.env } : {}),
          ...(options.runs?.catalogTimeoutMs ? { catalogTimeoutMs: options.runs.catalogTimeoutMs } : {}),
          ...options.setupCheck,
        },
        input,
      ),
  };

  if (options.cleanupOrphanSandboxes) void removeOrphanSandboxes();
  const tail = options.tailOtherProcesses
    ? new StoreTail(new RunHeads(store.db), repo, events, {
        watchFile: store.path,
        ...(options.tailOtherProcesses === true ? {} : options.tailOtherProcesses),
      })
    : null;
  tail?.start();

  let closed: Promise<void> | null = null;
  const close = () =>
    (closed ??= runs.close().finally(() => {
      tail?.close();
      store.close();
    }));
  return {
    handlers: explainingDatabaseErrors(handlers, store.path),
    events,
    store,
    runs,
    builds: tools.builds,
    savedKeyValues: () => Object.values(secrets.savedKeys()?.values ?? {}),
    close,
  };
}

/**
 * The handlers, with SQLite's failures (locked, read-only, damaged...) turned into `unavailable` errors that
 * name the database file and say what to do, instead of SQLite's bare "database is locked".
 */
function explainingDatabaseErrors(handlers: CommandHandlers, file: string): CommandHandlers {
  const wrapped: Record<string, (input: never) => Promise<unknown>> = {};
  for (const [name, handler] of Object.entries(handlers) as [string, (input: never) => Promise<unknown>][]) {
    wrapped[name] = async (input) => {
      try {
        return await handler(input);
      } catch (error) {
        if (error instanceof DatabaseFileError) throw new EngineError('unavailable', error.message);
        const described = describeDatabaseError(error, file);
        if (described) throw new EngineError('unavailable', described);
        throw error;
      }
    };
  }
  return wrapped as unknown as CommandHandlers;
}

async function removeOrphanSandboxes(): Promise<void> {
  // No run is live in a process that has just started; containers of live processes are spared anyway.
  const result = await removeDeadSandboxes([]);
  // Without a Docker daemon there is nothing to clean: not worth a message at start-up.
  if (!result) return;
  const { containers, failures } = result;
  if (containers.length > 0)
    console.log(`removed ${containers.length} sandbox container(s) left by ended runs`);
  if (failures.length > 0)
    console.warn(`could not remove leftover sandbox containers: ${failures.join('; ')}`);
}
