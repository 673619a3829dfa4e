import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const createToken = (): string => randomBytes(24).toString('base64url');

/** Cookies ignore ports, so the name carries it: two servers on one machine keep separate sessions. */
export const tokenCookieName = (port: number): string => `mle_beast_token_${port}`;

export type TokenSource = 'query' | 'header' | 'cookie';

const sameToken = (given: string, token: string): boolean => {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
};

function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return null;
}

/** Where a valid token came from (`?token=`, `Authorization: Bearer`, or the session cookie), or null. */
export function authenticate(
  req: IncomingMessage,
  url: URL,
  token: string,
  cookieName: string,
): TokenSource | null {
  const query = url.searchParams.get('token');
  if (query !== null && sameToken(query, token)) return 'query';
  const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
  if (bearer && sameToken(bearer.trim(), token)) return 'header';
  const cookie = readCookie(req.headers.cookie, cookieName);
  if (cookie !== null && sameToken(cookie, token)) return 'cookie';
  return null;
}

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

export const isLoopbackHost = (host: string): boolean =>
  host === 'localhost' || host === '::1' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);

/**
 * Which Host headers and Origins are accepted. On loopback only loopback names pass, which defeats DNS
 * rebinding; on an explicitly allowed remote interface any Host is accepted (the token guards it), but an
 * Origin must still name the Host the request came to.
 */
export class RequestGuard {
  private readonly loopback: boolean;
  private readonly allowedHosts: Set<string>;

  constructor(host: string, port: number) {
    this.loopback = isLoopbackHost(host);
    const bound = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
    this.allowedHosts = new Set([...LOOPBACK_NAMES, bound].map((h) => `${h.toLowerCase()}:${port}`));
  }

  hostAllowed(req: IncomingMessage): boolean {
    if (!this.loopback) return true;
    return this.allowedHosts.has((req.headers.host ?? '').toLowerCase());
  }

  /** Requests without an Origin (curl, the CLI) are judged by the token alone. */
  originAllowed(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      return false;
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
    const host = parsed.host.toLowerCase();
    if (this.loopback) return this.allowedHosts.has(host);
    return host === (req.headers.host ?? '').toLowerCase() || this.allowedHosts.has(host);
  }
}
