import path from 'node:path';
import { Menu, nativeImage, Tray, type MenuItemConstructorOptions } from 'electron';
import { runEventsOf, type EventMessage } from '../../engine/api/contract';
import { initialRunView } from '../../engine/api/run-view';
import { formatScore, runLabel } from '../../engine/api/run-end-notice';
import type { RunSummary } from '../../engine/api/runs';
import { comparisonOperator, type StageName } from '../../engine/api/vocabulary';
import type { Engine } from '../../engine/service/index';
import { callEngine } from './engine-call';

/** An active run as the tray shows it. */
export interface TrayRun {
  run: RunSummary;
  stage: StageName | null;
}

export interface RunTrayDeps {
  engine: Pick<Engine, 'events' | 'handlers'>;
  /** resources/icons (the app's icons folder). */
  iconsDir: string;
  openWindow(): void;
  openRun(id: string): void;
  quit(): void;
  /** Asks before a cancel from the menu (a dialog); true: cancel it. */
  confirmCancel(run: RunSummary): Promise<boolean>;
  /** Run events come in bursts: the menu is rebuilt once per burst, this long after its first event. */
  debounceMs?: number;
  warn?(message: string): void;
}

export interface RunTray {
  /** Rebuilds the menu and tooltip now from the engine's active runs. */
  refresh(): Promise<void>;
  /** Resolves when the rebuild under way (or due) has finished (tests). */
  idle(): Promise<void>;
  runs(): readonly TrayRun[];
  /** The menu's labels as last built, submenus indented (the Electron e2e spec reads them). */
  labels(): string[];
  destroy(): void;
}

/** The run events that change what the tray shows (output lines, model calls and metrics do not). */
const MENU_EVENTS = new Set(['run.state', 'stage.started', 'stage.finished', 'progress', 'experiment']);
const MAX_RUNS = 10;

const stageText = (stage: StageName | null): string | null => (stage ? stage.replaceAll('_', ' ') : null);

/** `churn: training, best 0.8500 (target >= 0.8200)`: the run, where it is, its best against its target. */
export function trayRunLabel({ run, stage }: TrayRun): string {
  const where = run.status === 'running' ? (stageText(stage) ?? 'starting') : run.status;
  const target =
    run.metric.target === null
      ? ''
      : ` (target ${comparisonOperator(run.metric.direction)} ${formatScore(run.metric.target)})`;
  const best = run.bestScore === null ? 'no score yet' : `best ${formatScore(run.bestScore)}`;
  return `${runLabel(run)}: ${where}, ${best}${target}`;
}

export function trayTooltip(runs: readonly TrayRun[]): string {
  if (runs.length === 0) return 'mle-beast: no run going';
  const head = runs.length === 1 ? 'mle-beast: 1 run going' : `mle-beast: ${runs.length} runs going`;
  return [head, ...runs.map(trayRunLabel)].join('\n');
}

/**
 * The tray icon: its menu opens the window, lists the active runs (a click opens one; pause or resume and
 * cancel under it) and quits; its tooltip follows the active runs. Both are rebuilt from the engine's run
 * events (this process's and, through the store tail, other processes'), debounced, never on a timer.
 */
export function createRunTray(deps: RunTrayDeps): RunTray {
  const warn = deps.warn ?? ((m: string) => console.warn(m));
  const icon = nativeImage.createFromPath(
    path.join(deps.iconsDir, 'linux', process.platform === 'darwin' ? '16x16.png' : '32x32.png'),
  );
  const tray = new Tray(icon);
  tray.on('click', () => deps.openWindow());
  let current: TrayRun[] = [];
  let timer: NodeJS.Timeout | null = null;
  let building: Promise<void> = Promise.resolve();
  let due: Promise<void> | null = null;
  let settleDue: (() => void) | null = null;
  let destroyed = false;
  let shownLabels: string[] = [];

  const control = async (name: 'runs.pause' | 'runs.resume' | 'runs.cancel', run: RunSummary) => {
    if (name === 'runs.cancel' && !(await deps.confirmCancel(run))) return;
    const result = await callEngine(deps.engine, name, { id: run.id });
    if (!result.ok) warn(`${name} ${run.id}: ${result.error.message}`);
  };

  const render = () => {
    if (destroyed) return;
    const items: MenuItemConstructorOptions[] = [{ label: 'Open mle-beast', click: () => deps.openWindow() }];
    items.push({ type: 'separator' });
    if (current.length === 0) items.push({ label: 'No run going', enabled: false });
    for (const entry of current) {
      const { run } = entry;
      items.push({ label: trayRunLabel(entry), click: () => deps.openRun(run.id) });
      items.push({
        label: `Pause or cancel ${runLabel(run)}`,
        submenu: [
          run.status === 'paused'
            ? { label: 'Resume', click: () => void control('runs.resume', run) }
            : { label: 'Pause', click: () => void control('runs.pause', run) },
          { label: 'Cancel run…', click: () => void control('runs.cancel', run) },
        ],
      });
    }
    items.push({ type: 'separator' }, { label: 'Quit mle-beast', click: () => deps.quit() });
    shownLabels = items.flatMap((i) => [
      i.type === 'separator' ? '---' : (i.label ?? ''),
      ...(Array.isArray(i.submenu) ? i.submenu.map((sub) => `  ${sub.label ?? ''}`) : []),
    ]);
    tray.setContextMenu(Menu.buildFromTemplate(items));
    tray.setToolTip(trayTooltip(current));
  };

  const read = async (): Promise<TrayRun[]> => {
    const list = await callEngine(deps.engine, 'runs.list', { active: true, limit: MAX_RUNS });
    if (!list.ok) throw new Error(list.error.message);
    return Promise.all(
      list.value.runs.map(async (run) => {
        // The stage comes from the run's stage rows, read as every view opens a run (the one fold).
        const snapshot = await callEngine(deps.engine, 'runs.get', { id: run.id, tail: true, limit: 1 });
        if (!snapshot.ok) return { run, stage: null };
        return { run: snapshot.value.run, stage: initialRunView(snapshot.value, Date.now()).view.stage };
      }),
    );
  };

  const refresh = () => {
    building = building.then(async () => {
      try {
        current = await read();
      } catch (error) {
        warn(`the tray could not read the active runs: ${(error as Error).message}`);
      }
      render();
    });
    return building;
  };

  const schedule = () => {
    if (timer || destroyed) return;
    due = new Promise<void>((resolve) => {
      settleDue = resolve;
      timer = setTimeout(() => {
        timer = null;
        due = null;
        settleDue = null;
        void refresh().then(resolve);
      }, deps.debounceMs ?? 300);
    });
  };

  const relevant = (message: EventMessage) =>
    message.name === 'runs.changed' || runEventsOf(message).some((e) => MENU_EVENTS.has(e.body.type));
  const unsubscribe = deps.engine.events.subscribe((message) => {
    if (relevant(message)) schedule();
  });
  render();
  void refresh();

  return {
    refresh,
    idle: async () => {
      await (due ?? Promise.resolve());
      await building;
    },
    runs: () => current,
    labels: () => shownLabels,
    destroy: () => {
      destroyed = true;
      unsubscribe();
      if (timer) clearTimeout(timer);
      timer = null;
      settleDue?.();
      tray.destroy();
    },
  };
}
