import fs from 'node:fs/promises';

/** Appends text to a new file in large writes: millions of one-line writes would dominate a big intake. */
export class BufferedWriter {
  private parts: string[] = [];
  private size = 0;
  private closed = false;

  private constructor(
    private readonly handle: fs.FileHandle,
    private readonly flushAt: number,
  ) {}

  /** Creates the file; fails if it exists (the run data folder is never written over). */
  static async create(file: string, flushAt = 1 << 20): Promise<BufferedWriter> {
    return new BufferedWriter(await fs.open(file, 'wx'), flushAt);
  }

  async write(text: string): Promise<void> {
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= this.flushAt) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.parts.length === 0) return;
    const text = this.parts.join('');
    this.parts = [];
    this.size = 0;
    await this.handle.write(text);
  }

  /** Safe to call twice (a failed intake closes everything it opened). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.flush();
    } finally {
      await this.handle.close();
    }
  }
}
