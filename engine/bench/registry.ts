import type { BenchDefinition } from './types';

// Each module's benchmarks, in the order they print. Add one line per `*.bench.ts`.
export const engineBenchmarks: BenchDefinition[] = [];
