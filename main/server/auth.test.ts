import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { authenticate, isLoopbackHost, RequestGuard, tokenCookieName } from './auth';

const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;
const TOKEN = 'a'.repeat(32);

describe('authenticate', () => {
  const url = (q = '') => new URL(`http://127.0.0.1:8000/${q}`);
  it('accepts the token from the query, a bearer header or the cookie, and says which', () => {
    expect(authenticate(req({}), url(`?token=${TOKEN}`), TOKEN, 'c')).toBe('query');
    expect(authenticate(req({ authorization: `Bearer ${TOKEN}` }), url(), TOKEN, 'c')).toBe('header');
    expect(authenticate(req({ cookie: `x=1; c=${TOKEN}; y=2` }), url(), TOKEN, 'c')).toBe('cookie');
  });
  it('rejects wrong, partial, empty and misplaced tokens', () => {
    expect(authenticate(req({}), url('?token='), TOKEN, 'c')).toBeNull();
    expect(authenticate(req({}), url(`?token=${TOKEN.slice(1)}`), TOKEN, 'c')).toBeNull();
    expect(authenticate(req({ authorization: TOKEN }), url(), TOKEN, 'c')).toBeNull();
    expect(authenticate(req({ cookie: `other=${TOKEN}` }), url(), TOKEN, 'c')).toBeNull();
  });
  it('names the cookie per port', () => {
    expect(tokenCookieName(8000)).not.toBe(tokenCookieName(8001));
  });
});

describe('RequestGuard', () => {
  it('on loopback accepts only loopback Host names and same-server Origins', () => {
    const guard = new RequestGuard('127.0.0.1', 8000);
    expect(guard.hostAllowed(req({ host: '127.0.0.1:8000' }))).toBe(true);
    expect(guard.hostAllowed(req({ host: 'localhost:8000' }))).toBe(true);
    expect(guard.hostAllowed(req({ host: 'attacker.example:8000' }))).toBe(false);
    expect(guard.hostAllowed(req({ host: '127.0.0.1:9999' }))).toBe(false);
    expect(guard.originAllowed(req({ origin: 'http://localhost:8000' }))).toBe(true);
    expect(guard.originAllowed(req({ origin: 'http://localhost:3000' }))).toBe(false);
    expect(guard.originAllowed(req({ origin: 'null' }))).toBe(false);
    expect(guard.originAllowed(req({}))).toBe(true);
  });
  it('on an allowed remote interface accepts any Host but only an Origin matching it', () => {
    const guard = new RequestGuard('0.0.0.0', 8000);
    expect(guard.hostAllowed(req({ host: 'gpu-box.lan:8000' }))).toBe(true);
    expect(guard.originAllowed(req({ host: 'gpu-box.lan:8000', origin: 'http://gpu-box.lan:8000' }))).toBe(
      true,
    );
    expect(guard.originAllowed(req({ host: 'gpu-box.lan:8000', origin: 'http://evil.example' }))).toBe(false);
  });
  it('knows loopback addresses', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]'])
      expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['0.0.0.0', '192.168.1.2', '::', 'example.com', '127.0.0.1.example.com'])
      expect(isLoopbackHost(h), h).toBe(false);
  });
});
