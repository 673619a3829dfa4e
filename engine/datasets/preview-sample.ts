import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { KIND_EXTENSIONS } from './source-paths';

/**
 * The preview of a big CSV or JSONL dataset reads the head of each file, not all of it: a private copy of the
 * first SAMPLE_BYTES of each (whole lines only) in a temporary folder, laid out as the original, so the run's
 * intake reads it as it would the real data. The run itself always reads everything.
 */

/** Files up to this size are previewed whole. */
export const SAMPLE_ABOVE_BYTES = 32 * 1024 * 1024;
/** How much of a bigger file the preview reads. */
export const SAMPLE_BYTES = 4 * 1024 * 1024;

export interface Sample {
  /** Where the sampled copy of the dataset (train) path is. */
  path: string;
  testPath: string | undefined;
  /** Bytes read over bytes there: scales the counts of the sample to the whole. */
  bytesRead: number;
  totalBytes: number;
  cleanup(): Promise<void>;
}

/** A sampled copy when a CSV / JSONL file of the dataset is big, else null (the preview reads the data itself). */
export async function sampleIfLarge(
  kind: 'tabular' | 'text_jsonl',
  train: string,
  test: string | undefined,
  options: { above?: number; bytes?: number } = {},
): Promise<Sample | null> {
  const above = options.above ?? SAMPLE_ABOVE_BYTES;
  const bytes = options.bytes ?? SAMPLE_BYTES;
  const files = [...(await dataFiles(kind, train)), ...(test ? await dataFiles(kind, test) : [])];
  if (!files.some((f) => f.size > above)) return null;
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mle-beast-preview-'));
  const cleanup = () => fs.rm(dir, { recursive: true, force: true });
  try {
    let bytesRead = 0;
    let totalBytes = 0;
    const mirror = async (source: string, role: string): Promise<string> => {
      const stat = await fs.stat(source);
      const base = path.join(dir, role);
      await fs.mkdir(base);
      const list = stat.isFile() ? [source] : (await dataFiles(kind, source)).map((f) => f.path);
      for (const file of list) {
        const copied = await headCopy(file, path.join(base, path.basename(file)), bytes);
        bytesRead += copied.read;
        totalBytes += copied.total;
      }
      return stat.isFile() ? path.join(base, path.basename(source)) : base;
    };
    const sampledTrain = await mirror(train, 'train');
    const sampledTest = test ? await mirror(test, 'test') : undefined;
    return { path: sampledTrain, testPath: sampledTest, bytesRead, totalBytes, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

async function dataFiles(kind: 'tabular' | 'text_jsonl', target: string) {
  const extensions: readonly string[] = KIND_EXTENSIONS[kind];
  const stat = await fs.stat(target);
  const names = stat.isFile() ? [target] : (await fs.readdir(target)).map((n) => path.join(target, n));
  const out: { path: string; size: number }[] = [];
  for (const file of names) {
    if (!extensions.includes(path.extname(file).toLowerCase())) continue;
    const s = await fs.stat(file).catch(() => null);
    if (s?.isFile()) out.push({ path: file, size: s.size });
  }
  return out;
}

/** The first `limit` bytes of a file, cut after its last whole line. */
async function headCopy(from: string, to: string, limit: number): Promise<{ read: number; total: number }> {
  const handle = await fs.open(from, 'r');
  try {
    const { size } = await handle.stat();
    if (size <= limit) {
      await fs.copyFile(from, to);
      return { read: size, total: size };
    }
    const buffer = Buffer.alloc(limit);
    const { bytesRead } = await handle.read(buffer, 0, limit, 0);
    const end = buffer.subarray(0, bytesRead).lastIndexOf(0x0a) + 1;
    await fs.writeFile(to, buffer.subarray(0, end));
    return { read: end, total: size };
  } finally {
    await handle.close();
  }
}
