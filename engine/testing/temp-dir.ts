import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';

/** A fresh temporary folder, removed by `cleanup`. Tests only. */
export function makeTempDir(prefix = 'mle-beast-test-'): { dir: string; cleanup(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** A fresh temporary folder for each test of the calling suite: read `.dir` inside a test. */
export function useTempDir(prefix?: string): { readonly dir: string } {
  let current: ReturnType<typeof makeTempDir> | null = null;
  beforeEach(() => {
    current = makeTempDir(prefix);
  });
  afterEach(() => current?.cleanup());
  return {
    get dir() {
      if (!current) throw new Error('useTempDir: read .dir inside a test');
      return current.dir;
    },
  };
}
