import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../testing/temp-dir';
import { providerStatus } from './provider-status';

describe('providerStatus', () => {
  const temp = useTempDir();

  it('nothing configured: no provider, the error says what to set, every credential unset', () => {
    const status = providerStatus({ cwd: temp.dir, env: {}, app: {} });
    expect(status.resolved).toBeNull();
    expect(status.error).toMatch(/set OPENROUTER_API_KEY, OPENAI_API_KEY or LOCAL_LLM_BASE_URL/);
    expect(status.credentials).toEqual([
      { provider: 'local', variable: 'LOCAL_LLM_BASE_URL', set: false, source: null },
      { provider: 'openrouter', variable: 'OPENROUTER_API_KEY', set: false, source: null },
      { provider: 'openai', variable: 'OPENAI_API_KEY', set: false, source: null },
    ]);
    expect(status.dotenvPath).toBe(path.join(temp.dir, '.env'));
  });

  it('names where each key is set and never carries its value', () => {
    const secret = 'sk-or-v1-0123456789abcdefSECRET';
    fs.writeFileSync(path.join(temp.dir, '.env'), 'OPENAI_API_KEY=sk-proj-abcdefghijklmnopSECRET\n');
    const status = providerStatus({
      cwd: temp.dir,
      env: { OPENROUTER_API_KEY: secret },
      app: { provider: 'openai', model: 'gpt-x' },
    });
    expect(status.resolved).toMatchObject({ provider: 'openai', model: 'gpt-x' });
    expect(status.credentials.filter((c) => c.set)).toEqual([
      { provider: 'openrouter', variable: 'OPENROUTER_API_KEY', set: true, source: 'shell' },
      { provider: 'openai', variable: 'OPENAI_API_KEY', set: true, source: 'dotenv' },
    ]);
    expect(JSON.stringify(status)).not.toMatch(/SECRET|0123456789|abcdefghijklmnop/);
  });

  it('the app settings choose a local server by its address', () => {
    const status = providerStatus({
      cwd: temp.dir,
      env: {},
      app: { provider: 'local', localBaseUrl: 'http://user:pw@127.0.0.1:9/v1', model: 'm' },
    });
    expect(status.resolved).toMatchObject({ provider: 'local', model: 'm' });
    expect(status.resolved?.baseUrl).not.toContain('pw');
    expect(status.credentials[0]).toEqual({
      provider: 'local',
      variable: 'LOCAL_LLM_BASE_URL',
      set: true,
      source: 'app',
    });
  });
});
