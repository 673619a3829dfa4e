import fs from 'node:fs';
import path from 'node:path';
import type { IpcMainInvokeEvent } from 'electron';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { HOST_CAPABILITY_NAMES } from '../../engine/api/host';
import { useTempDir } from '../../engine/testing/temp-dir';
import { APP_ORIGIN } from './app-origin';

// The host's capabilities over IPC, with `electron` mocked (no binary here): dialogs, the file manager and
// links are spies; the file system is real.

type Handler = (event: IpcMainInvokeEvent, input: unknown) => Promise<unknown>;
const registered = new Map<string, Handler>();
const theWindow = { id: 1 };

const electron = vi.hoisted(() => ({
  showOpenDialog: vi.fn(),
  showSaveDialog: vi.fn(),
  showItemInFolder: vi.fn(),
  openExternal: vi.fn(async () => {}),
}));

vi.mock('electron', () => ({
  ipcMain: {
    handle: vi.fn((channel: string, handler: Handler) => registered.set(channel, handler)),
    removeHandler: vi.fn((channel: string) => registered.delete(channel)),
  },
  BrowserWindow: { fromWebContents: vi.fn(() => theWindow) },
  app: { getPath: vi.fn((name: string) => `/home/ada/${name === 'documents' ? 'Documents' : name}`) },
  dialog: { showOpenDialog: electron.showOpenDialog, showSaveDialog: electron.showSaveDialog },
  shell: { showItemInFolder: electron.showItemInFolder, openExternal: electron.openExternal },
}));

const { registerHostHandlers } = await import('./ipc');
const { electronHostHandlers } = await import('./host');

const eventFrom = (frame: { url: string; parent: unknown } | null) =>
  ({ senderFrame: frame, sender: {} }) as unknown as IpcMainInvokeEvent;
const appFrame = { url: `${APP_ORIGIN}/index.html#/new`, parent: null };
const call = (name: string, input: unknown, frame: { url: string; parent: unknown } | null = appFrame) =>
  registered.get(`mle:host:${name}`)!(eventFrom(frame), input);

const temp = useTempDir('mle-beast-host-');

describe('host capabilities over IPC', () => {
  beforeEach(() => {
    registered.clear();
    vi.clearAllMocks();
    registerHostHandlers(electronHostHandlers, [APP_ORIGIN]);
  });

  it('registers exactly one channel per declared capability, and removes them', () => {
    expect([...registered.keys()].sort()).toEqual(HOST_CAPABILITY_NAMES.map((n) => `mle:host:${n}`).sort());
    const dispose = registerHostHandlers(electronHostHandlers, [APP_ORIGIN]);
    dispose();
    expect(registered.size).toBe(0);
  });

  it.each([
    ['another origin', { url: 'https://evil.example/index.html', parent: null }],
    ['a sub-frame of the app', { url: `${APP_ORIGIN}/index.html`, parent: { url: `${APP_ORIGIN}/` } }],
    ['a destroyed frame', null],
  ])('refuses %s before doing anything', async (_label, frame) => {
    for (const [name, input] of [
      ['pickFolder', { purpose: 'dataset' }],
      ['showItemInFolder', { path: temp.dir }],
      ['openExternal', { url: 'https://example.com/' }],
      ['checkDroppedPath', { path: temp.dir }],
    ] as const) {
      await expect(call(name, input, frame)).resolves.toEqual({
        ok: false,
        error: { code: 'forbidden', message: `${name}: refused a message from an untrusted frame` },
      });
    }
    expect(electron.showOpenDialog).not.toHaveBeenCalled();
    expect(electron.showItemInFolder).not.toHaveBeenCalled();
    expect(electron.openExternal).not.toHaveBeenCalled();
  });

  it('validates the payload of a trusted sender', async () => {
    await expect(call('pickFolder', { purpose: 'anything' })).resolves.toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: expect.stringMatching(/^pickFolder: purpose/) },
    });
    await expect(call('pickSavePath', { defaultName: '../../etc/passwd' })).resolves.toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: expect.stringContaining('a file name without a folder') },
    });
    expect(electron.showOpenDialog).not.toHaveBeenCalled();
    expect(electron.showSaveDialog).not.toHaveBeenCalled();
  });

  describe('pickFolder', () => {
    it('returns the folder picked in a dialog modal to the asking window', async () => {
      electron.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: ['/data/churn'] });
      await expect(call('pickFolder', { purpose: 'dataset', defaultPath: '/data' })).resolves.toEqual({
        ok: true,
        value: { path: '/data/churn' },
      });
      expect(electron.showOpenDialog).toHaveBeenCalledWith(theWindow, {
        title: 'Choose the dataset folder',
        buttonLabel: 'Choose',
        properties: ['openDirectory'],
        defaultPath: '/data',
      });
    });

    it('lets the workspace dialog create a folder', async () => {
      electron.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: ['/code/new'] });
      await call('pickFolder', { purpose: 'workspace' });
      expect(electron.showOpenDialog).toHaveBeenCalledWith(
        theWindow,
        expect.objectContaining({ properties: ['openDirectory', 'createDirectory'] }),
      );
    });

    it('answers null when the dialog is cancelled', async () => {
      electron.showOpenDialog.mockResolvedValueOnce({ canceled: true, filePaths: [] });
      await expect(call('pickFolder', { purpose: 'dataset' })).resolves.toEqual({
        ok: true,
        value: { path: null },
      });
    });
  });

  describe('pickSavePath', () => {
    it('offers the default name in Documents with the filters, and returns the chosen path', async () => {
      electron.showSaveDialog.mockResolvedValueOnce({ canceled: false, filePath: '/home/ada/r/report.html' });
      const filters = [{ name: 'HTML report', extensions: ['html'] }];
      await expect(
        call('pickSavePath', { title: 'Save the report', defaultName: 'churn-report.html', filters }),
      ).resolves.toEqual({ ok: true, value: { path: '/home/ada/r/report.html' } });
      expect(electron.showSaveDialog).toHaveBeenCalledWith(theWindow, {
        title: 'Save the report',
        defaultPath: path.join('/home/ada/Documents', 'churn-report.html'),
        filters,
        properties: ['createDirectory', 'showOverwriteConfirmation'],
      });
    });

    it('answers null when the dialog is cancelled', async () => {
      electron.showSaveDialog.mockResolvedValueOnce({ canceled: true, filePath: '' });
      await expect(call('pickSavePath', { defaultName: 'report.html' })).resolves.toEqual({
        ok: true,
        value: { path: null },
      });
    });
  });

  describe('showItemInFolder', () => {
    it('shows an existing file or folder', async () => {
      const file = path.join(temp.dir, 'report.html');
      fs.writeFileSync(file, '<html></html>');
      await expect(call('showItemInFolder', { path: file })).resolves.toEqual({
        ok: true,
        value: { shown: true },
      });
      await expect(call('showItemInFolder', { path: temp.dir })).resolves.toEqual({
        ok: true,
        value: { shown: true },
      });
      expect(electron.showItemInFolder.mock.calls).toEqual([[file], [temp.dir]]);
    });

    it('refuses a path that does not exist, or a relative one, without asking the file manager', async () => {
      const gone = path.join(temp.dir, 'deleted-run');
      await expect(call('showItemInFolder', { path: gone })).resolves.toEqual({
        ok: false,
        error: {
          code: 'not_found',
          message: `“${gone}” does not exist any more (moved or deleted?): there is nothing to show.`,
        },
      });
      await expect(call('showItemInFolder', { path: 'runs/abc' })).resolves.toMatchObject({
        ok: false,
        error: { code: 'invalid_input', message: expect.stringContaining('not an absolute path') },
      });
      expect(electron.showItemInFolder).not.toHaveBeenCalled();
    });
  });

  describe('openExternal', () => {
    it('opens an https link through safeOpenExternal', async () => {
      await expect(call('openExternal', { url: 'https://openrouter.ai/keys' })).resolves.toEqual({
        ok: true,
        value: { opened: true },
      });
      expect(electron.openExternal).toHaveBeenCalledWith('https://openrouter.ai/keys');
    });

    it.each(['file:///etc/passwd', 'smb://server/share', 'javascript:alert(1)', 'ms-msdt:/id x'])(
      'refuses %s',
      async (url) => {
        await expect(call('openExternal', { url })).resolves.toEqual({
          ok: false,
          error: {
            code: 'forbidden',
            message: `Only http and https links open outside the app; “${url}” was not opened.`,
          },
        });
        expect(electron.openExternal).not.toHaveBeenCalled();
      },
    );
  });

  describe('checkDroppedPath', () => {
    it('answers a folder, a project file, or a refusal with a message', async () => {
      const data = path.join(temp.dir, 'data');
      fs.mkdirSync(data);
      const project = path.join(temp.dir, 'project.yaml');
      fs.writeFileSync(project, 'goals: {}\n');
      const csv = path.join(temp.dir, 'train.csv');
      fs.writeFileSync(csv, 'a\n1\n');
      await expect(call('checkDroppedPath', { path: data })).resolves.toEqual({
        ok: true,
        value: { kind: 'folder', path: data },
      });
      await expect(call('checkDroppedPath', { path: project })).resolves.toEqual({
        ok: true,
        value: { kind: 'project', path: project, yaml: 'goals: {}\n' },
      });
      await expect(call('checkDroppedPath', { path: csv })).resolves.toMatchObject({
        ok: true,
        value: {
          kind: 'refused',
          message: expect.stringMatching(/^“train\.csv” is a file, not a dataset folder/),
        },
      });
    });
  });
});
