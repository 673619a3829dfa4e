import os from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{engine,policy,main,preload,renderer,scripts}/**/*.test.{ts,tsx}', '*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    // Tests that share a process-wide mock (electron) or spawn servers stay isolated per file.
    pool: 'forks',
    // Vitest's default is one worker per core less one: a single worker on a 2-core CI machine, idle while
    // the slow suites wait on containers, git and Python. Two files at a time at least.
    maxWorkers: Math.max(2, os.availableParallelism() - 1),
  },
});
