import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DockerDemux } from './docker-demux';

const frame = (type: 1 | 2, text: string) => {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
};

function collect() {
  const calls: [string, string][] = [];
  const demux = new DockerDemux((stream, data) => void calls.push([stream, data.toString()]));
  return { calls, demux };
}

describe('DockerDemux', () => {
  it('hands over the runs of same-stream frames of a chunk as one buffer each, in order', async () => {
    const { calls, demux } = collect();
    const chunk = Buffer.concat([
      frame(1, 'a\n'),
      frame(1, 'b\n'),
      frame(2, 'oops\n'),
      frame(1, 'c\n'),
      frame(1, ''),
    ]);
    await new Promise<void>((resolve) => demux.end(chunk, resolve));
    expect(calls).toEqual([
      ['stdout', 'a\nb\n'],
      ['stderr', 'oops\n'],
      ['stdout', 'c\n'],
    ]);
  });

  it('reads headers and payloads cut anywhere by chunk boundaries', async () => {
    const all = Buffer.concat(
      Array.from({ length: 200 }, (_, i) => frame(i % 3 === 0 ? 2 : 1, `line ${i}\n`)),
    );
    for (const size of [1, 3, 7, 8, 9, 64]) {
      const { calls, demux } = collect();
      for (let at = 0; at < all.length; at += size) demux.write(all.subarray(at, at + size));
      await new Promise<void>((resolve) => demux.end(resolve));
      const text = (s: string) =>
        calls
          .filter(([stream]) => stream === s)
          .map(([, t]) => t)
          .join('');
      const expected = (s: 'stdout' | 'stderr') =>
        Array.from({ length: 200 }, (_, i) => i)
          .filter((i) => (i % 3 === 0) === (s === 'stderr'))
          .map((i) => `line ${i}\n`)
          .join('');
      expect(text('stdout')).toBe(expected('stdout'));
      expect(text('stderr')).toBe(expected('stderr'));
    }
  });

  it('passes a stream that is not multiplexed (a TTY) through as stdout', async () => {
    const { calls, demux } = collect();
    demux.write(Buffer.from('plain text, no headers\n'));
    await new Promise<void>((resolve) => demux.end(Buffer.from('more\n'), resolve));
    expect(calls).toEqual([
      ['stdout', 'plain text, no headers\n'],
      ['stdout', 'more\n'],
    ]);
  });

  it('takes no more input while the target asks to wait: a piped source is paused', async () => {
    let release!: () => void;
    const waiting = new Promise<void>((resolve) => (release = resolve));
    const seen: string[] = [];
    const demux = new DockerDemux((_stream, data) => {
      seen.push(data.toString());
      return seen.length === 1 ? waiting : undefined;
    });
    const source = new PassThrough({ highWaterMark: 1024 });
    source.pipe(demux);
    const big = Buffer.concat(Array.from({ length: 20_000 }, (_, i) => frame(1, `${i}\n`)));
    let accepted = 0;
    for (let at = 0; at < big.length; at += 4096) if (source.write(big.subarray(at, at + 4096))) accepted++;
    await new Promise((r) => setTimeout(r, 50));
    // One chunk delivered; the rest waits in the (bounded) buffers, and the source says it is full.
    expect(seen).toHaveLength(1);
    expect(source.writableNeedDrain).toBe(true);
    release();
    source.end();
    await new Promise((r) => demux.on('finish', r));
    expect(seen.join('')).toBe(Array.from({ length: 20_000 }, (_, i) => `${i}\n`).join(''));
    expect(accepted).toBeGreaterThan(0);
  });
});
