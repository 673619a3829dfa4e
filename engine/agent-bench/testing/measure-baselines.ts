import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BaselinesFile, type TaskBaselines } from '../../api/agent-bench';
import { prepareRunData } from '../../datasets/run-data';
import { resolveMetric, scorePredictions } from '../../scoring/index';
import { makeTaskData } from '../data';
import { BENCH_TASKS } from '../tasks';

/**
 * Measures the suite's baselines, once, and writes engine/agent-bench/baselines.json. Not a test (minutes of
 * Docker): run it by hand after a task or the sandbox image changes.
 *
 *   npx esbuild engine/agent-bench/testing/measure-baselines.ts --bundle --platform=node --format=esm \
 *     --packages=external --outfile=/tmp/measure-baselines.mjs && node /tmp/measure-baselines.mjs [task ...]
 *
 * For each task: the data as a run makes it (makeTaskData, in the Docker sandbox), the engine's own intake
 * (prepareRunData with a run's default holdout: 20% held out, half of it the final split, seed 42), then
 * baselines.py in the sandbox image fits each model on the visible data and predicts the final split, and
 * every prediction file is scored by the engine's scorer (scorePredictions) on the final split's hidden
 * labels: the figures a run's final score is compared with. baselines.py's bootstrap gives the standard error.
 */

const IMAGE = process.env.MLE_BENCH_IMAGE ?? 'mle-beast-sandbox:0.1.0-offline';
const OUT = path.resolve('engine/agent-bench/baselines.json');
const only = process.argv.slice(2);
const work = fs.mkdtempSync('/tmp/mle-bench-baselines-');

interface PyResult {
  models: { model: string; role: 'linear' | 'default' | 'tuned'; file: string; bootstrap_se: number }[];
  versions: Record<string, string>;
}

const previous = fs.existsSync(OUT) ? BaselinesFile.parse(JSON.parse(fs.readFileSync(OUT, 'utf8'))) : null;
const tasks: Record<string, TaskBaselines> = { ...(previous?.tasks ?? {}) };
let versions: Record<string, string> = previous?.environment ?? {};

for (const task of BENCH_TASKS) {
  if (only.length > 0 && !only.includes(task.name)) continue;
  const dir = path.join(work, task.name);
  fs.mkdirSync(dir, { recursive: true });
  const data = await makeTaskData(task, dir, { sandbox: 'docker' });
  if (!data.ok) throw new Error(data.error.message);
  const runData = path.join(dir, 'rundata');
  const prepared = await prepareRunData({
    source: {
      kind: task.kind,
      path: data.value.dataPath,
      ...(task.label ? { labelColumn: task.label } : {}),
    },
    runDataDir: runData,
  });
  if (!prepared.ok) throw new Error(prepared.errors.map((e) => e.message).join('; '));
  const { manifest, paths } = prepared.value;
  const out = path.join(dir, 'predictions');
  fs.mkdirSync(out, { recursive: true, mode: 0o777 });
  fs.chmodSync(out, 0o777);
  const rel = (p: string) => `/run/${path.relative(runData, p)}`;
  const spec = {
    task: task.name,
    kind: task.kind,
    label: task.label ?? null,
    metric: task.metric.name,
    visible: rel(paths.visible),
    final: rel(paths.final.input),
    labels: rel(paths.final.labels),
    classes: manifest.classes ?? null,
    out: '/out',
  };
  const stdout = execFileSync(
    'docker',
    [
      'run',
      '--rm',
      '--network',
      'none',
      '--cpus',
      '2',
      '--user',
      '0:0',
      '-e',
      'OMP_NUM_THREADS=1',
      '-e',
      'OPENBLAS_NUM_THREADS=1',
      '-v',
      `${runData}:/run:ro`,
      '-v',
      `${out}:/out`,
      '-v',
      `${path.resolve('engine/agent-bench/testing/baselines.py')}:/baselines.py:ro`,
      IMAGE,
      'python3',
      '/baselines.py',
      JSON.stringify(spec),
    ],
    { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const py = JSON.parse(stdout.trim().split('\n').at(-1) as string) as PyResult;
  versions = { ...versions, image: IMAGE, ...py.versions };
  const resolved = resolveMetric(task.metric.name, {
    task: manifest.task,
    ...(manifest.classes ? { classes: manifest.classes } : {}),
  });
  if (!resolved.ok) throw new Error(`${task.name}: ${resolved.message}`);
  const scored: { model: string; role: string; score: number; se: number }[] = [];
  for (const m of py.models) {
    const result = await scorePredictions({
      predictionsPath: path.join(out, m.file),
      labelsPath: paths.final.labels,
      metric: resolved.metric,
      ...(manifest.classes ? { classes: manifest.classes } : {}),
    });
    if (!result.ok) throw new Error(`${task.name} ${m.model}: ${result.message}`);
    scored.push({ model: m.model, role: m.role, score: result.value, se: m.bootstrap_se });
    console.error(
      `${task.name} ${m.model}: ${task.metric.name} ${result.value.toFixed(4)} ± ${m.bootstrap_se.toFixed(4)}`,
    );
  }
  const better = (a: number, b: number) => (task.metric.direction === 'higher' ? a > b : a < b);
  const best = (list: typeof scored) => list.reduce((a, b) => (better(b.score, a.score) ? b : a));
  const linear = scored.find((s) => s.role === 'linear');
  if (!linear) throw new Error(`${task.name}: no linear baseline`);
  const bestDefault = best(scored.filter((s) => s.role !== 'tuned'));
  const bestKnown = best(scored);
  tasks[task.name] = {
    metric: task.metric.name,
    direction: task.metric.direction,
    linear: { model: linear.model, score: linear.score },
    bestDefault: { model: bestDefault.model, score: bestDefault.score },
    bestKnown: { model: bestKnown.model, score: bestKnown.score, standardError: bestKnown.se },
    models: scored.map((s) => ({ model: s.model, score: s.score })),
    finalRows: paths.final.rows,
  };
}

const file = BaselinesFile.parse({
  version: 1,
  measuredAt: new Date().toISOString(),
  how:
    "Each task's data made as a bench run makes it, then the engine's own intake with a run's default hidden " +
    'holdout (20% held out, stratified, seed 42; half of it the final split). Every model is fitted on the ' +
    'visible 80% with scikit-learn defaults (random_state=0; "tuned" ones with the settings named) in the ' +
    "sandbox image on 2 CPUs, predicts the final split, and is scored by the engine's scorer on its hidden " +
    'labels. The standard error of the best known score is a 1000-resample bootstrap over the final split. ' +
    'Script: engine/agent-bench/testing/measure-baselines.ts with baselines.py.',
  environment: versions,
  tasks,
});
fs.writeFileSync(OUT, `${JSON.stringify(file, null, 2)}\n`);
console.error(`wrote ${OUT}`);
fs.rmSync(work, { recursive: true, force: true });
