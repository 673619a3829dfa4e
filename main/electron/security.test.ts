import { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, it, vi } from 'vitest';

const appEvents = new EventEmitter();
const session = {
  setPermissionRequestHandler: vi.fn(),
  setPermissionCheckHandler: vi.fn(),
};
const openExternal = vi.fn(async () => {});
vi.mock('electron', () => ({
  app: { on: (event: string, listener: (...args: unknown[]) => void) => appEvents.on(event, listener) },
  session: { defaultSession: session },
  shell: { openExternal },
}));
const { installSecurityGuards } = await import('./security');

/** A stand-in for a WebContents: records its listeners and its window-open handler. */
function fakeContents() {
  const contents = Object.assign(new EventEmitter(), {
    windowOpenHandler: null as null | ((details: { url: string }) => { action: string }),
    setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
      contents.windowOpenHandler = handler;
    },
  });
  return contents;
}

const cancelable = () => ({ preventDefault: vi.fn() });

describe('window security guards', () => {
  beforeEach(() => {
    appEvents.removeAllListeners();
    openExternal.mockClear();
    installSecurityGuards((url) => url.startsWith('app://renderer/'));
  });

  it('denies every permission request and check', () => {
    const request = session.setPermissionRequestHandler.mock.calls.at(-1)![0] as (
      wc: unknown,
      permission: string,
      callback: (granted: boolean) => void,
    ) => void;
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read']) {
      const callback = vi.fn();
      request({}, permission, callback);
      expect(callback).toHaveBeenCalledWith(false);
    }
    const check = session.setPermissionCheckHandler.mock.calls.at(-1)![0] as () => boolean;
    expect(check()).toBe(false);
  });

  it('keeps navigation inside the app and sends web links to the browser', async () => {
    const contents = fakeContents();
    appEvents.emit('web-contents-created', {}, contents);

    const inside = cancelable();
    contents.emit('will-navigate', inside, 'app://renderer/index.html#/settings');
    expect(inside.preventDefault).not.toHaveBeenCalled();

    const web = cancelable();
    contents.emit('will-navigate', web, 'https://example.com/docs');
    expect(web.preventDefault).toHaveBeenCalled();
    await vi.waitFor(() => expect(openExternal).toHaveBeenCalledWith('https://example.com/docs'));

    const file = cancelable();
    contents.emit('will-navigate', file, 'file:///etc/passwd');
    expect(file.preventDefault).toHaveBeenCalled();
    expect(openExternal).toHaveBeenCalledTimes(1);

    const redirect = cancelable();
    contents.emit('will-redirect', redirect, 'https://elsewhere.example/');
    expect(redirect.preventDefault).toHaveBeenCalled();

    const webview = cancelable();
    contents.emit('will-attach-webview', webview);
    expect(webview.preventDefault).toHaveBeenCalled();
  });

  it('never opens a new window', async () => {
    const contents = fakeContents();
    appEvents.emit('web-contents-created', {}, contents);
    expect(contents.windowOpenHandler!({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler!({ url: 'smb://share/evil.exe' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler!({ url: 'app://renderer/index.html' })).toEqual({ action: 'deny' });
    await vi.waitFor(() => expect(openExternal).toHaveBeenCalledTimes(1));
    expect(openExternal).toHaveBeenCalledWith('https://example.com/');
  });
});
