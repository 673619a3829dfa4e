import fs from 'node:fs';
import path from 'node:path';
import { IMAGE_EXTENSIONS, KIND_EXTENSIONS } from '../api/vocabulary';
import type { ConfigDatasetKind } from './project-schema';

/** File extensions that say a dataset's kind; the same the datasets module accepts for each kind. */

export interface InferredKind {
  kind: ConfigDatasetKind;
  /** Why, in words, for the user ("train.csv and test.csv in the folder"). */
  reason: string;
}

/** How many directory entries are looked at per folder: enough to decide, cheap on a folder of 100k images. */
const SCAN_LIMIT = 500;

/**
 * The kind of the dataset at `target` (a file or a folder), by looking at it: CSV → tabular, JSONL →
 * text_jsonl, subfolders of images → image_folder. Anything else, or a mixture, is `other` (no trusted scoring)
 * with the reason. Null when nothing is at `target`. Reads only the top of the folder and a few subfolders.
 */
export function inferDatasetKind(target: string): InferredKind | null {
  const stat = statOrNull(target);
  if (!stat) return null;
  if (stat.isFile()) {
    const ext = path.extname(target).toLowerCase();
    const name = path.basename(target);
    if (has(KIND_EXTENSIONS.tabular, ext)) return { kind: 'tabular', reason: `${name} is a CSV file` };
    if (has(KIND_EXTENSIONS.text_jsonl, ext))
      return { kind: 'text_jsonl', reason: `${name} is a JSONL file` };
    return {
      kind: 'other',
      reason: `${name} is not a CSV, JSONL or image folder, so the engine cannot score it`,
    };
  }
  if (!stat.isDirectory()) return { kind: 'other', reason: `${target} is neither a file nor a folder` };

  const entries = listVisible(target);
  // A link counts as what it leads to (train.csv → raw/train_v3.csv is a CSV file); intake then refuses one
  // that leads out of the dataset folder, with its own message.
  const files = entries.filter((e) => isFileEntry(target, e)).map((e) => e.name);
  const csv = files.filter((f) => has(KIND_EXTENSIONS.tabular, path.extname(f).toLowerCase()));
  const jsonl = files.filter((f) => has(KIND_EXTENSIONS.text_jsonl, path.extname(f).toLowerCase()));
  const looseImages = files.filter(isImage);
  const imageDirs = entries
    .filter((e) => e.isDirectory())
    .slice(0, 50)
    .map((e) => e.name)
    .filter((d) => hasImages(path.join(target, d), 1));

  const found: string[] = [];
  if (csv.length > 0) found.push(`CSV files (${list(csv)})`);
  if (jsonl.length > 0) found.push(`JSONL files (${list(jsonl)})`);
  if (imageDirs.length > 0) found.push(`folders of images (${list(imageDirs.map((d) => `${d}/`))})`);

  if (found.length === 1) {
    if (csv.length > 0) return { kind: 'tabular', reason: `found ${found[0]}` };
    if (jsonl.length > 0) return { kind: 'text_jsonl', reason: `found ${found[0]}` };
    return { kind: 'image_folder', reason: `found ${found[0]}` };
  }
  if (found.length > 1) {
    return { kind: 'other', reason: `found ${found.join(' and ')}: set dataset.type to say which it is` };
  }
  if (looseImages.length > 0) {
    return {
      kind: 'other',
      reason: 'images lie directly in the folder, with no class subfolders (cats/, dogs/...) to learn from',
    };
  }
  return { kind: 'other', reason: 'no CSV file, JSONL file or subfolders of images in the folder' };
}

function isFileEntry(dir: string, entry: fs.Dirent): boolean {
  if (entry.isFile()) return true;
  return entry.isSymbolicLink() && (statOrNull(path.join(dir, entry.name))?.isFile() ?? false);
}

function hasImages(dir: string, depth: number): boolean {
  const entries = listVisible(dir);
  if (entries.some((e) => e.isFile() && isImage(e.name))) return true;
  if (depth <= 0) return false;
  return entries
    .filter((e) => e.isDirectory())
    .slice(0, 10)
    .some((e) => hasImages(path.join(dir, e.name), depth - 1));
}

function listVisible(dir: string): fs.Dirent[] {
  let handle: fs.Dir | null = null;
  const out: fs.Dirent[] = [];
  try {
    handle = fs.opendirSync(dir);
    for (let entry = handle.readSync(); entry && out.length < SCAN_LIMIT; entry = handle.readSync()) {
      if (!entry.name.startsWith('.')) out.push(entry);
    }
  } catch {
    // Unreadable: treated as empty; intake reports the permission problem with its own message.
  } finally {
    handle?.closeSync();
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

const isImage = (name: string): boolean => IMAGE_EXTENSIONS.has(path.extname(name).toLowerCase());
const has = (list: readonly string[], ext: string): boolean => list.includes(ext);
const list = (names: string[]): string =>
  names.length > 3 ? `${names.slice(0, 3).join(', ')}, ...` : names.join(', ');

function statOrNull(p: string): fs.Stats | null {
  try {
    return fs.statSync(p);
  } catch {
    return null;
  }
}
