import type { AppInfo, HostKind } from '../api/app-info';
import type { CommandHandlers } from '../api/dispatch';
import { probeDocker } from '../sandbox/docker-probe';
import { openStore, resolveDatabasePath, type Store } from '../store/database';
import { SettingsRepository } from '../store/settings-repository';
import { PRODUCT } from '../version';
import { EventBus } from './event-bus';

export interface EngineOptions {
  host: HostKind;
  /** Database file; defaults to MLE_BEAST_DB_PATH or ~/.mle-beast/mle_beast.db. */
  databasePath?: string;
  /** Replaces the real Docker probe (used where a test must not depend on the machine's daemon). */
  probeDocker?: () => Promise<AppInfo['docker']>;
}

/** The engine service: the one object every host calls, implementing the engine/api contract. */
export interface Engine {
  handlers: CommandHandlers;
  events: EventBus;
  store: Store;
  close(): void;
}

export function createEngine(options: EngineOptions): Engine {
  const store = openStore({ path: options.databasePath ?? resolveDatabasePath() });
  const events = new EventBus();
  const settings = new SettingsRepository(store.db);
  const docker = options.probeDocker ?? (() => probeDocker());

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
    'settings.get': async () => settings.get(),
    'settings.update': async (patch) => {
      const next = settings.update(patch);
      events.emit('settings.changed', { settings: next });
      return next;
    },
  };

  return { handlers, events, store, close: () => store.close() };
}
