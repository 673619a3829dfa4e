import path from 'node:path';
import { BrowserWindow, nativeTheme } from 'electron';
import { DEFAULT_WINDOW_STATE, type WindowState } from './window-state';

export interface MainWindowOptions {
  /** The remembered size and place (window-state.ts), already fitted to the screens. */
  state?: WindowState;
  /** A route to open on (`#/runs/<id>`): a window opened for a notification or link shows that run at once. */
  hash?: string;
}

export function createMainWindow(
  preloadPath: string,
  entryUrl: string,
  iconPath: string,
  options: MainWindowOptions = {},
): BrowserWindow {
  const state = options.state ?? DEFAULT_WINDOW_STATE;
  const window = new BrowserWindow({
    width: state.width,
    height: state.height,
    ...(state.x !== undefined && state.y !== undefined ? { x: state.x, y: state.y } : {}),
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'mle-beast',
    icon: iconPath,
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#14161a' : '#f7f8fa',
    webPreferences: {
      preload: path.resolve(preloadPath),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => {
    if (state.maximized) window.maximize();
    window.show();
  });
  void window.loadURL(options.hash ? `${entryUrl.split('#')[0]}${options.hash}` : entryUrl);
  return window;
}
