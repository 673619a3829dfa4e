import fs from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { BufferedWriter } from './buffered-writer';
import { LoopSlice } from './loop-slice';

/**
 * Writes entries to a file ordered by a key (a hash), however many there are: entries go to bucket files by
 * key range, then each bucket is sorted in memory and appended. A multi-gigabyte holdout is never held in
 * memory at once, and its rows end up in an order unrelated to the source's.
 */
const BUCKET_BYTES = 4 * 1024 * 1024;

export class ShuffledWriter {
  private readonly buckets: BufferedWriter[] = [];
  private readonly bucketFiles: string[] = [];

  private constructor(
    private readonly tempDir: string,
    private readonly bucketCount: number,
  ) {}

  /**
   * `expectedBytes` sizes the buckets (about 4 MB each, at most 256 of them); `tempDir` must exist and is
   * left empty. A bucket is sorted in one synchronous call that blocks the event loop (the engine's is the
   * desktop main process'): 4 MB, some 40,000 rows, sorts in tens of milliseconds where 64 MB took half a
   * second. The output is the same with any bucket count: buckets are key ranges, and an id's key is fixed.
   */
  static async create(tempDir: string, name: string, expectedBytes: number): Promise<ShuffledWriter> {
    const count = Math.max(1, Math.min(256, Math.ceil(expectedBytes / BUCKET_BYTES)));
    const writer = new ShuffledWriter(tempDir, count);
    for (let i = 0; i < count; i += 1) {
      const file = path.join(tempDir, `${name}.${i}.bucket`);
      writer.bucketFiles.push(file);
      writer.buckets.push(await BufferedWriter.create(file));
    }
    return writer;
  }

  /** `key`: lower-case hex, at least 2 characters. `id` is checked for duplicates when sorted. */
  async add(key: string, id: string, text: string): Promise<void> {
    const bucket = Math.floor((parseInt(key.slice(0, 2), 16) * this.bucketCount) / 256);
    // JSON keeps newlines inside a record (quoted CSV fields) on one bucket line.
    await this.buckets[bucket]?.write(`${JSON.stringify([key, id, text])}\n`);
  }

  /**
   * Writes `header` then every entry in key order to `target`. Returns the first id seen twice, if any (the
   * caller decides what a duplicate means), after removing the bucket files either way.
   */
  async finish(target: string, header: string): Promise<{ duplicateId: string | null }> {
    const out = await BufferedWriter.create(target);
    let duplicateId: string | null = null;
    const slice = new LoopSlice();
    try {
      await out.write(header);
      for (const bucket of this.buckets) await bucket.close();
      for (const file of this.bucketFiles) {
        const entries: [string, string, string][] = [];
        const lines = readline.createInterface({ input: createReadStream(file), crlfDelay: Infinity });
        for await (const line of lines) {
          if (line) entries.push(JSON.parse(line) as [string, string, string]);
          if (slice.due()) await slice.pause();
        }
        entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
        const seen = new Set<string>();
        for (const [, id, text] of entries) {
          if (seen.has(id)) duplicateId ??= id;
          seen.add(id);
          await out.write(text);
          if (slice.due()) await slice.pause();
        }
        await fs.rm(file, { force: true });
      }
    } finally {
      await out.close();
      for (const file of this.bucketFiles) await fs.rm(file, { force: true });
    }
    return { duplicateId };
  }

  /** Closes and removes the bucket files without writing anything (the intake failed). */
  async abort(): Promise<void> {
    for (const bucket of this.buckets) await bucket.close().catch(() => undefined);
    for (const file of this.bucketFiles) await fs.rm(file, { force: true });
  }
}
