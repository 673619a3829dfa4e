import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { DEFAULT_SETTINGS } from '../../engine/api/settings';
import type { ApiError } from '../../engine/api/errors';
import type { SecretsStatus } from '../../engine/api/secrets';
import type { Engine } from '../../engine/service/engine';
import { savedKeysFor } from '../cli/serve';
import { startTestServer, type TestServer } from './testing/test-server';

/**
 * Saved keys through the browser host, over real HTTP on loopback with a real engine and file: the 0600 file,
 * the consent, the refusal beyond loopback, and no key in any response body.
 */

const KEY = 'sk-or-v1-0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c';

async function post(server: TestServer, name: string, body: unknown) {
  const res = await fetch(`${server.server.url}api/command/${name}`, {
    method: 'POST',
    headers: { ...server.bearer, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    text,
    json: JSON.parse(text) as { ok: boolean; value: SecretsStatus; error: ApiError },
  };
}

describe('saved keys in the browser host', () => {
  let server: TestServer | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
  });

  it('serve picks a 0600 file on loopback and no store beyond it, saying why', () => {
    for (const host of ['127.0.0.1', 'localhost', '::1'])
      expect(savedKeysFor(host)).toEqual({ secrets: 'user-file' });
    expect(savedKeysFor('0.0.0.0')).toEqual({
      secretsUnavailable: expect.stringMatching(/^This dashboard is served on 0\.0\.0\.0, beyond loopback/),
    });
  });

  it('on loopback: refused without consent, saved with it in a 0600 file, only the mask comes back', async () => {
    server = await startTestServer(undefined, { secrets: 'user-file', runs: { env: {} } });
    const file = path.join(path.dirname(server.engine.store.path), 'saved-keys.json');

    const status = await post(server, 'secrets.status', {});
    expect(status.json.value).toMatchObject({ backend: 'user-file', needsConsent: true, location: file });

    const refused = await post(server, 'secrets.set', { variable: 'OPENROUTER_API_KEY', value: KEY });
    expect(refused.status).toBe(403);
    expect(refused.json.error.message).toMatch(/needs your agreement/);
    expect(fs.existsSync(file)).toBe(false);

    const saved = await post(server, 'secrets.set', {
      variable: 'OPENROUTER_API_KEY',
      value: KEY,
      allowPlainText: true,
    });
    expect(saved.status).toBe(200);
    expect(saved.json.value.entries[0]).toMatchObject({ saved: true, masked: 'sk-or-v1-...2d3c' });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(file, 'utf8')).toContain(KEY);

    for (const name of ['secrets.status', 'provider.status', 'settings.get', 'app.storage', 'models.list']) {
      const reply = await post(server, name, {});
      expect(reply.text, name).not.toContain(KEY);
    }
    expect(refused.text + saved.text + status.text).not.toContain(KEY);

    const removed = await post(server, 'secrets.delete', { variable: 'OPENROUTER_API_KEY' });
    expect(removed.json.value.entries[0]).toMatchObject({ saved: false, masked: null });
    expect(fs.readFileSync(file, 'utf8')).not.toContain(KEY);
  }, 20_000);

  it('beyond loopback: secrets.set is refused naming the variable and how to set it; nothing is written', async () => {
    server = await startTestServer(undefined, { ...savedKeysFor('0.0.0.0'), runs: { env: {} } });
    const home = path.dirname(server.engine.store.path);
    const status = await post(server, 'secrets.status', {});
    expect(status.json.value).toMatchObject({ backend: 'none', location: null });
    expect(status.json.value.explanation).toMatch(
      /beyond loopback.*Set OPENROUTER_API_KEY or OPENAI_API_KEY in the shell/,
    );
    const refused = await post(server, 'secrets.set', {
      variable: 'OPENAI_API_KEY',
      value: 'sk-proj-ZZZZZZZZZZZZZZZZZZZZZZZZZZZZ',
      allowPlainText: true,
    });
    expect(refused.status).toBe(503);
    expect(refused.json.error.message).toMatch(
      /^OPENAI_API_KEY cannot be saved here: This dashboard is served on 0\.0\.0\.0.*Set OPENAI_API_KEY in the shell that starts mle-beast, or in a \.env file/,
    );
    expect(refused.text).not.toContain('ZZZZZZZZZZZZ');
    expect(fs.readdirSync(home)).not.toContain('saved-keys.json');
  });

  it('a reply that would carry a saved key is withheld (HTTP 500)', async () => {
    const leaky = (engine: Engine): Engine => ({
      ...engine,
      handlers: {
        ...engine.handlers,
        'app.storage': async () => {
          throw new Error(`cannot read ${KEY}`);
        },
      },
      savedKeyValues: engine.savedKeyValues,
    });
    server = await startTestServer(leaky, { secrets: 'user-file', runs: { env: {} } });
    await post(server, 'secrets.set', { variable: 'OPENROUTER_API_KEY', value: KEY, allowPlainText: true });
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const reply = await post(server, 'app.storage', {});
    logged.mockRestore();
    expect(reply.status).toBe(500);
    expect(reply.json.error.message).toBe(
      'app.storage: the reply was withheld because it contained a saved API key (a bug: please report it)',
    );
    expect(reply.text).not.toContain(KEY);
  });

  it('an event holding a saved key is not pushed over the socket; the next one is', async () => {
    server = await startTestServer(undefined, { secrets: 'user-file', runs: { env: {} } });
    await post(server, 'secrets.set', { variable: 'OPENROUTER_API_KEY', value: KEY, allowPlainText: true });
    const ws = new WebSocket(`ws://127.0.0.1:${server.server.port}/api/events`, { headers: server.bearer });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const frames: string[] = [];
    ws.on('message', (data) => frames.push(String(data)));
    server.engine.events.emit('settings.changed', { settings: { ...DEFAULT_SETTINGS, llmModel: KEY } });
    server.engine.events.emit('settings.changed', { settings: { ...DEFAULT_SETTINGS, llmModel: 'after' } });
    await vi.waitFor(() => expect(frames).toHaveLength(1));
    expect(frames[0]).toContain('"llmModel":"after"');
    expect(server.log.join('\n')).toMatch(/an event held a saved API key and was not sent/);
    ws.close();
  });
});
