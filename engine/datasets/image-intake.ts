import fs from 'node:fs/promises';
import path from 'node:path';
import { combineDigests, digestFile } from './fingerprint';
import { IMAGE_EXTENSIONS, JUNK_FILES, sniffImageFormat } from './image-headers';
import { materializeImages, type ImageFile } from './image-holdout';
import type { Inspection } from './inspection';
import {
  cappedList,
  error,
  plural,
  quote,
  warning,
  type IntakeResult,
  failedIntake,
  ignoredFileWarnings,
} from './issues';
import { classCounts, decideTask, LabelCollector } from './label-collector';
import type { DatasetIssue, DatasetSource, DatasetSummary } from './schemas';
import type { SourcePaths } from './source-paths';
import { classWarnings } from './class-warnings';

/** Files hashed at once: enough to keep a disk busy, few enough not to exhaust file descriptors. */
const HASH_CONCURRENCY = 8;

export async function inspectImages(
  paths: SourcePaths,
  source: DatasetSource,
  signal?: AbortSignal,
): Promise<IntakeResult<Inspection>> {
  const issues: DatasetIssue[] = ignoredFileWarnings(
    paths.ignored,
    'is neither the train nor the test folder',
  );
  const fail = (): IntakeResult<Inspection> => failedIntake(issues);
  if (source.taskType === 'regression') {
    issues.push(
      error(
        'task_mismatch',
        `${paths.train}: an image folder is a classification dataset (one subfolder per class); regression is not supported for it.`,
        {
          file: paths.train,
        },
      ),
    );
    return fail();
  }
  const validate = source.validateImageHeaders ?? true;
  const images: ImageFile[] = [];
  const roles: ['train' | 'test', string][] = [['train', paths.train]];
  if (paths.test) roles.push(['test', paths.test]);
  const classesByRole = new Map<string, Set<string>>();
  for (const [role, root] of roles) {
    const found = await listClassFolders(role, root, issues);
    const valid = await hashAndCheck(found, validate, issues, signal);
    const classes = new Set(valid.map((f) => f.className));
    classesByRole.set(role, classes);
    for (const className of found.classFolders) {
      if (!classes.has(className)) {
        issues.push(
          warning(
            'empty_class',
            `${path.join(root, className)} holds no usable image, so class ${quote(className)} is left out${role === 'train' ? ': add images to it, or remove the folder' : ''}.`,
            { file: path.join(root, className) },
          ),
        );
      }
    }
    images.push(...valid);
  }

  const trainClasses = classesByRole.get('train') ?? new Set<string>();
  if (trainClasses.size < 2) {
    issues.push(
      error(
        'too_few_classes',
        `${paths.train}: ${trainClasses.size === 0 ? 'no class subfolder holds images' : `only one class folder holds images (${quote([...trainClasses][0] ?? '')})`}. An image dataset is a folder with one subfolder per class, at least two of them, each holding that class's images.`,
        { file: paths.train },
      ),
    );
    return fail();
  }
  const testClasses = classesByRole.get('test');
  if (paths.test && (!testClasses || testClasses.size === 0)) {
    issues.push(
      error('no_rows', `${paths.test}: the test folder holds no images in class subfolders.`, {
        file: paths.test,
      }),
    );
    return fail();
  }
  const unseen = [...(testClasses ?? [])].filter((c) => !trainClasses.has(c));
  if (unseen.length > 0) {
    issues.push(
      warning(
        'test_class_unseen',
        `${paths.test}: ${cappedList(unseen.map(quote), unseen.length)} ${unseen.length === 1 ? 'has' : 'have'} test images but no training images; no model can predict ${unseen.length === 1 ? 'it' : 'them'}.`,
        { file: paths.test },
      ),
    );
  }
  if (issues.some((i) => i.severity === 'error')) return fail();

  const labels = new LabelCollector();
  for (const image of images) labels.add(image.className, image.path, 1);
  const decision = decideTask(labels, '(class folder)', 'classification');
  if (!decision.ok) {
    issues.push(error('task_mismatch', `${paths.train}: ${decision.message}`, { file: paths.train }));
    return fail();
  }
  const counts = classCounts(labels);
  const singles = counts.filter((c) => c.count === 1).map((c) => quote(c.label));
  if (singles.length > 0) {
    issues.push(
      warning(
        'single_example_class',
        `${cappedList(singles, singles.length)} ${singles.length === 1 ? 'has' : 'have'} a single image: ${singles.length === 1 ? 'it stays' : 'they stay'} visible for training and ${singles.length === 1 ? 'is' : 'are'} never scored. Add images to ${singles.length === 1 ? 'that class' : 'those classes'}.`,
      ),
    );
  }
  const extensions: Record<string, number> = {};
  for (const image of images) extensions[image.ext] = (extensions[image.ext] ?? 0) + 1;
  const trainCount = images.filter((i) => i.role === 'train').length;
  const classNames = [...trainClasses].sort();
  const summary: DatasetSummary = {
    kind: 'image_folder',
    paths: { train: paths.train, ...(paths.test ? { test: paths.test } : {}) },
    rows: images.length,
    rowsByRole: { train: trainCount, test: images.length - trainCount },
    label: {
      name: '(class folder)',
      inferred: true,
      reason: `one subfolder per class: ${cappedList(classNames.map(quote), classNames.length)}`,
    },
    task: { type: 'classification', inferred: true, reason: 'an image folder has one subfolder per class' },
    classes: counts,
    extensions,
    files: {
      count: images.length,
      totalBytes: images.reduce((a, i) => a + i.bytes, 0),
      sample: images.slice(0, 20).map((i) => ({ path: i.path, role: i.role, bytes: i.bytes })),
    },
    fingerprint: combineDigests(images),
    warnings: [],
  };
  issues.push(...classWarnings(summary));
  summary.warnings = issues.filter((i) => i.severity === 'warning');
  const fromTest = paths.test ? new Uint8Array(images.length).fill(1, trainCount) : null;
  return {
    ok: true,
    warnings: summary.warnings,
    value: {
      summary,
      task: 'classification',
      labels,
      fromTest,
      dataBytes: summary.files.totalBytes,
      materialize: (context) => materializeImages(images, context),
    },
  };
}

interface Listing {
  classFolders: string[];
  files: Omit<ImageFile, 'sha256'>[];
}

/** Class folders and the image files under each (recursively); everything else is reported or skipped. */
async function listClassFolders(
  role: 'train' | 'test',
  root: string,
  issues: DatasetIssue[],
): Promise<Listing> {
  const entries = await visibleDirents(root);
  const loose = entries.filter((e) => !e.isDirectory() && !JUNK_FILES.has(e.name.toLowerCase()));
  if (loose.length > 0) {
    issues.push(
      warning(
        'loose_files',
        `${root}: ${plural(loose.length, 'file')} outside any class folder (${cappedList(
          loose.map((e) => e.name),
          loose.length,
        )}) ${loose.length === 1 ? 'is' : 'are'} not part of the dataset: images must sit in one subfolder per class.`,
        { file: root },
      ),
    );
  }
  const classFolders = entries.filter((e) => e.isDirectory()).map((e) => e.name);
  const files: Omit<ImageFile, 'sha256'>[] = [];
  const notImages: string[] = [];
  let notImageCount = 0;
  const skippedLinks: string[] = [];
  for (const className of classFolders) {
    const walk = async (dir: string, relative: string): Promise<void> => {
      for (const entry of await visibleDirents(dir)) {
        const full = path.join(dir, entry.name);
        const rel = relative ? `${relative}/${entry.name}` : entry.name;
        if (entry.isDirectory()) {
          await walk(full, rel);
          continue;
        }
        let symlink = false;
        let stat;
        if (entry.isSymbolicLink()) {
          // A link to a file is followed (its content is copied); a link to a folder could loop, so not.
          stat = await fs.stat(full).catch(() => null);
          if (!stat?.isFile()) {
            skippedLinks.push(full);
            continue;
          }
          symlink = true;
        } else if (!entry.isFile()) continue;
        if (JUNK_FILES.has(entry.name.toLowerCase())) continue;
        const ext = path.extname(entry.name).toLowerCase();
        if (!IMAGE_EXTENSIONS.has(ext)) {
          notImageCount += 1;
          if (notImages.length < 5) notImages.push(`${className}/${rel}`);
          continue;
        }
        stat ??= await fs.stat(full);
        files.push({
          role,
          className,
          path: full,
          relative: rel,
          name: `${role}/${className}/${rel}`,
          ext,
          bytes: stat.size,
          mtimeMs: stat.mtimeMs,
          symlink,
        });
      }
    };
    await walk(path.join(root, className), '');
  }
  if (notImageCount > 0) {
    issues.push(
      warning(
        'not_an_image',
        `${root}: ${plural(notImageCount, 'file')} without an image extension (${cappedList(notImages, notImageCount)}) ${notImageCount === 1 ? 'is' : 'are'} left out. Images are ${[...IMAGE_EXTENSIONS].join(' ')}.`,
        { file: root },
      ),
    );
  }
  if (skippedLinks.length > 0) {
    issues.push(
      warning(
        'skipped_link',
        `${plural(skippedLinks.length, 'symbolic link')} to folders (or broken) ${skippedLinks.length === 1 ? 'is' : 'are'} left out: ${cappedList(skippedLinks, skippedLinks.length)}.`,
      ),
    );
  }
  return { classFolders, files };
}

async function hashAndCheck(
  listing: Listing,
  validate: boolean,
  issues: DatasetIssue[],
  signal?: AbortSignal,
): Promise<ImageFile[]> {
  const results: (ImageFile | null)[] = new Array(listing.files.length).fill(null);
  const bad: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < listing.files.length) {
      if (signal?.aborted) throw signal.reason ?? new Error('aborted');
      const index = next;
      next += 1;
      const file = listing.files[index] as Omit<ImageFile, 'sha256'>;
      let format: string | null = null;
      const { sha256 } = await digestFile(file.path, (head) => {
        format = sniffImageFormat(head);
      });
      if (validate && format === null) {
        bad.push(index);
        continue;
      }
      results[index] = { ...file, sha256 };
    }
  };
  await Promise.all(Array.from({ length: HASH_CONCURRENCY }, worker));
  const badCount = bad.length;
  if (badCount > 0) {
    // Workers finish in any order; listing by position keeps the message the same on every run.
    const badPaths = bad.sort((a, b) => a - b).map((i) => listing.files[i]?.path ?? '');
    issues.push(
      warning(
        'invalid_image',
        `${plural(badCount, 'file')} with an image extension ${badCount === 1 ? 'is' : 'are'} not a PNG, JPEG, GIF, BMP, WebP or TIFF image (empty, truncated, or another format) and ${badCount === 1 ? 'is' : 'are'} left out: ${cappedList(badPaths, badCount)}.`,
        { file: badPaths[0] },
      ),
    );
  }
  return results.filter((r): r is ImageFile => r !== null);
}

async function visibleDirents(dir: string) {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => !e.name.startsWith('.'))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
