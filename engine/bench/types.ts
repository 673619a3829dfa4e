/**
 * Engine benchmarks: modules export `benchmarks: BenchDefinition[]` from a `*.bench.ts` file beside their
 * code and are listed in ./registry.ts. `npm run bench` (scripts/bench.mjs) runs them next to its own rows.
 * Benchmarks print figures; nothing here asserts a time.
 */
export interface BenchRow {
  name: string;
  n: number;
  median_ms?: number;
  p90_ms?: number;
  min_ms?: number;
  /** median / a named baseline's median, when the row compares against one (say which in `note`). */
  ratio?: number;
  per_s?: number;
  note?: string;
}

export interface BenchContext {
  /** How many repetitions a benchmark should aim for (`--runs`). */
  runs: number;
  /** A fresh scratch folder, removed after the whole bench run. */
  tempDir(name: string): string;
}

export interface BenchDefinition {
  name: string;
  describe: string;
  run(ctx: BenchContext): Promise<BenchRow[]>;
}

/** Times `fn` `runs` times after `warmup` untimed calls; returns the samples in milliseconds. */
export async function sample(fn: () => Promise<unknown>, runs: number, warmup = 1): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return samples;
}

/** A row from samples: median, p90, min. */
export function summarize(name: string, samples: number[], extra: Partial<BenchRow> = {}): BenchRow {
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  const at = (q: number) => sorted[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))]!;
  const median = n % 2 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
  const round = (v: number) => Math.round(v * 1000) / 1000;
  return { name, n, median_ms: round(median), p90_ms: round(at(0.9)), min_ms: round(sorted[0]!), ...extra };
}
