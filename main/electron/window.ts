import path from 'node:path';
import { BrowserWindow, nativeTheme } from 'electron';

export function createMainWindow(preloadPath: string, entryUrl: string, iconPath: string): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
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
  window.once('ready-to-show', () => window.show());
  void window.loadURL(entryUrl);
  return window;
}
