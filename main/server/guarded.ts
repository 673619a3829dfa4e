import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { answerRaw, sendText } from './responses';

/** Where the browser host reports what went wrong inside it (the serve command prints it on stderr). */
export type ServerLog = (line: string) => void;

const describe = (error: unknown): string =>
  error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);

/** Method and path for the log; the query is left out because it may carry the token. */
const label = (req: IncomingMessage): string => {
  const path = (req.url ?? '').split('?')[0] ?? '';
  return `${req.method ?? '?'} ${JSON.stringify(path.length > 200 ? `${path.slice(0, 200)}…` : path)}`;
};

/**
 * The one way the browser host runs a handler: a synchronous throw or a rejected promise from `task` goes to
 * `recover` instead of the process's uncaught-error handlers, which would end `serve` and every run it hosts.
 * `recover` is best effort; should it fail too, that is logged and dropped.
 */
export function runGuarded(task: () => unknown, recover: (error: unknown) => void, log: ServerLog): void {
  new Promise((resolve) => resolve(task())).catch(recover).catch((error: unknown) => {
    log(`could not recover from a handler error: ${describe(error)}`);
  });
}

/** A request handler that answers 500 (or drops the connection, once a reply has begun) when it fails. */
export function guardRequest(
  log: ServerLog,
  handle: (req: IncomingMessage, res: ServerResponse) => unknown,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) =>
    runGuarded(
      () => handle(req, res),
      (error) => {
        log(`${label(req)} failed: ${describe(error)}`);
        if (res.headersSent || res.writableEnded) return void res.destroy();
        try {
          sendText(res, 500, 'internal error in mle-beast serve; the server log says what');
        } catch {
          res.destroy();
        }
      },
      log,
    );
}

/**
 * An upgrade (or CONNECT) handler. node:http hands such sockets over with no error listener of its own, so
 * one is added first: a client that resets mid-handshake is an ordinary event, not a crash. A failing
 * handler is logged and answered 500 on the raw socket.
 */
export function guardUpgrade(
  log: ServerLog,
  handle: (req: IncomingMessage, socket: Duplex, head: Buffer) => unknown,
): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  return (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    runGuarded(
      () => handle(req, socket, head),
      (error) => {
        log(`${label(req)} (upgrade) failed: ${describe(error)}`);
        answerRaw(socket, 500, 'internal error in mle-beast serve; the server log says what');
      },
      log,
    );
  };
}

/** Code 1011: the server met an unexpected condition (RFC 6455 section 7.4.1). */
export const WS_INTERNAL_ERROR = 1011;

/** A WebSocket event handler (message, timer, event push) that closes the socket with 1011 when it fails. */
export function guardSocket<A extends unknown[]>(
  log: ServerLog,
  ws: WebSocket,
  what: string,
  handle: (...args: A) => unknown,
): (...args: A) => void {
  return (...args) =>
    runGuarded(
      () => handle(...args),
      (error) => {
        log(`event socket ${what} failed: ${describe(error)}`);
        try {
          ws.close(WS_INTERNAL_ERROR, 'internal error');
        } catch {
          ws.terminate();
        }
      },
      log,
    );
}

/**
 * node:http's 'clientError': the request could not even be parsed (a malformed request line or header, an
 * oversized header block, a timeout). Answered with the matching status, as node would, but explicitly, so
 * no parse error reaches anything else.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET') return void socket.destroy();
  if (error.code === 'HPE_HEADER_OVERFLOW')
    return answerRaw(socket, 431, 'the request headers are too large');
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return answerRaw(socket, 408, 'the request took too long');
  answerRaw(socket, 400, `malformed HTTP request (${error.code ?? error.message})`);
}
