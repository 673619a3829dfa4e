import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dispatch } from '../api/dispatch';
import type { EventMessage } from '../api/contract';
import { useTempDir } from '../testing/temp-dir';
import { PRODUCT } from '../version';
import { createEngine } from './engine';

const offline = async () => ({
  available: false,
  version: null,
  endpoint: 'unix:///none',
  error: 'not here',
});

describe('engine service', () => {
  const temp = useTempDir();

  it('answers app.info with the version, platform and its database', async () => {
    const databasePath = path.join(temp.dir, 'db.sqlite');
    const engine = createEngine({ host: 'cli', databasePath, probeDocker: offline });
    const result = await dispatch(engine.handlers, 'app.info', {});
    expect(result).toMatchObject({
      ok: true,
      value: {
        name: 'mle-beast',
        version: PRODUCT.version,
        host: 'cli',
        databasePath,
        nodeVersion: process.versions.node,
        electronVersion: null,
        docker: { available: false, error: 'not here' },
      },
    });
    engine.close();
  });

  it('persists settings.update, announces it to subscribers, and keeps it after a restart', async () => {
    const databasePath = path.join(temp.dir, 'db.sqlite');
    const engine = createEngine({ host: 'server', databasePath, probeDocker: offline });
    const seen: EventMessage[] = [];
    engine.events.subscribe((m) => seen.push(m));
    const updated = await dispatch(engine.handlers, 'settings.update', { defaultSandbox: 'local' });
    expect(updated.ok).toBe(true);
    expect(seen).toEqual([
      {
        name: 'settings.changed',
        payload: { settings: expect.objectContaining({ defaultSandbox: 'local' }) },
      },
    ]);
    engine.close();

    const restarted = createEngine({ host: 'server', databasePath, probeDocker: offline });
    const settings = await dispatch(restarted.handlers, 'settings.get', {});
    expect(settings).toMatchObject({ ok: true, value: { defaultSandbox: 'local' } });
    // A later update of another field leaves the earlier one alone.
    const next = await dispatch(restarted.handlers, 'settings.update', { theme: 'dark' });
    expect(next).toMatchObject({ ok: true, value: { defaultSandbox: 'local', theme: 'dark' } });
    restarted.close();
  });

  it('keeps other subscribers informed when one of them throws', async () => {
    const engine = createEngine({
      host: 'server',
      databasePath: path.join(temp.dir, 'db.sqlite'),
      probeDocker: offline,
    });
    const received: string[] = [];
    engine.events.subscribe(() => {
      throw new Error('closed window');
    });
    engine.events.subscribe((m) => received.push(m.name));
    await dispatch(engine.handlers, 'settings.update', { theme: 'light' });
    expect(received).toEqual(['settings.changed']);
    engine.close();
  });
});
