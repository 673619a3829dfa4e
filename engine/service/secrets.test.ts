import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EventMessage } from '../api/contract';
import { dispatch } from '../api/dispatch';
import type { SecretsStatus } from '../api/secrets';
import { useTempDir } from '../testing/temp-dir';
import { createEngine, type EngineOptions } from './engine';
import { USER_SECRET_FILE } from './secret-file';

/**
 * The secrets commands on a real engine (real SQLite) with the browser host's store: a real file, mode 0600,
 * in the engine's home. What a user of `mle-beast serve` on loopback gets.
 */

const offline = async () => ({ available: false, version: null, endpoint: 'unix:///none', error: 'none' });
const KEY = 'sk-or-v1-4f2a9c0e1b7d3a5f6e8c0b2d4f6a8c0e2b4d6f8a0c2e4b6d';
const OPENAI_KEY = 'sk-proj-Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0Fe';

const on = (value: unknown): SecretsStatus => {
  const result = value as { ok: boolean; value?: SecretsStatus; error?: unknown };
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.error)}`);
  return result.value!;
};

describe('secrets commands on a real engine', () => {
  const temp = useTempDir();
  const engineWith = (options: Partial<EngineOptions> & { env?: NodeJS.ProcessEnv } = {}) => {
    const { env, ...rest } = options;
    return createEngine({
      host: 'server',
      databasePath: path.join(temp.dir, 'db.sqlite'),
      probeDocker: offline,
      // No key in the shell unless a test puts one there (the machine's own variables must not leak in).
      runs: { env: env ?? { PATH: process.env.PATH } },
      ...rest,
    });
  };

  it('says where keys go before any is saved, and that storing needs agreement', async () => {
    const engine = engineWith({ secrets: 'user-file' });
    const status = on(await dispatch(engine.handlers, 'secrets.status', {}));
    expect(status).toMatchObject({
      backend: 'user-file',
      needsConsent: true,
      location: path.join(temp.dir, USER_SECRET_FILE),
      error: null,
    });
    expect(status.explanation).toMatch(/plain text/);
    expect(status.explanation).toMatch(/0600/);
    expect(status.explanation).toMatch(/OPENROUTER_API_KEY/);
    expect(status.explanation).toMatch(/\.env/);
    expect(status.entries.map((e) => [e.variable, e.saved])).toEqual([
      ['OPENROUTER_API_KEY', false],
      ['OPENAI_API_KEY', false],
    ]);
    await engine.close();
  });

  it('refuses to store without the user’s agreement, writing nothing', async () => {
    const engine = engineWith({ secrets: 'user-file' });
    const result = await dispatch(engine.handlers, 'secrets.set', {
      variable: 'OPENROUTER_API_KEY',
      value: KEY,
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    if (result.ok) return;
    expect(result.error.message).toMatch(/^OPENROUTER_API_KEY was not saved: .*needs your agreement/);
    expect(result.error.message).toMatch(/set OPENROUTER_API_KEY in the shell/);
    expect(fs.existsSync(path.join(temp.dir, USER_SECRET_FILE))).toBe(false);
    await engine.close();
  });

  it('saves with agreement in a 0600 file, shows only the mask, announces it, and feeds provider resolution', async () => {
    const engine = engineWith({ secrets: 'user-file' });
    const seen: EventMessage[] = [];
    engine.events.subscribe((m) => seen.push(m));
    const saved = on(
      await dispatch(engine.handlers, 'secrets.set', {
        variable: 'OPENROUTER_API_KEY',
        value: ` ${KEY} `,
        allowPlainText: true,
      }),
    );
    expect(saved.entries[0]).toEqual({
      variable: 'OPENROUTER_API_KEY',
      provider: 'openrouter',
      saved: true,
      masked: 'sk-or-v1-...4b6d',
      overriddenBy: null,
      problem: null,
    });
    const file = path.join(temp.dir, USER_SECRET_FILE);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({
      format: 'mle-beast-saved-keys',
      values: { OPENROUTER_API_KEY: `v1:plain:${KEY}` },
    });
    expect(seen.map((m) => m.name)).toEqual(['secrets.changed']);
    expect(JSON.stringify(seen)).not.toContain(KEY);

    const provider = await dispatch(engine.handlers, 'provider.status', {});
    expect(provider).toMatchObject({
      ok: true,
      value: {
        resolved: { provider: 'openrouter', providerReason: expect.stringContaining('OPENROUTER_API_KEY') },
        credentials: expect.arrayContaining([
          { provider: 'openrouter', variable: 'OPENROUTER_API_KEY', set: true, source: 'keychain' },
        ]),
      },
    });
    expect(JSON.stringify(provider)).not.toContain(KEY);
    await engine.close();

    // A restarted host reads the same file.
    const again = engineWith({ secrets: 'user-file' });
    expect(on(await dispatch(again.handlers, 'secrets.status', {})).entries[0]!.masked).toBe(
      'sk-or-v1-...4b6d',
    );
    await again.close();
  });

  it('says when the shell overrides a saved key, and the shell’s key is the one used', async () => {
    const engine = engineWith({ secrets: 'user-file', env: { OPENAI_API_KEY: OPENAI_KEY } });
    await dispatch(engine.handlers, 'secrets.set', {
      variable: 'OPENAI_API_KEY',
      value: 'sk-proj-SAVEDsavedSAVEDsaved0000',
      allowPlainText: true,
    });
    const status = on(await dispatch(engine.handlers, 'secrets.status', {}));
    expect(status.entries[1]).toMatchObject({
      variable: 'OPENAI_API_KEY',
      saved: true,
      overriddenBy: 'shell',
    });
    const provider = await dispatch(engine.handlers, 'provider.status', {});
    expect(provider).toMatchObject({
      ok: true,
      value: {
        credentials: expect.arrayContaining([
          expect.objectContaining({ provider: 'openai', source: 'shell' }),
        ]),
      },
    });
    await engine.close();
  });

  it('deletes a saved key and keeps the other', async () => {
    const engine = engineWith({ secrets: 'user-file' });
    for (const [variable, value] of [
      ['OPENROUTER_API_KEY', KEY],
      ['OPENAI_API_KEY', OPENAI_KEY],
    ] as const)
      on(await dispatch(engine.handlers, 'secrets.set', { variable, value, allowPlainText: true }));
    const after = on(await dispatch(engine.handlers, 'secrets.delete', { variable: 'OPENROUTER_API_KEY' }));
    expect(after.entries.map((e) => [e.variable, e.saved, e.masked])).toEqual([
      ['OPENROUTER_API_KEY', false, null],
      ['OPENAI_API_KEY', true, 'sk-proj-...g0Fe'],
    ]);
    const text = fs.readFileSync(path.join(temp.dir, USER_SECRET_FILE), 'utf8');
    expect(text).not.toContain(KEY);
    expect(text).toContain(OPENAI_KEY);
    await engine.close();
  });

  it('without a store: says why and how to set the variable, and refuses to save', async () => {
    const engine = engineWith({
      secretsUnavailable:
        'This dashboard is served on 0.0.0.0, not loopback: keys are not accepted over the network.',
    });
    const status = on(await dispatch(engine.handlers, 'secrets.status', {}));
    expect(status).toMatchObject({ backend: 'none', needsConsent: false, location: null });
    expect(status.explanation).toMatch(/not loopback.*Set OPENROUTER_API_KEY or OPENAI_API_KEY in the shell/);
    const result = await dispatch(engine.handlers, 'secrets.set', {
      variable: 'OPENAI_API_KEY',
      value: OPENAI_KEY,
      allowPlainText: true,
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    if (!result.ok)
      expect(result.error.message).toMatch(
        /^OPENAI_API_KEY cannot be saved here: This dashboard is served on 0\.0\.0\.0.*Set OPENAI_API_KEY in the shell/,
      );
    expect(fs.readdirSync(temp.dir)).not.toContain(USER_SECRET_FILE);
    await engine.close();
  });

  it('a damaged keys file: status says so, saving and deleting are refused, the file is left as it was', async () => {
    const file = path.join(temp.dir, USER_SECRET_FILE);
    fs.writeFileSync(file, '{"format": "mle-beast-saved-keys", "values": {"OPENROUTER_API_KEY": "v1:pla', {
      mode: 0o600,
    });
    const before = fs.readFileSync(file, 'utf8');
    const engine = engineWith({ secrets: 'user-file' });
    const status = on(await dispatch(engine.handlers, 'secrets.status', {}));
    expect(status.error).toMatch(
      /saved keys file .*saved-keys\.json cannot be read \(it is not valid JSON\)/,
    );
    expect(status.error).toMatch(/left as it is/);
    const set = await dispatch(engine.handlers, 'secrets.set', {
      variable: 'OPENAI_API_KEY',
      value: OPENAI_KEY,
      allowPlainText: true,
    });
    expect(set).toMatchObject({ ok: false, error: { code: 'unavailable', message: status.error } });
    const del = await dispatch(engine.handlers, 'secrets.delete', { variable: 'OPENROUTER_API_KEY' });
    expect(del).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
    // Resolution goes on without saved keys, and says why.
    const provider = await dispatch(engine.handlers, 'provider.status', {});
    expect(provider).toMatchObject({
      ok: true,
      value: { resolved: null, notes: [expect.stringMatching(/^saved keys not used: the saved keys file/)] },
    });
    await engine.close();
  });
});
