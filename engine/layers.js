/**
 * The engine's layers, lowest first: the one declaration the layering lint (eslint.config.js) is built from.
 *
 * A file may import from its own layer and the layers below it, never from a layer above: a lower layer
 * that needs something of a higher one gets it passed in (a callback, an interface declared low), or the
 * shared part moves down. Folders in the same layer may import each other, but never in a cycle
 * (import-x/no-cycle, for every file). Type-only imports count for the layers (a type still ties a folder
 * to one above it), not for cycles: they vanish at runtime, so they cannot form an initialisation loop.
 *
 * Tests (`*.test.ts`), benchmarks (`*.bench.ts`) and `testing/` folders are exempt from the layers (they
 * put the layers together), not from the cycle rule; product code may never import a `testing/` folder.
 *
 * Paths are relative to the repository root; a folder covers everything under it.
 */
export const ENGINE_LAYERS = [
  {
    name: 'api',
    why: 'the contract and the shared vocabulary: schemas, types, pure folds; imports nothing of the engine',
    paths: ['engine/api', 'engine/version.ts'],
  },
  {
    name: 'config',
    why: 'project.yaml, run config, settings, providers; and the safety policy, which imports no engine code',
    paths: ['engine/config', 'policy'],
  },
  {
    name: 'domain',
    why: 'the parts a run is made of, each usable alone',
    paths: ['engine/sandbox', 'engine/workspace', 'engine/datasets', 'engine/scoring', 'engine/llm'],
  },
  {
    name: 'tools',
    why: "the agent's tools; the store (SQLite repositories); the example dataset generators",
    paths: ['engine/tools', 'engine/store', 'engine/examples'],
  },
  {
    name: 'pipeline',
    why: 'stages, actors, critics, the search loop; the scripted demo model that plays those stages',
    paths: ['engine/pipeline', 'engine/demo'],
  },
  {
    name: 'runs',
    why: 'run lifecycle, the event bus and its fan-out, recovery; the HTML report of a run',
    paths: ['engine/runs', 'engine/report'],
  },
  {
    name: 'service',
    why: 'the engine object every host calls (the contract implemented)',
    paths: ['engine/service'],
  },
  {
    name: 'agent-bench',
    why:
      'the agent benchmark suite (mle-beast bench): it starts and reads runs through the contract like a host, ' +
      'so it sits above the service; below the speed benchmarks, which may measure it',
    paths: ['engine/agent-bench'],
  },
  {
    name: 'bench',
    why: "the benchmark registry gathers every module's *.bench.ts, so it sits above everything it measures",
    paths: ['engine/bench'],
  },
];

/** Test scaffolding folders: only tests, benchmarks and other scaffolding may import them. */
export const TESTING_GLOB = '**/testing/**';

/** Files that are not product code: exempt from the layers and free to import scaffolding. */
export const NOT_PRODUCT = ['**/*.test.ts', '**/*.test.tsx', '**/*.bench.ts', TESTING_GLOB, 'e2e/**'];

/**
 * One `import-x/no-restricted-paths` zone per layer: its paths may not import the paths of any layer above.
 * @returns {{ target: string[]; from: string[]; message: string }[]}
 */
export function layerZones() {
  return ENGINE_LAYERS.slice(0, -1).map((layer, i) => {
    const above = ENGINE_LAYERS.slice(i + 1);
    return {
      target: layer.paths,
      from: above.flatMap((l) => l.paths),
      message:
        `Layer '${layer.name}' may not import a higher layer (${above.map((l) => l.name).join(', ')}); ` +
        'see engine/layers.js. Move the shared part down, or pass it in from above.',
    };
  });
}
