import fs from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { pipeline } from 'node:stream';
import { WebSocketServer } from 'ws';
import { dispatch } from '../../engine/api/dispatch';
import type { ApiErrorCode } from '../../engine/api/errors';
import { fail, type Result } from '../../engine/api/result';
import { HTTP_COMMAND_PREFIX, WS_EVENTS_PATH } from '../../engine/api/transport-names';
import type { Engine } from '../../engine/service/index';
import { RENDERER_SECURITY_HEADERS } from '../shared/content-security-policy';
import { assertRendererBuilt, contentTypeOf, resolveRendererFile } from '../shared/renderer-files';
import { authenticate, createToken, isLoopbackHost, RequestGuard, tokenCookieName } from './auth';
import { withoutSecrets } from '../shared/secret-scan';
import { attachEvents } from './event-socket';
import { answerClientError, guardRequest, guardSocket, guardUpgrade, type ServerLog } from './guarded';
import { readBody } from './read-body';
import { decodePathPart, parseRequestTarget, sameSiteLocation } from './request-target';
import { answerRaw, sendText } from './responses';

export interface ServerOptions {
  engine: Engine;
  host: string;
  port: number;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  token?: string;
  /** A non-loopback host is refused unless this is set. */
  allowRemote?: boolean;
  /** Where handler failures and client errors are reported; stderr by default. */
  log?: ServerLog;
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
/** The event socket only sends; a client frame larger than this is refused with close code 1009. */
const MAX_FRAME_BYTES = 64 * 1024;

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
  const log = options.log ?? ((line: string) => console.error(`mle-beast serve: ${line}`));
  const server = http.createServer();
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // After listen, a server error (an accept failing for lack of file descriptors) is reported, not fatal.
  server.on('error', (error) => log(`server error: ${error.message}`));
  const port = (server.address() as AddressInfo).port;
  const guard = new RequestGuard(options.host, port);
  const cookieName = tokenCookieName(port);

  /**
   * The request target, then Host, token and Origin, in that order; answers and returns null when the
   * request may not proceed.
   */
  const admit = (req: IncomingMessage, deny: (status: number, message: string) => void) => {
    const target = parseRequestTarget(req.url, req.headers.host);
    if (!target.ok) return (deny(400, target.error.message), null);
    const url = target.value;
    if (!guard.hostAllowed(req)) return (deny(403, 'wrong Host header'), null);
    const source = authenticate(req, url, token, cookieName);
    if (!source)
      return (deny(401, 'missing or wrong token: open the URL that `mle-beast serve` printed'), null);
    if (!guard.originAllowed(req))
      return (deny(403, `requests from origin ${req.headers.origin} are refused`), null);
    return { url, source };
  };

  const onRequest = async (req: IncomingMessage, res: ServerResponse) => {
    const admitted = admit(req, (status, message) => sendText(res, status, message));
    if (!admitted) return;
    const { url, source } = admitted;

    if (url.pathname.startsWith(HTTP_COMMAND_PREFIX)) {
      if (req.method !== 'POST') return sendText(res, 405, 'commands are POST requests', { Allow: 'POST' });
      const name = decodePathPart(url.pathname.slice(HTTP_COMMAND_PREFIX.length));
      if (!name.ok)
        return sendJson(
          res,
          400,
          fail({ code: 'invalid_input', message: `command name: ${name.error.message}` }),
        );
      return handleCommand(options.engine, name.value, req, res);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return sendText(res, 405, 'method not allowed', { Allow: 'GET' });
    if (source === 'query') {
      // Trade the token in the address bar for an HttpOnly cookie, so it leaves the URL and history.
      url.searchParams.delete('token');
      res.writeHead(303, {
        'Set-Cookie': `${cookieName}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        Location: sameSiteLocation(url),
        'Cache-Control': 'no-store',
      });
      return res.end();
    }
    serveFile(options.rendererDir, url.pathname, req, res, log);
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const deny = (status: number, message: string) => answerRaw(socket, status, message);
    const admitted = admit(req, deny);
    if (!admitted) return;
    if (admitted.url.pathname !== WS_EVENTS_PATH) return deny(404, 'not found');
    // ws answers a bad handshake (wrong version, missing or malformed key) with 400 itself.
    sockets.handleUpgrade(req, socket, head, (ws) =>
      guardSocket(log, ws, 'setup', () => attachEvents(options.engine, ws, log))(),
    );
  };

  server.on('request', guardRequest(log, onRequest));
  server.on('upgrade', guardUpgrade(log, onUpgrade));
  // A CONNECT would otherwise get its socket destroyed without an answer: this is not a proxy.
  server.on(
    'connect',
    guardUpgrade(log, (_req, socket) => answerRaw(socket, 405, 'CONNECT is not served: this is not a proxy')),
  );
  server.on('clientError', answerClientError);
  sockets.on('error', (error) => log(`event socket server error: ${error.message}`));

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
  const body = await readBody(req, { maxBytes: MAX_BODY_BYTES, maxDrainBytes: MAX_DRAIN_BYTES });
  if (body.kind === 'aborted') return void res.destroy();
  if (body.kind === 'too_large') {
    return sendJson(
      res,
      413,
      fail({
        code: 'invalid_input',
        message: `${name}: the request body is larger than ${MAX_BODY_BYTES} bytes`,
      }),
    );
  }
  const input = parseJson(body.text);
  if (!input.ok)
    return sendJson(
      res,
      400,
      fail({ code: 'invalid_input', message: `${name}: the request body is not valid JSON` }),
    );
  // No saved API key leaves in a reply, whatever a handler did (main/shared/secret-scan.ts).
  const result = withoutSecrets(
    name,
    await dispatch(engine.handlers, name, input.value),
    engine.savedKeyValues(),
  );
  sendJson(res, result.ok ? 200 : STATUS_OF[result.error.code], result);
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text.length === 0) return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

function sendJson(res: ServerResponse, status: number, result: Result<unknown>) {
  const text = JSON.stringify(result);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

/** Past this much, an oversized body is no longer drained politely: the connection is dropped. */
const MAX_DRAIN_BYTES = 64 * MAX_BODY_BYTES;

function serveFile(
  rendererDir: string,
  pathname: string,
  req: IncomingMessage,
  res: ServerResponse,
  log: ServerLog,
) {
  const file = resolveRendererFile(rendererDir, pathname);
  if (!file) return sendText(res, 404, 'not found');
  res.writeHead(200, {
    ...RENDERER_SECURITY_HEADERS,
    'Content-Type': contentTypeOf(file),
    // Hashed asset names can be cached; the page itself must always be fresh.
    'Cache-Control': file.endsWith('.html') ? 'no-store' : 'public, max-age=31536000, immutable',
  });
  if (req.method === 'HEAD') return res.end();
  // pipeline, not pipe: a file that vanishes mid-read, or a client that leaves, is an error value here.
  pipeline(fs.createReadStream(file), res, (error) => {
    if (error && error.code !== 'ERR_STREAM_PREMATURE_CLOSE') log(`${pathname}: ${error.message}`);
  });
}
