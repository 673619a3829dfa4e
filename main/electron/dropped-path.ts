import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  DROP_HINT,
  isProjectFileName,
  PROJECT_FILE_MAX_BYTES,
  type DroppedPath,
} from '../../engine/api/host';

/**
 * The folders a dropped dataset may never be: the engine copies and hashes a dataset folder, and a drop is one
 * careless gesture away from pointing it at the whole disk or the operating system. One list, by platform:
 * - `exact`: the folder itself is refused (a disk root, the folder of all users' homes), but a folder inside it
 *   is fine (`/tmp/data`, `/Volumes/usb/data`);
 * - `tree`: the folder and everything inside it are refused (the operating system's own files).
 * The user's home folder itself is added at check time.
 */
export const SYSTEM_FOLDERS = {
  posix: {
    exact: [
      '/',
      '/home',
      '/Users',
      '/Volumes',
      '/mnt',
      '/media',
      '/tmp',
      '/var',
      '/opt',
      '/srv',
      '/private',
      '/root',
    ],
    tree: [
      '/bin',
      '/boot',
      '/dev',
      '/etc',
      '/lib',
      '/lib32',
      '/lib64',
      '/libx32',
      '/proc',
      '/run',
      '/sbin',
      '/sys',
      '/usr',
      '/snap',
      '/System',
      '/Library',
      '/Applications',
      '/private/etc',
      '/var/lib',
      '/var/log',
    ],
  },
  win32: {
    exact: ['C:\\Users'],
    tree: ['C:\\Windows', 'C:\\Program Files', 'C:\\Program Files (x86)', 'C:\\ProgramData'],
  },
} as const;

type Platform = 'posix' | 'win32';

/** Why `folder` is a system folder, or null. Pure: tests give it Windows paths on Linux. */
export function systemFolderReason(folder: string, platform: Platform, home: string): string | null {
  const p = platform === 'win32' ? path.win32 : path.posix;
  // Windows and macOS file systems ignore case by default: compare lower-cased there.
  const fold = (s: string) => {
    const normal = p.normalize(s).replace(/[\\/]+$/, '') || p.sep;
    return platform === 'win32' || process.platform === 'darwin' ? normal.toLowerCase() : normal;
  };
  const target = fold(folder);
  const list = SYSTEM_FOLDERS[platform];
  if (platform === 'win32' && /^[a-z]:[\\/]*$/i.test(folder.trim())) return 'the root of a drive';
  if (fold(home) === target) return 'your home folder itself';
  if (list.exact.some((f) => fold(f) === target)) return 'a top-level system folder';
  const inside = list.tree.find((f) => target === fold(f) || target.startsWith(fold(f) + p.sep));
  return inside ? `a system folder (${inside})` : null;
}

export interface DropCheckOptions {
  home?: string;
  platform?: Platform;
}

const refused = (dropped: string, message: string): DroppedPath => ({
  kind: 'refused',
  path: dropped,
  message,
});
const quoted = (p: string) => `“${p}”`;

/**
 * Main's check of a path the preload read from a dropped File: a folder the engine can read and that is not a
 * system folder, or a project file (read, size-capped). Anything else is refused with what to drop instead.
 * Only the file system is asked; symbolic links are followed and the real target is checked too.
 */
export async function checkDroppedPath(
  dropped: string,
  options: DropCheckOptions = {},
): Promise<DroppedPath> {
  const platform: Platform = options.platform ?? (process.platform === 'win32' ? 'win32' : 'posix');
  const home = options.home ?? os.homedir();
  const p = platform === 'win32' ? path.win32 : path.posix;
  if (!p.isAbsolute(dropped)) {
    return refused(
      dropped,
      `${quoted(dropped)} is not an absolute path, so it cannot be checked. ${DROP_HINT}`,
    );
  }
  let real: string;
  let stat: fs.Stats;
  try {
    real = await fs.promises.realpath(dropped);
    stat = await fs.promises.stat(real);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      return refused(
        dropped,
        `${quoted(dropped)} does not exist (moved or deleted since it was dropped?). ${DROP_HINT}`,
      );
    }
    if (code === 'EACCES' || code === 'EPERM') {
      return refused(
        dropped,
        `${quoted(dropped)} cannot be read: you lack permission. Check its permissions, or ${lower(DROP_HINT)}`,
      );
    }
    return refused(
      dropped,
      `${quoted(dropped)} cannot be read (${code ?? (error as Error).message}). ${DROP_HINT}`,
    );
  }

  if (stat.isDirectory()) {
    const reason = systemFolderReason(dropped, platform, home) ?? systemFolderReason(real, platform, home);
    if (reason) {
      return refused(
        dropped,
        `${quoted(dropped)} is ${reason}, not a dataset folder: drop the folder that holds your data files.`,
      );
    }
    try {
      // access() says what the permission bits allow; reading one entry proves it (ACLs, mounts).
      await fs.promises.access(real, fs.constants.R_OK | fs.constants.X_OK);
      const dir = await fs.promises.opendir(real);
      await dir.read();
      await dir.close();
    } catch (error) {
      return refused(
        dropped,
        `The folder ${quoted(dropped)} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'unreadable'}): ` +
          'give yourself read permission on it, or drop another folder.',
      );
    }
    return { kind: 'folder', path: dropped };
  }

  if (stat.isFile() && isProjectFileName(dropped)) {
    if (stat.size > PROJECT_FILE_MAX_BYTES) {
      return refused(
        dropped,
        `${quoted(p.basename(dropped))} is ${Math.round(stat.size / 1024)} KB: a project.yaml is at most ` +
          `${PROJECT_FILE_MAX_BYTES / 1024} KB. Drop the project file itself, or a dataset folder.`,
      );
    }
    try {
      const yaml = await readCapped(real, PROJECT_FILE_MAX_BYTES);
      return { kind: 'project', path: dropped, yaml };
    } catch (error) {
      return refused(
        dropped,
        `${quoted(dropped)} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): ` +
          'give yourself read permission on it, or import it with “Import project.yaml”.',
      );
    }
  }

  const what = stat.isFile() ? 'a file' : 'neither a file nor a folder';
  return refused(
    dropped,
    `${quoted(p.basename(dropped))} is ${what}, not a dataset folder or a project.yaml. ${DROP_HINT}` +
      (stat.isFile() ? ' A single data file can be typed as the dataset path.' : ''),
  );
}

const lower = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/** Reads at most `max` bytes, so a file that grew after stat() still cannot fill memory. */
async function readCapped(file: string, max: number): Promise<string> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const buffer = Buffer.alloc(max + 1);
    const { bytesRead } = await handle.read(buffer, 0, max + 1, 0);
    if (bytesRead > max) throw new Error(`larger than ${max / 1024} KB`);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}
