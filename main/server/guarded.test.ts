import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { guardRequest } from './guarded';
import { rawExchange } from './testing/raw-client';
import { watchProcessErrors } from './testing/test-server';

describe('guardRequest', () => {
  const watch = watchProcessErrors();
  afterAll(() => {
    watch.stop();
    expect(watch.errors).toEqual([]);
  });

  it('turns a throw, a rejection, and a failure after the reply began into a log line and a 500 or a cut', async () => {
    const log: string[] = [];
    const server = http.createServer(
      guardRequest(
        (line) => log.push(line),
        async (req, res) => {
          if (req.url === '/sync') throw new Error('thrown at once');
          await new Promise((resolve) => setTimeout(resolve, 5));
          if (req.url === '/async?token=secret') throw new Error('rejected later');
          res.writeHead(200, { 'Content-Length': '10' });
          res.write('hello');
          // Let the first part leave (node:http corks until the next tick) before failing.
          await new Promise((resolve) => setTimeout(resolve, 5));
          throw new Error('failed mid-reply');
        },
      ),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const get = (path: string) =>
      rawExchange(port, `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    try {
      expect((await get('/sync')).status).toBe(500);
      expect((await get('/async?token=secret')).status).toBe(500);
      // 10 bytes were promised, 5 sent: the connection is cut rather than finished with a second status.
      const cut = await get('/partial');
      expect(cut.status).toBe(200);
      expect(cut.bytes.toString()).toMatch(/\r\n\r\nhello$/);
      expect(log).toHaveLength(3);
      expect(log[0]).toMatch(/^GET "\/sync" failed: Error: thrown at once/);
      // The query (which may hold the token) is never logged.
      expect(log[1]).toMatch(/^GET "\/async" failed: Error: rejected later/);
      expect(log.join('\n')).not.toContain('secret');
      expect(log[2]).toMatch(/^GET "\/partial" failed: Error: failed mid-reply/);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
