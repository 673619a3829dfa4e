import { describe, expect, it, vi } from 'vitest';
import { commandNames, commands } from './contract';
import { dispatch, type CommandHandlers } from './dispatch';
import type { SecretsStatus } from './secrets';

/** The secrets commands through `dispatch`, as every host runs them: input checks, and no value echoed. */

const KEY = 'sk-or-v1-0123456789abcdef0123456789abcdef';

const status: SecretsStatus = {
  backend: 'os-keychain',
  needsConsent: false,
  explanation: 'Keys are encrypted with a key your OS keychain holds.',
  location: '/home/me/.config/mle-beast/saved-keys.json',
  error: null,
  entries: [
    {
      variable: 'OPENROUTER_API_KEY',
      provider: 'openrouter',
      saved: true,
      masked: 'sk-or-v1-...cdef',
      overriddenBy: null,
      problem: null,
    },
    {
      variable: 'OPENAI_API_KEY',
      provider: 'openai',
      saved: false,
      masked: null,
      overriddenBy: 'shell',
      problem: null,
    },
  ],
};

function secretHandlers() {
  const set = vi.fn(async () => status);
  const del = vi.fn(async () => status);
  const handlers = {
    'secrets.status': async () => status,
    'secrets.set': set,
    'secrets.delete': del,
  } as unknown as CommandHandlers;
  return { handlers, set, del };
}

describe('secrets commands through dispatch', () => {
  it('has status, set and delete, and no command that reads a key back', () => {
    const names = commandNames.filter((n) => n.startsWith('secrets.'));
    expect(names.sort()).toEqual(['secrets.delete', 'secrets.set', 'secrets.status']);
    // Every output schema of the contract: none has a field meant to carry a saved key's value.
    const outputs = JSON.stringify(commandNames.map((n) => Object.keys(commands[n].output)));
    expect(outputs).not.toMatch(/"(apiKey|secretValue)"/);
  });

  it('hands the handler a trimmed key and returns the status', async () => {
    const { handlers, set } = secretHandlers();
    const result = await dispatch(handlers, 'secrets.set', {
      variable: 'OPENROUTER_API_KEY',
      value: `  ${KEY}\n`,
    });
    expect(result).toEqual({ ok: true, value: status });
    expect(set).toHaveBeenCalledWith({ variable: 'OPENROUTER_API_KEY', value: KEY });
  });

  it('passes the user’s agreement to plain-text storage', async () => {
    const { handlers, set } = secretHandlers();
    await dispatch(handlers, 'secrets.set', { variable: 'OPENAI_API_KEY', value: KEY, allowPlainText: true });
    expect(set).toHaveBeenCalledWith({ variable: 'OPENAI_API_KEY', value: KEY, allowPlainText: true });
  });

  it.each([
    ['an empty key', '   ', 'value: the key is empty: paste the key your provider gave you'],
    [
      'a key with a space inside',
      'sk-or-v1-0123456789 abcdef0123456789',
      'value: the key contains spaces or line breaks: paste only the key, on one line',
    ],
    [
      'two lines',
      `${KEY}\nsecond-line-of-text`,
      'value: the key contains spaces or line breaks: paste only the key, on one line',
    ],
    [
      'the NAME= in front',
      `OPENROUTER_API_KEY=${KEY}`,
      'value: paste only the key itself, without the "NAME=" in front of it',
    ],
    [
      'curly quotes',
      `“${KEY}”`,
      'value: the key contains characters keys never have (quotes from a word processor?): copy it again',
    ],
    [
      'a fragment',
      'sk-or-v1-abc',
      'value: the key is too short to be an API key (16 characters at least): copy it whole',
    ],
    ['a whole file', 'x'.repeat(600), 'value: the key is longer than 512 characters: paste only the key'],
  ])('refuses %s with one message that does not echo it', async (_label, value, message) => {
    const { handlers, set } = secretHandlers();
    const result = await dispatch(handlers, 'secrets.set', { variable: 'OPENROUTER_API_KEY', value });
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'invalid_input',
        message: `secrets.set: ${message}`,
        issues: [{ path: 'value', message: message.slice('value: '.length) }],
      },
    });
    expect(set).not.toHaveBeenCalled();
    const fragment = value.trim().slice(0, 12);
    if (fragment.length > 3) expect(JSON.stringify(result)).not.toContain(fragment);
  });

  it('refuses a variable that is not a key the app keeps, naming the ones it does', async () => {
    const { handlers, set, del } = secretHandlers();
    const result = await dispatch(handlers, 'secrets.set', { variable: 'HOME', value: KEY });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('invalid_input');
    expect(result.error.message).toMatch(/^secrets.set: variable: .*OPENROUTER_API_KEY.*OPENAI_API_KEY/);
    expect(result.error.message).not.toContain(KEY.slice(0, 12));
    expect(await dispatch(handlers, 'secrets.delete', { variable: 'LOCAL_LLM_BASE_URL' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
    expect(set).not.toHaveBeenCalled();
    expect(del).not.toHaveBeenCalled();
  });

  it('refuses extra fields (a "get" smuggled into set) and input to status', async () => {
    const { handlers, set } = secretHandlers();
    expect(
      await dispatch(handlers, 'secrets.set', { variable: 'OPENAI_API_KEY', value: KEY, reveal: true }),
    ).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await dispatch(handlers, 'secrets.status', { variable: 'OPENAI_API_KEY' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
    expect(set).not.toHaveBeenCalled();
  });

  it('refuses a status whose masked form is longer than a mask (a handler leaking a value)', async () => {
    const leaky = {
      ...secretHandlers().handlers,
      'secrets.status': async () => ({
        ...status,
        entries: [{ ...status.entries[0]!, masked: KEY }],
      }),
    } as CommandHandlers;
    const result = await dispatch(leaky, 'secrets.status', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_output' } });
    expect(JSON.stringify(result)).not.toContain(KEY.slice(-12));
  });
});
