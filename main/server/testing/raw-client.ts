import crypto from 'node:crypto';
import net from 'node:net';

export interface RawReply {
  /** Everything the server sent before the connection ended. */
  bytes: Buffer;
  /** The status code of the first HTTP response line, or null when none came. */
  status: number | null;
  /** True when the server (or the client as asked) ended the connection; false when the wait timed out. */
  closed: boolean;
}

export interface RawOptions {
  /**
   * What the client does after writing: keep the socket open until the server ends it (default), half-close
   * (node:http then drops a reply that is not written yet), or reset it.
   */
  then?: 'end' | 'destroy' | 'wait';
  /** Milliseconds before the client gives up waiting and destroys the socket. */
  timeoutMs?: number;
  /** Splits the request into writes of at most this many bytes, to exercise partial parses. */
  chunkBytes?: number;
  /** With `then: 'destroy'`: milliseconds between the last write and the reset. */
  destroyAfterMs?: number;
}

/** Sends raw bytes to 127.0.0.1:port over TCP: the test controls every byte, malformed ones included. */
export function rawExchange(
  port: number,
  request: string | Buffer,
  options: RawOptions = {},
): Promise<RawReply> {
  const data = typeof request === 'string' ? Buffer.from(request, 'latin1') : request;
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let closed = false;
    const socket = net.connect(port, '127.0.0.1');
    const timer = setTimeout(() => socket.destroy(), options.timeoutMs ?? 2000);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => {});
    socket.on('end', () => (closed = true));
    socket.on('close', () => {
      clearTimeout(timer);
      const bytes = Buffer.concat(chunks);
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(bytes.subarray(0, 20).toString('latin1'));
      resolve({
        bytes,
        status: match ? Number(match[1]) : null,
        closed: closed || options.then === 'destroy',
      });
    });
    socket.on('connect', () => {
      const size = options.chunkBytes ?? data.length;
      for (let at = 0; at < data.length; at += Math.max(1, size)) socket.write(data.subarray(at, at + size));
      if (options.then === 'destroy') setTimeout(() => socket.destroy(), options.destroyAfterMs ?? 0);
      else if (options.then === 'end') socket.end();
    });
  });
}

export const WS_KEY = crypto.randomBytes(16).toString('base64');

/** A WebSocket opening handshake for `target`, with headers to add or override. */
export function upgradeRequest(port: number, target: string, headers: Record<string, string> = {}): string {
  const all: Record<string, string> = {
    Host: `127.0.0.1:${port}`,
    Connection: 'Upgrade',
    Upgrade: 'websocket',
    'Sec-WebSocket-Version': '13',
    'Sec-WebSocket-Key': WS_KEY,
    ...headers,
  };
  const lines = Object.entries(all).map(([name, value]) => `${name}: ${value}\r\n`);
  return `GET ${target} HTTP/1.1\r\n${lines.join('')}\r\n`;
}

export interface FrameSpec {
  opcode: number;
  payload?: Buffer;
  /** The length written in the header; defaults to the payload's (a larger one declares an oversized frame). */
  declaredLength?: number;
  fin?: boolean;
  /** RSV1-3 bits (must be zero without an extension). */
  rsv?: number;
  /** Clients must mask; false sends a protocol violation. */
  masked?: boolean;
}

/** One client-to-server WebSocket frame (RFC 6455 section 5.2), as bytes, well formed or not. */
export function wsFrame(spec: FrameSpec): Buffer {
  const payload = spec.payload ?? Buffer.alloc(0);
  const length = spec.declaredLength ?? payload.length;
  const masked = spec.masked ?? true;
  const first = ((spec.fin ?? true) ? 0x80 : 0) | ((spec.rsv ?? 0) << 4) | (spec.opcode & 0x0f);
  let header: Buffer;
  if (length < 126) header = Buffer.from([first, (masked ? 0x80 : 0) | length]);
  else if (length < 65536) {
    header = Buffer.alloc(4);
    header.writeUInt8(first, 0);
    header.writeUInt8((masked ? 0x80 : 0) | 126, 1);
    header.writeUInt16BE(length, 2);
  } else {
    header = Buffer.alloc(10);
    header.writeUInt8(first, 0);
    header.writeUInt8((masked ? 0x80 : 0) | 127, 1);
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  if (!masked) return Buffer.concat([header, payload]);
  const mask = crypto.randomBytes(4);
  const body = Buffer.from(payload);
  for (let i = 0; i < body.length; i += 1) body[i] = (body[i] as number) ^ (mask[i % 4] as number);
  return Buffer.concat([header, mask, body]);
}

/** The close code in the server's close frame, if its reply holds one after the handshake. */
export function closeCodeIn(reply: Buffer): number | null {
  const end = reply.indexOf('\r\n\r\n');
  if (end < 0) return null;
  let at = end + 4;
  while (at + 2 <= reply.length) {
    const opcode = (reply[at] as number) & 0x0f;
    let length = (reply[at + 1] as number) & 0x7f;
    let start = at + 2;
    if (length === 126) {
      length = reply.readUInt16BE(start);
      start += 2;
    } else if (length === 127) {
      length = Number(reply.readBigUInt64BE(start));
      start += 8;
    }
    if (opcode === 0x8) return length >= 2 ? reply.readUInt16BE(start) : null;
    at = start + length;
  }
  return null;
}
