import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { INTAKE_WORKER_ENV } from '../datasets/intake-off-loop';
import { GIT_THREAD_ENV } from '../workspace/git-off-loop';

/**
 * vitest global setup: the engine's worker entries for tests that run the engine from its TypeScript source
 * (the dataset intake's process, datasets/intake-worker.ts; the git thread, workspace/git-thread.ts).
 * A worker is plain Node: vitest's transform does not reach it, and Node cannot load the engine's
 * extensionless TypeScript imports itself (a loader such as tsx would also recompile the code on every
 * start). So each is bundled once per test run (esbuild, under a second; dependencies inlined, so the files
 * run from a temporary folder) and named by the variable the engine reads (config/built-entry.ts); the
 * forked test processes inherit them. A variable already set (a prebuilt file) is kept.
 */
const ENTRIES = [
  { env: INTAKE_WORKER_ENV, source: '../datasets/intake-worker.ts', out: 'intake-worker.mjs' },
  { env: GIT_THREAD_ENV, source: '../workspace/git-thread.ts', out: 'git-thread.mjs' },
];

export default async function setup(): Promise<() => void> {
  const todo = ENTRIES.filter((e) => !process.env[e.env]);
  if (todo.length === 0) return () => {};
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mle-beast-worker-entries-'));
  await build({
    entryPoints: Object.fromEntries(
      todo.map((e) => [e.out.replace(/\.mjs$/, ''), path.resolve(import.meta.dirname, e.source)]),
    ),
    outdir: dir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    sourcemap: true,
    logLevel: 'warning',
    // execa and its helpers are CommonJS in places: give the ESM bundle a require().
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
  });
  for (const e of todo) process.env[e.env] = path.join(dir, e.out);
  return () => {
    for (const e of todo) delete process.env[e.env];
    fs.rmSync(dir, { recursive: true, force: true });
  };
}
