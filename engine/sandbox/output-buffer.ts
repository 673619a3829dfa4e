import type { OutputStream } from '../api/vocabulary';

/** Default per-stream cap on the output an exec keeps (head and tail); the tools cut further for the model. */
export const DEFAULT_OUTPUT_CAP_BYTES = 1024 * 1024;

/**
 * Keeps the first and the last bytes of a stream within a fixed budget and counts what falls in between, so
 * that a command printing gigabytes costs no more memory than one printing a page. Half the cap holds the
 * head, half a ring buffer with the tail.
 */
export class HeadTailBuffer {
  private readonly headCap: number;
  private readonly tailCap: number;
  private readonly head: Buffer;
  private headLen = 0;
  private ring: Buffer | null = null;
  /** Index of the oldest byte in the ring, and how many bytes it holds. */
  private ringStart = 0;
  private ringLen = 0;
  private droppedBytes = 0;

  constructor(capBytes: number = DEFAULT_OUTPUT_CAP_BYTES) {
    const cap = Math.max(0, Math.floor(capBytes));
    this.headCap = Math.ceil(cap / 2);
    this.tailCap = cap - this.headCap;
    this.head = Buffer.allocUnsafe(this.headCap);
  }

  /** Bytes seen but not kept. */
  get dropped(): number {
    return this.droppedBytes;
  }

  push(chunk: Buffer): void {
    let data = chunk;
    if (this.headLen < this.headCap) {
      const n = Math.min(this.headCap - this.headLen, data.length);
      data.copy(this.head, this.headLen, 0, n);
      this.headLen += n;
      data = data.subarray(n);
    }
    if (data.length > 0) this.pushTail(data);
  }

  private pushTail(data: Buffer): void {
    if (this.tailCap === 0) {
      this.droppedBytes += data.length;
      return;
    }
    this.ring ??= Buffer.allocUnsafe(this.tailCap);
    if (data.length >= this.tailCap) {
      // The chunk alone fills the ring: everything before its last tailCap bytes is dropped.
      this.droppedBytes += this.ringLen + data.length - this.tailCap;
      data.copy(this.ring, 0, data.length - this.tailCap);
      this.ringStart = 0;
      this.ringLen = this.tailCap;
      return;
    }
    const overflow = Math.max(0, this.ringLen + data.length - this.tailCap);
    if (overflow > 0) {
      this.ringStart = (this.ringStart + overflow) % this.tailCap;
      this.ringLen -= overflow;
      this.droppedBytes += overflow;
    }
    let write = (this.ringStart + this.ringLen) % this.tailCap;
    let offset = 0;
    while (offset < data.length) {
      const n = Math.min(data.length - offset, this.tailCap - write);
      data.copy(this.ring, write, offset, offset + n);
      offset += n;
      write = (write + n) % this.tailCap;
    }
    this.ringLen += data.length;
  }

  private tailBytes(): Buffer {
    if (!this.ring || this.ringLen === 0) return Buffer.alloc(0);
    const end = this.ringStart + this.ringLen;
    if (end <= this.tailCap) return this.ring.subarray(this.ringStart, end);
    return Buffer.concat([this.ring.subarray(this.ringStart), this.ring.subarray(0, end - this.tailCap)]);
  }

  /**
   * The kept text: head, then, where bytes were dropped, a marker line with their count, then the tail. A
   * UTF-8 character cut by the gap is dropped whole (and counted) rather than shown as garbage.
   */
  result(): { text: string; droppedBytes: number } {
    let head = this.head.subarray(0, this.headLen);
    let tail = this.tailBytes();
    let dropped = this.droppedBytes;
    if (dropped === 0) return { text: Buffer.concat([head, tail]).toString('utf8'), droppedBytes: 0 };
    const headEnd = completeUtf8Length(head);
    dropped += head.length - headEnd;
    head = head.subarray(0, headEnd);
    let tailStart = 0;
    while (tailStart < tail.length && (tail[tailStart]! & 0xc0) === 0x80) tailStart++;
    dropped += tailStart;
    tail = tail.subarray(tailStart);
    const headText = head.toString('utf8');
    const gap = `${headText.length > 0 && !headText.endsWith('\n') ? '\n' : ''}${droppedMarker(dropped)}\n`;
    return { text: headText + gap + tail.toString('utf8'), droppedBytes: dropped };
  }
}

/** The line that stands where output was dropped. */
export function droppedMarker(bytes: number): string {
  return `[... ${bytes.toLocaleString('en-US')} bytes of output dropped here (output cap) ...]`;
}

/** Length of the prefix of `bytes` that ends on a UTF-8 character boundary. */
function completeUtf8Length(bytes: Buffer): number {
  let i = bytes.length - 1;
  let continuation = 0;
  while (i >= 0 && (bytes[i]! & 0xc0) === 0x80 && continuation < 3) {
    i--;
    continuation++;
  }
  if (i < 0) return bytes.length;
  const lead = bytes[i]!;
  const needed = lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : lead >= 0xc0 ? 1 : 0;
  return needed > continuation ? i : bytes.length;
}

export type { OutputStream } from '../api/vocabulary';

const noop = () => undefined;

/**
 * One stream of an exec: every chunk goes to the live callback (decoded, a split character held back until its
 * end arrives) and into a capped head-and-tail buffer for the result.
 */
export class StreamCapture {
  private readonly buffer: HeadTailBuffer;
  private readonly decoder = new TextDecoder('utf-8');

  constructor(
    private readonly stream: OutputStream,
    capBytes: number,
    /** A promise returned asks the source to wait until it settles; any other value is ignored. */
    private readonly onOutput?: (stream: OutputStream, chunk: string) => unknown,
  ) {
    this.buffer = new HeadTailBuffer(capBytes);
  }

  /** Returns the listener's promise when it asks the source to wait (see ExecRequest.onOutput). */
  write(chunk: Buffer): Promise<void> | undefined {
    this.buffer.push(chunk);
    if (!this.onOutput) return undefined;
    const text = this.decoder.decode(chunk, { stream: true });
    return text.length > 0 ? this.emit(text) : undefined;
  }

  /** Flushes a trailing partial character to the callback and returns the kept text. */
  finish(): { text: string; droppedBytes: number } {
    if (this.onOutput) {
      const rest = this.decoder.decode();
      if (rest.length > 0) this.emit(rest);
    }
    return this.buffer.result();
  }

  private emit(text: string): Promise<void> | undefined {
    try {
      const wait = this.onOutput?.(this.stream, text);
      // A failing listener must not break the command it listens to.
      return wait instanceof Promise ? wait.then(noop, noop) : undefined;
    } catch {
      return undefined;
    }
  }
}
