import { Writable } from 'node:stream';
import type { OutputStream } from '../api/vocabulary';

/** Docker's multiplexed stream (no TTY): frames of an 8-byte header (stream type, 3 zeros, size BE) + payload. */
const HEADER = 8;

export type DemuxTarget = (stream: OutputStream, data: Buffer) => Promise<void> | void;

/**
 * Splits an exec's multiplexed stream into stdout and stderr. Piped into (`stream.pipe(demux)`), it gives
 * flow control: when the target returns a promise (its consumer is full), the next chunk is not taken until it
 * settles, so the socket is paused and the command blocks on its own output instead of filling memory.
 *
 * Cheap for a flood of tiny frames (`print` with -u is one frame per line): frames are read in place, and the
 * payloads of consecutive frames of one stream in a chunk are handed over as one buffer. (docker-modem's
 * demuxStream copies the rest of its buffer for every frame: quadratic in the frames per chunk.)
 */
export class DockerDemux extends Writable {
  /** Bytes of a header or payload cut by the end of the previous chunk. */
  private carry: Buffer | null = null;
  /** The frame being read: its stream and the payload bytes still to come. */
  private current: OutputStream | null = null;
  private remaining = 0;
  /** After a header that is not Docker's: the stream is not multiplexed (a TTY); the rest is stdout. */
  private raw = false;

  constructor(private readonly target: DemuxTarget) {
    super({ highWaterMark: 64 * 1024 });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const waits: Promise<void>[] = [];
    try {
      this.parse(chunk, (stream, data) => {
        const wait = this.target(stream, data);
        if (wait) waits.push(wait);
      });
    } catch (error) {
      return callback(error as Error);
    }
    if (waits.length === 0) return callback();
    Promise.all(waits).then(
      () => callback(),
      () => callback(),
    );
  }

  private parse(input: Buffer, emit: (stream: OutputStream, data: Buffer) => void): void {
    let data = input;
    if (this.raw) return data.length > 0 ? emit('stdout', data) : undefined;
    if (this.carry) {
      data = Buffer.concat([this.carry, data]);
      this.carry = null;
    }
    // Payload slices of the same stream, handed over together.
    let pendingStream: OutputStream | null = null;
    let pending: Buffer[] = [];
    const push = (stream: OutputStream, slice: Buffer) => {
      if (slice.length === 0) return;
      if (pendingStream !== null && pendingStream !== stream) flush();
      pendingStream = stream;
      pending.push(slice);
    };
    const flush = () => {
      if (pendingStream === null || pending.length === 0) return;
      emit(pendingStream, pending.length === 1 ? pending[0]! : Buffer.concat(pending));
      pending = [];
      pendingStream = null;
    };
    let at = 0;
    while (at < data.length) {
      if (this.current !== null) {
        const n = Math.min(this.remaining, data.length - at);
        push(this.current, data.subarray(at, at + n));
        at += n;
        this.remaining -= n;
        if (this.remaining === 0) this.current = null;
        continue;
      }
      if (data.length - at < HEADER) {
        this.carry = Buffer.from(data.subarray(at));
        break;
      }
      const type = data[at]!;
      if (type > 2 || data[at + 1] !== 0 || data[at + 2] !== 0 || data[at + 3] !== 0) {
        // Not a multiplexed stream (or out of step): pass the rest through as it is.
        this.raw = true;
        push('stdout', data.subarray(at));
        break;
      }
      const size = data.readUInt32BE(at + 4);
      at += HEADER;
      if (size === 0) continue;
      this.current = type === 2 ? 'stderr' : 'stdout';
      this.remaining = size;
    }
    flush();
  }
}
