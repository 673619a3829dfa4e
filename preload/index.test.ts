import { describe, expect, it, vi } from 'vitest';
import type { MleBridge } from '../engine/api/bridge';

// The preload with `electron` mocked: what it puts on `window.mle`, and what reaches ipcRenderer.

const electron = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  invoke: vi.fn(async (..._args: unknown[]) => ({ ok: true, value: null })),
  getPathForFile: vi.fn((file: { name: string }) => (file.name === 'made-in-js' ? '' : `/data/${file.name}`)),
}));

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => electron.exposed.set(key, api) },
  ipcRenderer: { invoke: electron.invoke, on: vi.fn(), removeListener: vi.fn() },
  webUtils: { getPathForFile: electron.getPathForFile },
}));

await import('./index');
const bridge = electron.exposed.get('mle') as MleBridge;

describe('the preload bridge', () => {
  it('exposes window.mle alone, with only the declared functions', () => {
    expect([...electron.exposed.keys()]).toEqual(['mle']);
    expect(Object.keys(bridge).sort()).toEqual(['host', 'hostInvoke', 'invoke', 'on', 'pathForFile']);
    expect(bridge.host).toBe('electron');
  });

  it('sends declared host capabilities on their derived channel, and nothing else', async () => {
    await bridge.hostInvoke!('pickFolder', { purpose: 'dataset' });
    expect(electron.invoke).toHaveBeenCalledWith('mle:host:pickFolder', { purpose: 'dataset' });
    electron.invoke.mockClear();
    for (const name of ['shell.openPath', 'settings.get', '__proto__', 'pickFolder ']) {
      await expect(bridge.hostInvoke!(name, {})).rejects.toThrow(`unknown host capability ${name}`);
    }
    await expect(bridge.invoke('runs.nuke', {})).rejects.toThrow('unknown command runs.nuke');
    expect(electron.invoke).not.toHaveBeenCalled();
  });

  it('tells where a dropped file lives, and null for a file with no disk path or a non-file', () => {
    expect(bridge.pathForFile!({ name: 'churn' })).toBe('/data/churn');
    expect(bridge.pathForFile!({ name: 'made-in-js' })).toBeNull();
    electron.getPathForFile.mockImplementationOnce(() => {
      throw new TypeError('parameter 1 is not of type File');
    });
    expect(bridge.pathForFile!('not a file')).toBeNull();
  });
});
