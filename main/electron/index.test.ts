import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { commandNames } from '../../engine/api/contract';
import { HOST_CAPABILITY_NAMES } from '../../engine/api/host-names';
import { makeTempDir } from '../../engine/testing/temp-dir';
import { fakeUtilityProcess } from './testing/utility-process';

// Spied on, not replaced: the desktop's dataset intake must not fork (testing/utility-process.ts's stand-in does).
vi.mock('node:child_process', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:child_process')>();
  return { ...real, fork: vi.fn(real.fork) };
});

/** Records what the main process asks of Electron, in order. */
function electronMock(options: { lock: boolean; userData?: string }) {
  const calls: string[] = [];
  let resolveReady!: () => void;
  const ready = new Promise<void>((r) => (resolveReady = r));
  const windows: { options: Record<string, unknown>; url?: string }[] = [];
  const made: { webContents: { send: ReturnType<typeof vi.fn> } }[] = [];
  const handled = new Set<string>();
  /** The IPC handlers main registered, by channel. */
  const handlers = new Map<string, (event: unknown, input: unknown) => Promise<unknown>>();
  const utility = fakeUtilityProcess();
  utility.use('node');
  class BrowserWindow {
    webContents = {
      send: vi.fn(),
      isDestroyed: () => false,
      executeJavaScript: vi.fn(),
      isLoading: () => false,
    };
    isDestroyed = () => false;
    isMinimized = () => false;
    isVisible = () => true;
    restore = vi.fn();
    show = vi.fn();
    focus = vi.fn();
    constructor(readonly options: Record<string, unknown>) {
      calls.push('new BrowserWindow');
      windows.push({ options });
      made.push(this);
    }
    static getAllWindows = () => [];
    loadURL(url: string) {
      windows.at(-1)!.url = url;
      return Promise.resolve();
    }
    once() {}
    on() {}
  }
  const mock = {
    app: {
      isPackaged: false,
      setPath: vi.fn(),
      getPath: vi.fn(() => options.userData ?? '/nonexistent-user-data'),
      setAsDefaultProtocolClient: vi.fn(() => true),
      requestSingleInstanceLock: vi.fn(() => options.lock),
      enableSandbox: vi.fn(() => calls.push('enableSandbox')),
      on: vi.fn(),
      whenReady: () => ready,
      setAppUserModelId: vi.fn(),
      getAppPath: () => '/app',
      quit: vi.fn(() => calls.push('quit')),
      exit: vi.fn((code: number) => calls.push(`exit ${code}`)),
    },
    BrowserWindow,
    protocol: {
      registerSchemesAsPrivileged: vi.fn(() => calls.push('registerSchemesAsPrivileged')),
      handle: vi.fn(() => calls.push('protocol.handle')),
    },
    ipcMain: {
      handle: vi.fn((channel: string, handler: (event: unknown, input: unknown) => Promise<unknown>) => {
        handled.add(channel);
        handlers.set(channel, handler);
      }),
      removeHandler: vi.fn(),
    },
    utilityProcess: utility.utilityProcess,
    session: { defaultSession: { setPermissionRequestHandler: vi.fn(), setPermissionCheckHandler: vi.fn() } },
    Menu: { buildFromTemplate: vi.fn((t: unknown) => t), setApplicationMenu: vi.fn() },
    shell: { openExternal: vi.fn(), showItemInFolder: vi.fn() },
    dialog: { showErrorBox: vi.fn((title: string) => calls.push(`error box: ${title}`)) },
    nativeTheme: { shouldUseDarkColors: false },
    safeStorage: {
      isEncryptionAvailable: () => true,
      getSelectedStorageBackend: () => 'gnome_libsecret',
      encryptString: (s: string) => Buffer.from(s),
      decryptString: (b: Buffer) => b.toString(),
    },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
    nativeImage: { createFromPath: vi.fn((file: string) => ({ file })) },
    Tray: class {
      constructor(readonly image: unknown) {
        calls.push('new Tray');
      }
      on() {}
      setContextMenu() {}
      setToolTip() {}
      destroy() {}
    },
    Notification: Object.assign(class {}, { isSupported: () => false }),
  };
  return { mock, calls, windows, made, handled, handlers, utility, ready: () => resolveReady() };
}

async function boot(options: { lock: boolean; userData?: string }) {
  const electron = electronMock(options);
  vi.doMock('electron', () => electron.mock);
  await import('./index');
  electron.ready();
  await vi.waitFor(() =>
    expect(electron.calls.some((c) => /new BrowserWindow|exit|quit/.test(c))).toBe(true),
  );
  return electron;
}

describe('desktop main process', () => {
  let temp: ReturnType<typeof makeTempDir>;
  beforeEach(() => {
    vi.resetModules();
    temp = makeTempDir();
    vi.stubEnv('MLE_BEAST_DB_PATH', path.join(temp.dir, 'db.sqlite'));
    vi.stubEnv('DOCKER_HOST', 'unix:///nonexistent/test.sock');
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.doUnmock('electron');
    temp.cleanup();
  });

  it('sandboxes renderers and registers app:// before ready, then opens one secure window on it', async () => {
    const { calls, windows, handled, mock } = await boot({ lock: true });
    expect(calls).toEqual(
      expect.arrayContaining(['enableSandbox', 'registerSchemesAsPrivileged', 'protocol.handle']),
    );
    expect(calls.indexOf('enableSandbox')).toBeLessThan(calls.indexOf('new BrowserWindow'));
    expect(calls.indexOf('registerSchemesAsPrivileged')).toBeLessThan(calls.indexOf('protocol.handle'));
    expect(windows).toHaveLength(1);
    expect(windows[0]!.url).toBe('app://renderer/index.html');
    expect(windows[0]!.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      preload: expect.stringMatching(/preload[\\/]index\.cjs$/),
    });
    expect([...handled].sort()).toEqual(
      [
        ...commandNames.map((n) => `mle:command:${n}`),
        ...HOST_CAPABILITY_NAMES.map((n) => `mle:host:${n}`),
      ].sort(),
    );
    expect(fs.existsSync(path.join(temp.dir, 'db.sqlite'))).toBe(true);
    // Saved API keys go to the keychain store in the profile folder (main/electron/keychain.ts).
    expect(mock.app.getPath).toHaveBeenCalledWith('userData');
  });

  it('opens the window where it was left, with a tray, and opens the run a launch link names', async () => {
    const userData = path.join(temp.dir, 'user-data');
    fs.mkdirSync(userData);
    fs.writeFileSync(
      path.join(userData, 'window-state.json'),
      JSON.stringify({ x: 40, y: 30, width: 1000, height: 700, maximized: false }),
    );
    const argv = process.argv;
    process.argv = [...argv, 'mle-beast://run/launch-run'];
    try {
      const { calls, windows, made, mock } = await boot({ lock: true, userData });
      expect(windows[0]!.options).toMatchObject({ x: 40, y: 30, width: 1000, height: 700 });
      expect(calls).toContain('new Tray');
      expect(mock.app.setAsDefaultProtocolClient).toHaveBeenCalledWith('mle-beast');
      const sent = made.at(-1)!.webContents.send;
      expect(sent).toHaveBeenCalledWith('mle:event:app.openRun', { id: 'launch-run' });

      // A second launch with a link: the same window goes to that run; a bad id opens nothing.
      const secondInstance = mock.app.on.mock.calls.find(([name]) => name === 'second-instance')![1] as (
        event: unknown,
        argv: string[],
      ) => void;
      secondInstance({}, ['/electron', 'mle-beast://run/second-run']);
      expect(sent).toHaveBeenLastCalledWith('mle:event:app.openRun', { id: 'second-run' });
      secondInstance({}, ['/electron', 'mle-beast://run/..%2Fetc']);
      expect(sent).toHaveBeenCalledTimes(2);
      expect(windows).toHaveLength(1);
    } finally {
      process.argv = argv;
    }
  });

  it('takes a dataset in through a utility process, never by forking itself (the packaged app cannot)', async () => {
    const { fork } = await import('node:child_process');
    vi.mocked(fork).mockClear();
    const { handlers, utility } = await boot({ lock: true });
    const data = path.join(temp.dir, 'churn.csv');
    fs.writeFileSync(
      data,
      ['age,plan,churned', ...Array.from({ length: 40 }, (_, i) => `${20 + i},${i % 3},${i % 2}`)].join('\n'),
    );
    const fromWindow = { senderFrame: { parent: null, url: 'app://renderer/index.html' } };
    const inspect = handlers.get('mle:command:datasets.inspect')!;
    const reply = await inspect(fromWindow, { path: data });
    expect(reply).toMatchObject({ ok: true, value: { ok: true, kind: 'tabular', summary: { rows: 40 } } });
    expect(utility.calls).toEqual([
      {
        modulePath: process.env.MLE_BEAST_INTAKE_WORKER,
        args: [],
        options: expect.objectContaining({ serviceName: 'mle-beast dataset intake' }),
      },
    ]);
    expect(vi.mocked(fork).mock.calls.map((c) => path.basename(String(c[0])))).toEqual([
      'parent-port-shim.mjs',
    ]);
  });

  it('quits at once when another instance holds the lock', async () => {
    const { calls, windows } = await boot({ lock: false });
    expect(calls).toContain('quit');
    expect(windows).toHaveLength(0);
  });

  it('explains an unusable database in a dialog and exits without a window', async () => {
    fs.writeFileSync(path.join(temp.dir, 'db.sqlite'), 'not a database at all');
    const { calls, windows, mock } = await boot({ lock: true });
    expect(mock.dialog.showErrorBox).toHaveBeenCalledWith(
      'mle-beast cannot open its database',
      expect.stringMatching(/not an SQLite database/),
    );
    expect(calls).toContain('exit 3');
    expect(windows).toHaveLength(0);
    expect(fs.readFileSync(path.join(temp.dir, 'db.sqlite'), 'utf8')).toBe('not a database at all');
  });
});
