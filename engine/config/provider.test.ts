import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../testing/temp-dir';
import { parseDotenv } from './dotenv';
import {
  describeProvider,
  loadProvider,
  maskSecret,
  resolveProvider,
  safeUrl,
  type ProviderInput,
  type ProviderResult,
  type ResolvedProvider,
} from './provider';

const OR_KEY = 'sk-or-v1-1111111111111111111111111111aaaa';
const OA_KEY = 'sk-proj-2222222222222222222222222222bbbb';
const LOCAL_KEY = 'local-secret-3333333333cccc';

function ok(input: ProviderInput): ResolvedProvider {
  const result = resolveProvider(input);
  if (!result.ok) expect.fail(`expected a provider, got: ${result.message}`);
  return result.value;
}

function failure(input: ProviderInput): { message: string; notes: string[] } {
  const result = resolveProvider(input);
  if (result.ok) expect.fail(`expected an error, got ${describeProvider(result.value)}`);
  return result;
}

describe('provider detection (no pin)', () => {
  it('nothing configured: a clear error that says what to set', () => {
    expect(failure({ env: {} }).message).toBe(
      'no LLM provider configured: set OPENROUTER_API_KEY, OPENAI_API_KEY or LOCAL_LLM_BASE_URL (an OpenAI-compatible server) in the shell or in a .env file in the working folder, or choose a provider or save a key in the app\'s Settings (see README, "Choosing a model")',
    );
  });

  it('OpenAI alone', () => {
    const p = ok({ env: { OPENAI_API_KEY: OA_KEY } });
    expect(p).toMatchObject({
      provider: 'openai',
      baseURL: 'https://api.openai.com/v1',
      apiKey: OA_KEY,
      model: 'gpt-5-mini',
      notes: [],
    });
    expect(p.source).toEqual({
      provider: { layer: 'shell', name: 'OPENAI_API_KEY', text: 'detected: OPENAI_API_KEY is set (shell)' },
      baseURL: { layer: 'default', name: null, text: 'built in for openai' },
      apiKey: { layer: 'shell', name: 'OPENAI_API_KEY', text: 'OPENAI_API_KEY=sk-proj-...bbbb (shell)' },
      model: { layer: 'default', name: null, text: 'default for openai (MLE_BEAST_MODEL is not set)' },
    });
  });

  it('OpenRouter before OpenAI', () => {
    const p = ok({ env: { OPENAI_API_KEY: OA_KEY, OPENROUTER_API_KEY: OR_KEY } });
    expect(p).toMatchObject({
      provider: 'openrouter',
      baseURL: 'https://openrouter.ai/api/v1',
      apiKey: OR_KEY,
      model: 'deepseek/deepseek-v4-flash',
    });
  });

  it('a local server before both; a placeholder key and model when none is given', () => {
    const p = ok({ env: { LOCAL_LLM_BASE_URL: 'http://localhost:8000/v1/', OPENROUTER_API_KEY: OR_KEY } });
    expect(p).toMatchObject({
      provider: 'local',
      baseURL: 'http://localhost:8000/v1',
      apiKey: 'not-needed',
      model: 'local-model',
    });
    expect(p.source.apiKey.text).toBe('placeholder "not-needed" (LOCAL_LLM_API_KEY is not set)');
    expect(p.source.model.text).toContain("ask the server's /v1/models");
    const withKey = ok({
      env: {
        LOCAL_LLM_BASE_URL: 'http://gpu:1234/v1',
        LOCAL_LLM_API_KEY: LOCAL_KEY,
        MLE_BEAST_MODEL: 'Qwen/Qwen3-Coder-30B-A3B-Instruct',
      },
    });
    expect(withKey).toMatchObject({ apiKey: LOCAL_KEY, model: 'Qwen/Qwen3-Coder-30B-A3B-Instruct' });
  });

  it('a local URL that is not http(s) is an error', () => {
    expect(failure({ env: { LOCAL_LLM_BASE_URL: 'localhost:8000' } }).message).toBe(
      'LOCAL_LLM_BASE_URL (shell) must be an http:// or https:// URL, got localhost://',
    );
    expect(failure({ env: { LOCAL_LLM_BASE_URL: 'not a url' } }).message).toBe(
      'LOCAL_LLM_BASE_URL (shell) is not a URL: expected e.g. http://localhost:8000/v1',
    );
  });

  it('empty values count as unset', () => {
    const p = ok({ env: { LOCAL_LLM_BASE_URL: '', OPENROUTER_API_KEY: '  ', OPENAI_API_KEY: OA_KEY } });
    expect(p.provider).toBe('openai');
  });
});

describe('MLE_BEAST_PROVIDER pin', () => {
  it('honoured when its credential is set', () => {
    const p = ok({
      env: { MLE_BEAST_PROVIDER: 'OpenAI', OPENROUTER_API_KEY: OR_KEY, OPENAI_API_KEY: OA_KEY },
    });
    expect(p.provider).toBe('openai');
    expect(p.source.provider.text).toBe('pinned by MLE_BEAST_PROVIDER=openai (shell)');
  });

  it('ignored, with a note, when its credential is missing', () => {
    const p = ok({ env: { MLE_BEAST_PROVIDER: 'openai', OPENROUTER_API_KEY: OR_KEY } });
    expect(p.provider).toBe('openrouter');
    expect(p.notes).toEqual([
      'MLE_BEAST_PROVIDER=openai (shell) is ignored: OPENAI_API_KEY is not set; using the first provider configured instead',
    ]);
    const local = ok({ env: { MLE_BEAST_PROVIDER: 'local', OPENAI_API_KEY: OA_KEY } });
    expect(local.provider).toBe('openai');
    expect(local.notes[0]).toContain('LOCAL_LLM_BASE_URL is not set');
  });

  it('the note survives into the "nothing configured" error', () => {
    expect(failure({ env: { MLE_BEAST_PROVIDER: 'openrouter' } }).notes).toEqual([
      'MLE_BEAST_PROVIDER=openrouter (shell) is ignored: OPENROUTER_API_KEY is not set; using the first provider configured instead',
    ]);
  });

  it('an unknown provider is an error with a suggestion', () => {
    expect(failure({ env: { MLE_BEAST_PROVIDER: 'openruter', OPENAI_API_KEY: OA_KEY } }).message).toBe(
      'MLE_BEAST_PROVIDER="openruter" (shell) is not a provider: use local, openrouter or openai. Did you mean "openrouter"?',
    );
  });
});

describe('layers: shell, then .env, then app settings', () => {
  it('.env fills gaps the shell leaves', () => {
    const dotenv = parseDotenv(
      'MLE_BEAST_MODEL=openai/gpt-4o-mini\nOPENAI_API_KEY=sk-from-dotenv-0000000000\n',
    ).values;
    const p = ok({ env: { OPENROUTER_API_KEY: OR_KEY }, dotenv });
    expect(p).toMatchObject({ provider: 'openrouter', model: 'openai/gpt-4o-mini' });
    expect(p.source.model.text).toBe('MLE_BEAST_MODEL=openai/gpt-4o-mini (.env)');
  });

  it('the shell wins over .env, variable by variable', () => {
    const dotenv = {
      MLE_BEAST_MODEL: 'from-dotenv',
      MLE_BEAST_PROVIDER: 'openai',
      OPENAI_API_KEY: OA_KEY,
      OPENROUTER_API_KEY: 'sk-or-dotenv-999999999999',
    };
    const p = ok({
      env: { MLE_BEAST_MODEL: 'from-shell', OPENROUTER_API_KEY: OR_KEY },
      dotenv,
      dotenvName: '/proj/.env',
    });
    expect(p).toMatchObject({ provider: 'openai', model: 'from-shell', apiKey: OA_KEY });
    expect(p.source.provider.text).toBe('pinned by MLE_BEAST_PROVIDER=openai (/proj/.env)');
    const q = ok({ env: { MLE_BEAST_PROVIDER: 'openrouter', OPENROUTER_API_KEY: OR_KEY }, dotenv });
    expect(q).toMatchObject({ provider: 'openrouter', apiKey: OR_KEY });
  });

  it('an empty shell variable does not hide the .env value', () => {
    expect(ok({ env: { OPENAI_API_KEY: '' }, dotenv: { OPENAI_API_KEY: OA_KEY } }).apiKey).toBe(OA_KEY);
  });

  it('app settings alone: what the desktop app uses when started without a shell', () => {
    const p = ok({
      env: {},
      app: { provider: 'openrouter', model: 'anthropic/claude-haiku-4-5', apiKeys: { openrouter: OR_KEY } },
    });
    expect(p).toMatchObject({ provider: 'openrouter', model: 'anthropic/claude-haiku-4-5', apiKey: OR_KEY });
    expect(p.source.apiKey.text).toBe('settings.apiKeys.openrouter=sk-or-v1-...aaaa (app settings)');
    expect(p.source.provider.text).toBe('pinned by settings.provider=openrouter (app settings)');
    const local = ok({ env: {}, app: { localBaseUrl: 'http://127.0.0.1:11434/v1' } });
    expect(local).toMatchObject({ provider: 'local', baseURL: 'http://127.0.0.1:11434/v1' });
  });

  it('.env and the shell win over app settings', () => {
    const app = {
      provider: 'openrouter' as const,
      model: 'app-model',
      apiKeys: { openrouter: 'sk-or-app-44444444444444', openai: 'sk-app-55555555555555' },
    };
    expect(ok({ env: {}, dotenv: { MLE_BEAST_MODEL: 'dotenv-model' }, app }).model).toBe('dotenv-model');
    expect(ok({ env: { OPENROUTER_API_KEY: OR_KEY }, app }).apiKey).toBe(OR_KEY);
    const pinned = ok({ env: { MLE_BEAST_PROVIDER: 'openai' }, app });
    expect(pinned).toMatchObject({
      provider: 'openai',
      apiKey: 'sk-app-55555555555555',
      model: 'gpt-5-mini',
    });
    expect(pinned.notes).toEqual([
      'settings.model=app-model (app settings) is not used: it goes with openrouter, and the provider is openai',
    ]);
  });

  it('a model chosen for another provider is skipped, with a note', () => {
    const p = ok({
      env: { MLE_BEAST_PROVIDER: 'openai', OPENAI_API_KEY: OA_KEY },
      dotenv: { MLE_BEAST_PROVIDER: 'openrouter', MLE_BEAST_MODEL: 'deepseek/deepseek-v4-flash' },
    });
    expect(p.model).toBe('gpt-5-mini');
    expect(p.notes).toEqual([
      'MLE_BEAST_MODEL=deepseek/deepseek-v4-flash (.env) is not used: it goes with openrouter, and the provider is openai',
    ]);
  });
});

describe('secrets never leave apiKey', () => {
  it('maskSecret shows the prefix and the last four characters only', () => {
    expect(maskSecret(OR_KEY)).toBe('sk-or-v1-...aaaa');
    expect(maskSecret(OA_KEY)).toBe('sk-proj-...bbbb');
    expect(maskSecret('sk-abcdefghijklmnop')).toBe('sk-...mnop');
    expect(maskSecret('plainsecretvalue1234')).toBe('...1234');
    expect(maskSecret('short')).toBe('****');
  });

  it('credentials in a URL are masked', () => {
    expect(safeUrl('http://user:pass@gpu:8000/v1')).toBe('http://***:***@gpu:8000/v1');
    expect(safeUrl('http://gpu:8000/v1')).toBe('http://gpu:8000/v1');
    const p = ok({ env: { LOCAL_LLM_BASE_URL: 'http://bob:hunter2hunter2@gpu:8000/v1' } });
    expect(JSON.stringify(p.source)).not.toContain('hunter2');
    expect(describeProvider(p)).not.toContain('hunter2');
  });

  it('no error, note, source or description contains a key, in any scenario', () => {
    const keys = [OR_KEY, OA_KEY, LOCAL_KEY];
    const scenarios: ProviderInput[] = [
      { env: {} },
      { env: { OPENAI_API_KEY: OA_KEY } },
      { env: { OPENROUTER_API_KEY: OR_KEY, OPENAI_API_KEY: OA_KEY } },
      { env: { MLE_BEAST_PROVIDER: 'openai', OPENROUTER_API_KEY: OR_KEY } },
      { env: { MLE_BEAST_PROVIDER: 'nope', OPENROUTER_API_KEY: OR_KEY } },
      // Keys pasted into the wrong variables: still never echoed.
      { env: { MLE_BEAST_PROVIDER: OR_KEY, OPENAI_API_KEY: OA_KEY } },
      { env: { LOCAL_LLM_BASE_URL: OA_KEY, LOCAL_LLM_API_KEY: LOCAL_KEY } },
      { env: { LOCAL_LLM_BASE_URL: `https://${LOCAL_KEY}@host/v1` } },
      { env: { LOCAL_LLM_BASE_URL: 'http://h/v1', LOCAL_LLM_API_KEY: LOCAL_KEY } },
      {
        env: {},
        dotenv: { OPENROUTER_API_KEY: OR_KEY },
        app: { apiKeys: { openai: OA_KEY, local: LOCAL_KEY } },
      },
      { env: {}, app: { provider: 'local', apiKeys: { openrouter: OR_KEY } } },
    ];
    const seen: string[] = [];
    for (const input of scenarios) {
      const result: ProviderResult = resolveProvider(input);
      if (result.ok) {
        // apiKey and baseURL are what the client connects with (a URL may carry user:password on purpose).
        const { apiKey: _key, baseURL: _url, ...rest } = result.value;
        seen.push(JSON.stringify(rest), describeProvider(result.value));
      } else {
        seen.push(result.message, ...result.notes);
      }
    }
    for (const text of seen) for (const key of keys) expect(text).not.toContain(key);
    // And the secrets did get used where they belong.
    expect(ok(scenarios[2]!).apiKey).toBe(OR_KEY);
  });
});

describe('loadProvider: .env in the working folder', () => {
  const tmp = useTempDir('mle-beast-provider-');

  it('reads it, lets the shell win, and reports unreadable lines by number', () => {
    fs.writeFileSync(
      path.join(tmp.dir, '.env'),
      `OPENROUTER_API_KEY=${OR_KEY}\nMLE_BEAST_MODEL=dotenv-model\nthis line is wrong ${OA_KEY}\n`,
    );
    const result = loadProvider({ cwd: tmp.dir, env: { MLE_BEAST_MODEL: 'shell-model' } });
    if (!result.ok) expect.fail(result.message);
    expect(result.value).toMatchObject({ provider: 'openrouter', apiKey: OR_KEY, model: 'shell-model' });
    expect(result.value.source.apiKey.text).toBe(
      `OPENROUTER_API_KEY=sk-or-v1-...aaaa (${path.join(tmp.dir, '.env')})`,
    );
    expect(result.value.notes).toEqual([
      `${path.join(tmp.dir, '.env')}:3: expected NAME=value; line skipped`,
    ]);
  });

  it('no .env and no variables: the error names the file it looked for', () => {
    const result = loadProvider({ cwd: tmp.dir, env: {} });
    if (result.ok) expect.fail('expected an error');
    expect(result.message).toContain(
      `in the shell or in ${path.join(tmp.dir, '.env')}, or choose a provider`,
    );
  });
});
