import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

// Three bundles: main (ESM, dependencies external), preload (one self-contained CommonJS file, because a
// sandboxed preload can neither use ESM nor require node_modules), renderer (the React app).
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve('main/electron/index.ts'),
          // The dataset intake's worker thread: its own file beside index.js, which
          // engine/datasets/intake-off-loop.ts finds at run time (a worker needs a file, not a module).
          'intake-worker': resolve('engine/datasets/intake-worker.ts'),
          // The thread git runs on (engine/workspace/git-off-loop.ts), found the same way.
          'git-thread': resolve('engine/workspace/git-thread.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve('preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'renderer',
    base: './',
    plugins: [react()],
    build: {
      outDir: 'out/renderer',
      // Minified: the page parses and compiles about half the script before it can show anything
      // (electron-vite leaves the renderer unminified by default).
      minify: true,
      rollupOptions: { input: { index: resolve('renderer/index.html') } },
    },
  },
});
