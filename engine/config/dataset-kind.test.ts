import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../testing/temp-dir';
import { inferDatasetKind } from './dataset-kind';
import { writeTree } from './testing/helpers';

const tmp = useTempDir('mle-beast-kind-');

let calls = 0;

/** Writes `files` into a fresh folder (so calls in one test do not mix) and infers the kind of `target` in it. */
function infer(files: Record<string, string>, target = 'd') {
  calls += 1;
  const root = path.join(tmp.dir, `case-${calls}`);
  writeTree(root, files);
  return inferDatasetKind(path.join(root, target));
}

describe('inferDatasetKind', () => {
  it('single files by extension', () => {
    expect(infer({ 'x.CSV': 'a\n' }, 'x.CSV')).toEqual({ kind: 'tabular', reason: 'x.CSV is a CSV file' });
    expect(infer({ 'x.tsv': 'a\n' }, 'x.tsv')?.kind).toBe('tabular');
    expect(infer({ 'x.ndjson': '{}\n' }, 'x.ndjson')?.kind).toBe('text_jsonl');
    expect(infer({ 'x.parquet': '' }, 'x.parquet')).toEqual({
      kind: 'other',
      reason: 'x.parquet is not a CSV, JSONL or image folder, so the engine cannot score it',
    });
  });

  it('folders: CSV, JSONL, class subfolders, train/ + test/ of class subfolders', () => {
    expect(infer({ 'd/train.csv': '', 'd/README.md': '' })).toEqual({
      kind: 'tabular',
      reason: 'found CSV files (train.csv)',
    });
    expect(infer({ 'd/a.jsonl': '' })?.kind).toBe('text_jsonl');
    expect(infer({ 'd/cat/1.webp': '', 'd/dog/2.png': '', 'd/labels.txt': '' })).toEqual({
      kind: 'image_folder',
      reason: 'found folders of images (cat/, dog/)',
    });
    expect(infer({ 'd/train/cat/1.png': '', 'd/test/cat/2.png': '' })).toEqual({
      kind: 'image_folder',
      reason: 'found folders of images (test/, train/)',
    });
  });

  it('hidden files and folders are not data', () => {
    expect(infer({ 'd/.cache/x.csv': '', 'd/.x.csv': '', 'd/c/1.png': '' })?.kind).toBe('image_folder');
  });

  it('mixtures, loose images and empty folders are "other", with the reason', () => {
    expect(infer({ 'd/labels.csv': '', 'd/imgs/1.png': '' })).toEqual({
      kind: 'other',
      reason:
        'found CSV files (labels.csv) and folders of images (imgs/): set dataset.type to say which it is',
    });
    expect(infer({ 'd/1.png': '', 'd/2.png': '' })?.reason).toContain('no class subfolders');
    expect(infer({ 'd/': '' })?.reason).toBe('no CSV file, JSONL file or subfolders of images in the folder');
    expect(infer({ 'd/a/b.txt': '' })?.kind).toBe('other');
  });

  it('long lists are shortened', () => {
    expect(infer({ 'd/a.csv': '', 'd/b.csv': '', 'd/c.csv': '', 'd/e.csv': '' })?.reason).toBe(
      'found CSV files (a.csv, b.csv, c.csv, ...)',
    );
  });

  it('nothing there: null', () => {
    expect(inferDatasetKind(path.join(tmp.dir, 'missing'))).toBeNull();
  });
});

describe('symbolic links', () => {
  it('count as what they lead to: a folder whose train.csv is a link to a CSV is tabular', () => {
    const root = path.join(tmp.dir, 'linked');
    writeTree(root, { 'raw/v3.data': 'a,label\n1,x\n' });
    fs.symlinkSync(path.join('raw', 'v3.data'), path.join(root, 'train.csv'));
    expect(inferDatasetKind(root)).toMatchObject({ kind: 'tabular' });
  });
});
