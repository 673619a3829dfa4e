import { describe, expect, it } from 'vitest';
import { HeadTailBuffer, StreamCapture, droppedMarker } from './output-buffer';

const bytes = (text: string) => Buffer.from(text, 'utf8');

describe('HeadTailBuffer', () => {
  it('keeps everything under the cap, with nothing dropped', () => {
    const b = new HeadTailBuffer(100);
    b.push(bytes('hello '));
    b.push(bytes('world'));
    expect(b.result()).toEqual({ text: 'hello world', droppedBytes: 0 });
  });

  it('keeps the head and the tail and marks the gap with the dropped count', () => {
    const b = new HeadTailBuffer(10);
    b.push(bytes('HEAD-'));
    for (let i = 0; i < 100; i++) b.push(bytes('x'));
    b.push(bytes('-TAIL'));
    const { text, droppedBytes } = b.result();
    expect(droppedBytes).toBe(5 + 100 + 5 - 10);
    expect(text).toBe(`HEAD-\n${droppedMarker(100)}\n-TAIL`);
  });

  it('handles a single chunk larger than the whole cap', () => {
    const b = new HeadTailBuffer(8);
    b.push(bytes('abcdefghijklmnopqrstuvwxyz'));
    const { text, droppedBytes } = b.result();
    expect(droppedBytes).toBe(26 - 8);
    expect(text.startsWith('abcd\n[...')).toBe(true);
    expect(text.endsWith('\nwxyz')).toBe(true);
  });

  it('wraps the tail ring correctly over many uneven chunks', () => {
    const b = new HeadTailBuffer(20);
    const all: string[] = [];
    for (let i = 0; i < 500; i++) {
      const chunk = `${i},`;
      all.push(chunk);
      b.push(bytes(chunk));
    }
    const joined = all.join('');
    const { text, droppedBytes } = b.result();
    expect(droppedBytes).toBe(joined.length - 20);
    expect(text.startsWith(joined.slice(0, 10))).toBe(true);
    expect(text.endsWith(joined.slice(-10))).toBe(true);
  });

  it('never cuts a UTF-8 character in half at the gap, and counts the bytes it drops for that', () => {
    const b = new HeadTailBuffer(8);
    // "é" is two bytes: the head (4 bytes) would end inside the second one, the tail start inside another.
    b.push(bytes('abcé'));
    b.push(bytes('z'.repeat(50)));
    b.push(bytes('éxyz'));
    const { text, droppedBytes } = b.result();
    // Head: "abc" + the first byte of "é" (trimmed); tail: the last byte of "é" (trimmed) + "xyz".
    expect(text).toBe(`abc\n${droppedMarker(60 - 6)}\nxyz`);
    expect(droppedBytes).toBe(60 - 6);
  });

  it('with a cap of 0 keeps nothing and counts everything', () => {
    const b = new HeadTailBuffer(0);
    b.push(bytes('abc'));
    expect(b.result()).toEqual({ text: `${droppedMarker(3)}\n`, droppedBytes: 3 });
  });

  it('uses memory bounded by the cap however much passes through', () => {
    const b = new HeadTailBuffer(1024);
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const before = process.memoryUsage().arrayBuffers;
    for (let i = 0; i < 1600; i++) b.push(chunk); // 100 MiB
    expect(b.dropped).toBe(1600 * 64 * 1024 - 1024);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * 1024 * 1024);
  });
});

describe('StreamCapture', () => {
  it('streams decoded text live, holding a split character until it completes', () => {
    const seen: string[] = [];
    const capture = new StreamCapture('stdout', 1024, (stream, chunk) => seen.push(`${stream}:${chunk}`));
    const euro = bytes('€'); // three bytes
    capture.write(Buffer.concat([bytes('a'), euro.subarray(0, 1)]));
    capture.write(euro.subarray(1));
    capture.write(bytes('b'));
    expect(seen).toEqual(['stdout:a', 'stdout:€', 'stdout:b']);
    expect(capture.finish()).toEqual({ text: 'a€b', droppedBytes: 0 });
  });

  it('keeps working when the listener throws', () => {
    const capture = new StreamCapture('stderr', 1024, () => {
      throw new Error('listener bug');
    });
    capture.write(bytes('still kept'));
    expect(capture.finish().text).toBe('still kept');
  });
});
