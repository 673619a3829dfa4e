import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DROP_HINT, PROJECT_FILE_MAX_BYTES } from '../../engine/api/host';
import { useTempDir } from '../../engine/testing/temp-dir';
import { checkDroppedPath, systemFolderReason } from './dropped-path';
import { skippedTitle } from '../../engine/testing/skip';

// The check main runs on a dropped path, on the real file system (temporary folders, real permissions).

const temp = useTempDir('mle-beast-drop-');
const isRoot = process.getuid?.() === 0;

describe('a dropped path, on the real file system', () => {
  it('accepts a readable dataset folder', async () => {
    const data = path.join(temp.dir, 'churn');
    fs.mkdirSync(data);
    fs.writeFileSync(path.join(data, 'train.csv'), 'a,label\n1,0\n');
    await expect(checkDroppedPath(data, { home: '/home/someone' })).resolves.toEqual({
      kind: 'folder',
      path: data,
    });
  });

  it('reads a project.yaml (and a .yml) for the form', async () => {
    for (const name of ['project.yaml', 'my-run.YML']) {
      const file = path.join(temp.dir, name);
      fs.writeFileSync(file, 'goals:\n  task_description: Predict churn\n');
      await expect(checkDroppedPath(file)).resolves.toEqual({
        kind: 'project',
        path: file,
        yaml: 'goals:\n  task_description: Predict churn\n',
      });
    }
  });

  it('refuses a project file larger than the cap without reading it', async () => {
    const file = path.join(temp.dir, 'project.yaml');
    fs.writeFileSync(file, 'x'.repeat(PROJECT_FILE_MAX_BYTES + 1));
    const result = await checkDroppedPath(file);
    expect(result.kind).toBe('refused');
    expect(result).toMatchObject({ message: expect.stringMatching(/project\.yaml is at most 256 KB/) });
  });

  it('refuses a file that is neither a folder nor a project file, saying what to drop', async () => {
    const file = path.join(temp.dir, 'train.csv');
    fs.writeFileSync(file, 'a,label\n1,0\n');
    const result = await checkDroppedPath(file);
    expect(result).toEqual({
      kind: 'refused',
      path: file,
      message: `“train.csv” is a file, not a dataset folder or a project.yaml. ${DROP_HINT} A single data file can be typed as the dataset path.`,
    });
  });

  it('refuses a path that does not exist', async () => {
    const gone = path.join(temp.dir, 'moved-away');
    const result = await checkDroppedPath(gone);
    expect(result).toMatchObject({ kind: 'refused', message: expect.stringContaining('does not exist') });
    expect(result).toMatchObject({ message: expect.stringContaining(DROP_HINT) });
  });

  it('refuses a relative path', async () => {
    await expect(checkDroppedPath('data/churn')).resolves.toMatchObject({
      kind: 'refused',
      message: expect.stringContaining('not an absolute path'),
    });
  });

  // Root (uid 0, as in this project's containers) reads every folder whatever its permissions: skipped there.
  it.skipIf(isRoot)(
    skippedTitle('refuses a folder it cannot read', isRoot && 'root reads any file'),
    async () => {
      const locked = path.join(temp.dir, 'locked');
      fs.mkdirSync(locked);
      fs.chmodSync(locked, 0o000);
      try {
        await expect(checkDroppedPath(locked)).resolves.toMatchObject({
          kind: 'refused',
          message: expect.stringMatching(/cannot be read \(EACCES\)/),
        });
      } finally {
        fs.chmodSync(locked, 0o700);
      }
    },
  );

  it('refuses the root, system folders and anything inside /etc or /usr', async () => {
    for (const folder of ['/', '/etc', '/usr', '/usr/share', '/proc', '/var']) {
      const result = await checkDroppedPath(folder, { home: '/home/someone' });
      expect(result, folder).toMatchObject({
        kind: 'refused',
        message: expect.stringMatching(
          /is (a top-level system folder|a system folder \(\/\w+\)), not a dataset folder/,
        ),
      });
    }
  });

  it('refuses the home folder itself, but not a folder in it', async () => {
    const inside = path.join(temp.dir, 'data');
    fs.mkdirSync(inside);
    await expect(checkDroppedPath(temp.dir, { home: temp.dir })).resolves.toMatchObject({
      kind: 'refused',
      message: expect.stringContaining('is your home folder itself'),
    });
    await expect(checkDroppedPath(inside, { home: temp.dir })).resolves.toEqual({
      kind: 'folder',
      path: inside,
    });
  });

  it('follows a symbolic link to a system folder and refuses it', async () => {
    const link = path.join(temp.dir, 'innocent-looking');
    fs.symlinkSync('/etc', link);
    await expect(checkDroppedPath(link, { home: '/home/someone' })).resolves.toMatchObject({
      kind: 'refused',
      message: expect.stringContaining('a system folder (/etc)'),
    });
  });

  it('refuses something that is neither a file nor a folder', async () => {
    await expect(checkDroppedPath('/dev/null', { home: '/home/someone' })).resolves.toMatchObject({
      kind: 'refused',
      message: expect.stringContaining('is neither a file nor a folder'),
    });
  });
});

describe('the system folder list', () => {
  it.each([
    ['C:\\', 'the root of a drive'],
    ['D:', 'the root of a drive'],
    ['C:\\Windows', 'a system folder (C:\\Windows)'],
    ['c:\\windows\\System32', 'a system folder (C:\\Windows)'],
    ['C:\\Program Files\\App', 'a system folder (C:\\Program Files)'],
    ['C:\\Users', 'a top-level system folder'],
    ['C:\\Users\\Ada\\', 'your home folder itself'],
  ])('refuses %s on Windows (%s)', (folder, reason) => {
    expect(systemFolderReason(folder, 'win32', 'C:\\Users\\Ada')).toBe(reason);
  });

  it.each(['C:\\Users\\Ada\\data', 'D:\\datasets\\churn', 'C:\\WindowsData'])(
    'accepts %s on Windows',
    (folder) => {
      expect(systemFolderReason(folder, 'win32', 'C:\\Users\\Ada')).toBeNull();
    },
  );

  it.each(['/tmp/data', '/home/ada/data', '/Volumes/usb/data', '/etcetera', '/usrdata', '/var/data'])(
    'accepts %s on Linux and macOS',
    (folder) => {
      expect(systemFolderReason(folder, 'posix', '/home/ada')).toBeNull();
    },
  );
});
