import { crc32 } from 'node:zlib';

/**
 * A minimal PNG encoder: 8-bit RGB, no interlacing, filter 0 on every row, and the image data in *stored*
 * (uncompressed) deflate blocks inside the zlib stream.
 *
 * Why stored: the bytes a compressor emits depend on its version and, in the zlib Node ships (Chromium's),
 * possibly on CPU features that pick its hash function. Example datasets promise byte-identical files for a
 * seed on every machine, so the encoder writes only framing whose every byte is fixed by the format. The cost
 * is size (about 12 KB for a 64x64 image), which is fine for generated examples.
 */

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** The most a stored deflate block can hold. */
const STORED_BLOCK_MAX = 65_535;

export interface RgbImage {
  width: number;
  height: number;
  /** Row-major RGB triples, `width * height * 3` bytes. */
  pixels: Uint8Array;
}

export function encodePng(image: RgbImage): Buffer {
  const { width, height, pixels } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`encodePng: width and height must be positive integers, got ${width}x${height}`);
  }
  if (pixels.length !== width * height * 3) {
    throw new Error(`encodePng: expected ${width * height * 3} bytes of RGB pixels, got ${pixels.length}`);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  ihdr[10] = 0; // compression: deflate
  ihdr[11] = 0; // filter method 0
  ihdr[12] = 0; // no interlace

  // Each scanline is its filter type byte (0: none) and the row's pixels.
  const stride = width * 3;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y += 1) {
    raw[y * (stride + 1)] = 0;
    raw.set(pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }

  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', ihdr),
    chunk('IDAT', storedZlib(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(data, crc32(head.subarray(4))), 0);
  return Buffer.concat([head, data, crc]);
}

/** A zlib stream (RFC 1950) of stored deflate blocks (RFC 1951 section 3.2.4). */
export function storedZlib(data: Buffer): Buffer {
  const blocks = Math.max(1, Math.ceil(data.length / STORED_BLOCK_MAX));
  const out = Buffer.alloc(2 + blocks * 5 + data.length + 4);
  // CMF 0x78: deflate with a 32 KiB window; FLG 0x01: no dictionary, fastest level, header check bits.
  out[0] = 0x78;
  out[1] = 0x01;
  let at = 2;
  for (let b = 0; b < blocks; b += 1) {
    const start = b * STORED_BLOCK_MAX;
    const length = Math.min(STORED_BLOCK_MAX, data.length - start);
    out[at] = b === blocks - 1 ? 1 : 0; // BFINAL, BTYPE 00
    out.writeUInt16LE(length, at + 1);
    out.writeUInt16LE(~length & 0xffff, at + 3);
    data.copy(out, at + 5, start, start + length);
    at += 5 + length;
  }
  out.writeUInt32BE(adler32(data), at);
  return out;
}

export function adler32(data: Uint8Array): number {
  let a = 1;
  let b = 0;
  // 5552 is the most bytes that can be summed before the sums must be reduced (zlib's NMAX).
  for (let i = 0; i < data.length;) {
    const end = Math.min(data.length, i + 5552);
    for (; i < end; i += 1) {
      a += data[i] as number;
      b += a;
    }
    a %= 65_521;
    b %= 65_521;
  }
  return ((b << 16) | a) >>> 0;
}
