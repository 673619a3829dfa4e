import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { useTempDir } from '../../engine/testing/temp-dir';
import { contentTypeOf, resolveRendererFile } from './renderer-files';

describe('resolveRendererFile', () => {
  const temp = useTempDir();
  let root: string;
  beforeEach(() => {
    root = path.join(temp.dir, 'renderer');
    fs.mkdirSync(path.join(root, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html>');
    fs.writeFileSync(path.join(root, 'assets', 'app.js'), '');
    fs.writeFileSync(path.join(temp.dir, 'secret.txt'), 'secret');
    fs.symlinkSync(path.join(temp.dir, 'secret.txt'), path.join(root, 'assets', 'link.txt'));
  });

  it('maps / to index.html and finds assets', () => {
    const real = fs.realpathSync(root);
    expect(resolveRendererFile(root, '/')).toBe(path.join(real, 'index.html'));
    expect(resolveRendererFile(root, '/assets/app.js')).toBe(path.join(real, 'assets', 'app.js'));
  });

  it.each([
    '/../secret.txt',
    '/assets/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/assets%2f..%2f..%2fsecret.txt',
    '/assets/link.txt',
    '/assets',
    '/missing.js',
    '/index.html%00.js',
    '/%E0%A4%A',
  ])('serves nothing for %s', (urlPath) => {
    expect(resolveRendererFile(root, urlPath)).toBeNull();
  });

  it('names content types', () => {
    expect(contentTypeOf('a/b.js')).toMatch(/javascript/);
    expect(contentTypeOf('x.HTML')).toMatch(/text\/html/);
    expect(contentTypeOf('x.bin')).toBe('application/octet-stream');
  });
});
