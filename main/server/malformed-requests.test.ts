import fs from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Engine } from '../../engine/service/engine';
import { closeCodeIn, rawExchange, upgradeRequest, wsFrame } from './testing/raw-client';
import { startTestServer, watchProcessErrors, type TestServer } from './testing/test-server';

/** The proof that `serve` is still up: an ordinary authenticated command gets its 200. */
async function answersNormally(host: TestServer): Promise<void> {
  const reply = await fetch(`http://127.0.0.1:${host.server.port}/api/command/app.info`, {
    method: 'POST',
    headers: host.bearer,
    body: '{}',
  });
  expect(reply.status).toBe(200);
  expect(await reply.json()).toMatchObject({ ok: true, value: { host: 'server' } });
}

const body = (bytes: Buffer) => bytes.toString('utf8').split('\r\n\r\n').slice(1).join('\r\n\r\n');

describe('requests that used to end mle-beast serve', () => {
  let host: TestServer;
  const watch = watchProcessErrors();
  const request = (lines: string[], payload = '') =>
    `${lines.join('\r\n')}\r\nHost: 127.0.0.1:${host.server.port}\r\nConnection: close\r\n\r\n${payload}`;

  beforeAll(async () => {
    host = await startTestServer();
  });
  afterEach(async () => {
    await answersNormally(host);
    expect(watch.errors).toEqual([]);
  });
  afterAll(async () => {
    watch.stop();
    await host.close();
  });

  it('an absolute-form target with an invalid port, without a token: 400', async () => {
    const reply = await rawExchange(host.server.port, request(['GET http://127.0.0.1:99999/ HTTP/1.1']));
    expect(reply.status).toBe(400);
    expect(body(reply.bytes)).toMatch(/"http:\/\/127\.0\.0\.1:99999\/" is not a valid URL/);
    expect(reply.bytes.toString()).toMatch(/X-Content-Type-Options: nosniff/i);
  });

  it('the same target on the WebSocket upgrade: 400', async () => {
    const reply = await rawExchange(
      host.server.port,
      upgradeRequest(host.server.port, 'http://127.0.0.1:99999/api/events'),
    );
    expect(reply.status).toBe(400);
    expect(body(reply.bytes)).toMatch(/not a valid URL/);
  });

  it('a command name with a broken percent-encoding, with the token: 400 with the reason', async () => {
    const reply = await rawExchange(
      host.server.port,
      request(
        [
          'POST /api/command/%E0%A4%A HTTP/1.1',
          `Authorization: Bearer ${host.server.token}`,
          'Content-Length: 2',
        ],
        '{}',
      ),
    );
    expect(reply.status).toBe(400);
    expect(JSON.parse(body(reply.bytes))).toEqual({
      ok: false,
      error: {
        code: 'invalid_input',
        message: 'command name: "%E0%A4%A" is not valid percent-encoding (UTF-8 bytes as %XX)',
      },
    });
  });

  it('a client that resets mid-body: the connection just ends', async () => {
    const head = [
      'POST /api/command/settings.update HTTP/1.1',
      `Authorization: Bearer ${host.server.token}`,
      'Content-Length: 100',
    ];
    const reply = await rawExchange(host.server.port, request(head, '{"theme":'), { then: 'destroy' });
    expect(reply.closed).toBe(true);
    // Give the server the moment it needs to see the reset before afterEach checks it is alive and calm.
    await new Promise((resolve) => setTimeout(resolve, 50));
  });

  it('a client that half-closes mid-body: 400', async () => {
    const head = [
      'POST /api/command/settings.update HTTP/1.1',
      `Authorization: Bearer ${host.server.token}`,
      'Content-Length: 100',
    ];
    const reply = await rawExchange(host.server.port, request(head, '{"theme":'), { then: 'end' });
    expect(reply.status).toBe(400);
  });

  it('a WebSocket frame over 64 KiB from a real client: closed with 1009', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.server.port}/api/events`, { headers: host.bearer });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const closed = new Promise<number>((resolve) => ws.once('close', resolve));
    ws.send(Buffer.alloc(65 * 1024));
    expect(await closed).toBe(1009);
    expect(host.log.some((line) => line.includes('WS_ERR_UNSUPPORTED_MESSAGE_LENGTH'))).toBe(true);
  });

  it('a frame header declaring 1 GiB, without its payload: closed with 1009', async () => {
    const port = host.server.port;
    const frame = wsFrame({ opcode: 0x2, declaredLength: 1024 ** 3 });
    const handshake = Buffer.from(upgradeRequest(port, `/api/events?token=${host.server.token}`), 'latin1');
    const reply = await rawExchange(port, Buffer.concat([handshake, frame]), { then: 'wait' });
    expect(reply.status).toBe(101);
    expect(closeCodeIn(reply.bytes)).toBe(1009);
  });
});

describe('what the browser host still accepts and refuses', () => {
  let host: TestServer;
  const watch = watchProcessErrors();
  beforeAll(async () => {
    host = await startTestServer();
  });
  afterAll(async () => {
    watch.stop();
    await host.close();
    expect(watch.errors).toEqual([]);
  });

  it('takes an absolute-form target naming this server, and refuses one naming another host', async () => {
    const port = host.server.port;
    const to = (authority: string) =>
      rawExchange(
        port,
        `POST http://${authority}/api/command/app.info HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
          `Authorization: Bearer ${host.server.token}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
      );
    expect((await to(`127.0.0.1:${port}`)).status).toBe(200);
    const other = await to(`evil.example:${port}`);
    expect(other.status).toBe(400);
    expect(body(other.bytes)).toMatch(/names "evil.example:\d+" but the Host header is "127.0.0.1:\d+"/);
  });

  it('never redirects the token exchange to another site (a path starting with //)', async () => {
    const reply = await rawExchange(
      host.server.port,
      `GET //evil.example/x?token=${host.server.token} HTTP/1.1\r\nHost: 127.0.0.1:${host.server.port}\r\nConnection: close\r\n\r\n`,
    );
    expect(reply.status).toBe(303);
    expect(/\r\nLocation: ([^\r]*)/i.exec(reply.bytes.toString('latin1'))?.[1]).toBe('/evil.example/x');
  });

  it('answers a request it cannot parse with 400, an oversized header block with 431, CONNECT with 405', async () => {
    const port = host.server.port;
    expect((await rawExchange(port, 'GET / HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n')).status).toBe(400);
    expect((await rawExchange(port, `GET / HTTP/1.1\r\nX: ${'a'.repeat(20_000)}\r\n\r\n`)).status).toBe(431);
    expect(
      (await rawExchange(port, `CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n`)).status,
    ).toBe(405);
  });

  it('answers a handshake with a bad key 400, an upgrade to an unknown path 404', async () => {
    const port = host.server.port;
    const withToken = `/api/events?token=${host.server.token}`;
    expect(
      (await rawExchange(port, upgradeRequest(port, withToken, { 'Sec-WebSocket-Key': 'short' }))).status,
    ).toBe(400);
    expect(
      (await rawExchange(port, upgradeRequest(port, `/elsewhere?token=${host.server.token}`))).status,
    ).toBe(404);
  });
});

describe('a handler that fails inside the browser host', () => {
  const watch = watchProcessErrors();
  afterAll(() => {
    watch.stop();
    expect(watch.errors).toEqual([]);
  });

  it('is logged and answered 500, and the next request is served', async () => {
    const host = await startTestServer();
    try {
      // The renderer folder vanishing under a running server makes the file handler throw.
      const moved = `${host.rendererDir}-moved`;
      fs.renameSync(host.rendererDir, moved);
      const reply = await fetch(`http://127.0.0.1:${host.server.port}/`, { headers: host.bearer });
      expect(reply.status).toBe(500);
      expect(await reply.text()).toMatch(/internal error in mle-beast serve/);
      expect(host.log.join('\n')).toMatch(/GET "\/" failed: Error: ENOENT/);
      fs.renameSync(moved, host.rendererDir);
      expect((await fetch(`http://127.0.0.1:${host.server.port}/`, { headers: host.bearer })).status).toBe(
        200,
      );
      await answersNormally(host);
    } finally {
      await host.close();
    }
  });

  it('on an event socket is logged and the socket closed with 1011', async () => {
    const failingEvents = (engine: Engine): Engine => ({
      ...engine,
      events: {
        subscribe: () => {
          throw new Error('event bus unavailable');
        },
      } as unknown as Engine['events'],
    });
    const host = await startTestServer(failingEvents);
    try {
      const ws = new WebSocket(`ws://127.0.0.1:${host.server.port}/api/events`, { headers: host.bearer });
      ws.on('error', () => {});
      expect(await new Promise<number>((resolve) => ws.once('close', resolve))).toBe(1011);
      expect(host.log.join('\n')).toMatch(/event socket setup failed: Error: event bus unavailable/);
      await answersNormally(host);
    } finally {
      await host.close();
    }
  });
});
