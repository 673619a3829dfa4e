import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { inspectDataset, prepareRunData } from '../datasets';
import { listFiles } from '../datasets/testing/files';
import { useTempDir } from '../testing/temp-dir';
import { DEFAULT_SEED, EXAMPLES, ExampleInfo, type ExampleName } from './catalog';
import { churnRow } from './churn';
import { generateExample, type GeneratedExample } from './generate';
import { houseRow } from './houses';
import { sentimentLines } from './sentiment';

const temp = useTempDir('mle-beast-examples-');

afterEach(() => {
  vi.restoreAllMocks();
});

async function generate(
  name: string,
  dir: string,
  options: { seed?: number; size?: number } = {},
): Promise<GeneratedExample> {
  const result = await generateExample(name, dir, options);
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

/** sha256 over `<sha256 of file>  <relative path>` lines, sorted: one hash for a whole folder. */
function treeHash(dir: string): string {
  const lines = listFiles(dir).map(
    (f) =>
      `${createHash('sha256')
        .update(fs.readFileSync(path.join(dir, f)))
        .digest('hex')}  ${f}\n`,
  );
  return createHash('sha256').update(lines.join('')).digest('hex');
}

const readLines = (file: string): string[] => fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);

const NAMES = EXAMPLES.map((e) => e.name);

/**
 * The tree hash of each example at seed 42 and a small size. These pin the output: a platform, Node version or
 * code change that alters one byte of any generated file fails here. Change them only on purpose (and say so:
 * users' examples stop matching older ones for the same seed).
 */
const GOLDEN: Record<ExampleName, { size: number; hash: string }> = {
  churn: { size: 150, hash: '5dcd2632e60cc0ce4dd679208463e14ed41fcfa07b64cc9a8af29b550a4fa29d' },
  'house-prices': { size: 150, hash: '7d615fc41798cd3827a0bc067f8d43407ba55a1e35f490aa8ed396bd0b9be4b5' },
  shapes: { size: 60, hash: '5f8bf25a0327fc908038f51f360084f97acdee5111a79043b69da1aac1c7d5ea' },
  sentiment: { size: 150, hash: '0c3a11094dd68648724695709c99696feb011a571935efeae46a95d35664cc80' },
};

describe('the catalog', () => {
  it('describes every example completely, with a target between trivial and reachable', () => {
    expect(new Set(NAMES).size).toBe(NAMES.length);
    for (const example of EXAMPLES) {
      expect(ExampleInfo.parse(example)).toEqual(example);
      expect(example.taskText).toMatch(/^[A-Z].*\.$/);
      expect(example.taskText.split('. ')).toHaveLength(1);
      expect(example.minSize).toBeLessThanOrEqual(example.defaultSize);
      expect(example.defaultSize).toBeLessThanOrEqual(example.maxSize);
      expect(example.metric.target).toBeGreaterThan(0);
      expect(example.metric.target).toBeLessThan(1);
    }
  });
});

describe('generateExample: determinism', () => {
  it.each(NAMES)(
    '%s: the same seed gives byte-identical files, another seed different ones',
    async (name) => {
      const size = GOLDEN[name].size;
      await generate(name, path.join(temp.dir, 'a'), { seed: 7, size });
      await generate(name, path.join(temp.dir, 'b'), { seed: 7, size });
      await generate(name, path.join(temp.dir, 'c'), { seed: 8, size });
      expect(listFiles(path.join(temp.dir, 'a'))).toEqual(listFiles(path.join(temp.dir, 'b')));
      expect(treeHash(path.join(temp.dir, 'a'))).toBe(treeHash(path.join(temp.dir, 'b')));
      expect(listFiles(path.join(temp.dir, 'a'))).toEqual(listFiles(path.join(temp.dir, 'c')));
      expect(treeHash(path.join(temp.dir, 'a'))).not.toBe(treeHash(path.join(temp.dir, 'c')));
    },
  );

  it.each(NAMES)('%s: matches the pinned bytes for seed 42 (same on every platform)', async (name) => {
    const out = path.join(temp.dir, name);
    await generate(name, out, { seed: DEFAULT_SEED, size: GOLDEN[name].size });
    expect(treeHash(out)).toBe(GOLDEN[name].hash);
  });

  it('a smaller size is a prefix of a larger one: example i does not depend on the size', async () => {
    const small = await generate('churn', path.join(temp.dir, 's'), { size: 100 });
    const large = await generate('churn', path.join(temp.dir, 'l'), { size: 300 });
    expect(readLines(large.dataPath).slice(0, 101)).toEqual(readLines(small.dataPath));
    const smallText = await generate('sentiment', path.join(temp.dir, 'ts'), { size: 100 });
    const largeText = await generate('sentiment', path.join(temp.dir, 'tl'), { size: 300 });
    expect(readLines(largeText.dataPath).slice(0, 100)).toEqual(readLines(smallText.dataPath));
    const smallImages = await generate('shapes', path.join(temp.dir, 'is'), { size: 60 });
    const largeImages = await generate('shapes', path.join(temp.dir, 'il'), { size: 90 });
    const first = 'square/square_0007.png';
    expect(fs.readFileSync(path.join(largeImages.dir, first))).toEqual(
      fs.readFileSync(path.join(smallImages.dir, first)),
    );
  });
});

describe('generateExample: the datasets pass the real intake', () => {
  it('churn: a tabular classification set with the label inferred and no warning', async () => {
    const g = await generate('churn', path.join(temp.dir, 'churn'));
    expect(listFiles(g.dir)).toEqual(['churn.csv']);
    expect(readLines(g.dataPath)).toHaveLength(2001);
    expect(g).toMatchObject({ seed: 42, size: 2000, files: 1 });
    // Without naming the label: the intake must find `churned` by itself.
    const result = await inspectDataset({ kind: 'tabular', path: g.dir });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.warnings).toEqual([]);
    const summary = result.value;
    expect(summary.rows).toBe(2000);
    expect(summary.label).toMatchObject({ name: 'churned', inferred: true });
    expect(summary.task.type).toBe('classification');
    expect(summary.classes?.map((c) => c.label).sort()).toEqual(['0', '1']);
    const churned = summary.classes?.find((c) => c.label === '1')?.count ?? 0;
    expect(churned / 2000).toBeGreaterThan(0.24);
    expect(churned / 2000).toBeLessThan(0.34);
    const types = Object.fromEntries(summary.columns?.map((c) => [c.name, c.type]) ?? []);
    expect(types).toMatchObject({
      tenure_months: 'numeric',
      monthly_charges: 'numeric',
      total_charges: 'numeric',
      contract: 'categorical',
      support_calls: 'numeric',
    });
    expect(summary.columns?.find((c) => c.name === 'total_charges')?.missing).toBeGreaterThan(0);
    // The source generateExample returns works as it is.
    const named = await inspectDataset(g.source);
    expect(named.ok && named.value.label).toMatchObject({ name: 'churned', inferred: false });
  });

  it('house-prices: a tabular regression set on `price`', async () => {
    const g = await generate('house-prices', path.join(temp.dir, 'houses'));
    expect(listFiles(g.dir)).toEqual(['houses.csv']);
    const result = await inspectDataset({ kind: 'tabular', path: g.dataPath });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.warnings).toEqual([]);
    expect(result.value.rows).toBe(2000);
    expect(result.value.label).toMatchObject({ name: 'price', inferred: true });
    expect(result.value.task.type).toBe('regression');
    expect(result.value.target?.min).toBeGreaterThan(0);
    expect(result.value.target?.median).toBeGreaterThan(150_000);
    expect(result.value.target?.median).toBeLessThan(500_000);
  });

  it('shapes: an image folder of PNGs, 150 per class', async () => {
    const g = await generate('shapes', path.join(temp.dir, 'shapes'));
    expect(g.dataPath).toBe(g.dir);
    const files = listFiles(g.dir);
    expect(files).toHaveLength(450);
    expect(files[0]).toBe('circle/circle_0001.png');
    const result = await inspectDataset(g.source);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.warnings).toEqual([]);
    expect(result.value.kind).toBe('image_folder');
    expect(result.value.task.type).toBe('classification');
    expect(result.value.extensions).toEqual({ '.png': 450 });
    expect(result.value.classes).toEqual([
      { label: 'circle', count: 150 },
      { label: 'square', count: 150 },
      { label: 'triangle', count: 150 },
    ]);
    const png = fs.readFileSync(path.join(g.dir, files[0] as string));
    expect(png.readUInt32BE(16)).toBe(64);
    expect(png.readUInt32BE(20)).toBe(64);
  });

  it('sentiment: JSONL lines of text and a positive / negative label, no text repeated', async () => {
    const g = await generate('sentiment', path.join(temp.dir, 'sentiment'));
    expect(listFiles(g.dir)).toEqual(['reviews.jsonl']);
    const lines = readLines(g.dataPath).map((l) => JSON.parse(l) as { text: string; label: string });
    expect(lines).toHaveLength(1000);
    expect(Object.keys(lines[0] ?? {})).toEqual(['text', 'label']);
    expect(new Set(lines.map((l) => l.text)).size).toBe(1000);
    const result = await inspectDataset(g.source);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.warnings).toEqual([]);
    expect(result.value.task.type).toBe('classification');
    const counts = Object.fromEntries(result.value.classes?.map((c) => [c.label, c.count]) ?? []);
    expect(Object.keys(counts).sort()).toEqual(['negative', 'positive']);
    expect(counts.positive).toBeGreaterThan(430);
    expect(counts.negative).toBeGreaterThan(430);
    expect(result.value.text?.meanWords).toBeGreaterThan(5);
  });

  it.each(NAMES)('%s: prepareRunData carves a holdout from it without a warning', async (name) => {
    const g = await generate(name, path.join(temp.dir, 'data'));
    const prepared = await prepareRunData({ source: g.source, runDataDir: path.join(temp.dir, 'run') });
    if (!prepared.ok) throw new Error(JSON.stringify(prepared.errors));
    expect(prepared.warnings).toEqual([]);
    const example = EXAMPLES.find((e) => e.name === name) as (typeof EXAMPLES)[number];
    expect(prepared.value.manifest.task).toBe(example.task);
    if (example.classes) expect(prepared.value.manifest.classes).toEqual(example.classes);
    const { counts } = prepared.value.manifest.holdout;
    expect(counts.visible + counts.selection + counts.final).toBe(example.defaultSize);
  });
});

describe('generateExample: sizes and content', () => {
  it('writes exactly the requested number of examples, spread evenly over the shape classes', async () => {
    const churn = await generate('churn', path.join(temp.dir, 'c'), { size: 123 });
    expect(readLines(churn.dataPath)).toHaveLength(124);
    const houses = await generate('house-prices', path.join(temp.dir, 'h'), { size: 100 });
    expect(readLines(houses.dataPath)).toHaveLength(101);
    const text = await generate('sentiment', path.join(temp.dir, 't'), { size: 250 });
    expect(readLines(text.dataPath)).toHaveLength(250);
    const shapes = await generate('shapes', path.join(temp.dir, 's'), { size: 62 });
    const files = listFiles(shapes.dir);
    expect(files).toHaveLength(62);
    expect(files.filter((f) => f.startsWith('circle/'))).toHaveLength(21);
    expect(files.filter((f) => f.startsWith('square/'))).toHaveLength(21);
    expect(files.filter((f) => f.startsWith('triangle/'))).toHaveLength(20);
    expect(shapes.files).toBe(62);
    expect(shapes.bytes).toBe(files.reduce((sum, f) => sum + fs.statSync(path.join(shapes.dir, f)).size, 0));
  });

  it('churn labels follow the known model: churners have higher true probabilities', () => {
    const rows = Array.from({ length: 3000 }, (_, i) => churnRow(DEFAULT_SEED, i));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const churners = rows.filter((r) => r.churned === 1);
    expect(mean(churners.map((r) => r.probability))).toBeGreaterThan(0.5);
    expect(mean(rows.filter((r) => r.churned === 0).map((r) => r.probability))).toBeLessThan(0.25);
    // Knowing the true probabilities classifies about 86% right: the ceiling a learner approaches.
    const oracle = mean(rows.map((r) => Math.max(r.probability, 1 - r.probability)));
    expect(oracle).toBeGreaterThan(0.83);
    expect(oracle).toBeLessThan(0.9);
  });

  it('house prices follow the known formula: the noise-free price explains most of the variance', () => {
    const rows = Array.from({ length: 3000 }, (_, i) => houseRow(DEFAULT_SEED, i));
    const mean = rows.reduce((a, r) => a + r.price, 0) / rows.length;
    const total = rows.reduce((a, r) => a + (r.price - mean) ** 2, 0);
    const residual = rows.reduce((a, r) => a + (r.price - r.expectedPrice) ** 2, 0);
    const ceiling = 1 - residual / total;
    expect(ceiling).toBeGreaterThan(0.85);
    expect(ceiling).toBeLessThan(0.95);
  });

  it('sentiment: a few labels are flipped, as annotators flip them', () => {
    const lines = sentimentLines(DEFAULT_SEED, 2000);
    const flipped = lines.filter((l) => l.label !== l.intended).length;
    expect(flipped / lines.length).toBeGreaterThan(0.02);
    expect(flipped / lines.length).toBeLessThan(0.07);
  });
});

describe('generateExample: never overwrites', () => {
  it('refuses a folder that holds anything, and leaves it untouched', async () => {
    const dir = path.join(temp.dir, 'busy');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'mine');
    const result = await generateExample('churn', dir);
    expect(result).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(!result.ok && result.error.message).toMatch(/not empty.*never over existing files/);
    expect(listFiles(dir)).toEqual(['notes.txt']);
    expect(fs.readFileSync(path.join(dir, 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('refuses a path that is a file', async () => {
    const file = path.join(temp.dir, 'data.csv');
    fs.writeFileSync(file, 'a,b\n');
    const result = await generateExample('churn', file);
    expect(result).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(fs.readFileSync(file, 'utf8')).toBe('a,b\n');
  });

  it('writes into an existing empty folder, and creates missing parents', async () => {
    const empty = path.join(temp.dir, 'empty');
    fs.mkdirSync(empty);
    expect((await generateExample('sentiment', empty, { size: 100 })).ok).toBe(true);
    const nested = path.join(temp.dir, 'x', 'y', 'z');
    expect((await generateExample('sentiment', nested, { size: 100 })).ok).toBe(true);
    expect(listFiles(nested)).toEqual(['reviews.jsonl']);
  });

  it('on a failed write, removes what it made and keeps a folder the user made', async () => {
    const real = fsp.writeFile.bind(fsp);
    let calls = 0;
    vi.spyOn(fsp, 'writeFile').mockImplementation(async (...args: Parameters<typeof fsp.writeFile>) => {
      calls += 1;
      if (calls === 5) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      return real(...args);
    });
    const created = path.join(temp.dir, 'new', 'shapes');
    const result = await generateExample('shapes', created, { size: 60 });
    expect(result).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(!result.ok && result.error.message).toMatch(/ENOSPC/);
    expect(fs.existsSync(path.join(temp.dir, 'new'))).toBe(false);

    calls = 0;
    const mine = path.join(temp.dir, 'mine');
    fs.mkdirSync(mine);
    expect((await generateExample('shapes', mine, { size: 60 })).ok).toBe(false);
    expect(fs.existsSync(mine)).toBe(true);
    expect(listFiles(mine)).toEqual([]);
    expect(fs.readdirSync(mine)).toEqual([]);
  });
});

describe('generateExample: bad requests', () => {
  it('names the examples when the name is unknown', async () => {
    const result = await generateExample('churm', path.join(temp.dir, 'x'));
    expect(result).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(!result.ok && result.error.message).toContain('churn, house-prices, shapes, sentiment');
    expect(fs.existsSync(path.join(temp.dir, 'x'))).toBe(false);
  });

  it.each([
    [{ seed: -1 }, /seed must be 0 or more/],
    [{ seed: 1.5 }, /seed must be a whole number/],
    [{ seed: 2 ** 32 }, /seed must be at most 4294967295/],
    [{ size: 10 }, /size must be at least 100 rows for 'churn'/],
    [{ size: 10_000_000 }, /size must be at most 200000 rows/],
    [{ size: Number.NaN }, /size must be a whole number of rows/],
  ])('rejects %o with a clear message and writes nothing', async (options, message) => {
    const dir = path.join(temp.dir, 'x');
    const result = await generateExample('churn', dir, options);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(!result.ok && result.error.message).toMatch(message);
    expect(fs.existsSync(dir)).toBe(false);
  });

  it('rejects an empty folder path', async () => {
    const result = await generateExample('churn', '  ');
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });
});
