// Bundles the plain-Node entry points (the CLI, which also hosts the browser server) into out/cli.
// Dependencies stay external: they are installed beside the bundle and better-sqlite3 is native.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

// Start clean: chunk names are content hashes, so old ones would otherwise pile up.
rmSync('out/cli', { recursive: true, force: true });

await build({
  // entry: the mle-beast command; engine-bench: the engine's benchmarks, loaded by scripts/bench.mjs.
  entryPoints: {
    entry: 'main/cli/entry.ts',
    'engine-bench': 'engine/bench/registry.ts',
    // The stand-in for Electron's main process that engine/bench/mainloop.bench.ts forks.
    'bench-main': 'engine/bench/main-stand-in.ts',
  },
  outdir: 'out/cli',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  sourcemap: true,
  external: Object.keys(pkg.dependencies ?? {}),
  logLevel: 'warning',
});
console.log('built out/cli');
