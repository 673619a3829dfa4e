import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { readBody, type BodyOutcome } from './read-body';
import { rawExchange } from './testing/raw-client';

/** A real server whose only job is to report what readBody made of each request. */
async function serverReporting(limits: { maxBytes: number; maxDrainBytes: number }) {
  const outcomes: BodyOutcome[] = [];
  let notify = () => {};
  const server = http.createServer((req, res) => {
    void readBody(req, limits).then((outcome) => {
      outcomes.push(outcome);
      notify();
      if (outcome.kind !== 'aborted') res.end(outcome.kind);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const next = () =>
    new Promise<BodyOutcome>((resolve) => {
      if (outcomes.length > 0) return resolve(outcomes.shift()!);
      notify = () => resolve(outcomes.shift()!);
    });
  return { server, port: (server.address() as AddressInfo).port, next };
}

const post = (port: number, headers: string, body: string) =>
  `POST / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n${headers}\r\n${body}`;

describe('readBody', () => {
  let close = () => {};
  afterEach(() => close());

  it('returns a complete body, and drains an oversized one to report it too large', async () => {
    const { server, port, next } = await serverReporting({ maxBytes: 10, maxDrainBytes: 100 });
    close = () => server.close();
    await rawExchange(port, post(port, 'Content-Length: 7\r\n', '{"a":1}'));
    expect(await next()).toEqual({ kind: 'complete', text: '{"a":1}' });
    const reply = await rawExchange(port, post(port, 'Content-Length: 50\r\n', 'x'.repeat(50)));
    expect(await next()).toEqual({ kind: 'too_large', bytes: 50 });
    expect(reply.bytes.toString()).toMatch(/too_large$/);
  });

  it('settles as aborted when the client resets mid-body or sends past the drain limit', async () => {
    const { server, port, next } = await serverReporting({ maxBytes: 10, maxDrainBytes: 100 });
    close = () => server.close();
    await rawExchange(port, post(port, 'Content-Length: 100\r\n', '{"a'), {
      then: 'destroy',
      destroyAfterMs: 20,
    });
    expect(await next()).toEqual({ kind: 'aborted' });
    await rawExchange(port, post(port, 'Content-Length: 500\r\n', 'x'.repeat(500)));
    expect(await next()).toEqual({ kind: 'aborted' });
  });
});
