import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../testing/temp-dir';
import {
  addSessionExcludes,
  exactIgnorePattern,
  findBulkyUntracked,
  formatBytes,
  removeSessionExcludes,
} from './excludes';
import { findRepo } from './repo';
import { userGit, userRepo, write } from './testing/repos';

const temp = useTempDir('mle-beast-excludes-');
const limits = { fileBytes: 1000, dirBytes: 5000, dirFiles: 10 };

async function repo() {
  userRepo(temp.dir);
  return (await findRepo(fs.realpathSync(temp.dir)))!;
}

const isIgnored = (rel: string) => {
  try {
    userGit(temp.dir, 'check-ignore', '-q', '--no-index', rel);
    return true;
  } catch {
    return false;
  }
};

describe('exactIgnorePattern', () => {
  it('anchors the path and escapes glob characters', () => {
    expect(exactIgnorePattern('data/train.csv')).toBe('/data/train.csv');
    expect(exactIgnorePattern('big dir/')).toBe('/big dir/');
    expect(exactIgnorePattern('a*b?[c]!#.bin')).toBe('/a\\*b\\?\\[c\\]\\!\\#.bin');
    expect(exactIgnorePattern('trailing ')).toBe('/trailing\\ ');
    expect(exactIgnorePattern('new\nline')).toBeNull();
  });

  it('matches exactly that path in git, not its look-alikes', async () => {
    await repo();
    write(temp.dir, 'a*b.bin', 'x');
    write(temp.dir, 'aXb.bin', 'x');
    write(temp.dir, 'sub/a*b.bin', 'x');
    const r = (await findRepo(fs.realpathSync(temp.dir)))!;
    await addSessionExcludes(r, [exactIgnorePattern('a*b.bin')!]);
    expect(isIgnored('a*b.bin')).toBe(true);
    expect(isIgnored('aXb.bin')).toBe(false);
    expect(isIgnored('sub/a*b.bin')).toBe(false);
  });
});

describe('session excludes', () => {
  it('adds a marked block and removes it again, leaving the rest of info/exclude as it was', async () => {
    const r = await repo();
    const file = path.join(temp.dir, '.git', 'info', 'exclude');
    const original = `${fs.readFileSync(file, 'utf8')}my-own-pattern\n`;
    fs.writeFileSync(file, original);
    write(temp.dir, 'huge.bin', 'x');
    await addSessionExcludes(r, ['/huge.bin']);
    await addSessionExcludes(r, ['/huge.bin', '/venv/']);
    const text = fs.readFileSync(file, 'utf8');
    expect(text.match(/\/huge\.bin/g)).toHaveLength(1);
    expect(text).toContain('/venv/');
    expect(isIgnored('huge.bin')).toBe(true);
    await removeSessionExcludes(r);
    expect(fs.readFileSync(file, 'utf8')).toBe(original);
    expect(isIgnored('huge.bin')).toBe(false);
    await removeSessionExcludes(r); // twice is harmless
    expect(fs.readFileSync(file, 'utf8')).toBe(original);
  });
});

describe('findBulkyUntracked', () => {
  it('finds big files, big or crowded folders, environments and nested repositories; nothing else', async () => {
    await repo();
    write(temp.dir, 'small.txt', 'x'.repeat(100));
    write(temp.dir, 'big file.bin', 'x'.repeat(2000));
    write(temp.dir, 'src/model big.pt', 'x'.repeat(2000)); // inside a tracked folder
    for (let i = 0; i < 3; i++) write(temp.dir, `heavy/f${i}`, 'x'.repeat(2000));
    for (let i = 0; i < 11; i++) write(temp.dir, `crowded/f${i}`, 'x');
    write(temp.dir, 'fine/a.txt', 'x');
    write(temp.dir, 'env/pyvenv.cfg', 'home = /usr\n');
    fs.mkdirSync(path.join(temp.dir, 'vendored'));
    userGit(path.join(temp.dir, 'vendored'), 'init', '-q');
    write(temp.dir, 'data/ignored-big.bin', 'x'.repeat(5000)); // ignored already: not listed
    const found = await findBulkyUntracked(temp.dir, limits);
    const byPath = Object.fromEntries(found.map((k) => [k.path, k.reason]));
    expect(byPath).toEqual({
      'big file.bin': '2.0 KB',
      'src/model big.pt': '2.0 KB',
      'heavy/': 'more than 4.9 KB',
      'crowded/': 'more than 10 files',
      'env/': 'a Python environment',
      'vendored/': 'another git repository',
    });
  });

  it('finds nested repositories at any depth below an untracked folder, and keeps the rest committable', async () => {
    await repo();
    write(temp.dir, 'third_party/README', 'x');
    write(temp.dir, 'third_party/libs/a/main.c', 'x');
    userGit(path.join(temp.dir, 'third_party/libs/a'), 'init', '-q');
    write(temp.dir, 'third_party/libs/b/.git', 'gitdir: ../../../.git/modules/b\n'); // a checkout's link
    const found = await findBulkyUntracked(temp.dir, limits);
    expect(found).toEqual([
      { path: 'third_party/libs/a/', reason: 'another git repository' },
      { path: 'third_party/libs/b/', reason: 'another git repository' },
    ]);
  });

  it('stops walking a folder with too many subfolders', async () => {
    await repo();
    for (let i = 0; i < 11; i++) fs.mkdirSync(path.join(temp.dir, `deep/d${i}`), { recursive: true });
    expect(await findBulkyUntracked(temp.dir, limits)).toEqual([
      { path: 'deep/', reason: 'more than 10 folders' },
    ]);
  });

  it('formats sizes', () => {
    expect(formatBytes(12)).toBe('12 bytes');
    expect(formatBytes(50 * 1024 * 1024)).toBe('50.0 MB');
    expect(formatBytes(1.5 * 1024 ** 3)).toBe('1.5 GB');
  });
});
