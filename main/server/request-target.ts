import { fail, ok, type Result } from '../../engine/api/result';

/** Origin-form targets are resolved against this, so a path that starts with `//` stays a path. */
const BASE = 'http://request.invalid';

const printable = (text: string): string =>
  JSON.stringify(text.length > 120 ? `${text.slice(0, 120)}…` : text);

const invalid = (message: string): Result<never> => fail({ code: 'invalid_input', message });

function parse(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

/**
 * The request target of an HTTP request as a URL, or why it is not one; never throws. Origin-form (`/path?q`)
 * is what browsers and the CLI send. Absolute-form (`http://host/path`, which HTTP/1.1 servers must accept) is
 * taken only when its authority is the Host header, so the Host checks that defeat DNS rebinding still judge
 * the request; anything else (`*`, authority-form, an invalid port) is refused with a reason.
 */
export function parseRequestTarget(target: string | undefined, hostHeader: string | undefined): Result<URL> {
  if (!target) return invalid('the request has no target: send a path such as /');
  if (target.startsWith('/')) {
    const url = parse(BASE + target);
    return url ? ok(url) : invalid(`the request target ${printable(target)} is not a valid path`);
  }
  if (/^https?:\/\//i.test(target)) {
    const absolute = parse(target);
    if (!absolute) return invalid(`the request target ${printable(target)} is not a valid URL`);
    const host = parse(`http://${hostHeader ?? ''}`)?.host;
    if (absolute.host !== host) {
      return invalid(
        `the request target names ${printable(absolute.host)} but the Host header is ` +
          `${printable(hostHeader ?? '')}: send a path such as /`,
      );
    }
    return ok(new URL(absolute.pathname + absolute.search, BASE));
  }
  return invalid(`the request target ${printable(target)} is neither a path nor an http URL`);
}

/** decodeURIComponent as a Result: a malformed escape such as `%E0%A4%A` is a reason, not an exception. */
export function decodePathPart(encoded: string): Result<string> {
  try {
    return ok(decodeURIComponent(encoded));
  } catch {
    return invalid(`${printable(encoded)} is not valid percent-encoding (UTF-8 bytes as %XX)`);
  }
}

/** A same-site redirect target for a URL path: never `//host`, which a browser reads as another site. */
export const sameSiteLocation = (url: URL): string => `/${url.pathname.replace(/^\/+/, '')}${url.search}`;
