import { createHash, type Hash } from 'node:crypto';
import fs from 'node:fs';
import type { Fingerprint } from './schemas';

/**
 * The dataset's content fingerprint, recorded with the run: which exact bytes a score was earned on. It is
 * the sha256 of a `sha256sum`-style listing (`<file sha256>  <name>`, one line per file, sorted by name), so
 * names count (a renamed class folder is a different dataset) and anyone can recompute it with coreutils.
 */

export interface FileDigest {
  /** `<role>/<path relative to the role's root>`, with forward slashes. */
  name: string;
  sha256: string;
  bytes: number;
}

export function combineDigests(files: readonly FileDigest[]): Fingerprint {
  const sorted = [...files].sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
  const hash = createHash('sha256');
  for (const file of sorted) hash.update(`${file.sha256}  ${file.name}\n`);
  return { algorithm: 'sha256', value: hash.digest('hex'), files: sorted.length };
}

/** A hash fed chunk by chunk while the file is read for another purpose (parsing), so it is read once. */
export class StreamDigest {
  private readonly hash: Hash = createHash('sha256');
  bytes = 0;

  readonly update = (chunk: Buffer): void => {
    this.hash.update(chunk);
    this.bytes += chunk.length;
  };

  digest(): string {
    return this.hash.digest('hex');
  }
}

/** sha256 of one file, streamed; `onFirstBytes` sees the start of the file (for a header check). */
export async function digestFile(
  file: string,
  onFirstBytes?: (head: Buffer) => void,
): Promise<{ sha256: string; bytes: number }> {
  const digest = new StreamDigest();
  let first = true;
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) {
    const buffer = chunk as Buffer;
    if (first) onFirstBytes?.(buffer);
    first = false;
    digest.update(buffer);
  }
  if (first) onFirstBytes?.(Buffer.alloc(0));
  return { sha256: digest.digest(), bytes: digest.bytes };
}
