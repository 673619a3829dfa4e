import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../testing/temp-dir';
import { sniffImageFormat } from './image-headers';
import { inspectDataset } from './run-data';
import { jpegBytes, pngBytes, write } from './testing/files';

const temp = useTempDir();

function images(root: string, perClass: Record<string, number>) {
  for (const [name, count] of Object.entries(perClass)) {
    for (let i = 0; i < count; i += 1)
      write(root, `${name}/${i}.${i % 2 ? 'jpg' : 'png'}`, i % 2 ? jpegBytes(i) : pngBytes(i));
  }
}

describe('image header check', () => {
  it('recognises the common formats by their first bytes', () => {
    expect(sniffImageFormat(pngBytes())).toBe('png');
    expect(sniffImageFormat(jpegBytes())).toBe('jpeg');
    expect(sniffImageFormat(Buffer.from('GIF89a....'))).toBe('gif');
    expect(sniffImageFormat(Buffer.from('RIFF\0\0\0\0WEBPVP8 '))).toBe('webp');
    expect(sniffImageFormat(Buffer.from([0x49, 0x49, 0x2a, 0x00, 1]))).toBe('tiff');
    expect(sniffImageFormat(Buffer.from('BM' + '\0'.repeat(20)))).toBe('bmp');
    expect(sniffImageFormat(Buffer.from('<html>not an image</html>'))).toBeNull();
    expect(sniffImageFormat(Buffer.alloc(0))).toBeNull();
  });
});

describe('image folder intake', () => {
  it('summarises classes, extensions, files and bytes', async () => {
    images(temp.dir, { cat: 5, dog: 3 });
    const result = await inspectDataset({ kind: 'image_folder', path: temp.dir });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const s = result.value;
    expect(s.rows).toBe(8);
    expect(s.classes).toEqual([
      { label: 'cat', count: 5 },
      { label: 'dog', count: 3 },
    ]);
    expect(s.task).toEqual({
      type: 'classification',
      inferred: true,
      reason: 'an image folder has one subfolder per class',
    });
    expect(s.label.reason).toBe("one subfolder per class: 'cat', 'dog'");
    expect(s.extensions).toEqual({ '.png': 5, '.jpg': 3 });
    expect(s.files.count).toBe(8);
    const bytes = ['cat', 'dog'].flatMap((c) =>
      fs.readdirSync(path.join(temp.dir, c)).map((f) => fs.statSync(path.join(temp.dir, c, f)).size),
    );
    expect(s.files.totalBytes).toBe(bytes.reduce((a, b) => a + b, 0));
  });

  it('warns about, and leaves out, empty classes, non-images, bad headers and loose files', async () => {
    images(temp.dir, { cat: 3, dog: 3 });
    fs.mkdirSync(path.join(temp.dir, 'bird'));
    write(temp.dir, 'cat/notes.txt', 'hello');
    write(temp.dir, 'dog/broken.png', '<html>404</html>');
    write(temp.dir, 'dog/.DS_Store', 'junk');
    write(temp.dir, 'labels.csv', 'x');
    const result = await inspectDataset({ kind: 'image_folder', path: temp.dir });
    expect(result.ok).toBe(true);
    const byCode = Object.fromEntries(result.warnings.map((w) => [w.code, w.message]));
    expect(byCode.empty_class).toContain(
      `${path.join(temp.dir, 'bird')} holds no usable image, so class 'bird' is left out`,
    );
    expect(byCode.not_an_image).toContain('1 file without an image extension (cat/notes.txt) is left out');
    expect(byCode.invalid_image).toContain(`is not a PNG, JPEG, GIF, BMP, WebP or TIFF image`);
    expect(byCode.invalid_image).toContain(path.join(temp.dir, 'dog/broken.png'));
    expect(byCode.loose_files).toContain('1 file outside any class folder (labels.csv)');
    expect(result.ok && result.value.rows).toBe(6);
  });

  it('keeps files with a bad header when the check is off', async () => {
    images(temp.dir, { cat: 2, dog: 2 });
    write(temp.dir, 'dog/odd.png', 'not really');
    const result = await inspectDataset({
      kind: 'image_folder',
      path: temp.dir,
      validateImageHeaders: false,
    });
    expect(result.ok && result.value.rows).toBe(5);
  });

  it('warns about a class with a single image', async () => {
    images(temp.dir, { cat: 4, dog: 1 });
    const result = await inspectDataset({ kind: 'image_folder', path: temp.dir });
    expect(result.warnings.find((w) => w.code === 'single_example_class')?.message).toContain(
      "'dog' has a single image: it stays visible",
    );
  });

  it('fails with fewer than two usable classes', async () => {
    images(temp.dir, { cat: 4 });
    const result = await inspectDataset({ kind: 'image_folder', path: temp.dir });
    expect(!result.ok && result.errors[0]?.message).toContain("only one class folder holds images ('cat')");
    const empty = path.join(temp.dir, 'empty');
    fs.mkdirSync(empty);
    const none = await inspectDataset({ kind: 'image_folder', path: empty });
    expect(!none.ok && none.errors[0]?.message).toContain('no class subfolder holds images');
  });

  it('refuses a file as an image folder, and regression on images', async () => {
    const file = write(temp.dir, 'x.png', pngBytes());
    const result = await inspectDataset({ kind: 'image_folder', path: file });
    expect(!result.ok && result.errors[0]?.code).toBe('not_a_folder');
    images(path.join(temp.dir, 'set'), { a: 2, b: 2 });
    const regression = await inspectDataset({
      kind: 'image_folder',
      path: path.join(temp.dir, 'set'),
      taskType: 'regression',
    });
    expect(!regression.ok && regression.errors[0]?.code).toBe('task_mismatch');
  });

  it('finds train/ and test/ folders and warns about test classes without training images', async () => {
    images(path.join(temp.dir, 'train'), { cat: 4, dog: 4 });
    images(path.join(temp.dir, 'test'), { cat: 2, dog: 2, fox: 1 });
    const result = await inspectDataset({ kind: 'image_folder', path: temp.dir });
    expect(result.ok && result.value.rowsByRole).toEqual({ train: 8, test: 5 });
    expect(result.warnings.find((w) => w.code === 'test_class_unseen')?.message).toContain(
      "'fox' has test images but no training images",
    );
  });

  it('follows symbolic links to files, and skips links to folders', async () => {
    const root = path.join(temp.dir, 'set');
    images(root, { cat: 2, dog: 2 });
    const outside = write(temp.dir, 'outside-image.png', pngBytes(9));
    fs.symlinkSync(outside, path.join(root, 'cat/linked.png'));
    fs.symlinkSync(path.join(root, 'dog'), path.join(root, 'cat/loop'));
    const result = await inspectDataset({ kind: 'image_folder', path: root });
    expect(result.ok && result.value.classes).toContainEqual({ label: 'cat', count: 3 });
    expect(result.warnings.find((w) => w.code === 'skipped_link')?.message).toContain('cat/loop');
  });
});
