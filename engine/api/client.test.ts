import { describe, expect, it, vi } from 'vitest';
import { ApiCallError, createApiClient, createValidatingClient, type Transport } from './client';
import { contractValidator } from './validate';
import { DEFAULT_SETTINGS } from './settings';

function transport(reply: unknown): Transport & { emit(event: string, payload: unknown): void } {
  const listeners = new Set<(event: string, payload: unknown) => void>();
  return {
    invoke: async () => reply,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit: (event, payload) => listeners.forEach((l) => l(event, payload)),
  };
}

describe('api client', () => {
  it('returns a validated value', async () => {
    const client = createApiClient(transport({ ok: true, value: DEFAULT_SETTINGS }));
    await expect(client.call('settings.get', {})).resolves.toEqual(DEFAULT_SETTINGS);
  });

  it('throws the host error as an ApiCallError', async () => {
    const client = createApiClient(
      transport({ ok: false, error: { code: 'invalid_input', message: 'bad' } }),
    );
    const error = await client.call('settings.get', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiCallError);
    expect((error as ApiCallError).error).toEqual({ code: 'invalid_input', message: 'bad' });
  });

  it('refuses replies that are malformed or break the contract', async () => {
    await expect(createApiClient(transport('<html>')).call('settings.get', {})).rejects.toThrow(
      /malformed reply/,
    );
    const wrong = createApiClient(transport({ ok: true, value: { ...DEFAULT_SETTINGS, theme: 'neon' } }));
    await expect(wrong.call('settings.get', {})).rejects.toThrow(/settings.get: theme/);
  });

  it('delivers valid events by name, drops malformed ones, and unsubscribes', () => {
    const t = transport(null);
    const client = createApiClient(t);
    const seen = vi.fn();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const off = client.on('settings.changed', seen);
    t.emit('settings.changed', { settings: DEFAULT_SETTINGS });
    t.emit('settings.changed', { settings: { theme: 42 } });
    t.emit('other.event', { settings: DEFAULT_SETTINGS });
    off();
    t.emit('settings.changed', { settings: DEFAULT_SETTINGS });
    expect(seen).toHaveBeenCalledTimes(1);
    expect(seen).toHaveBeenCalledWith({ settings: DEFAULT_SETTINGS });
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/dropped malformed settings.changed/));
    warn.mockRestore();
  });

  it('hands a run.event listener each event of a batch, in order, and refuses a batch with a gap', () => {
    const t = transport(null);
    const client = createApiClient(t);
    const seen: number[] = [];
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    client.on('run.event', (e) => seen.push(e.seq));
    const event = (seq: number) => ({
      runId: 'r1',
      seq,
      at: '2026-12-07T12:00:00.000Z',
      body: { type: 'log', stage: 'training', source: 'training', stream: 'stdout', text: `line ${seq}` },
    });
    t.emit('run.event', event(1));
    t.emit('run.events', { runId: 'r1', events: [event(2), event(3), event(4)] });
    t.emit('run.event', event(5));
    t.emit('run.events', { runId: 'r1', events: [event(6), event(8)] });
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/dropped malformed run.events/));
    warn.mockRestore();
  });
});

describe('api client with checks loaded on first need (the renderer)', () => {
  const event = (seq: number) => ({
    runId: 'r1',
    seq,
    at: '2026-12-07T12:00:00.000Z',
    body: { type: 'log', stage: 'training', source: 'training', stream: 'stdout', text: `line ${seq}` },
  });

  it('loads the checks once, on the first call, and still refuses a reply that breaks the contract', async () => {
    const load = vi.fn(async () => contractValidator);
    const good = createValidatingClient(transport({ ok: true, value: DEFAULT_SETTINGS }), load);
    expect(load).not.toHaveBeenCalled();
    await expect(good.call('settings.get', {})).resolves.toEqual(DEFAULT_SETTINGS);
    await expect(good.call('settings.get', {})).resolves.toEqual(DEFAULT_SETTINGS);
    expect(load).toHaveBeenCalledTimes(1);
    const wrong = createValidatingClient(
      transport({ ok: true, value: { ...DEFAULT_SETTINGS, theme: 'neon' } }),
      async () => contractValidator,
    );
    await expect(wrong.call('settings.get', {})).rejects.toThrow(/settings.get: theme/);
  });

  it('holds events that come before the checks load and hands them over checked, in order', async () => {
    const t = transport(null);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const client = createValidatingClient(t, async () => (await gate, contractValidator));
    const seen: number[] = [];
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    client.on('run.event', (e) => seen.push(e.seq));
    t.emit('run.event', event(1));
    t.emit('run.events', { runId: 'r1', events: [event(2), event(3)] });
    t.emit('run.event', { ...event(4), seq: 'four' });
    expect(seen).toEqual([]);
    release();
    await vi.waitFor(() => expect(seen).toEqual([1, 2, 3]));
    t.emit('run.event', event(5));
    expect(seen).toEqual([1, 2, 3, 5]); // once loaded, at once, as the eager client does
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/dropped malformed run.event/));
    warn.mockRestore();
  });

  it('keeps events when the checks fail to load and tries again with the next event', async () => {
    const t = transport(null);
    let attempts = 0;
    const client = createValidatingClient(t, async () => {
      if (++attempts === 1) throw new Error('chunk did not arrive');
      return contractValidator;
    });
    const seen: number[] = [];
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    client.on('run.event', (e) => seen.push(e.seq));
    t.emit('run.event', event(1));
    await vi.waitFor(() => expect(warn).toHaveBeenCalledWith(expect.stringMatching(/did not load/)));
    t.emit('run.event', event(2));
    await vi.waitFor(() => expect(seen).toEqual([1, 2]));
    expect(attempts).toBe(2);
    warn.mockRestore();
  });

  it('hands nothing over after unsubscribing, even events that waited for the checks', async () => {
    const t = transport(null);
    const client = createValidatingClient(t, async () => contractValidator);
    const seen = vi.fn();
    const off = client.on('settings.changed', seen);
    t.emit('settings.changed', { settings: DEFAULT_SETTINGS });
    off();
    await client.call('settings.get', {}).catch(() => undefined); // the checks have loaded by now
    await new Promise((r) => setTimeout(r, 0));
    expect(seen).not.toHaveBeenCalled();
  });
});
