import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { summarize, type BenchContext, type BenchDefinition, type BenchRow } from '../bench/types';
import { beginExperiment, keepExperiment, revertExperiment } from './experiment';
import { openGreenfield } from './greenfield';

const TRACKED = 1_000;
const CHANGED = 10;
const IGNORED = 10_000;

/** A greenfield workspace with TRACKED committed files in 50 folders (the baseline of a run). */
async function workspace(ctx: BenchContext, name: string): Promise<string> {
  const root = path.join(ctx.tempDir(name), 'ws');
  await openGreenfield(root);
  for (let i = 0; i < TRACKED; i++) {
    const file = path.join(root, `pkg${i % 50}`, `module_${i}.py`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `# module ${i}\n${'x = 1\n'.repeat(30)}`);
  }
  fs.writeFileSync(path.join(root, 'research_log.md'), '# Research Log\n');
  await keepExperiment(root, { step: 0, hypothesis: 'baseline', score: 0.5, previousScore: null });
  return root;
}

/** What one experiment does to the tree: CHANGED files edited, a few files and a folder created. */
function experiment(root: string, round: number): void {
  for (let i = 0; i < CHANGED; i++) {
    const n = (round * CHANGED + i) % TRACKED;
    fs.appendFileSync(path.join(root, `pkg${n % 50}`, `module_${n}.py`), `y = ${round}\n`);
  }
  fs.mkdirSync(path.join(root, 'outputs', `run${round}`), { recursive: true });
  for (let i = 0; i < 5; i++) fs.writeFileSync(path.join(root, 'outputs', `run${round}`, `f${i}.txt`), 'out');
  fs.writeFileSync(path.join(root, `new_${round}.py`), 'z = 1\n');
  fs.appendFileSync(path.join(root, 'research_log.md'), `- experiment ${round}\n`);
}

/** Times `measure` after an untimed `prepare`, `runs` times after one warm-up round. */
async function timed(
  runs: number,
  prepare: (i: number) => Promise<void>,
  measure: () => Promise<unknown>,
): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i <= runs; i++) {
    await prepare(i);
    const t0 = performance.now();
    await measure();
    if (i > 0) samples.push(performance.now() - t0);
  }
  return samples;
}

function addIgnoredData(root: string): void {
  // data/ is in the greenfield .gitignore: 10,000 files in 100 class folders, like an image dataset.
  for (let c = 0; c < 100; c++) {
    const dir = path.join(root, 'data', `class_${c}`);
    fs.mkdirSync(dir, { recursive: true });
    for (let i = 0; i < IGNORED / 100; i++) fs.writeFileSync(path.join(dir, `${i}.txt`), `${c},${i}\n`);
  }
}

async function keepAndRevert(ctx: BenchContext, label: string, withData: boolean): Promise<BenchRow[]> {
  const root = await workspace(ctx, `git-${withData ? 'data' : 'plain'}`);
  if (withData) addIgnoredData(root);
  let round = 0;
  const snapshot = await timed(
    ctx.runs,
    async () => undefined,
    () => beginExperiment(root),
  );
  const keep = await timed(
    ctx.runs,
    async () => {
      await beginExperiment(root);
      experiment(root, ++round);
    },
    () =>
      keepExperiment(root, {
        step: round,
        hypothesis: `experiment ${round}`,
        score: round,
        previousScore: round - 1,
      }),
  );
  const revert = await timed(
    ctx.runs,
    async () => {
      await beginExperiment(root);
      experiment(root, ++round);
    },
    () => revertExperiment(root),
  );
  const tree = `${TRACKED.toLocaleString('en-US')} tracked files${withData ? ` + ${IGNORED.toLocaleString('en-US')} ignored` : ''}`;
  return [
    summarize(`git.snapshot${label}`, snapshot, { note: `beginExperiment: ${tree}` }),
    summarize(`git.keep${label}`, keep, { note: `keepExperiment: ${CHANGED} edited + 6 new files, ${tree}` }),
    summarize(`git.revert${label}`, revert, {
      note: `revertExperiment: ${CHANGED} edited + 6 new files + 2 folders, ${tree}`,
    }),
  ];
}

export const benchmarks: BenchDefinition[] = [
  {
    name: 'git.keep-revert',
    describe: `keep / revert / snapshot on a workspace of ${TRACKED.toLocaleString('en-US')} files`,
    run: (ctx) => keepAndRevert(ctx, '', false),
  },
  {
    name: 'git.keep-revert.ignored-data',
    describe: `the same with ${IGNORED.toLocaleString('en-US')} ignored files in data/`,
    run: (ctx) => keepAndRevert(ctx, ' (+data)', true),
  },
];
