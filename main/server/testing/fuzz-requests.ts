import { SeededRandom } from '../../../engine/datasets/seeded-random';
import type { RawOptions } from './raw-client';
import { upgradeRequest, wsFrame, type FrameSpec } from './raw-client';

/** One hostile connection: the bytes a client sends and what it does afterwards. */
export interface FuzzCase {
  kind: string;
  bytes: Buffer;
  options: RawOptions;
}

interface Target {
  port: number;
  token: string;
}

const CRLF = '\r\n';

class Draw {
  constructor(readonly rng: SeededRandom) {}
  pick<T>(items: readonly T[]): T {
    return items[this.rng.int(items.length)] as T;
  }
  chance(p: number): boolean {
    return this.rng.next() < p;
  }
  int(low: number, high: number): number {
    return low + this.rng.int(high - low + 1);
  }
  bytes(n: number): Buffer {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i += 1) out[i] = this.rng.int(256);
    return out;
  }
  /** Mostly printable, with control characters, spaces, `%` and bytes above 0x7f mixed in. */
  garbage(max: number): string {
    const alphabet = [
      'a',
      'Z',
      '0',
      '/',
      '%',
      '?',
      '#',
      ' ',
      '\t',
      '\0',
      '\x7f',
      '\xff',
      '\xe0',
      ':',
      '@',
      '[',
      '\\',
    ];
    let text = '';
    for (let i = this.int(0, max); i > 0; i -= 1) text += this.pick(alphabet);
    return text;
  }
}

const COMMANDS = ['app.info', 'settings.get', 'settings.update', 'runs.list', 'runs.nuke'];

const host = (t: Target) => `Host: 127.0.0.1:${t.port}${CRLF}`;
const auth = (d: Draw, t: Target) =>
  d.pick([
    '',
    `Authorization: Bearer ${t.token}${CRLF}`,
    `Authorization: Bearer ${d.garbage(40)}${CRLF}`,
    `Cookie: mle_beast_token_${t.port}=${t.token}${CRLF}`,
  ]);
const latin1 = (text: string) => Buffer.from(text, 'latin1');

function malformedRequestLine(d: Draw, t: Target): FuzzCase {
  const method = d.pick([
    'GET',
    'POST',
    'HEAD',
    'PUT',
    'OPTIONS',
    'PRI',
    'G\0T',
    '',
    'get',
    'GET GET',
    d.garbage(8),
  ]);
  const target = d.pick([
    '/',
    '*',
    '',
    '/api/command/app.info',
    '/?token=',
    ' / ',
    '/%',
    '//',
    '\\\\',
    d.garbage(30),
  ]);
  const version = d.pick(['HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/9.9', 'HTTP/1.1x', '', 'HTTP/1']);
  const eol = d.pick([CRLF, '\n', '\r', '']);
  const text = `${method} ${target} ${version}${eol}${host(t)}${auth(d, t)}${CRLF}`;
  return { kind: 'request line', bytes: latin1(text), options: {} };
}

function absoluteForm(d: Draw, t: Target): FuzzCase {
  const scheme = d.pick(['http', 'https', 'HTTP', 'ws', 'ftp']);
  const authority = d.pick([
    `127.0.0.1:${t.port}`,
    '127.0.0.1:99999',
    '127.0.0.1:-1',
    '127.0.0.1:abc',
    `[::1]:${t.port}`,
    '[::1',
    'evil.example',
    `user:pass@127.0.0.1:${t.port}`,
    '',
    `127.0.0.1:${t.port}@evil.example`,
    '%zz',
  ]);
  const path = d.pick(['/', '/api/command/app.info', '/api/events', '/%E0%A4%A', `/?token=${t.token}`, '']);
  const upgrade = d.chance(0.3)
    ? `Connection: Upgrade${CRLF}Upgrade: websocket${CRLF}Sec-WebSocket-Version: 13${CRLF}` +
      `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==${CRLF}`
    : `Connection: close${CRLF}`;
  const method = d.pick(['GET', 'POST']);
  const text = `${method} ${scheme}://${authority}${path} HTTP/1.1${CRLF}${host(t)}${auth(d, t)}${upgrade}${CRLF}`;
  return { kind: 'absolute-form', bytes: latin1(text), options: {} };
}

function badPercentEncoding(d: Draw, t: Target): FuzzCase {
  const pieces = [
    '%',
    '%E0%A4%A',
    '%ZZ',
    '%0',
    '%00',
    '%C0%AF',
    '%FF',
    '%ED%A0%80',
    '%2e%2e',
    '%2F',
    'app.info',
    'x',
  ];
  let encoded = '';
  for (let i = d.int(1, 5); i > 0; i -= 1) encoded += d.pick(pieces);
  const command = d.chance(0.6);
  const line = command ? `POST /api/command/${encoded}` : `GET /${encoded}`;
  const text =
    `${line} HTTP/1.1${CRLF}${host(t)}Authorization: Bearer ${t.token}${CRLF}` +
    `Content-Length: 2${CRLF}Connection: close${CRLF}${CRLF}{}`;
  return { kind: 'percent-encoding', bytes: latin1(text), options: {} };
}

function invalidHeaders(d: Draw, t: Target): FuzzCase {
  const bad = d.pick([
    `Bad Name: x${CRLF}`,
    `NoColon${CRLF}`,
    `X-Null: a\0b${CRLF}`,
    ` folded: continuation${CRLF}`,
    `Content-Length: 2${CRLF}Content-Length: 5${CRLF}`,
    `Content-Length: -1${CRLF}`,
    `Content-Length: abc${CRLF}`,
    `Content-Length: 99999999999999999999${CRLF}`,
    `Transfer-Encoding: chunked${CRLF}`,
    `Transfer-Encoding: chunked${CRLF}Content-Length: 3${CRLF}`,
    `Transfer-Encoding: gzip${CRLF}`,
    `X-Big: ${'a'.repeat(d.int(10_000, 40_000))}${CRLF}`,
    Array.from({ length: 300 }, (_, i) => `X-${i}: ${i}${CRLF}`).join(''),
    `Host: 127.0.0.1:${t.port}${CRLF}`,
    `Cookie: ${d.garbage(60)}${CRLF}`,
    `Origin: ${d.garbage(30)}${CRLF}`,
    `Authorization: Bearer \xff\xfe${d.garbage(20)}${CRLF}`,
  ]);
  const command = d.pick(COMMANDS);
  const body = d.pick(['', '{}', 'zz\r\n0\r\n\r\n', '3\r\nabc\r\n0\r\n\r\n', '{"theme":']);
  const withHost = d.chance(0.9) ? host(t) : '';
  const text = `POST /api/command/${command} HTTP/1.1${CRLF}${withHost}${auth(d, t)}${bad}Connection: close${CRLF}${CRLF}${body}`;
  return { kind: 'invalid header', bytes: latin1(text), options: {} };
}

function abortedBody(d: Draw, t: Target): FuzzCase {
  const command = d.pick(COMMANDS);
  const declared = d.int(10, 2_000_000);
  const sent = d.garbage(Math.min(declared - 1, 200));
  const chunked = d.chance(0.3);
  const framing = chunked
    ? `Transfer-Encoding: chunked${CRLF}${CRLF}${declared.toString(16)}${CRLF}${sent}`
    : `Content-Length: ${declared}${CRLF}${CRLF}${sent}`;
  const text = `POST /api/command/${command} HTTP/1.1${CRLF}${host(t)}Authorization: Bearer ${t.token}${CRLF}${framing}`;
  return {
    kind: 'aborted body',
    bytes: latin1(text),
    options: { then: d.pick(['destroy', 'end'] as const), destroyAfterMs: d.int(0, 30) },
  };
}

function wsFrames(d: Draw, t: Target): FuzzCase {
  const handshake = latin1(upgradeRequest(t.port, `/api/events?token=${t.token}`));
  const specs: FrameSpec[] = [
    { opcode: 0x2, declaredLength: d.int(64 * 1024 + 1, 2 ** 40) },
    { opcode: 0x2, payload: d.bytes(d.int(64 * 1024 + 1, 80 * 1024)) },
    { opcode: 0x2, declaredLength: 2 ** 53 + 2 },
    { opcode: 0x1, payload: d.bytes(20), masked: false },
    { opcode: 0x1, payload: Buffer.from('hi'), rsv: d.int(1, 7) },
    { opcode: d.pick([0x3, 0x4, 0x7, 0xb, 0xf]), payload: d.bytes(4) },
    { opcode: 0x9, payload: d.bytes(d.int(126, 300)) },
    { opcode: 0x9, payload: d.bytes(3), fin: false },
    { opcode: 0x0, payload: d.bytes(5) },
    { opcode: 0x1, payload: Buffer.from([0xc3, 0x28, 0xed, 0xa0, 0x80]) },
    { opcode: 0x8, payload: Buffer.from([0x03, 0xe7]) },
    { opcode: 0x8, payload: Buffer.from([0x03]) },
    { opcode: 0x9, payload: Buffer.from('ping') },
    { opcode: 0x1, payload: Buffer.from('{"name":"runs.start"}') },
    { opcode: 0x1, payload: Buffer.from('part'), fin: false },
  ];
  const frames: Buffer[] = [];
  for (let i = d.int(1, 3); i > 0; i -= 1)
    frames.push(d.chance(0.1) ? d.bytes(d.int(1, 64)) : wsFrame(d.pick(specs)));
  return {
    kind: 'websocket frames',
    bytes: Buffer.concat([handshake, ...frames]),
    options: d.chance(0.5)
      ? { then: 'wait', timeoutMs: 500 }
      : { then: 'destroy', destroyAfterMs: d.int(0, 20) },
  };
}

function badUpgrade(d: Draw, t: Target): FuzzCase {
  const overrides = d.pick<Record<string, string>>([
    { 'Sec-WebSocket-Key': '' },
    { 'Sec-WebSocket-Key': 'short' },
    { 'Sec-WebSocket-Key': '!!!!!!!!!!!!!!!!!!!!!!==' },
    { 'Sec-WebSocket-Key': d.garbage(24) },
    { 'Sec-WebSocket-Version': '8' },
    { 'Sec-WebSocket-Version': '' },
    { 'Sec-WebSocket-Version': '13, 8' },
    { Upgrade: 'h2c' },
    { Upgrade: 'websocket, x' },
    { Connection: 'keep-alive' },
    { 'Sec-WebSocket-Extensions': 'permessage-deflate; client_max_window_bits=99' },
    { 'Sec-WebSocket-Protocol': ',,,' },
    { Origin: 'http://evil.example' },
    { Host: `evil.example:${t.port}` },
  ]);
  const query = d.pick(['', `?token=${t.token}`, '?token=wrong', `?token=${t.token}&token=x`]);
  const path = d.pick(['/api/events', '/api/events/', '/elsewhere', '/%E0%A4%A', '/api/%65vents']);
  return {
    kind: 'bad upgrade',
    bytes: latin1(upgradeRequest(t.port, `${path}${query}`, overrides)),
    options: d.chance(0.8) ? {} : { then: 'destroy', destroyAfterMs: d.int(0, 10) },
  };
}

const GENERATORS = [
  malformedRequestLine,
  absoluteForm,
  badPercentEncoding,
  invalidHeaders,
  abortedBody,
  wsFrames,
  badUpgrade,
];

/** `count` hostile connections, the same ones for the same seed, so a failure reproduces. */
export function fuzzCases(seed: number, count: number, target: Target): FuzzCase[] {
  const d = new Draw(new SeededRandom(seed, 'server-fuzz'));
  return Array.from({ length: count }, () => {
    const made = d.pick(GENERATORS)(d, target);
    // Some requests arrive in small pieces, to exercise the parsers across partial reads.
    if (made.bytes.length < 4096 && d.chance(0.3)) made.options.chunkBytes = d.int(1, 64);
    // Half-close or wait for the server; a request it waits on (no blank line yet) is given up on soon.
    made.options.then ??= d.pick(['end', 'wait'] as const);
    made.options.timeoutMs ??= 300;
    return made;
  });
}
