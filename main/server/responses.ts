import http, { type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/** A short plain-text answer; every refusal of the browser host says why in its body. */
export function sendText(
  res: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  const body = `${message}\n`;
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    'Cache-Control': 'no-store',
    // Refusals quote what the client sent; never let a browser sniff that into HTML.
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  res.end(body);
}

/**
 * An HTTP answer written straight onto a socket that node:http has handed over (upgrade, CONNECT, a parse
 * error), then the connection is closed. Where the socket is gone or already carries other bytes (an
 * accepted WebSocket), an HTTP status would be garbage: it is only destroyed.
 */
export function answerRaw(socket: Duplex, status: number, message: string): void {
  if (!socket.writable || ((socket as Partial<Socket>).bytesWritten ?? 0) > 0) {
    socket.destroy();
    return;
  }
  const body = `${message}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? 'Error'}\r\n` +
      'Content-Type: text/plain; charset=utf-8\r\n' +
      'X-Content-Type-Options: nosniff\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}
