import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { dispatch } from '../../engine/api/dispatch';
import { EngineError } from '../../engine/api/errors';
import { useTempDir } from '../../engine/testing/temp-dir';

/**
 * The desktop app's key store over a mocked Electron safeStorage (no Electron binary here): what each OS
 * keychain situation means for saving, the file it writes, and what happens to a file it cannot read.
 */

const safe = {
  available: true,
  backend: 'gnome_libsecret' as string,
  /** A stand-in cipher: reversible, and the plaintext does not appear in its output. */
  encryptString: vi.fn((s: string) => Buffer.from(`enc(${Buffer.from(s).toString('hex')})`)),
  decryptString: vi.fn((b: Buffer) => {
    const m = /^enc\(([0-9a-f]*)\)$/.exec(b.toString());
    if (!m) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
    return Buffer.from(m[1]!, 'hex').toString();
  }),
};

vi.mock('electron', () => ({
  safeStorage: {
    isEncryptionAvailable: () => safe.available,
    getSelectedStorageBackend: () => safe.backend,
    encryptString: (s: string) => safe.encryptString(s),
    decryptString: (b: Buffer) => safe.decryptString(b),
  },
}));

const { createKeychainStore, KEYCHAIN_FILE } = await import('./keychain');
const { createEngine } = await import('../../engine/service/engine');

const KEY = 'sk-or-v1-9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c';
const OPENAI_KEY = 'sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz012345';

const refusal = (fn: () => unknown): EngineError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof EngineError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
};

describe('the keychain store (Electron safeStorage, mocked)', () => {
  const temp = useTempDir('mle-beast-keychain-');
  const file = () => path.join(temp.dir, KEYCHAIN_FILE);
  beforeEach(() => {
    safe.available = true;
    safe.backend = process.platform === 'linux' ? 'gnome_libsecret' : 'unknown';
    safe.encryptString.mockClear();
    safe.decryptString.mockClear();
  });

  it('with a keychain: encrypts, writes the value behind its format version, and reads it back', () => {
    const store = createKeychainStore(temp.dir);
    expect(store.info()).toMatchObject({ backend: 'os-keychain', needsConsent: false, location: file() });
    store.set('OPENROUTER_API_KEY', KEY, { allowPlainText: false });
    expect(safe.encryptString).toHaveBeenCalledWith(KEY);
    const text = fs.readFileSync(file(), 'utf8');
    expect(text).not.toContain(KEY);
    const saved = JSON.parse(text) as { format: string; values: Record<string, string> };
    expect(saved.format).toBe('mle-beast-saved-keys');
    expect(saved.values.OPENROUTER_API_KEY).toMatch(/^v1:safe:[A-Za-z0-9+/]+=*$/);
    expect(fs.statSync(file()).mode & 0o777).toBe(0o600);
    expect(createKeychainStore(temp.dir).read()).toEqual({
      values: { OPENROUTER_API_KEY: KEY },
      problems: {},
    });
  });

  it.runIf(process.platform === 'linux')(
    'basic_text (no keychain service on Linux): refused without consent, nothing written',
    () => {
      safe.backend = 'basic_text';
      const store = createKeychainStore(temp.dir);
      const info = store.info();
      expect(info).toMatchObject({ backend: 'plain-text', needsConsent: true });
      expect(info.explanation).toMatch(/No keychain service .* as good as plain text/);
      const error = refusal(() => store.set('OPENROUTER_API_KEY', KEY, { allowPlainText: false }));
      expect(error.code).toBe('forbidden');
      expect(error.message).toMatch(/^OPENROUTER_API_KEY was not saved: No keychain service/);
      expect(error.message).toMatch(/needs your agreement .*set OPENROUTER_API_KEY in the shell/);
      expect(error.message).not.toContain(KEY);
      expect(fs.existsSync(file())).toBe(false);
      expect(safe.encryptString).not.toHaveBeenCalled();
    },
  );

  it.runIf(process.platform === 'linux')('basic_text with consent: stored, still behind v1:', () => {
    safe.backend = 'basic_text';
    const store = createKeychainStore(temp.dir);
    store.set('OPENROUTER_API_KEY', KEY, { allowPlainText: true });
    expect(JSON.parse(fs.readFileSync(file(), 'utf8')).values.OPENROUTER_API_KEY).toMatch(/^v1:safe:/);
    expect(store.read().values.OPENROUTER_API_KEY).toBe(KEY);
  });

  it('no encryption at all: refused without consent; with it, kept as marked plain text', () => {
    safe.available = false;
    const store = createKeychainStore(temp.dir);
    expect(store.info()).toMatchObject({ backend: 'plain-text', needsConsent: true });
    expect(store.info().explanation).toMatch(/no keychain to encrypt keys with.*plain text/);
    expect(refusal(() => store.set('OPENAI_API_KEY', OPENAI_KEY, { allowPlainText: false })).code).toBe(
      'forbidden',
    );
    expect(fs.existsSync(file())).toBe(false);
    store.set('OPENAI_API_KEY', OPENAI_KEY, { allowPlainText: true });
    expect(JSON.parse(fs.readFileSync(file(), 'utf8')).values).toEqual({
      OPENAI_API_KEY: `v1:plain:${OPENAI_KEY}`,
    });
    expect(store.read().values.OPENAI_API_KEY).toBe(OPENAI_KEY);
  });

  it.each([
    ['not JSON', '{"format":"mle-beast-saved-keys","values":{"OPENROUTER_API_KEY":"v1:saf', /not valid JSON/],
    ['another format', '{"format":"something-else","values":{}}', /"format" is "something-else"/],
    ['values not an object', '{"format":"mle-beast-saved-keys","values":[1]}', /"values" is not an object/],
    [
      'a value not a string',
      '{"format":"mle-beast-saved-keys","values":{"X":1}}',
      /value of X is not a string/,
    ],
  ])(
    'a damaged file (%s): a clear error, saving and deleting refused, the file untouched',
    (_l, text, reason) => {
      fs.writeFileSync(file(), text, { mode: 0o600 });
      const store = createKeychainStore(temp.dir);
      const read = refusal(() => store.read());
      expect(read.code).toBe('unavailable');
      expect(read.message).toMatch(
        new RegExp(`^the saved keys file ${file().replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} cannot be read`),
      );
      expect(read.message).toMatch(reason);
      expect(read.message).toMatch(/left as it is and nothing was changed: move it away/);
      expect(refusal(() => store.set('OPENAI_API_KEY', OPENAI_KEY, { allowPlainText: true })).message).toBe(
        read.message,
      );
      expect(refusal(() => store.delete('OPENROUTER_API_KEY')).message).toBe(read.message);
      expect(fs.readFileSync(file(), 'utf8')).toBe(text);
    },
  );

  it('a value of an unknown version or that cannot be decrypted: reported, and kept when another key is saved', () => {
    const foreign = 'v2:xchacha:QUJD';
    const undecryptable = `v1:safe:${Buffer.from('garbage').toString('base64')}`;
    fs.writeFileSync(
      file(),
      JSON.stringify({
        format: 'mle-beast-saved-keys',
        values: { OPENROUTER_API_KEY: foreign, OPENAI_API_KEY: undecryptable, FUTURE_KEY: 'v3:x' },
      }),
      { mode: 0o600 },
    );
    const store = createKeychainStore(temp.dir);
    const read = store.read();
    expect(read.values).toEqual({});
    expect(read.problems.OPENROUTER_API_KEY).toBe(
      'saved in a format this version cannot read ("v2"); it is kept: save the key again to replace it',
    );
    expect(read.problems.OPENAI_API_KEY).toMatch(
      /^cannot be read: it cannot be decrypted \(saved on another machine/,
    );
    // Replacing one key keeps the other unreadable one, and the variable this version does not know.
    store.set('OPENAI_API_KEY', OPENAI_KEY, { allowPlainText: false });
    const values = JSON.parse(fs.readFileSync(file(), 'utf8')).values as Record<string, string>;
    expect(values.OPENROUTER_API_KEY).toBe(foreign);
    expect(values.FUTURE_KEY).toBe('v3:x');
    expect(values.OPENAI_API_KEY).toMatch(/^v1:safe:/);
  });

  it('a saved key cannot be decrypted while the keychain is unreachable: said, and kept', () => {
    const store = createKeychainStore(temp.dir);
    store.set('OPENROUTER_API_KEY', KEY, { allowPlainText: false });
    safe.available = false;
    const again = createKeychainStore(temp.dir);
    expect(again.read().problems.OPENROUTER_API_KEY).toMatch(/OS keychain cannot be reached now/);
    expect(JSON.parse(fs.readFileSync(file(), 'utf8')).values.OPENROUTER_API_KEY).toMatch(/^v1:safe:/);
  });

  it('through a real engine: secrets.set saves, secrets.status shows the mask, provider.status says keychain', async () => {
    const engine = createEngine({
      host: 'electron',
      databasePath: path.join(temp.dir, 'db.sqlite'),
      probeDocker: async () => ({ available: false, version: null, endpoint: 'unix:///none', error: 'none' }),
      runs: { env: {} },
      secrets: createKeychainStore(temp.dir),
    });
    const set = await dispatch(engine.handlers, 'secrets.set', {
      variable: 'OPENROUTER_API_KEY',
      value: KEY,
    });
    expect(set).toMatchObject({
      ok: true,
      value: {
        backend: 'os-keychain',
        entries: [
          { variable: 'OPENROUTER_API_KEY', saved: true, masked: 'sk-or-v1-...1d0c' },
          { saved: false },
        ],
      },
    });
    const provider = await dispatch(engine.handlers, 'provider.status', {});
    expect(provider).toMatchObject({
      ok: true,
      value: {
        resolved: {
          provider: 'openrouter',
          providerReason: 'detected: OPENROUTER_API_KEY is set (saved, OS keychain)',
        },
      },
    });
    expect(engine.savedKeyValues()).toEqual([KEY]);
    const removed = await dispatch(engine.handlers, 'secrets.delete', { variable: 'OPENROUTER_API_KEY' });
    expect(removed).toMatchObject({ ok: true, value: { entries: [{ saved: false }, { saved: false }] } });
    expect(engine.savedKeyValues()).toEqual([]);
    await engine.close();
  });
});
