import { app, Menu, shell, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';
import path from 'node:path';
import type { AppPage } from '../../engine/api/navigation';
import { sendEvent } from './ipc';
import { safeOpenExternal } from './safe-open-external';

const DOCS_URL = 'https://github.com/mle-beast/mle-beast-desktop#readme';

/**
 * The application menu. Navigation items send the page the contract's `app.openPage` event (it routes itself,
 * never a page load, and no script is run in the page).
 */
export function installAppMenu(getWindow: () => BrowserWindow | null, databasePath: string): void {
  const go = (page: AppPage) => () => {
    const window = getWindow();
    if (window && !window.isDestroyed()) sendEvent(window.webContents, 'app.openPage', { page });
  };
  const isMac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'New Run', accelerator: 'CmdOrCtrl+N', click: go('new') },
        { label: 'Runs', accelerator: 'CmdOrCtrl+1', click: go('runs') },
        { label: 'Settings', accelerator: 'CmdOrCtrl+,', click: go('settings') },
        { type: 'separator' },
        { label: 'Show Database Folder', click: () => shell.showItemInFolder(path.resolve(databasePath)) },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { role: 'reload' },
        ...(app.isPackaged ? [] : [{ role: 'toggleDevTools' as const }]),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    { role: 'help', submenu: [{ label: 'Documentation', click: () => void safeOpenExternal(DOCS_URL) }] },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
