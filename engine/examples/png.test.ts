import { crc32, deflateSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { adler32, encodePng, storedZlib, type RgbImage } from './png';

/** A small PNG reader for the encoder's own output: checks every chunk's CRC and returns the pixels. */
function decode(png: Buffer): RgbImage {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let at = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  const types: string[] = [];
  while (at < png.length) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + length);
    expect(png.readUInt32BE(at + 8 + length), `CRC of ${type}`).toBe(
      crc32(png.subarray(at + 4, at + 8 + length)),
    );
    types.push(type);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect([...data.subarray(8)]).toEqual([8, 2, 0, 0, 0]);
    }
    if (type === 'IDAT') idat.push(data);
    at += 12 + length;
  }
  expect(types).toEqual(['IHDR', 'IDAT', 'IEND']);
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 3;
  expect(raw.length).toBe((stride + 1) * height);
  const pixels = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y += 1) {
    expect(raw[y * (stride + 1)]).toBe(0);
    pixels.set(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)), y * stride);
  }
  return { width, height, pixels };
}

function pattern(width: number, height: number): RgbImage {
  const pixels = new Uint8Array(width * height * 3);
  for (let i = 0; i < pixels.length; i += 1) pixels[i] = (i * 37 + (i >> 7)) & 0xff;
  return { width, height, pixels };
}

describe('encodePng', () => {
  it('writes a PNG that zlib inflates back to the same pixels, with valid chunk CRCs', () => {
    const image = pattern(64, 64);
    const decoded = decode(encodePng(image));
    expect(decoded.width).toBe(64);
    expect(decoded.height).toBe(64);
    expect(Buffer.from(decoded.pixels).equals(Buffer.from(image.pixels))).toBe(true);
  });

  it('splits image data over several stored blocks when it exceeds one block', () => {
    const image = pattern(200, 150); // 90,150 bytes of scanlines: two blocks
    const decoded = decode(encodePng(image));
    expect(Buffer.from(decoded.pixels).equals(Buffer.from(image.pixels))).toBe(true);
  });

  it('handles a one-pixel image', () => {
    const image = { width: 1, height: 1, pixels: new Uint8Array([1, 2, 3]) };
    expect([...decode(encodePng(image)).pixels]).toEqual([1, 2, 3]);
  });

  it('refuses pixels that do not match the size', () => {
    expect(() => encodePng({ width: 2, height: 2, pixels: new Uint8Array(11) })).toThrow(/12 bytes/);
    expect(() => encodePng({ width: 0, height: 2, pixels: new Uint8Array(0) })).toThrow(/positive/);
  });
});

describe('storedZlib and adler32', () => {
  it('is a valid zlib stream for empty, small and multi-block input', () => {
    for (const size of [0, 1, 65_535, 65_536, 200_000]) {
      const data = Buffer.alloc(size, 0x5a);
      expect(inflateSync(storedZlib(data)).equals(data)).toBe(true);
    }
  });

  it('matches the reference Adler-32 values', () => {
    expect(adler32(Buffer.from('Wikipedia'))).toBe(0x11e60398);
    expect(adler32(Buffer.alloc(0))).toBe(1);
    // Long input: exercises the modular reduction (zlib's own checksum is checked by inflateSync above).
    expect(adler32(Buffer.alloc(100_000, 0xff))).toBe(inflateAdler(Buffer.alloc(100_000, 0xff)));
  });
});

/** The Adler-32 a real zlib writes at the end of its stream. */
function inflateAdler(data: Buffer): number {
  const z = deflateSync(data);
  return z.readUInt32BE(z.length - 4);
}
