import { benchmarks as git } from '../workspace/git.bench';
import { benchmarks as sandbox } from '../sandbox/sandbox.bench';
import { benchmarks as store } from '../store/store.bench';
import { benchmarks as pipeline } from '../pipeline/pipeline.bench';
import { benchmarks as flood } from '../runs/flood.bench';
import { benchmarks as mainloop } from './mainloop.bench';
import type { BenchDefinition } from './types';

// Each module's benchmarks, in the order they print. Add one line per `*.bench.ts`.
export const engineBenchmarks: BenchDefinition[] = [
  ...git,
  ...sandbox,
  ...store,
  ...pipeline,
  ...flood,
  ...mainloop,
];
