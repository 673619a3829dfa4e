import path from 'node:path';
import { app, dialog, type BrowserWindow } from 'electron';
import type { RunSummary } from '../../engine/api/runs';
import { runLabel } from '../../engine/api/run-end-notice';
import type { Engine } from '../../engine/service/index';
import { closeToTray } from './close-to-tray';
import { startRunNotifier } from './notifier';
import { createRunOpener } from './open-run';
import { installQuitGuard } from './quit-guard';
import { createRunTray, type RunTray } from './tray';

export interface DesktopShellDeps {
  engine: Engine;
  getWindow(): BrowserWindow | null;
  openWindow(hash?: string): BrowserWindow;
  /** resources/icons */
  iconsDir: string;
  userData: string;
}

export interface DesktopShell {
  /** Brings the window back on a run (notifications, the tray, deep links). */
  openRun(id: string): boolean;
  /** Brings the window back (opened again if it was closed). */
  showWindow(): void;
  /** The `window-all-closed` handler: stays in the tray while runs go, else quits. */
  windowAllClosed(): void;
}

/**
 * What makes the app a desktop tool beside its window: the tray, run-end notifications, closing to the tray,
 * and quitting that cancels this process's runs cleanly first. Installed once the engine is open.
 */
export function installDesktopShell(deps: DesktopShellDeps): DesktopShell {
  const { engine } = deps;
  const openRun = createRunOpener({ getWindow: deps.getWindow, openWindow: deps.openWindow });
  const showWindow = () => {
    const window = deps.getWindow();
    if (!window || window.isDestroyed()) {
      deps.openWindow();
      return;
    }
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  };
  const ask = async (options: Electron.MessageBoxOptions) => {
    const window = deps.getWindow();
    const answer =
      window && !window.isDestroyed()
        ? await dialog.showMessageBox(window, options)
        : await dialog.showMessageBox(options);
    return answer.response === 0;
  };

  const notifier = startRunNotifier({
    engine,
    openRun,
    icon: path.join(deps.iconsDir, 'linux', '128x128.png'),
  });
  let tray: RunTray | null = null;
  try {
    tray = createRunTray({
      engine,
      iconsDir: deps.iconsDir,
      openWindow: showWindow,
      openRun,
      quit: () => app.quit(),
      confirmCancel: (run: RunSummary) =>
        ask({
          type: 'warning',
          buttons: ['Cancel run', 'Keep it running'],
          defaultId: 1,
          cancelId: 1,
          message: `Cancel ${runLabel(run)}?`,
          detail: 'Its sandbox is stopped now and its workspace is left at its best commit.',
        }),
    });
  } catch (error) {
    // A desktop without a tray area: the app works without it, and quits when its window closes.
    console.warn(`no tray icon: ${(error as Error).message}`);
  }

  // The Electron e2e spec reads the tray's menu through app.evaluate (a tray cannot be inspected from outside).
  if (process.env.MLE_BEAST_E2E_HOOKS === '1')
    (globalThis as { __mleBeastTray?: RunTray | null }).__mleBeastTray = tray;

  installQuitGuard({
    app,
    engine,
    confirmQuit: (runs) =>
      ask({
        type: 'warning',
        buttons: ['Cancel runs and quit', 'Keep running'],
        defaultId: 1,
        cancelId: 1,
        message:
          runs.length === 1
            ? `${runLabel(runs[0]!)} is still running.`
            : `${runs.length} runs are still running.`,
        detail:
          'Quitting cancels them: their sandboxes are stopped and each workspace is left at its best commit. ' +
          'Close the window instead to let them go on in the tray.',
      }),
    beforeClose: () => {
      notifier.stop();
      tray?.destroy();
      tray = null;
    },
  });

  const allClosed = closeToTray({
    notesFile: path.join(deps.userData, 'notes.json'),
    runsGoing: () => engine.runs.liveIds().length,
    hasTray: () => tray !== null,
    quit: () => app.quit(),
  });
  return { openRun, showWindow, windowAllClosed: () => void allClosed() };
}
