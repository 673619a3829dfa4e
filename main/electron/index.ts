import path from 'node:path';
import { app, BrowserWindow, dialog } from 'electron';
import { createEngine, type Engine } from '../../engine/service/index';
import { APP_ENTRY_URL, APP_ORIGIN } from './app-origin';
import { handleAppProtocol, registerAppScheme } from './app-protocol';
import { electronHostHandlers } from './host';
import { forwardEvents, registerContractHandlers, registerHostHandlers } from './ipc';
import { installAppMenu } from './menu';
import { installSecurityGuards } from './security';
import { createMainWindow } from './window';

const APP_ID = 'dev.mlebeast.desktop';

// Test and packaging hooks: a fresh profile per e2e test, and no single-instance lock between tests.
if (process.env.MLE_BEAST_USER_DATA) app.setPath('userData', path.resolve(process.env.MLE_BEAST_USER_DATA));
const singleInstance =
  process.env.MLE_BEAST_DISABLE_SINGLE_INSTANCE === '1' || app.requestSingleInstanceLock();

/** electron-vite's dev server, only in an unpackaged run. */
const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
const allowedOrigins = [APP_ORIGIN, ...(devServerUrl ? [new URL(devServerUrl).origin] : [])];
const isAppUrl = (url: string): boolean => {
  try {
    const parsed = new URL(url);
    return allowedOrigins.includes(`${parsed.protocol}//${parsed.host}`);
  } catch {
    return false;
  }
};

let engine: Engine | null = null;
let mainWindow: BrowserWindow | null = null;

function openWindow(): void {
  mainWindow = createMainWindow(
    path.join(import.meta.dirname, '../preload/index.cjs'),
    devServerUrl ?? APP_ENTRY_URL,
    path.join(app.getAppPath(), 'resources', 'icons', 'icon.png'),
  );
  mainWindow.on('closed', () => (mainWindow = null));
}

async function start(): Promise<void> {
  await app.whenReady();
  app.setAppUserModelId(APP_ID);
  try {
    engine = createEngine({ host: 'electron', cleanupOrphanSandboxes: true, tailOtherProcesses: true });
  } catch (error) {
    dialog.showErrorBox('mle-beast cannot open its database', (error as Error).message);
    app.exit(3);
    return;
  }
  installSecurityGuards(isAppUrl);
  handleAppProtocol(path.join(import.meta.dirname, '../renderer'));
  registerContractHandlers(engine, allowedOrigins);
  registerHostHandlers(electronHostHandlers, allowedOrigins);
  forwardEvents(engine, () => BrowserWindow.getAllWindows().map((w) => w.webContents));
  installAppMenu(() => mainWindow, engine.store.path);
  openWindow();
}

if (!singleInstance) {
  app.quit();
} else {
  app.enableSandbox();
  registerAppScheme();
  app.on('second-instance', () => {
    if (!mainWindow) return openWindow();
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('activate', () => {
    if (engine && BrowserWindow.getAllWindows().length === 0) openWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => void engine?.close());
  void start();
}
