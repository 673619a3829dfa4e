import path from 'node:path';
import { app, BrowserWindow, dialog, screen } from 'electron';
import { createEngine, type Engine } from '../../engine/service/index';
import { APP_ENTRY_URL, APP_ORIGIN } from './app-origin';
import { handleAppProtocol, registerAppScheme } from './app-protocol';
import { electronHostHandlers } from './host';
import { utilityIntakeLauncher } from './intake-launcher';
import { forwardEvents, registerContractHandlers, registerHostHandlers } from './ipc';
import { createKeychainStore } from './keychain';
import { installAppMenu } from './menu';
import { installSecurityGuards } from './security';
import { createMainWindow } from './window';
import { installDeepLinks } from './deep-link';
import { installDesktopShell, type DesktopShell } from './desktop-shell';
import { loadWindowState, trackWindowState } from './window-state';

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
/** The tray, notifications, close-to-tray and quitting (desktop-shell.ts), once the engine is open. */
let shell: DesktopShell | null = null;
/** Runs asked for by deep links before the engine was open. */
const runsToOpen: string[] = [];

function openWindow(hash?: string): BrowserWindow {
  // Size and place as the user left them, fitted to the screens there are now.
  const stateFile = path.join(app.getPath('userData'), 'window-state.json');
  const workAreas = screen.getAllDisplays().map((d) => d.workArea);
  const window = createMainWindow(
    path.join(import.meta.dirname, '../preload/index.cjs'),
    devServerUrl ?? APP_ENTRY_URL,
    path.join(app.getAppPath(), 'resources', 'icons', 'icon.png'),
    { state: loadWindowState(stateFile, workAreas), ...(hash ? { hash } : {}) },
  );
  mainWindow = window;
  trackWindowState(window, stateFile);
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = null;
  });
  return window;
}

async function start(): Promise<void> {
  await app.whenReady();
  app.setAppUserModelId(APP_ID);
  try {
    engine = createEngine({
      host: 'electron',
      cleanupOrphanSandboxes: true,
      tailOtherProcesses: true,
      // Saved API keys: safeStorage, in the profile folder (created after ready: safeStorage needs it on Linux).
      secrets: createKeychainStore(app.getPath('userData')),
      // The dataset intake in a utility process: the packaged app cannot fork itself as Node (intake-launcher.ts).
      intakeLauncher: utilityIntakeLauncher,
    });
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
  shell = installDesktopShell({
    engine,
    getWindow: () => mainWindow,
    openWindow,
    iconsDir: path.join(app.getAppPath(), 'resources', 'icons'),
    userData: app.getPath('userData'),
  });
  openWindow();
  // A run asked for by a link: this launch's own argument (Windows, Linux), or `open-url` before ready (macOS).
  deepLinks?.handleArgv(process.argv);
  for (const id of runsToOpen.splice(0)) shell.openRun(id);
}

let deepLinks: ReturnType<typeof installDeepLinks> | null = null;

if (!singleInstance) {
  app.quit();
} else {
  app.enableSandbox();
  registerAppScheme();
  // Before ready: macOS sends the link that launched the app as an early `open-url`.
  deepLinks = installDeepLinks({
    app,
    openRun: (id) => (shell ? shell.openRun(id) : runsToOpen.push(id)),
    defaultApp: process.defaultApp === true,
  });
  app.on('second-instance', (_event, argv) => {
    // A second launch, perhaps with a mle-beast://run/<id> link: this window comes forward (on that run).
    if (deepLinks?.handleArgv(argv)) return;
    if (shell) return shell.showWindow();
    if (!mainWindow) return void openWindow();
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('activate', () => {
    if (engine && BrowserWindow.getAllWindows().length === 0) openWindow();
  });
  app.on('window-all-closed', () => {
    // With runs going, the app stays in the tray (said once); otherwise it quits (desktop-shell.ts).
    if (shell) shell.windowAllClosed();
    else if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => void engine?.close());
  void start();
}
