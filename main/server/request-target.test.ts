import { describe, expect, it } from 'vitest';
import { decodePathPart, parseRequestTarget, sameSiteLocation } from './request-target';

const HOST = '127.0.0.1:8000';
const parsed = (target: string | undefined, host = HOST) => {
  const result = parseRequestTarget(target, host);
  return result.ok ? { path: result.value.pathname, search: result.value.search } : result.error.message;
};

describe('parseRequestTarget', () => {
  it('reads origin-form paths and queries, a leading // staying part of the path', () => {
    expect(parsed('/api/command/app.info?x=1')).toEqual({ path: '/api/command/app.info', search: '?x=1' });
    expect(parsed('//evil.example/x')).toEqual({ path: '//evil.example/x', search: '' });
    expect(parsed('/a/../b')).toEqual({ path: '/b', search: '' });
  });

  it('takes an absolute-form target only when it names the Host header', () => {
    expect(parsed('http://127.0.0.1:8000/api/events?token=t')).toEqual({
      path: '/api/events',
      search: '?token=t',
    });
    expect(parsed('HTTP://LOCALHOST:8000/', 'localhost:8000')).toEqual({ path: '/', search: '' });
    expect(parsed('http://evil.example:8000/')).toBe(
      'the request target names "evil.example:8000" but the Host header is "127.0.0.1:8000": send a path such as /',
    );
    const noHost = parseRequestTarget('http://127.0.0.1:8000/', undefined);
    expect(noHost.ok || noHost.error.message).toMatch(/but the Host header is ""/);
  });

  it('refuses what is not a URL with the reason, never by throwing', () => {
    expect(parsed('http://127.0.0.1:99999/')).toBe(
      'the request target "http://127.0.0.1:99999/" is not a valid URL',
    );
    expect(parsed('http://[::1/')).toMatch(/is not a valid URL/);
    expect(parsed('*')).toBe('the request target "*" is neither a path nor an http URL');
    expect(parsed('127.0.0.1:22')).toMatch(/neither a path nor an http URL/);
    expect(parsed('')).toBe('the request has no target: send a path such as /');
    expect(parsed(undefined)).toBe('the request has no target: send a path such as /');
  });
});

describe('decodePathPart', () => {
  it('decodes valid escapes and explains a broken one', () => {
    expect(decodePathPart('app.info')).toEqual({ ok: true, value: 'app.info' });
    expect(decodePathPart('runs%2Elist')).toEqual({ ok: true, value: 'runs.list' });
    for (const broken of ['%E0%A4%A', '%', '%ZZ', '%ED%A0%80', '%C0%AF']) {
      const result = decodePathPart(broken);
      expect(result.ok, broken).toBe(false);
      if (!result.ok) expect(result.error.message).toMatch(/is not valid percent-encoding/);
    }
  });
});

describe('sameSiteLocation', () => {
  it('never produces a //host redirect', () => {
    expect(sameSiteLocation(new URL('http://x//evil.example/a?b=1'))).toBe('/evil.example/a?b=1');
    expect(sameSiteLocation(new URL('http://x/'))).toBe('/');
  });
});
