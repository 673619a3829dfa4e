import fs from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { dispatch } from '../../engine/api/dispatch';
import type { ApiErrorCode } from '../../engine/api/errors';
import { fail, type Result } from '../../engine/api/result';
import { HTTP_COMMAND_PREFIX, WS_EVENTS_PATH } from '../../engine/api/transport-names';
import type { Engine } from '../../engine/service/engine';
import { RENDERER_SECURITY_HEADERS } from '../shared/content-security-policy';
import { assertRendererBuilt, contentTypeOf, resolveRendererFile } from '../shared/renderer-files';
import { authenticate, createToken, isLoopbackHost, RequestGuard, tokenCookieName } from './auth';

export interface ServerOptions {
  engine: Engine;
  host: string;
  port: number;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  token?: string;
  /** A non-loopback host is refused unless this is set. */
  allowRemote?: boolean;
}

export interface RunningServer {
  url: string;
  /** The URL with the token, to print or open. */
  urlWithToken: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;

const STATUS_OF: Record<ApiErrorCode, number> = {
  invalid_input: 400,
  invalid_output: 500,
  unknown_command: 404,
  forbidden: 403,
  unauthorized: 401,
  not_found: 404,
  conflict: 409,
  unavailable: 503,
  internal: 500,
};

export class RemoteHostRefused extends Error {
  override name = 'RemoteHostRefused';
}

/** The browser host: the built dashboard plus the engine contract over HTTP and WebSocket. */
/** Refuses a non-loopback interface unless the user asked for it explicitly. */
export function assertHostAllowed(host: string, allowRemote: boolean | undefined): void {
  if (!isLoopbackHost(host) && !allowRemote) {
    throw new RemoteHostRefused(
      `--host ${host} is not a loopback address. Anyone who can reach it and learns the token controls ` +
        `the agent. Add --allow-remote to do it anyway, or use an SSH tunnel to 127.0.0.1.`,
    );
  }
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  assertHostAllowed(options.host, options.allowRemote);
  assertRendererBuilt(options.rendererDir);
  const token = options.token ?? createToken();
  const server = http.createServer();
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const guard = new RequestGuard(options.host, port);
  const cookieName = tokenCookieName(port);

  /** Host, token and Origin, in that order; answers and returns false when the request may not proceed. */
  const admit = (req: IncomingMessage, url: URL, deny: (status: number, message: string) => void) => {
    if (!guard.hostAllowed(req)) return (deny(403, 'wrong Host header'), null);
    const source = authenticate(req, url, token, cookieName);
    if (!source)
      return (deny(401, 'missing or wrong token: open the URL that `mle-beast serve` printed'), null);
    if (!guard.originAllowed(req))
      return (deny(403, `requests from origin ${req.headers.origin} are refused`), null);
    return source;
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://placeholder');
    const source = admit(req, url, (status, message) => sendText(res, status, message));
    if (!source) return;

    if (url.pathname.startsWith(HTTP_COMMAND_PREFIX)) {
      if (req.method !== 'POST') return sendText(res, 405, 'commands are POST requests', { Allow: 'POST' });
      void handleCommand(
        options.engine,
        decodeURIComponent(url.pathname.slice(HTTP_COMMAND_PREFIX.length)),
        req,
        res,
      );
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return sendText(res, 405, 'method not allowed', { Allow: 'GET' });
    if (source === 'query') {
      // Trade the token in the address bar for an HttpOnly cookie, so it leaves the URL and history.
      url.searchParams.delete('token');
      res.writeHead(303, {
        'Set-Cookie': `${cookieName}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        Location: url.pathname + url.search,
        'Cache-Control': 'no-store',
      });
      return res.end();
    }
    serveFile(options.rendererDir, url.pathname, req, res);
  });

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://placeholder');
    const deny = (status: number, message: string) => {
      socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nConnection: close\r\n\r\n${message}`);
    };
    if (url.pathname !== WS_EVENTS_PATH) return deny(404, 'not found');
    if (!admit(req, url, deny)) return;
    sockets.handleUpgrade(req, socket, head, (ws) => attachEvents(options.engine, ws));
  });

  const base = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}/`;
  return {
    url: base,
    urlWithToken: `${base}?token=${token}`,
    port,
    token,
    close: async () => {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function handleCommand(engine: Engine, name: string, req: IncomingMessage, res: ServerResponse) {
  let result: Result<unknown>;
  let status: number;
  const body = await readBody(req);
  if (body === TOO_LARGE) {
    result = fail({
      code: 'invalid_input',
      message: `${name}: the request body is larger than ${MAX_BODY_BYTES} bytes`,
    });
    status = 413;
  } else {
    let input: unknown;
    try {
      input = body.length === 0 ? {} : JSON.parse(body);
      result = await dispatch(engine.handlers, name, input);
    } catch {
      result = fail({ code: 'invalid_input', message: `${name}: the request body is not valid JSON` });
    }
    status = result.ok ? 200 : STATUS_OF[result.error.code];
  }
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(result));
}

const TOO_LARGE = Symbol('too large');
/** Past this much, an oversized body is no longer drained politely: the connection is dropped. */
const MAX_DRAIN_BYTES = 64 * MAX_BODY_BYTES;

/**
 * Reads a body up to MAX_BODY_BYTES. A larger one is drained without being kept, so the client still gets
 * a clear 413 instead of a reset connection; only an absurd one is cut off.
 */
function readBody(req: IncomingMessage): Promise<string | typeof TOO_LARGE> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      else if (size > MAX_DRAIN_BYTES) req.destroy();
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? TOO_LARGE : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function serveFile(rendererDir: string, pathname: string, req: IncomingMessage, res: ServerResponse) {
  const file = resolveRendererFile(rendererDir, pathname);
  if (!file) return sendText(res, 404, 'not found');
  res.writeHead(200, {
    ...RENDERER_SECURITY_HEADERS,
    'Content-Type': contentTypeOf(file),
    // Hashed asset names can be cached; the page itself must always be fresh.
    'Cache-Control': file.endsWith('.html') ? 'no-store' : 'public, max-age=31536000, immutable',
  });
  if (req.method === 'HEAD') return res.end();
  fs.createReadStream(file).pipe(res);
}

function sendText(
  res: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(`${message}\n`);
}

/** Pushes every engine event to one socket, with a heartbeat so dead clients are dropped. */
function attachEvents(engine: Engine, ws: WebSocket) {
  let alive = true;
  ws.on('pong', () => (alive = true));
  const heartbeat = setInterval(() => {
    if (!alive) return ws.terminate();
    alive = false;
    ws.ping();
  }, 30_000);
  const unsubscribe = engine.events.subscribe((message) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  });
  ws.on('message', () => ws.close(1008, 'this socket only sends events; commands are POST requests'));
  ws.on('close', () => {
    clearInterval(heartbeat);
    unsubscribe();
  });
}
