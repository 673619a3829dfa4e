import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { createEngine, type Engine } from '../../engine/service/engine';
import { daemon } from '../../engine/testing/docker';
import { makeTempDir } from '../../engine/testing/temp-dir';
import { startServer, type RunningServer } from './http-server';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Raw HTTP, so the test controls every header (fetch would not let it forge Host). */
function request(
  port: number,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string },
) {
  return new Promise<Reply>((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: options.headers,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('browser host (mle-beast serve)', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let engine: Engine;
  let server: RunningServer;
  let bearer: Record<string, string>;
  /** POSTs a contract command with the token. */
  const command = (name: string, body?: string, headers: Record<string, string> = {}) =>
    request(server.port, {
      method: 'POST',
      path: `/api/command/${name}`,
      headers: { ...bearer, ...headers },
      body,
    });

  beforeAll(async () => {
    temp = makeTempDir();
    const rendererDir = path.join(temp.dir, 'renderer');
    fs.mkdirSync(rendererDir);
    fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>mle-beast</title>');
    fs.writeFileSync(path.join(temp.dir, 'private.txt'), 'not for the web');
    engine = createEngine({
      host: 'server',
      databasePath: path.join(temp.dir, 'db.sqlite'),
      probeDocker: async () => ({ available: false, version: null, endpoint: 'unix:///none', error: 'none' }),
    });
    server = await startServer({ engine, host: '127.0.0.1', port: 0, rendererDir });
    bearer = { Authorization: `Bearer ${server.token}` };
  });
  afterAll(async () => {
    await server.close();
    engine.close();
    temp.cleanup();
  });

  it('prints a loopback URL carrying a long random token', () => {
    expect(server.urlWithToken).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    expect(server.token.length).toBeGreaterThanOrEqual(32);
  });

  it('answers 401 to any request without the token', async () => {
    for (const [method, p] of [
      ['GET', '/'],
      ['GET', '/index.html'],
      ['POST', '/api/command/app.info'],
      ['GET', '/anything'],
    ] as const) {
      const reply = await request(server.port, { method, path: p });
      expect(reply.status, `${method} ${p}`).toBe(401);
      expect(reply.body).toMatch(/missing or wrong token/);
    }
    const wrong = await request(server.port, { path: '/?token=nope' });
    expect(wrong.status).toBe(401);
    const wrongCookie = await request(server.port, {
      path: '/',
      headers: { Cookie: `mle_beast_token_${server.port}=nope` },
    });
    expect(wrongCookie.status).toBe(401);
  });

  it('trades the token in the URL for an HttpOnly cookie and serves the page with a CSP', async () => {
    const first = await request(server.port, { path: `/?token=${server.token}` });
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/');
    const cookie = first.headers['set-cookie']?.[0] ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const page = await request(server.port, { path: '/', headers: { Cookie: cookie.split(';')[0]! } });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>mle-beast</title>');
    expect(page.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
  });

  it('runs contract commands with the token and returns error values for bad input', async () => {
    const info = await command('app.info', '{}');
    expect(info.status).toBe(200);
    expect(JSON.parse(info.body)).toMatchObject({
      ok: true,
      value: { host: 'server', version: expect.any(String) },
    });

    const bad = await command('settings.update', '{"defaultMaxSteps":"high"}');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error.message).toBe(
      'settings.update: defaultMaxSteps: expected a number, got "high"',
    );

    const notJson = await command('settings.update', '{');
    expect(notJson.status).toBe(400);
    expect(JSON.parse(notJson.body).error.message).toMatch(/not valid JSON/);

    const unknown = await command('runs.nuke', '{}');
    expect(unknown.status).toBe(404);

    const get = await request(server.port, { path: '/api/command/app.info', headers: bearer });
    expect(get.status).toBe(405);

    const huge = await command('settings.update', JSON.stringify({ theme: 'x'.repeat(2 * 1024 * 1024) }));
    expect(huge.status).toBe(413);
    expect(JSON.parse(huge.body).error.message).toMatch(/larger than 1048576 bytes/);
  });

  it('refuses a foreign Origin even with a valid token, and a forged Host', async () => {
    const foreign = await request(server.port, {
      method: 'POST',
      path: '/api/command/settings.update',
      headers: { ...bearer, Origin: 'http://evil.example' },
      body: '{"theme":"dark"}',
    });
    expect(foreign.status).toBe(403);
    const settings = await request(server.port, {
      method: 'POST',
      path: '/api/command/settings.get',
      headers: bearer,
    });
    expect(JSON.parse(settings.body).value.theme).toBe('system');

    const sameOrigin = await request(server.port, {
      method: 'POST',
      path: '/api/command/settings.get',
      headers: { ...bearer, Origin: `http://127.0.0.1:${server.port}` },
    });
    expect(sameOrigin.status).toBe(200);

    const rebound = await request(server.port, {
      path: '/',
      headers: { ...bearer, Host: `evil.example:${server.port}` },
    });
    expect(rebound.status).toBe(403);
  });

  it('serves nothing outside the renderer folder', async () => {
    for (const p of ['/../private.txt', '/%2e%2e/private.txt', '/..%2fprivate.txt']) {
      const reply = await request(server.port, { path: p, headers: bearer });
      expect(reply.status, p).toBe(404);
      expect(reply.body).not.toContain('not for the web');
    }
  });

  it('refuses event sockets without the token or from a foreign origin', async () => {
    const attempt = (headers: Record<string, string>, query = '') =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/events${query}`, { headers });
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('open', () => {
          ws.close();
          resolve(101);
        });
        ws.on('error', () => {});
      });
    expect(await attempt({})).toBe(401);
    expect(await attempt({}, '?token=wrong')).toBe(401);
    expect(await attempt({ ...bearer, Origin: 'http://evil.example' })).toBe(403);
    expect(await attempt({}, `?token=${server.token}`)).toBe(101);
  });

  it('pushes engine events to an authenticated socket', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/events`, { headers: bearer });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const message = new Promise<unknown>((resolve) =>
      ws.once('message', (data) => resolve(JSON.parse(String(data)))),
    );
    await command('settings.update', '{"forceCpu":true}');
    expect(await message).toMatchObject({
      name: 'settings.changed',
      payload: { settings: { forceCpu: true } },
    });
    ws.close();
  });

  it.skipIf(!daemon.available)(
    'pushes the progress and the end of a sandbox image build started over HTTP',
    async () => {
      // A tiny recipe that fails in the daemon (FROM scratch has no shell for RUN): the real builder, in a second.
      const recipe = path.join(temp.dir, 'recipe');
      fs.mkdirSync(recipe, { recursive: true });
      fs.writeFileSync(path.join(recipe, 'Dockerfile'), 'FROM scratch\nRUN true\n');
      vi.stubEnv('MLE_BEAST_SANDBOX_RESOURCES', recipe);
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/events`, { headers: bearer });
      await new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
      });
      const names: string[] = [];
      const finished = new Promise<{ payload: Record<string, unknown> }>((resolve) =>
        ws.on('message', (data) => {
          const message = JSON.parse(String(data));
          names.push(message.name);
          if (message.name === 'sandbox.build.finished') resolve(message);
        }),
      );
      try {
        const tag = `mle-beast-contract-test:ws-${process.pid}`;
        const started = await command('sandbox.build', JSON.stringify({ variant: 'online', tag }));
        expect(started.status).toBe(200);
        const { value } = JSON.parse(started.body);
        expect(value).toMatchObject({ status: 'started', tag });
        expect(await finished).toMatchObject({ payload: { buildId: value.buildId, ok: false, tag } });
        expect(names).toContain('sandbox.build.progress');
      } finally {
        ws.close();
        await engine.builds.idle();
        vi.unstubAllEnvs();
      }
    },
  );
});

describe('startServer refusals', () => {
  it('refuses a non-loopback host unless allowed, before binding anything', async () => {
    const fakeEngine = {} as Engine;
    await expect(
      startServer({ engine: fakeEngine, host: '0.0.0.0', port: 0, rendererDir: '/nonexistent' }),
    ).rejects.toThrow(/not a loopback address.*--allow-remote/);
  });

  it('explains how to build a missing dashboard', async () => {
    await expect(
      startServer({ engine: {} as Engine, host: '127.0.0.1', port: 0, rendererDir: '/nonexistent/renderer' }),
    ).rejects.toThrow(/npm run build/);
  });
});
