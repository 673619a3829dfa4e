import type { IpcMainInvokeEvent } from 'electron';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { commandNames } from '../../engine/api/contract';
import { DEFAULT_SETTINGS } from '../../engine/api/settings';
import { EventBus } from '../../engine/api/event-bus';
import type { Engine } from '../../engine/service/engine';
import { APP_ORIGIN } from './app-origin';

type Handler = (event: IpcMainInvokeEvent, input: unknown) => Promise<unknown>;
const registered = new Map<string, Handler>();

vi.mock('electron', () => ({
  ipcMain: {
    handle: vi.fn((channel: string, handler: Handler) => registered.set(channel, handler)),
    removeHandler: vi.fn((channel: string) => registered.delete(channel)),
  },
}));

const { forwardEvents, registerContractHandlers, sendEvent } = await import('./ipc');

function fakeEngine() {
  const settingsGet = vi.fn(async () => DEFAULT_SETTINGS);
  const engine = {
    handlers: {
      'app.info': vi.fn(),
      'settings.get': settingsGet,
      'settings.update': vi.fn(async (patch: object) => ({ ...DEFAULT_SETTINGS, ...patch })),
    },
    events: new EventBus(),
    savedKeyValues: () => [],
  } as unknown as Engine;
  return { engine, settingsGet };
}

/** An invoke event as Electron builds it; only the frame matters to the handler. */
const eventFrom = (frame: { url: string; parent: unknown } | null) =>
  ({ senderFrame: frame }) as unknown as IpcMainInvokeEvent;
const appFrame = { url: `${APP_ORIGIN}/index.html#/settings`, parent: null };

describe('IPC handlers derived from the contract', () => {
  beforeEach(() => registered.clear());

  it('registers exactly one channel per contract command, and removes them', () => {
    const { engine } = fakeEngine();
    const dispose = registerContractHandlers(engine, [APP_ORIGIN]);
    expect([...registered.keys()].sort()).toEqual(commandNames.map((n) => `mle:command:${n}`).sort());
    dispose();
    expect(registered.size).toBe(0);
  });

  it('answers the app’s own top frame', async () => {
    const { engine } = fakeEngine();
    registerContractHandlers(engine, [APP_ORIGIN]);
    const reply = await registered.get('mle:command:settings.get')!(eventFrom(appFrame), {});
    expect(reply).toEqual({ ok: true, value: DEFAULT_SETTINGS });
  });

  it.each([
    ['another origin', { url: 'https://evil.example/index.html', parent: null }],
    ['a sub-frame of the app', { url: `${APP_ORIGIN}/index.html`, parent: { url: `${APP_ORIGIN}/` } }],
    ['a file:// page', { url: 'file:///home/me/index.html', parent: null }],
    ['a look-alike host', { url: 'app://renderer.evil/index.html', parent: null }],
    ['an unparsable URL', { url: 'not a url', parent: null }],
    ['a destroyed frame', null],
  ])('refuses %s without running the command', async (_label, frame) => {
    const { engine, settingsGet } = fakeEngine();
    registerContractHandlers(engine, [APP_ORIGIN]);
    const reply = await registered.get('mle:command:settings.get')!(eventFrom(frame), {});
    expect(reply).toEqual({
      ok: false,
      error: { code: 'forbidden', message: 'settings.get: refused a message from an untrusted frame' },
    });
    expect(settingsGet).not.toHaveBeenCalled();
  });

  it('validates the payload of a trusted sender', async () => {
    const { engine } = fakeEngine();
    registerContractHandlers(engine, [APP_ORIGIN]);
    const reply = await registered.get('mle:command:settings.update')!(eventFrom(appFrame), {
      theme: 'neon',
    });
    expect(reply).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: expect.stringMatching(/^settings.update: theme/) },
    });
    expect(engine.handlers['settings.update']).not.toHaveBeenCalled();
  });

  it('forwards engine events on their derived channel to live windows only', () => {
    const { engine } = fakeEngine();
    const live = { isDestroyed: () => false, send: vi.fn() };
    const gone = { isDestroyed: () => true, send: vi.fn() };
    const stop = forwardEvents(engine, () => [live, gone] as never);
    engine.events.emit('settings.changed', { settings: DEFAULT_SETTINGS });
    stop();
    engine.events.emit('settings.changed', { settings: DEFAULT_SETTINGS });
    expect(live.send).toHaveBeenCalledTimes(1);
    expect(live.send).toHaveBeenCalledWith('mle:event:settings.changed', { settings: DEFAULT_SETTINGS });
    expect(gone.send).not.toHaveBeenCalled();
  });

  it('sends the app’s own events to one window, checked against the contract first', () => {
    const live = { isDestroyed: () => false, send: vi.fn() };
    sendEvent(live as never, 'app.openRun', { id: 'run-1' });
    expect(live.send).toHaveBeenCalledWith('mle:event:app.openRun', { id: 'run-1' });
    expect(() => sendEvent(live as never, 'app.openRun', { id: '../../etc' })).toThrow(/a run id is/);
    expect(live.send).toHaveBeenCalledTimes(1);
  });
});
