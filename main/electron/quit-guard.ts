import type { App, Event } from 'electron';
import type { RunSummary } from '../../engine/api/runs';
import type { Engine } from '../../engine/service/index';
import { callEngine } from './engine-call';

export interface QuitGuardDeps {
  app: Pick<App, 'on' | 'quit'>;
  engine: Pick<Engine, 'handlers' | 'close'> & { runs: { liveIds(): string[] } };
  /**
   * Asks whether to quit, cancelling these runs (a dialog); false keeps the app and its runs going.
   */
  confirmQuit(runs: RunSummary[]): Promise<boolean>;
  /** Before the engine closes: the tray and the notifier stop (a cancel is not announced anyway). */
  beforeClose?(): void;
  warn?(message: string): void;
}

export interface QuitGuard {
  /** Resolves when a quit under way has finished its cleanup (tests). */
  settled(): Promise<void>;
}

/**
 * Quitting with runs going in this process asks first, then cancels them cleanly through the engine's own
 * `runs.cancel` (each waits for its run to stop: the sandbox's processes killed, the run `cancelled`, the
 * workspace left at its best commit) and closes the engine before the app exits. Without runs it closes the
 * engine and quits. Runs of other processes (a CLI run) are theirs: they go on.
 */
export function installQuitGuard(deps: QuitGuardDeps): QuitGuard {
  const warn = deps.warn ?? ((m: string) => console.warn(m));
  let phase: 'open' | 'asking' | 'closing' | 'closed' = 'open';
  let done: Promise<void> = Promise.resolve();

  const liveRuns = async (): Promise<RunSummary[]> => {
    const ids = new Set(deps.engine.runs.liveIds());
    if (ids.size === 0) return [];
    const list = await callEngine(deps.engine, 'runs.list', { active: true, limit: 500 });
    if (!list.ok) return [...ids].map((id) => ({ id }) as RunSummary);
    return list.value.runs.filter((r) => ids.has(r.id));
  };

  const quit = async () => {
    const runs = await liveRuns();
    if (runs.length > 0) {
      phase = 'asking';
      if (!(await deps.confirmQuit(runs))) {
        phase = 'open';
        return;
      }
    }
    phase = 'closing';
    deps.beforeClose?.();
    for (const run of runs) {
      // Cancelled one after another: each call returns once its run has stopped (or after its time limit).
      const cancelled = await callEngine(deps.engine, 'runs.cancel', { id: run.id });
      if (!cancelled.ok) warn(`could not cancel run ${run.id} before quitting: ${cancelled.error.message}`);
    }
    try {
      await deps.engine.close();
    } catch (error) {
      warn(`closing the engine failed: ${(error as Error).message}`);
    }
    phase = 'closed';
    deps.app.quit();
  };

  deps.app.on('before-quit', (event: Event) => {
    if (phase === 'closed') return; // our own quit, after the cleanup
    event.preventDefault();
    if (phase !== 'open') return; // asking or cleaning up already
    done = quit().catch((error: unknown) => {
      warn(`quitting failed: ${(error as Error).message}`);
      phase = 'closed';
      deps.app.quit();
    });
  });

  return { settled: () => done };
}
