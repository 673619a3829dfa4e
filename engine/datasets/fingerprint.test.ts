import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../testing/temp-dir';
import { combineDigests, digestFile } from './fingerprint';
import { inspectDataset } from './run-data';
import { pngBytes, write } from './testing/files';

const temp = useTempDir();

async function fingerprintOf(root: string): Promise<string> {
  const result = await inspectDataset({ kind: 'image_folder', path: root });
  if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return result.value.fingerprint.value;
}

function makeImages(root: string) {
  write(root, 'cat/1.png', pngBytes(1));
  write(root, 'cat/2.png', pngBytes(2));
  write(root, 'dog/1.png', pngBytes(3));
  write(root, 'dog/2.png', pngBytes(4));
}

describe('dataset fingerprint', () => {
  it('is the same for the same content, wherever it lies', async () => {
    makeImages(path.join(temp.dir, 'a'));
    makeImages(path.join(temp.dir, 'b'));
    expect(await fingerprintOf(path.join(temp.dir, 'a'))).toBe(await fingerprintOf(path.join(temp.dir, 'b')));
  });

  it('changes when one byte changes', async () => {
    const root = path.join(temp.dir, 'a');
    makeImages(root);
    const before = await fingerprintOf(root);
    const file = path.join(root, 'dog/2.png');
    const bytes = fs.readFileSync(file);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 1, bytes.length - 1);
    fs.writeFileSync(file, bytes);
    expect(await fingerprintOf(root)).not.toBe(before);
  });

  it('changes when a file is renamed (names count)', async () => {
    const root = path.join(temp.dir, 'a');
    makeImages(root);
    const before = await fingerprintOf(root);
    fs.renameSync(path.join(root, 'dog/2.png'), path.join(root, 'dog/3.png'));
    expect(await fingerprintOf(root)).not.toBe(before);
  });

  it('does not depend on the order files are listed in', () => {
    const files = [
      { name: 'train/b', sha256: 'b'.repeat(64), bytes: 1 },
      { name: 'train/a', sha256: 'a'.repeat(64), bytes: 1 },
    ];
    expect(combineDigests(files)).toEqual(combineDigests([...files].reverse()));
  });

  it('is what sha256sum gives for the sorted listing, so anyone can recompute it', async () => {
    const root = path.join(temp.dir, 'a');
    makeImages(root);
    const names = ['cat/1.png', 'cat/2.png', 'dog/1.png', 'dog/2.png'];
    const listing = names
      .map(
        (n) =>
          `${execFileSync('sha256sum', [path.join(root, n)], { encoding: 'utf8' }).split(' ')[0]}  train/${n}\n`,
      )
      .join('');
    const expected = execFileSync('sha256sum', { input: listing, encoding: 'utf8' }).split(' ')[0];
    expect(await fingerprintOf(root)).toBe(expected);
  });

  it('hashes a file as a stream and shows its first bytes', async () => {
    const file = write(temp.dir, 'x.bin', Buffer.alloc(3 << 20, 7));
    let head = 0;
    const digest = await digestFile(file, (b) => (head = b[0] ?? -1));
    expect(digest.bytes).toBe(3 << 20);
    expect(head).toBe(7);
    expect(digest.sha256).toBe(execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0]);
  });
});
