import fs from 'node:fs/promises';
import { constants } from 'node:fs';
import path from 'node:path';
import { holdoutId, holdoutOrderKey } from './holdout-ids';
import { SELECTION, VISIBLE } from './holdout-plan';
import { HoldoutSinks } from './holdout-sinks';
import { changedWhileReading, type MaterializeContext } from './inspection';
import type { IntakeResult } from './issues';
import { featuresName, holdoutDir } from './run-data-layout';
import type { ScoreSplit } from '../api/vocabulary';

/** An image of the user's folder, as intake found it: what the holdout copies or links. */
export interface ImageFile {
  role: 'train' | 'test';
  className: string;
  /** Absolute path in the user's folder. */
  path: string;
  /** Path under the class folder, forward slashes: where it goes under `visible/<class>/`. */
  relative: string;
  /** `<role>/<class>/<relative>`: fingerprint and sources name. */
  name: string;
  ext: string;
  bytes: number;
  mtimeMs: number;
  /** A symbolic link in the user's folder: always copied, since a hard link would copy the link itself. */
  symlink: boolean;
  sha256: string;
}

/** Holdout copies all get this timestamp: their real ones could date each class folder's download. */
const NEUTRAL_TIME = new Date('2000-01-01T00:00:00Z');

/**
 * Visible images are hard-linked into `visible/<class>/...` (copied across file systems, or when the source
 * is a symbolic link): no second copy of a large dataset, and never a symlink pointing into the user's folder.
 *
 * Holdout images are always copied, never linked, to `holdout/<split>/features/<id><ext>`, in id-hash order
 * and with a neutral timestamp. A hard link would share the source file's inode number and times, and both
 * follow the order the class folders were written in: sorting holdout files by inode or mtime would sort
 * them by class.
 */
export async function materializeImages(
  images: readonly ImageFile[],
  context: MaterializeContext,
): Promise<IntakeResult<{ rows: { selection: number; final: number } }>> {
  const sinks = await HoldoutSinks.open({
    runDataDir: context.runDataDir,
    seed: context.seed,
    fingerprint: context.fingerprint,
    featuresFile: null,
    expectedBytes: 0,
  });
  try {
    const made = new Set<string>();
    const ensureDir = async (dir: string) => {
      if (made.has(dir)) return;
      await fs.mkdir(dir, { recursive: true });
      made.add(dir);
    };
    const held: { image: ImageFile; split: ScoreSplit; id: string; key: string }[] = [];
    for (let i = 0; i < images.length; i += 1) {
      if (context.signal?.aborted) throw context.signal.reason ?? new Error('aborted');
      const image = images[i] as ImageFile;
      if (!(await unchanged(image))) {
        await sinks.abort();
        return { ok: false, errors: [changedWhileReading(image.path)], warnings: [] };
      }
      const destination = context.assignment[i];
      if (destination === VISIBLE || destination === undefined) {
        const target = path.join(context.visibleDir, image.className, ...image.relative.split('/'));
        await ensureDir(path.dirname(target));
        await linkOrCopy(image, target);
        continue;
      }
      const id = holdoutId(context.seed, context.fingerprint, image.name);
      held.push({
        image,
        split: destination === SELECTION ? 'selection' : 'final',
        id,
        key: holdoutOrderKey(context.seed, context.fingerprint, id),
      });
    }
    held.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const split of ['selection', 'final'] as const) {
      await ensureDir(path.join(context.runDataDir, holdoutDir(split), featuresName('image_folder')));
    }
    for (const { image, split, id } of held) {
      const target = path.join(
        context.runDataDir,
        holdoutDir(split),
        featuresName('image_folder'),
        `${id}${image.ext}`,
      );
      await fs.copyFile(image.path, target, constants.COPYFILE_EXCL);
      await fs.utimes(target, NEUTRAL_TIME, NEUTRAL_TIME);
      await sinks.add(split, {
        id,
        featureText: null,
        label: image.className,
        source: image.name,
        line: null,
      });
    }
    return { ok: true, value: await sinks.complete(''), warnings: [] };
  } catch (err) {
    await sinks.abort();
    throw err;
  }
}

async function unchanged(image: ImageFile): Promise<boolean> {
  const stat = await fs.stat(image.path).catch(() => null);
  return stat !== null && stat.size === image.bytes && stat.mtimeMs === image.mtimeMs;
}

async function linkOrCopy(image: ImageFile, target: string): Promise<void> {
  if (!image.symlink) {
    try {
      await fs.link(image.path, target);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // Another file system, a file system without hard links, or a link count at its limit: copy instead.
      if (!['EXDEV', 'EPERM', 'EMLINK', 'ENOTSUP', 'EOPNOTSUPP', 'EACCES'].includes(code ?? '')) throw err;
    }
  }
  await fs.copyFile(image.path, target, constants.COPYFILE_EXCL);
}
