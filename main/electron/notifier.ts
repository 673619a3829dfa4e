import { Notification } from 'electron';
import { runEventsOf } from '../../engine/api/contract';
import { watchRunEnds, type RunEndNotice } from '../../engine/api/run-end-notice';
import type { Engine } from '../../engine/service/index';
import { callEngine } from './engine-call';

export interface RunNotifierDeps {
  engine: Pick<Engine, 'events' | 'handlers'>;
  /** A click on a notice: the window comes back on that run (open-run.ts). */
  openRun(id: string): void;
  icon?: string;
  warn?(message: string): void;
}

export interface RunNotifier {
  stop(): void;
  /** Resolves when the notices of the events carried so far were shown (tests). */
  idle(): Promise<void>;
}

/**
 * Native notifications of run ends (engine/api/run-end-notice.ts decides which and says what), for every run on
 * the engine's bus: this process's runs and, through the store tail, those of other processes (a CLI run). The
 * notices are kept referenced until they close: a notification that is garbage-collected loses its click.
 */
export function startRunNotifier(deps: RunNotifierDeps): RunNotifier {
  const warn = deps.warn ?? ((m: string) => console.warn(m));
  const live = new Set<Notification>();
  const show = (notice: RunEndNotice) => {
    if (!Notification.isSupported()) return;
    const notification = new Notification({
      title: notice.title,
      body: notice.body,
      ...(deps.icon ? { icon: deps.icon } : {}),
    });
    const forget = () => live.delete(notification);
    notification.on('click', () => {
      forget();
      deps.openRun(notice.runId);
    });
    notification.on('close', forget);
    // Unsigned macOS builds (Electron 42+) cannot notify: said once per notice, the run is unaffected.
    notification.on('failed', (_event, error) => {
      forget();
      warn(`a notification could not be shown: ${error}`);
    });
    live.add(notification);
    notification.show();
  };
  const handle = watchRunEnds({
    getRun: async (id) => {
      const read = await callEngine(deps.engine, 'runs.get', { id, tail: true, limit: 1 });
      if (!read.ok) throw new Error(read.error.message);
      return read.value.run;
    },
    settings: async () => {
      const read = await callEngine(deps.engine, 'settings.get', {});
      return read.ok ? read.value : null;
    },
    show,
    warn,
  });
  let pending: Promise<void> = Promise.resolve();
  const unsubscribe = deps.engine.events.subscribe((message) => {
    const events = runEventsOf(message);
    if (events.length === 0) return;
    // In order: the tracker must see a run's events in the order the bus carried them.
    pending = pending.then(() => handle(events));
  });
  return {
    stop: () => {
      unsubscribe();
      for (const notification of live) notification.close();
      live.clear();
    },
    idle: () => pending,
  };
}
