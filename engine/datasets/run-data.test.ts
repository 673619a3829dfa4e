import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../testing/temp-dir';
import { resolveMetric } from '../scoring/metric-registry';
import type { ResolvedMetric } from '../scoring/schemas';
import { scorePredictions } from '../scoring/score';
import { FINAL, SELECTION, VISIBLE } from './holdout-plan';
import { prepareRunData, readRunDataset, type PreparedRunData } from './run-data';
import type { DatasetSource, HoldoutOptions } from './schemas';
import { resolveSourcePaths } from './source-paths';
import { inspectTabular } from './tabular-intake';
import { csv, jpegBytes, listFiles, pngBytes, readSimpleCsv, write } from './testing/files';

const temp = useTempDir();

async function prepare(
  source: DatasetSource,
  name = 'run',
  holdout?: HoldoutOptions,
): Promise<PreparedRunData> {
  const result = await prepareRunData({ source, runDataDir: path.join(temp.dir, name), holdout });
  if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return result.value;
}

function accuracyMetric(classes: string[]): ResolvedMetric {
  const resolved = resolveMetric('accuracy', { task: 'classification', classes });
  if (!resolved.ok) throw new Error(resolved.message);
  return resolved.metric;
}

const sha = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** A churn-like table: each row has a unique `customer` marker, so any row is findable by content. */
function churnCsv(n: number): string {
  const rows = Array.from({ length: n }, (_, i) => [
    `cust${String(i).padStart(5, '0')}x`,
    20 + (i % 40),
    i % 3 ? 'basic' : 'pro',
    i % 5 === 0 ? 'yes' : 'no',
  ]);
  return csv(['customer', 'age', 'plan', 'churned'], rows);
}

function labelsById(file: string): Map<string, string> {
  return new Map(readSimpleCsv(file).rows.map(([id, label]) => [id!, label!]));
}

describe('prepareRunData: tabular', () => {
  it('writes the documented layout and a manifest', async () => {
    const file = write(temp.dir, 'data/churn.csv', churnCsv(200));
    const { manifest, paths } = await prepare({ kind: 'tabular', path: file });
    expect(listFiles(paths.root)).toEqual([
      'dataset.json',
      'holdout/final/features.csv',
      'holdout/selection/features.csv',
      'labels/final.csv',
      'labels/selection.csv',
      'labels/sources.csv',
      'visible/churn.csv',
    ]);
    expect(manifest.holdout).toMatchObject({
      source: 'carved',
      seed: 42,
      fraction: 0.2,
      selectionShare: 0.5,
      stratifiedBy: 'class',
      ids: 'engine',
    });
    expect(manifest.holdout.counts).toEqual({ visible: 160, selection: 20, final: 20 });
    expect(manifest.holdout.classCounts).toEqual([
      { label: 'no', visible: 128, selection: 16, final: 16 },
      { label: 'yes', visible: 32, selection: 4, final: 4 },
    ]);
    expect(manifest.classes).toEqual(['no', 'yes']);
    expect(paths.selection).toMatchObject({
      dir: path.join(paths.root, 'holdout/selection'),
      input: path.join(paths.root, 'holdout/selection/features.csv'),
      rows: 20,
    });
    expect(JSON.parse(fs.readFileSync(paths.manifest, 'utf8'))).toEqual(manifest);
    expect(fs.statSync(path.join(paths.root, 'labels')).mode & 0o777).toBe(0o700);
  });

  it('the visible data holds no holdout row, and every row is somewhere exactly once', async () => {
    const file = write(temp.dir, 'data/churn.csv', churnCsv(300));
    const { paths } = await prepare({ kind: 'tabular', path: file });
    const source = readSimpleCsv(file);
    const visible = readSimpleCsv(path.join(paths.visible, 'churn.csv'));
    const selection = readSimpleCsv(paths.selection.input);
    const final = readSimpleCsv(paths.final.input);
    expect(visible.header).toEqual(source.header);
    const visibleText = fs.readFileSync(path.join(paths.visible, 'churn.csv'), 'utf8');
    const heldMarkers = [...selection.rows, ...final.rows].map((r) => r[1]!);
    expect(heldMarkers).toHaveLength(60);
    for (const marker of heldMarkers) expect(visibleText).not.toContain(marker);
    const all = [...visible.rows.map((r) => r[0]), ...heldMarkers].sort();
    expect(all).toEqual(source.rows.map((r) => r[0]).sort());
  });

  it('holdout features have an id column and no label column; labels map back to the source rows', async () => {
    const file = write(temp.dir, 'data/churn.csv', churnCsv(100));
    const { paths } = await prepare({ kind: 'tabular', path: file });
    const features = readSimpleCsv(paths.selection.input);
    expect(features.header).toEqual(['id', 'customer', 'age', 'plan']);
    expect(fs.readFileSync(paths.selection.input, 'utf8')).not.toMatch(/churned|\byes\b|\bno\b/);
    const labels = labelsById(paths.selection.labels);
    const sources = readSimpleCsv(paths.sources).rows;
    const sourceLines = fs.readFileSync(file, 'utf8').split('\n');
    for (const [id, customer] of features.rows.map((r) => [r[0]!, r[1]!] as const)) {
      expect(id).toMatch(/^h[0-9a-f]{16}$/);
      const [, split, name, line] = sources.find((s) => s[0] === id)!;
      expect(split).toBe('selection');
      expect(name).toBe('train/churn.csv');
      const sourceRow = sourceLines[Number(line) - 1]!.split(',');
      expect(sourceRow[0]).toBe(customer);
      expect(labels.get(id)).toBe(sourceRow[3]);
    }
  });

  it('holdout rows are not in source order, so position says nothing about the label', async () => {
    // Sorted by label in the source: the worst case for a leak by position.
    const rows = Array.from({ length: 400 }, (_, i) => [i, i < 200 ? 'a' : 'b']);
    const file = write(temp.dir, 'data/sorted.csv', csv(['x', 'label'], rows));
    const { paths } = await prepare({ kind: 'tabular', path: file });
    const xs = readSimpleCsv(paths.final.input).rows.map((r) => Number(r[1]));
    expect(xs).not.toEqual([...xs].sort((a, b) => a - b));
    const labels = labelsById(paths.final.labels);
    const inFileOrder = readSimpleCsv(paths.final.input).rows.map((r) => labels.get(r[0]!));
    const switches = inFileOrder.filter((l, i) => i > 0 && l !== inFileOrder[i - 1]).length;
    expect(switches).toBeGreaterThan(5);
  });

  it('is deterministic for a seed, different for another, and never changes the user file', async () => {
    const file = write(temp.dir, 'data/churn.csv', churnCsv(150));
    const before = { sha: sha(file), mtime: fs.statSync(file).mtimeMs };
    const a = await prepare({ kind: 'tabular', path: file }, 'a', { seed: 9 });
    const b = await prepare({ kind: 'tabular', path: file }, 'b', { seed: 9 });
    const c = await prepare({ kind: 'tabular', path: file }, 'c', { seed: 10 });
    for (const rel of listFiles(a.paths.root))
      expect(sha(path.join(b.paths.root, rel))).toBe(sha(path.join(a.paths.root, rel)));
    expect(sha(c.paths.selection.labels)).not.toBe(sha(a.paths.selection.labels));
    expect(c.manifest.holdout.seed).toBe(10);
    expect({ sha: sha(file), mtime: fs.statSync(file).mtimeMs }).toEqual(before);
  });

  it("the data's own id never reaches the holdout features: a CSV sorted by label, ids = row numbers", async () => {
    // The review's attack: predict each holdout row's label from the nearest visible id (59/60 right).
    const rows = Array.from({ length: 300 }, (_, i) => [i + 1, `f${(i * 7919) % 1000}`, i < 150 ? 'a' : 'b']);
    const file = write(temp.dir, 'data/d.csv', csv(['id', 'x', 'label'], rows));
    const { manifest, paths } = await prepare({ kind: 'tabular', path: file });
    expect(manifest.holdout.ids).toBe('engine');
    const original = new Set(rows.map((r) => String(r[0])));
    const sources = new Map(readSimpleCsv(paths.sources).rows.map((r) => [r[0]!, r]));
    expect(readSimpleCsv(paths.sources).header).toEqual(['id', 'split', 'file', 'line', 'source_id']);
    const visible = readSimpleCsv(path.join(paths.visible, 'd.csv')).rows;
    const visibleIds = visible.map((r) => Number(r[0]));
    let attackRight = 0;
    let held = 0;
    for (const split of [paths.selection, paths.final]) {
      const features = readSimpleCsv(split.input);
      // The join key stays where the data had it, under the same name; predict.py writes it back.
      expect(features.header).toEqual(['id', 'x']);
      const labels = labelsById(split.labels);
      for (const [id, x] of features.rows) {
        held += 1;
        expect(id).toMatch(/^h[0-9a-f]{16}$/);
        expect(original.has(id!)).toBe(false);
        // The report still finds the source row, and its own id, through labels/sources.csv.
        const [, , name, line, sourceId] = sources.get(id!)!;
        expect(name).toBe('train/d.csv');
        expect(sourceId).toBe(String(Number(line) - 1));
        expect(rows[Number(sourceId) - 1]![1]).toBe(x);
        // The attack has nothing to work with: the id is no number near any visible id.
        const asNumber = Number(id);
        if (Number.isFinite(asNumber)) {
          const nearest = visibleIds.reduce((a, b) =>
            Math.abs(b - asNumber) < Math.abs(a - asNumber) ? b : a,
          );
          if ((nearest <= 150 ? 'a' : 'b') === labels.get(id!)) attackRight += 1;
        }
      }
    }
    expect(held).toBe(60);
    expect(attackRight).toBe(0);
  });

  it("an id column spelled 'Id' or 'ID' is replaced as well, and an 'id' join key is added", async () => {
    const rows = Array.from({ length: 100 }, (_, i) => [i + 1, i, i < 50 ? 'a' : 'b']);
    const file = write(temp.dir, 'data/d.csv', csv(['Id', 'x', 'label'], rows));
    const { paths } = await prepare({ kind: 'tabular', path: file });
    const features = readSimpleCsv(paths.selection.input);
    expect(features.header).toEqual(['id', 'Id', 'x']);
    for (const [id, Id, x] of features.rows) {
      expect(id).toMatch(/^h[0-9a-f]{16}$/);
      expect(Id).toBe(id);
      expect(x).not.toBe(undefined);
    }
  });

  it('a test split becomes the holdout; the training file stays visible in full', async () => {
    write(
      temp.dir,
      'data/train.csv',
      csv(
        ['x', 'label'],
        Array.from({ length: 30 }, (_, i) => [i, i % 2 ? 'a' : 'b']),
      ),
    );
    write(
      temp.dir,
      'data/test.csv',
      csv(
        ['x', 'label'],
        Array.from({ length: 10 }, (_, i) => [1000 + i, i % 2 ? 'a' : 'b']),
      ),
    );
    const { manifest, paths } = await prepare({ kind: 'tabular', path: path.join(temp.dir, 'data') });
    expect(manifest.holdout).toMatchObject({
      source: 'test_split',
      fraction: null,
      counts: { visible: 30, selection: 5, final: 5 },
    });
    expect(readSimpleCsv(path.join(paths.visible, 'train.csv')).rows).toHaveLength(30);
    const held = [...readSimpleCsv(paths.selection.input).rows, ...readSimpleCsv(paths.final.input).rows].map(
      (r) => Number(r[1]),
    );
    expect(held.sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => 1000 + i));
    expect(listFiles(paths.visible)).toEqual(['train.csv']);
  });

  it('stratifies a regression target by quantile bins', async () => {
    const rows = Array.from({ length: 200 }, (_, i) => [i, (i * 3.7) % 101]);
    const file = write(temp.dir, 'data/r.csv', csv(['x', 'target'], rows));
    const { manifest } = await prepare({ kind: 'tabular', path: file });
    expect(manifest.task).toBe('regression');
    expect(manifest.holdout).toMatchObject({
      stratifiedBy: 'quantile_bins',
      bins: 10,
      counts: { visible: 160, selection: 20, final: 20 },
    });
    expect(manifest.classes).toBeUndefined();
  });

  it('records a class with one example staying visible', async () => {
    const rows = [...Array.from({ length: 40 }, (_, i) => [i, i % 2 ? 'a' : 'b']), [99, 'rare']];
    const file = write(temp.dir, 'data/d.csv', csv(['x', 'label'], rows));
    const { manifest, paths } = await prepare({ kind: 'tabular', path: file });
    expect(manifest.holdout.notes.join(' ')).toContain("class 'rare' has a single example and stays visible");
    expect(manifest.holdout.classCounts?.find((c) => c.label === 'rare')).toEqual({
      label: 'rare',
      visible: 1,
      selection: 0,
      final: 0,
    });
    expect(fs.readFileSync(path.join(paths.visible, 'd.csv'), 'utf8')).toContain('99,rare');
  });
});

describe('prepareRunData: image folders', () => {
  function makeImages(root: string) {
    const classes = { cat: 12, dog: 8 };
    for (const [name, count] of Object.entries(classes)) {
      for (let i = 0; i < count; i += 1)
        write(
          root,
          `${name}/sub/${name}_${i}.${i % 2 ? 'jpg' : 'png'}`,
          i % 2 ? jpegBytes(i + count * 100) : pngBytes(i + count * 100),
        );
    }
  }

  it('hard-links visible images under their class, copies holdout images flat under ids', async () => {
    const root = path.join(temp.dir, 'pets');
    makeImages(root);
    const { manifest, paths } = await prepare({ kind: 'image_folder', path: root });
    expect(manifest.holdout.counts).toEqual({ visible: 16, selection: 2, final: 2 });
    const visible = listFiles(paths.visible);
    expect(visible).toHaveLength(16);
    for (const rel of visible) {
      expect(rel).toMatch(/^(cat|dog)\/sub\/(cat|dog)_\d+\.(png|jpg)$/);
      const link = fs.lstatSync(path.join(paths.visible, rel));
      expect(link.isSymbolicLink()).toBe(false);
      expect(link.ino).toBe(fs.statSync(path.join(root, rel)).ino);
    }
    expect(paths.selection.input).toBe(path.join(paths.root, 'holdout/selection/features'));
    const sources = new Map(readSimpleCsv(paths.sources).rows.map((r) => [r[0]!, r[2]!]));
    for (const split of [paths.selection, paths.final]) {
      const labels = labelsById(split.labels);
      const files = fs.readdirSync(split.input);
      expect(files).toHaveLength(2);
      for (const name of files) {
        expect(name).toMatch(/^h[0-9a-f]{16}\.(png|jpg)$/);
        expect(`${split.input}/${name}`).not.toMatch(/cat|dog/);
        const id = name.replace(/\.\w+$/, '');
        const source = sources.get(id)!; // train/<class>/sub/<file>
        const original = path.join(root, source.replace(/^train\//, ''));
        const copy = fs.statSync(path.join(split.input, name));
        expect(fs.readFileSync(path.join(split.input, name))).toEqual(fs.readFileSync(original));
        expect(copy.ino).not.toBe(fs.statSync(original).ino);
        expect(copy.mtime.toISOString()).toBe('2000-01-01T00:00:00.000Z');
        expect(labels.get(id)).toBe(source.split('/')[1]);
      }
    }
  });

  it("never modifies the user's images", async () => {
    const root = path.join(temp.dir, 'pets');
    makeImages(root);
    const before = listFiles(root).map((f) => [
      f,
      sha(path.join(root, f)),
      fs.statSync(path.join(root, f)).mtimeMs,
    ]);
    await prepare({ kind: 'image_folder', path: root });
    expect(
      listFiles(root).map((f) => [f, sha(path.join(root, f)), fs.statSync(path.join(root, f)).mtimeMs]),
    ).toEqual(before);
  });

  it("copies a symbolic link's target rather than linking the link", async () => {
    const root = path.join(temp.dir, 'pets');
    makeImages(root);
    const outside = write(temp.dir, 'elsewhere/extra.png', pngBytes(777));
    fs.symlinkSync(outside, path.join(root, 'cat/linked.png'));
    const { paths } = await prepare({ kind: 'image_folder', path: root });
    for (const rel of listFiles(paths.root))
      expect(fs.lstatSync(path.join(paths.root, rel)).isSymbolicLink()).toBe(false);
  });
});

describe('prepareRunData: text JSONL', () => {
  it('copies visible lines verbatim and writes id/text-only features', async () => {
    const lines = Array.from({ length: 60 }, (_, i) =>
      JSON.stringify({ text: `marker-${i} text`, label: i % 3 ? 'pos' : 'neg', meta: i }),
    );
    const file = write(temp.dir, 'data/reviews.jsonl', lines.join('\n') + '\n');
    const { paths, manifest } = await prepare({ kind: 'text_jsonl', path: file });
    expect(manifest.holdout.counts).toEqual({ visible: 48, selection: 6, final: 6 });
    const visible = fs
      .readFileSync(path.join(paths.visible, 'reviews.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean);
    for (const l of visible) expect(lines).toContain(l);
    const features = fs
      .readFileSync(paths.selection.input, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const labels = labelsById(paths.selection.labels);
    for (const f of features) {
      expect(Object.keys(f)).toEqual(['id', 'text']);
      const i = Number(/marker-(\d+)/.exec(f.text as string)![1]);
      expect(labels.get(f.id as string)).toBe(i % 3 ? 'pos' : 'neg');
      expect(visible.join('\n')).not.toContain(`marker-${i} `);
    }
  });
});

describe('prepareRunData: labels that are one number written two ways', () => {
  it("'1' and '1.0' are one class, as pandas reads them; the labels and the scorer agree", async () => {
    const rows = Array.from({ length: 100 }, (_, i) => [i, i % 2 ? (i % 4 === 1 ? '1' : '1.0') : '0']);
    const file = write(temp.dir, 'data/d.csv', csv(['x', 'label'], rows));
    const result = await prepareRunData({
      source: { kind: 'tabular', path: file },
      runDataDir: path.join(temp.dir, 'run'),
    });
    if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('\n'));
    const { manifest, paths } = result.value;
    expect(manifest.classes).toEqual(['0', '1']);
    expect(manifest.summary.classes).toEqual([
      { label: '0', count: 50 },
      { label: '1', count: 50 },
    ]);
    const merged = result.warnings.find((w) => w.code === 'label_spellings_merged');
    expect(merged?.message).toContain(`'1.0' (25 rows, first at ${file} line 5) is the class '1'`);
    for (const split of [paths.selection, paths.final]) {
      const labels = readSimpleCsv(split.labels).rows.map((r) => r[1]);
      expect(new Set(labels)).toEqual(new Set(['0', '1']));
      // A model trained on pandas' float column predicts 1.0 and 0.0: every one of them right.
      const predictions = `id,prediction\n${readSimpleCsv(split.labels)
        .rows.map(([id, label]) => `${id},${label}.0`)
        .join('\n')}\n`;
      const scored = await scorePredictions({
        predictionsPath: write(temp.dir, 'predictions.csv', predictions),
        labelsPath: split.labels,
        metric: accuracyMetric(manifest.classes!),
        classes: manifest.classes!,
      });
      expect(scored).toMatchObject({ ok: true, value: 1 });
    }
  });

  it('labels that are not all numbers stay as written, as pandas keeps them as text', async () => {
    const rows = Array.from({ length: 90 }, (_, i) => [i, ['1', '1.0', 'x'][i % 3]!]);
    const file = write(temp.dir, 'data/d.csv', csv(['x', 'label'], rows));
    const { manifest } = await prepare({ kind: 'tabular', path: file });
    expect(manifest.classes).toEqual(['1', '1.0', 'x']);
  });
});

describe('prepareRunData: the data never identifies a holdout example', () => {
  it("JSONL: an 'id' field is not copied into the features; sources.csv keeps it", async () => {
    const lines = Array.from({ length: 100 }, (_, i) =>
      JSON.stringify({ id: i + 1, text: `review ${i}`, label: i < 50 ? 'neg' : 'pos' }),
    );
    const file = write(temp.dir, 'data/reviews.jsonl', lines.join('\n') + '\n');
    const { paths } = await prepare({ kind: 'text_jsonl', path: file });
    const sources = new Map(readSimpleCsv(paths.sources).rows.map((r) => [r[0]!, r]));
    for (const split of [paths.selection, paths.final]) {
      const features = fs
        .readFileSync(split.input, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(features.length).toBeGreaterThan(0);
      for (const f of features) {
        expect(Object.keys(f)).toEqual(['id', 'text']);
        expect(f.id).toMatch(/^h[0-9a-f]{16}$/);
        const [, , , line, sourceId] = sources.get(f.id as string)!;
        expect(sourceId).toBe(line);
        expect(f.text).toBe(`review ${Number(sourceId) - 1}`);
      }
    }
  });

  it('images: holdout file names are engine ids, whatever the source names say about order', async () => {
    const root = path.join(temp.dir, 'numbered');
    for (let i = 0; i < 40; i += 1)
      write(root, `${i < 20 ? 'cat' : 'dog'}/${String(i).padStart(4, '0')}.png`, pngBytes(i));
    const { paths } = await prepare({ kind: 'image_folder', path: root });
    const sources = new Map(readSimpleCsv(paths.sources).rows.map((r) => [r[0]!, r]));
    for (const split of [paths.selection, paths.final]) {
      for (const name of fs.readdirSync(split.input)) {
        expect(name).toMatch(/^h[0-9a-f]{16}\.png$/);
        expect(sources.get(name.replace(/\.png$/, ''))?.[2]).toMatch(/^train\/(cat|dog)\/\d{4}\.png$/);
      }
    }
  });
});

describe('prepareRunData: failures leave nothing behind', () => {
  it('refuses a run data folder that is not empty, and leaves it alone', async () => {
    const file = write(temp.dir, 'data/churn.csv', churnCsv(50));
    write(temp.dir, 'run/keep.txt', 'mine');
    const result = await prepareRunData({
      source: { kind: 'tabular', path: file },
      runDataDir: path.join(temp.dir, 'run'),
    });
    expect(!result.ok && result.errors[0]?.message).toContain(
      'is not empty: the engine never writes over existing files',
    );
    expect(listFiles(path.join(temp.dir, 'run'))).toEqual(['keep.txt']);
  });

  it('refuses a run data folder inside the dataset', async () => {
    write(temp.dir, 'pets/cat/1.png', pngBytes(1));
    const result = await prepareRunData({
      source: { kind: 'image_folder', path: path.join(temp.dir, 'pets') },
      runDataDir: path.join(temp.dir, 'pets/run'),
    });
    expect(!result.ok && result.errors[0]?.message).toContain('overlap');
    expect(fs.existsSync(path.join(temp.dir, 'pets/run'))).toBe(false);
  });

  it('a dataset too small for a holdout fails without creating the folder', async () => {
    const file = write(
      temp.dir,
      'data/tiny.csv',
      csv(
        ['x', 'label'],
        [
          [1, 'a'],
          [2, 'b'],
          [3, 'a'],
        ],
      ),
    );
    const result = await prepareRunData({
      source: { kind: 'tabular', path: file },
      runDataDir: path.join(temp.dir, 'run'),
    });
    expect(!result.ok && result.errors[0]).toMatchObject({ code: 'holdout_too_small' });
    expect(fs.existsSync(path.join(temp.dir, 'run'))).toBe(false);
  });

  it('an invalid dataset fails without creating the folder', async () => {
    const file = write(temp.dir, 'data/bad.csv', 'x,label\n1\n');
    const result = await prepareRunData({
      source: { kind: 'tabular', path: file },
      runDataDir: path.join(temp.dir, 'run'),
    });
    expect(!result.ok && result.errors[0]?.code).toBe('ragged_row');
    expect(fs.existsSync(path.join(temp.dir, 'run'))).toBe(false);
  });

  it('rejects holdout options out of range, saying which', async () => {
    const file = write(temp.dir, 'data/churn.csv', churnCsv(50));
    const result = await prepareRunData({
      source: { kind: 'tabular', path: file },
      runDataDir: path.join(temp.dir, 'run'),
      holdout: { fraction: 1.5 },
    });
    expect(!result.ok && result.errors[0]?.message).toMatch(/^holdout options: fraction: /);
  });

  it('notices a file that changed between the two passes', async () => {
    const file = write(temp.dir, 'data/churn.csv', churnCsv(50));
    const resolved = await resolveSourcePaths({ kind: 'tabular', path: file });
    if (!resolved.ok) throw new Error(resolved.issue.message);
    const inspected = await inspectTabular(resolved.paths, { kind: 'tabular', path: file });
    if (!inspected.ok) throw new Error('inspection failed');
    fs.appendFileSync(file, 'late,1,pro,no\n');
    const runDataDir = path.join(temp.dir, 'run');
    fs.mkdirSync(path.join(runDataDir, 'visible'), { recursive: true });
    const assignment = new Uint8Array(50).map((_, i) => (i < 40 ? VISIBLE : i % 2 ? SELECTION : FINAL));
    const written = await inspected.value.materialize({
      runDataDir,
      visibleDir: path.join(runDataDir, 'visible'),
      assignment,
      seed: 1,
      fingerprint: 'f',
    });
    expect(!written.ok && written.errors[0]).toMatchObject({ code: 'changed_during_intake', file });
  });
});

describe('readRunDataset', () => {
  it('reads back what prepareRunData wrote, and rejects a damaged manifest', async () => {
    const file = write(temp.dir, 'data/churn.csv', churnCsv(50));
    const prepared = await prepare({ kind: 'tabular', path: file });
    const read = await readRunDataset(prepared.paths.root);
    expect(read.ok && read.value).toEqual(prepared);
    fs.writeFileSync(prepared.paths.manifest, JSON.stringify({ version: 2 }));
    const damaged = await readRunDataset(prepared.paths.root);
    expect(!damaged.ok && damaged.errors[0]?.message).toContain('is not a valid run dataset manifest');
  });
});
