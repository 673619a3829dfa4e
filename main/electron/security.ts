import { app, session, type WebContents } from 'electron';
import { safeOpenExternal } from './safe-open-external';

/**
 * App-wide guards: no permission is ever granted to web content, no window navigates away from the app,
 * and window.open never opens a window (web links go to the browser through safeOpenExternal).
 */
export function installSecurityGuards(isAppUrl: (url: string) => boolean): void {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);

  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isAppUrl(url)) {
        event.preventDefault();
        void safeOpenExternal(url);
      }
    });
    contents.on('will-redirect', (event, url) => {
      if (!isAppUrl(url)) event.preventDefault();
    });
    contents.setWindowOpenHandler(({ url }) => {
      void safeOpenExternal(url);
      return { action: 'deny' };
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
}
