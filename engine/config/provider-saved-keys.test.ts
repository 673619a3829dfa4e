import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../testing/temp-dir';
import { providerStatus } from './provider-status';
import { loadProvider, resolveProvider, type ProviderInput, type SavedKeys } from './provider';

/** The keys the app saved (OS keychain, the browser host's file) as a layer of provider resolution. */

const SHELL = 'sk-or-v1-shellshellshellshellshell0001';
const DOTENV = 'sk-or-v1-dotenvdotenvdotenvdotenv0002';
const SAVED = 'sk-or-v1-savedsavedsavedsavedsaved0003';
const SAVED_OPENAI = 'sk-proj-savedsavedsavedsavedsaved0004';
const keychain = (values: SavedKeys['values']): SavedKeys => ({ values, where: 'OS keychain' });

function resolved(input: ProviderInput) {
  const result = resolveProvider(input);
  if (!result.ok) expect.fail(`expected a provider, got: ${result.message}`);
  return result.value;
}

describe('saved keys in provider resolution: shell, then .env, then the keychain, then app settings', () => {
  it.each([
    ['shell beats .env and keychain', { shell: true, dotenv: true }, SHELL, 'shell'],
    ['.env beats the keychain', { shell: false, dotenv: true }, DOTENV, 'dotenv'],
    ['the keychain when neither sets it', { shell: false, dotenv: false }, SAVED, 'keychain'],
  ] as const)('%s', (_label, has, key, layer) => {
    const p = resolved({
      env: has.shell ? { OPENROUTER_API_KEY: SHELL } : {},
      dotenv: has.dotenv ? { OPENROUTER_API_KEY: DOTENV } : {},
      saved: keychain({ OPENROUTER_API_KEY: SAVED }),
    });
    expect(p.provider).toBe('openrouter');
    expect(p.apiKey).toBe(key);
    expect(p.source.apiKey.layer).toBe(layer);
  });

  it('a saved key is described masked, naming the store, and never whole', () => {
    const p = resolved({ env: {}, saved: keychain({ OPENROUTER_API_KEY: SAVED }) });
    expect(p.source.apiKey.text).toBe('OPENROUTER_API_KEY=sk-or-v1-...0003 (saved, OS keychain)');
    expect(p.source.provider.text).toBe('detected: OPENROUTER_API_KEY is set (saved, OS keychain)');
    expect(JSON.stringify({ ...p, apiKey: undefined })).not.toContain(SAVED);
  });

  it('a saved key beats the app settings’ key field, and detection keeps its order', () => {
    const p = resolved({
      env: {},
      saved: keychain({ OPENAI_API_KEY: SAVED_OPENAI }),
      app: { apiKeys: { openai: 'sk-proj-appsettingsappsettings00005' } },
    });
    expect(p.apiKey).toBe(SAVED_OPENAI);
    // OpenRouter comes before OpenAI in detection, whichever layer each key is in.
    const both = resolved({
      env: { OPENAI_API_KEY: 'sk-proj-shellshellshellshell0006' },
      saved: keychain({ OPENROUTER_API_KEY: SAVED }),
    });
    expect(both.provider).toBe('openrouter');
  });

  it('a pinned provider is honoured by a saved key', () => {
    const p = resolved({
      env: { MLE_BEAST_PROVIDER: 'openai', OPENROUTER_API_KEY: SHELL },
      saved: keychain({ OPENAI_API_KEY: SAVED_OPENAI }),
    });
    expect(p.provider).toBe('openai');
    expect(p.apiKey).toBe(SAVED_OPENAI);
  });

  it('only keys come from the store: a saved LOCAL_LLM_BASE_URL or provider is ignored', () => {
    const result = resolveProvider({
      env: {},
      saved: { values: { LOCAL_LLM_BASE_URL: 'http://127.0.0.1:1/v1' } as SavedKeys['values'], where: 'x' },
    });
    expect(result.ok).toBe(false);
  });

  it('an unreadable store is a note, and resolution goes on without it', () => {
    const result = resolveProvider({
      env: { OPENAI_API_KEY: 'sk-proj-shellshellshellshell0006' },
      saved: { values: {}, where: 'OS keychain', problem: 'the saved keys file x cannot be read' },
    });
    expect(result.ok).toBe(true);
    if (result.ok)
      expect(result.value.notes).toEqual(['saved keys not used: the saved keys file x cannot be read']);
  });

  describe('with a real .env file', () => {
    const temp = useTempDir('mle-beast-saved-keys-');
    it('loadProvider and providerStatus read .env before the keychain', () => {
      fs.writeFileSync(path.join(temp.dir, '.env'), `OPENROUTER_API_KEY=${DOTENV}\n`);
      const saved = keychain({ OPENROUTER_API_KEY: SAVED, OPENAI_API_KEY: SAVED_OPENAI });
      const loaded = loadProvider({ cwd: temp.dir, env: {}, saved });
      expect(loaded.ok && loaded.value.apiKey).toBe(DOTENV);
      const status = providerStatus({ cwd: temp.dir, env: {}, saved, app: {} });
      expect(status.credentials).toEqual([
        { provider: 'local', variable: 'LOCAL_LLM_BASE_URL', set: false, source: null },
        { provider: 'openrouter', variable: 'OPENROUTER_API_KEY', set: true, source: 'dotenv' },
        { provider: 'openai', variable: 'OPENAI_API_KEY', set: true, source: 'keychain' },
      ]);
      expect(JSON.stringify(status)).not.toMatch(/saved0003|saved0004|dotenv0002/);
    });
  });
});
