import { describe, expect, it, vi } from 'vitest';
import { createHostClient, dispatchHost, type HostHandlers } from './host';
import { fail, ok } from './result';

// The host capabilities' two ends without Electron: main's dispatcher and the renderer's client.

const handlers = (): HostHandlers<null> => ({
  pickFolder: vi.fn(async () => ok({ path: '/data/churn' })),
  pickSavePath: vi.fn(async () => ok({ path: null })),
  showItemInFolder: vi.fn(async () => fail({ code: 'not_found' as const, message: 'gone' })),
  openExternal: vi.fn(async () => ok({ opened: true as const })),
  // A handler that breaks its promise: the dispatcher catches the wrong shape.
  checkDroppedPath: vi.fn(async () => ok({ kind: 'maybe' } as never)),
});

describe('dispatchHost', () => {
  it('runs a declared capability with its parsed input', async () => {
    const h = handlers();
    await expect(dispatchHost(h, 'pickFolder', { purpose: 'dataset' }, null)).resolves.toEqual(
      ok({ path: '/data/churn' }),
    );
    expect(h.pickFolder).toHaveBeenCalledWith({ purpose: 'dataset' }, null);
  });

  it('refuses an unknown name and a bad input without running anything', async () => {
    const h = handlers();
    await expect(dispatchHost(h, 'openPath', {}, null)).resolves.toEqual(
      fail({ code: 'unknown_command', message: 'unknown host capability "openPath"' }),
    );
    await expect(dispatchHost(h, 'showItemInFolder', { path: 42 }, null)).resolves.toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: 'showItemInFolder: path: expected a string, got 42' },
    });
    expect(h.showItemInFolder).not.toHaveBeenCalled();
  });

  it('passes a handler’s error value on, and catches a malformed output or a throw', async () => {
    const h = handlers();
    await expect(dispatchHost(h, 'showItemInFolder', { path: '/x' }, null)).resolves.toEqual(
      fail({ code: 'not_found', message: 'gone' }),
    );
    await expect(dispatchHost(h, 'checkDroppedPath', { path: '/x' }, null)).resolves.toMatchObject({
      ok: false,
      error: { code: 'invalid_output', message: expect.stringMatching(/^checkDroppedPath returned kind/) },
    });
    h.openExternal = vi.fn(async () => {
      throw new Error('no browser');
    });
    await expect(dispatchHost(h, 'openExternal', { url: 'https://a.example' }, null)).resolves.toEqual(
      fail({ code: 'internal', message: 'openExternal failed: no browser' }),
    );
  });
});

describe('createHostClient', () => {
  it('parses replies: a value, an error value, a malformed reply, a failed transport', async () => {
    const invoke = vi.fn();
    const client = createHostClient(invoke);
    invoke.mockResolvedValueOnce({ ok: true, value: { kind: 'folder', path: '/d' } });
    await expect(client.call('checkDroppedPath', { path: '/d' })).resolves.toEqual(
      ok({ kind: 'folder', path: '/d' }),
    );
    invoke.mockResolvedValueOnce({ ok: false, error: { code: 'forbidden', message: 'no' } });
    await expect(client.call('openExternal', { url: 'file:///x' })).resolves.toEqual(
      fail({ code: 'forbidden', message: 'no' }),
    );
    invoke.mockResolvedValueOnce({ ok: true, value: { path: 42 } });
    await expect(client.call('pickFolder', { purpose: 'dataset' })).resolves.toMatchObject({
      ok: false,
      error: { code: 'invalid_output' },
    });
    invoke.mockResolvedValueOnce('garbage');
    await expect(client.call('pickFolder', { purpose: 'dataset' })).resolves.toEqual(
      fail({ code: 'invalid_output', message: 'pickFolder: malformed reply from host' }),
    );
    invoke.mockRejectedValueOnce(new Error('unknown host capability'));
    await expect(client.call('pickFolder', { purpose: 'dataset' })).resolves.toEqual(
      fail({ code: 'unavailable', message: 'pickFolder: unknown host capability' }),
    );
  });
});
