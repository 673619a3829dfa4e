import type { BrowserWindow } from 'electron';
import { RunRef } from '../../engine/api/navigation';
import { sendEvent } from './ipc';

export interface RunOpenerDeps {
  getWindow(): BrowserWindow | null;
  /** Opens the main window on a route (there is none, or it was closed to the tray). */
  openWindow(hash?: string): BrowserWindow;
  warn?(message: string): void;
}

export const runRoute = (id: string): string => `#/runs/${encodeURIComponent(id)}`;

/**
 * Shows a run: the window comes back (restored, shown, focused; opened on the run when there was none) and its
 * page moves to the run through the contract's `app.openRun` event. A page still loading gets it once loaded
 * (its listener is registered when the bundle runs, before the load ends). Returns false for an id that is
 * not a run id (from a deep link's text): nothing is opened then.
 */
export function createRunOpener(deps: RunOpenerDeps): (id: string) => boolean {
  const warn = deps.warn ?? ((m: string) => console.warn(m));
  return (id) => {
    const checked = RunRef.safeParse(id);
    if (!checked.success) {
      warn(`not opening run ${JSON.stringify(id)}: ${checked.error.issues[0]!.message}`);
      return false;
    }
    const window = deps.getWindow();
    if (!window || window.isDestroyed()) {
      deps.openWindow(runRoute(id));
      return true;
    }
    if (window.isMinimized()) window.restore();
    if (!window.isVisible()) window.show();
    window.focus();
    const send = () => sendEvent(window.webContents, 'app.openRun', { id });
    if (window.webContents.isLoading()) window.webContents.once('did-finish-load', send);
    else send();
    return true;
  };
}
