import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

/** Each log file's cap: past it the file becomes `<name>.log.1` (replacing the older one) and a new one starts. */
export const LOG_FILE_CAP_BYTES = 50 * 1024 * 1024;
/** Output waiting for the disk beyond this is dropped (and said so in the file), never held in memory. */
const MAX_QUEUED_CHARS = 8 * 1024 * 1024;

export const logFileName = (name: string) => `${name}.log`;
export const rotatedFileName = (name: string) => `${name}.log.1`;

/**
 * Appends text to a file without blocking the event loop: writes are asynchronous and batched (what arrives
 * while one is under way goes out in the next), and a disk that falls behind costs a counted gap in the file,
 * never memory. A failed write (a full disk) ends the file quietly: output files must not stop a run.
 */
class QueuedWriter {
  private queue: string[] = [];
  private queued = 0;
  private droppedChars = 0;
  private pumping: Promise<void> | null = null;
  private closed = false;
  private broken = false;

  constructor(
    private readonly append: (data: Buffer) => Promise<void>,
    private readonly release: () => Promise<void>,
  ) {}

  write(text: string): void {
    if (this.closed || this.broken || text.length === 0) return;
    if (this.queued + text.length > MAX_QUEUED_CHARS) {
      this.droppedChars += text.length;
      return;
    }
    this.queue.push(text);
    this.queued += text.length;
    this.startPump();
  }

  private startPump(): void {
    // Text queued after the loop's last look (before its promise settled) starts the next round.
    this.pumping ??= this.pump().finally(() => {
      this.pumping = null;
      if (this.queue.length > 0 && !this.broken) this.startPump();
    });
  }

  /** Writes what waits, then closes the file. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.pumping) await this.pumping;
    await this.release().catch(() => undefined);
  }

  private async pump(): Promise<void> {
    try {
      while (this.queue.length > 0 && !this.broken) {
        let text = this.queue.join('');
        this.queue = [];
        this.queued = 0;
        if (this.droppedChars > 0) {
          text = `[... ${this.droppedChars} characters of output dropped here: the disk fell behind ...]\n${text}`;
          this.droppedChars = 0;
        }
        await this.append(Buffer.from(text, 'utf8'));
      }
    } catch {
      this.broken = true;
      this.queue = [];
      this.queued = 0;
    }
  }
}

/** Appends to a file already open (the caller checked and created it); closes it at the end. */
export class FdOutputFile {
  private readonly writer: QueuedWriter;

  constructor(fd: number) {
    const write = (data: Buffer, offset: number) =>
      new Promise<number>((resolve, reject) =>
        fs.write(fd, data, offset, data.length - offset, null, (error, n) =>
          error ? reject(error) : resolve(n),
        ),
      );
    const close = promisify(fs.close);
    this.writer = new QueuedWriter(
      async (data) => {
        let offset = 0;
        while (offset < data.length) offset += await write(data, offset);
      },
      () => close(fd),
    );
  }

  write(text: string): void {
    this.writer.write(text);
  }

  close(): Promise<void> {
    return this.writer.close();
  }
}

/**
 * A command's whole output in the run folder: `<dir>/<name>.log`, at most two files of `capBytes` (the older
 * as `<name>.log.1`), written as QueuedWriter does. Created at the first write.
 */
export class RotatingLogFile {
  private readonly writer: QueuedWriter;
  private handle: fs.promises.FileHandle | null = null;
  private size = 0;
  readonly file: string;

  constructor(
    private readonly dir: string,
    readonly name: string,
    private readonly capBytes: number = LOG_FILE_CAP_BYTES,
  ) {
    this.file = path.join(dir, logFileName(name));
    this.writer = new QueuedWriter(
      (data) => this.append(data),
      async () => {
        await this.handle?.close();
        this.handle = null;
      },
    );
  }

  write(text: string): void {
    this.writer.write(text);
  }

  /** Writes what waits, then closes the file. */
  close(): Promise<void> {
    return this.writer.close();
  }

  private async append(data: Buffer): Promise<void> {
    let offset = 0;
    while (offset < data.length) {
      if (!this.handle) await this.open();
      if (this.size >= this.capBytes) await this.rotate();
      const n = Math.min(data.length - offset, this.capBytes - this.size);
      await this.handle!.write(data, offset, n);
      offset += n;
      this.size += n;
    }
  }

  private async open(): Promise<void> {
    await fs.promises.mkdir(this.dir, { recursive: true });
    const { O_WRONLY, O_CREAT, O_TRUNC, O_NOFOLLOW } = fs.constants;
    this.handle = await fs.promises.open(this.file, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0o640);
    this.size = 0;
  }

  private async rotate(): Promise<void> {
    await this.handle?.close();
    this.handle = null;
    await fs.promises.rename(this.file, path.join(this.dir, rotatedFileName(this.name)));
    await this.open();
  }
}
