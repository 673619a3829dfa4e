import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inferDatasetKind } from '../config/dataset-kind';
import { useTempDir } from '../testing/temp-dir';
import { inspectDataset, prepareRunData } from './run-data';
import { csv, write } from './testing/files';

// Symbolic links in a dataset: one that stays inside the dataset folder is read like the file it leads to; one
// that leads out of it is refused before anything reads it, and no message quotes what it leads to.

const temp = useTempDir();

const rows = Array.from({ length: 40 }, (_, i) => [i, i % 7, i % 2 ? 'yes' : 'no']);
/** A file outside every dataset whose first line must never appear in a message (as /etc/shadow's did). */
const SECRET = 'root:$y$j9T$SECRET-HASH-abc123:19700:0:99999:7:::';

function secretFile(): string {
  return write(temp.dir, 'elsewhere/shadow', `${SECRET}\nbin:*:19700:0:99999:7:::\n`);
}

describe('a link inside the dataset folder', () => {
  it('train.csv linked to another file of the folder is found and read', async () => {
    const root = path.join(temp.dir, 'linked-in');
    write(root, 'raw/churn_v3.csv', csv(['a', 'b', 'label'], rows));
    fs.symlinkSync(path.join('raw', 'churn_v3.csv'), path.join(root, 'train.csv'));
    expect(inferDatasetKind(root)?.kind).toBe('tabular');
    const result = await inspectDataset({ kind: 'tabular', path: root, labelColumn: 'label' });
    expect(result.ok, JSON.stringify(!result.ok && result.errors)).toBe(true);
    expect(result.ok && result.value.rowsByRole).toEqual({ train: 40, test: 0 });
    const prepared = await prepareRunData({
      source: { kind: 'tabular', path: root, labelColumn: 'label' },
      runDataDir: path.join(temp.dir, 'run-in'),
    });
    expect(prepared.ok).toBe(true);
  });

  it('a JSONL file linked inside the folder is read', async () => {
    const root = path.join(temp.dir, 'jsonl-in');
    const lines = Array.from({ length: 30 }, (_, i) =>
      JSON.stringify({ text: `t${i}`, label: i % 2 ? 'a' : 'b' }),
    );
    write(root, 'v2/reviews.jsonl', lines.join('\n') + '\n');
    fs.symlinkSync(path.join(root, 'v2', 'reviews.jsonl'), path.join(root, 'train.jsonl'));
    const result = await inspectDataset({ kind: 'text_jsonl', path: root });
    expect(result.ok && result.value.rowsByRole).toEqual({ train: 30, test: 0 });
  });
});

describe('a link leading out of the dataset folder', () => {
  it('train.csv in the folder linked outside: refused, the target never quoted', async () => {
    const root = path.join(temp.dir, 'linked-out');
    fs.mkdirSync(root, { recursive: true });
    const target = secretFile();
    fs.symlinkSync(target, path.join(root, 'train.csv'));
    const result = await prepareRunData({
      source: { kind: 'tabular', path: root, labelColumn: 'label' },
      runDataDir: path.join(temp.dir, 'run-out'),
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors[0]).toMatchObject({ code: 'link_outside_dataset' });
    expect(result.errors[0]?.message).toContain('outside the dataset folder');
    expect(result.errors[0]?.message).toContain('Copy the file into the folder');
    expect(JSON.stringify(result)).not.toContain('SECRET-HASH');
    expect(fs.existsSync(path.join(temp.dir, 'run-out'))).toBe(false);
  });

  it('the dataset path naming the link itself: refused, the target never quoted', async () => {
    const root = path.join(temp.dir, 'named-link');
    fs.mkdirSync(root, { recursive: true });
    fs.symlinkSync(secretFile(), path.join(root, 'data.csv'));
    for (const kind of ['tabular', 'text_jsonl'] as const) {
      const result = await inspectDataset({ kind, path: path.join(root, 'data.csv') });
      expect(result.ok).toBe(false);
      expect(!result.ok && result.errors[0]?.code).toBe('link_outside_dataset');
      expect(JSON.stringify(result)).not.toContain('SECRET-HASH');
    }
  });

  it('a test split linked outside: refused', async () => {
    const root = path.join(temp.dir, 'test-out');
    write(root, 'train.csv', csv(['a', 'b', 'label'], rows));
    fs.symlinkSync(secretFile(), path.join(root, 'test.csv'));
    const result = await inspectDataset({ kind: 'tabular', path: root, labelColumn: 'label' });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors[0]?.code).toBe('link_outside_dataset');
    expect(JSON.stringify(result)).not.toContain('SECRET-HASH');
  });

  it('a link through a parent folder that stays inside is followed', async () => {
    const real = path.join(temp.dir, 'real-set');
    write(real, 'train.csv', csv(['a', 'b', 'label'], rows));
    const alias = path.join(temp.dir, 'alias-set');
    fs.symlinkSync(real, alias);
    const result = await inspectDataset({ kind: 'tabular', path: alias, labelColumn: 'label' });
    expect(result.ok && result.value.rowsByRole).toEqual({ train: 40, test: 0 });
  });
});
