import fs from 'node:fs/promises';
import path from 'node:path';
import { KIND_EXTENSIONS } from '../api/vocabulary';
import { containedFile, containmentMessage } from './contained-file';
import { error } from './issues';
import type { DatasetIssue, DatasetKind, DatasetSource } from './schemas';

/**
 * Where a dataset's train and test parts are, from what the user gave: a file, or a folder laid out the way
 * people lay out datasets (train.csv + test.csv, train/ + test/, one subfolder per class).
 */
export interface SourcePaths {
  kind: DatasetKind;
  /** Absolute: a CSV / JSONL file, or the folder holding the class subfolders. */
  train: string;
  test?: string;
  /** The test part was found by its name, not given: if it has no labels it is skipped, not an error. */
  testByConvention: boolean;
  /** Files next to the data that are not part of it (README, sample_submission.csv...). */
  ignored: string[];
}

// The file extensions of the file-based kinds are shared words (engine/config infers a kind from them).
export { KIND_EXTENSIONS } from '../api/vocabulary';

type Resolution = { ok: true; paths: SourcePaths } | { ok: false; issue: DatasetIssue };

export async function resolveSourcePaths(source: DatasetSource): Promise<Resolution> {
  const train = path.resolve(source.path);
  const test = source.testPath ? path.resolve(source.testPath) : undefined;
  const trainStat = await statOrNull(train);
  if (!trainStat) return missing(train, 'path');
  if (test && !(await statOrNull(test))) return missing(test, 'testPath');
  if (source.kind === 'image_folder') return resolveImageFolder(train, trainStat.isDirectory(), test);
  const extensions: readonly string[] =
    source.kind === 'tabular' ? KIND_EXTENSIONS.tabular : KIND_EXTENSIONS.text_jsonl;
  const what = source.kind === 'tabular' ? 'CSV' : 'JSONL';
  if (trainStat.isFile()) {
    if (test && !(await isFile(test))) return notAFile(test, what);
    // A file given by its path: its folder is the dataset's; a link out of it is refused as in a folder.
    const outside =
      (await linkOutside(train, path.dirname(train))) ??
      (test ? await linkOutside(test, path.dirname(test)) : null);
    if (outside) return outside;
    return { ok: true, paths: { kind: source.kind, train, test, testByConvention: false, ignored: [] } };
  }
  const files = await filesIn(train);
  const data = files.filter((f) => extensions.includes(path.extname(f).toLowerCase()));
  const named = (stem: string) => data.find((f) => path.basename(f, path.extname(f)).toLowerCase() === stem);
  const trainName = named('train');
  const testName = test ? undefined : named('test');
  let chosen: string | undefined = trainName;
  if (!chosen) {
    if (data.length === 1) chosen = data[0];
    else if (data.length === 0) {
      return fail(
        'no_data_file',
        `${train}: no ${what} file here (looked for ${extensions.join(', ')}). Point the dataset path at the ${what} file, or put it in this folder.`,
        train,
      );
    } else {
      return fail(
        'ambiguous_data_file',
        `${train}: ${data.length} ${what} files (${data.join(', ')}) and none is named train${extensions[0]}. Point the dataset path at the file to train on (and testPath at a test split, if any).`,
        train,
      );
    }
  }
  const used = new Set([chosen, testName].filter(Boolean));
  for (const name of used) {
    const outside = await linkOutside(path.join(train, name as string), train);
    if (outside) return outside;
  }
  if (test) {
    const outside = await linkOutside(test, path.dirname(test));
    if (outside) return outside;
  }
  return {
    ok: true,
    paths: {
      kind: source.kind,
      train: path.join(train, chosen as string),
      test: test ?? (testName ? path.join(train, testName) : undefined),
      testByConvention: !test && testName !== undefined,
      ignored: files.filter((f) => !used.has(f)).map((f) => path.join(train, f)),
    },
  };
}

async function resolveImageFolder(
  root: string,
  isDir: boolean,
  test: string | undefined,
): Promise<Resolution> {
  if (!isDir) {
    return fail(
      'not_a_folder',
      `${root} is a file; an image dataset is a folder with one subfolder per class (cats/, dogs/...).`,
      root,
    );
  }
  if (test) {
    if (!(await isDir_(test)))
      return fail('not_a_folder', `${test} (testPath) is not a folder of class subfolders.`, test);
    return {
      ok: true,
      paths: { kind: 'image_folder', train: root, test, testByConvention: false, ignored: [] },
    };
  }
  // train/ + test/, each with class subfolders: the split the user already made.
  const dirs = (await visibleEntries(root)).filter((e) => e.isDirectory()).map((e) => e.name);
  const trainDir = dirs.find((d) => d.toLowerCase() === 'train');
  const testDir = dirs.find((d) => d.toLowerCase() === 'test');
  if (
    trainDir &&
    testDir &&
    (await hasSubfolders(path.join(root, trainDir))) &&
    (await hasSubfolders(path.join(root, testDir)))
  ) {
    return {
      ok: true,
      paths: {
        kind: 'image_folder',
        train: path.join(root, trainDir),
        test: path.join(root, testDir),
        testByConvention: true,
        ignored: dirs.filter((d) => d !== trainDir && d !== testDir).map((d) => path.join(root, d)),
      },
    };
  }
  return { ok: true, paths: { kind: 'image_folder', train: root, testByConvention: false, ignored: [] } };
}

/** Directory entries, without hidden ones (.DS_Store, .git): those are never data. */
export async function visibleEntries(dir: string) {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => !e.name.startsWith('.'))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The files of a folder (hidden ones left out), links to files included: they are checked before use. */
async function filesIn(dir: string): Promise<string[]> {
  const names: string[] = [];
  for (const entry of await visibleEntries(dir)) {
    if (entry.isFile()) names.push(entry.name);
    else if (entry.isSymbolicLink() && (await isFile(path.join(dir, entry.name)))) names.push(entry.name);
  }
  return names;
}

/** The refusal for a data file that is a link leading out of `root`; null when it is not a link or stays in. */
async function linkOutside(file: string, root: string): Promise<Resolution | null> {
  const stat = await fs.lstat(file).catch(() => null);
  if (!stat?.isSymbolicLink()) return null;
  const contained = await containedFile(root, file);
  if (contained.inside) return null;
  return fail('link_outside_dataset', containmentMessage(file, root, contained), file);
}

async function hasSubfolders(dir: string): Promise<boolean> {
  return (await visibleEntries(dir)).some((e) => e.isDirectory());
}

async function statOrNull(p: string) {
  try {
    return await fs.stat(p);
  } catch {
    return null;
  }
}

async function isFile(p: string): Promise<boolean> {
  return (await statOrNull(p))?.isFile() ?? false;
}

async function isDir_(p: string): Promise<boolean> {
  return (await statOrNull(p))?.isDirectory() ?? false;
}

const fail = (code: string, message: string, file: string): Resolution => ({
  ok: false,
  issue: error(code, message, { file }),
});

const missing = (p: string, field: string): Resolution =>
  fail(
    'not_found',
    `${p} (${field}) does not exist or cannot be read: check the path and its permissions.`,
    p,
  );

const notAFile = (p: string, what: string): Resolution =>
  fail('not_a_file', `${p} (testPath) is not a file: give the test split's ${what} file.`, p);
