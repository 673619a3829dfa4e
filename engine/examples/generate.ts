import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { ApiError } from '../api/errors';
import type { Result } from '../api/result';
import type { DatasetSource } from '../datasets/schemas';
import { DEFAULT_SEED, EXAMPLES, findExample, type ExampleInfo, type ExampleName } from './catalog';
import { churnCsv } from './churn';
import { housesCsv } from './houses';
import { encodePng } from './png';
import { sentimentJsonl } from './sentiment';
import { imagesPerClass, renderShape, SHAPE_CLASSES, shapeFileName } from './shapes';

export interface GenerateOptions {
  /** Default 42. Any integer from 0 to 2^32 - 1; the same seed gives byte-identical files on every machine. */
  seed?: number;
  /** Rows, lines or images in all (default: the example's `defaultSize`). */
  size?: number;
}

export interface GeneratedExample {
  name: ExampleName;
  /** Absolute: the folder the example was written to. */
  dir: string;
  /** Absolute: the dataset path to give a run (the CSV / JSONL file, or the image folder). */
  dataPath: string;
  /** Ready for inspectDataset / prepareRunData. */
  source: DatasetSource;
  seed: number;
  size: number;
  files: number;
  bytes: number;
}

interface OutputFile {
  /** Forward slashes, relative to the example folder. */
  relative: string;
  data: string | Uint8Array;
}

const GENERATORS: Record<ExampleName, (seed: number, size: number) => Iterable<OutputFile>> = {
  churn: (seed, size) => [{ relative: 'churn.csv', data: churnCsv(seed, size) }],
  'house-prices': (seed, size) => [{ relative: 'houses.csv', data: housesCsv(seed, size) }],
  sentiment: (seed, size) => [{ relative: 'reviews.jsonl', data: sentimentJsonl(seed, size) }],
  shapes: function* (seed, size) {
    const counts = imagesPerClass(size);
    for (const [c, cls] of SHAPE_CLASSES.entries()) {
      const count = counts[c] as number;
      for (let i = 0; i < count; i += 1) {
        yield {
          relative: `${cls}/${shapeFileName(cls, i, count)}`,
          data: encodePng(renderShape(seed, cls, i)),
        };
      }
    }
  },
};

const apiError = (code: ApiError['code'], message: string): Result<never> => ({
  ok: false,
  error: { code, message },
});

export const knownNames = (): string => EXAMPLES.map((e) => e.name).join(', ');

function optionsSchema(example: ExampleInfo) {
  return z.strictObject({
    seed: z
      .number({ error: 'the seed must be a whole number' })
      .int('the seed must be a whole number')
      .min(0, 'the seed must be 0 or more')
      .max(0xffffffff, `the seed must be at most ${0xffffffff}`)
      .default(DEFAULT_SEED),
    size: z
      .number({ error: `the size must be a whole number of ${example.unit}` })
      .int(`the size must be a whole number of ${example.unit}`)
      .min(
        example.minSize,
        `the size must be at least ${example.minSize} ${example.unit} for '${example.name}'`,
      )
      .max(
        example.maxSize,
        `the size must be at most ${example.maxSize} ${example.unit} for '${example.name}'`,
      )
      .default(example.defaultSize),
  });
}

/**
 * Writes example `name` into `outDir`, a folder that does not exist yet (it is created, with its parents)
 * or is empty. Never writes into a folder that holds anything, never overwrites a file, and on failure
 * removes what it wrote.
 */
export async function generateExample(
  name: string,
  outDir: string,
  options: GenerateOptions = {},
): Promise<Result<GeneratedExample>> {
  const example = findExample(name);
  if (!example) return apiError('not_found', `no example named '${name}'. Examples: ${knownNames()}.`);
  const parsed = optionsSchema(example).safeParse(
    Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
  );
  if (!parsed.success) {
    return apiError('invalid_input', parsed.error.issues.map((i) => i.message).join('; '));
  }
  const { seed, size } = parsed.data;
  if (typeof outDir !== 'string' || outDir.trim() === '') {
    return apiError('invalid_input', 'the folder to write the example to is empty: give a folder path.');
  }
  const dir = path.resolve(outDir);

  const place = await claimFolder(dir);
  if (!place.ok) return place;
  const created = new Set<string>();
  let files = 0;
  let bytes = 0;
  try {
    for (const file of GENERATORS[example.name](seed, size)) {
      const target = path.join(dir, ...file.relative.split('/'));
      const parent = path.dirname(target);
      if (parent !== dir && !created.has(parent)) {
        // The folder was empty, so any subfolder is ours; `recursive: false` fails rather than reuse one.
        await fs.mkdir(parent);
        created.add(parent);
      }
      // `wx`: fail if the file exists, so nothing is ever overwritten, even if another process raced us.
      await fs.writeFile(target, file.data, { flag: 'wx' });
      created.add(target);
      files += 1;
      bytes += typeof file.data === 'string' ? Buffer.byteLength(file.data) : file.data.length;
    }
  } catch (err) {
    await undo(place.value, created);
    const message = err instanceof Error ? err.message : String(err);
    return apiError('unavailable', `could not write example '${example.name}' to ${dir}: ${message}`);
  }
  const dataPath = example.dataPath === '.' ? dir : path.join(dir, example.dataPath);
  const source: DatasetSource = {
    kind: example.kind,
    path: dataPath,
    ...(example.kind === 'tabular' ? { labelColumn: example.labelColumn } : {}),
  };
  return { ok: true, value: { name: example.name, dir, dataPath, source, seed, size, files, bytes } };
}

/** Where the folder came from, so a failure removes exactly what was made. */
interface Claim {
  /** The topmost folder this call created (the folder itself or a parent), or null if it existed. */
  createdTop: string | null;
}

async function claimFolder(dir: string): Promise<Result<Claim>> {
  let stat;
  try {
    stat = await fs.stat(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      return apiError('unavailable', `cannot use ${dir}: ${(err as Error).message}`);
    }
  }
  if (stat) {
    if (!stat.isDirectory()) {
      return apiError('conflict', `${dir} is a file, not a folder: choose a new folder for the example.`);
    }
    const entries = await fs.readdir(dir);
    if (entries.length > 0) {
      return apiError(
        'conflict',
        `${dir} is not empty (${entries.length} ${entries.length === 1 ? 'entry' : 'entries'}): an example is only written to a new or empty folder, never over existing files. Choose another folder.`,
      );
    }
    return { ok: true, value: { createdTop: null } };
  }
  try {
    const top = await fs.mkdir(dir, { recursive: true });
    return { ok: true, value: { createdTop: top ?? null } };
  } catch (err) {
    return apiError('unavailable', `cannot create ${dir}: ${(err as Error).message}`);
  }
}

async function undo(claim: Claim, created: Set<string>): Promise<void> {
  if (claim.createdTop) {
    await fs.rm(claim.createdTop, { recursive: true, force: true }).catch(() => undefined);
    return;
  }
  // The folder was the user's (empty): remove only what this call wrote, deepest first.
  for (const entry of [...created].reverse()) {
    await fs.rm(entry, { recursive: true, force: true }).catch(() => undefined);
  }
}
