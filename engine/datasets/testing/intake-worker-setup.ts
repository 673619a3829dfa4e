import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { INTAKE_WORKER_ENV } from '../intake-off-loop';

/**
 * vitest global setup: the dataset intake worker for tests that run the engine from its TypeScript source.
 * The worker is a plain Node process: vitest's transform does not reach it, and Node cannot load the
 * engine's extensionless TypeScript imports itself (a loader such as tsx would also recompile the whole
 * intake on every start). So the worker is bundled once per test run (esbuild, under a second; dependencies
 * inlined, so the file runs from a temporary folder) and named by the variable intakeWorkerEntry() reads;
 * the forked test processes inherit it.
 */
export default async function setup(): Promise<() => void> {
  if (process.env[INTAKE_WORKER_ENV]) return () => {};
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mle-beast-intake-worker-'));
  const outfile = path.join(dir, 'intake-worker.mjs');
  await build({
    entryPoints: [path.resolve(import.meta.dirname, '../intake-worker.ts')],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    sourcemap: true,
    logLevel: 'warning',
  });
  process.env[INTAKE_WORKER_ENV] = outfile;
  return () => {
    delete process.env[INTAKE_WORKER_ENV];
    fs.rmSync(dir, { recursive: true, force: true });
  };
}
