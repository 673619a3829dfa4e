import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareRunData, type PreparedRunData } from '../datasets';
import { generateExample } from '../examples';
import { resolveMetric, scorePredictions } from '../scoring';
import { skippedTitle } from '../testing/skip';
import {
  baselineFiles,
  modelPy,
  TABULAR_SPECS,
  type ModelVariant,
  type TabularExample,
} from './sklearn-code';
import { findSklearnPython } from './testing/local-actor';

/**
 * Runs the scripted model's Python for real: generates the example, carves the hidden holdout the way a run
 * does (prepareRunData), writes the workspace, runs train/evaluate/predict and pytest with a python3 that has
 * scikit-learn, and scores predict.py's output on the hidden labels with the engine's own scorer.
 */

const PYTHON = findSklearnPython();
const SKIP_REASON =
  'no python3 with scikit-learn, pandas, joblib and pytest (set MLE_DEMO_PYTHON, or apt-get install -y python3-sklearn python3-pandas python3-pytest)';
if (!PYTHON) console.warn(`sklearn-code.test.ts skipped: ${SKIP_REASON}`);

const TIMEOUT = 120_000;
let root = '';
const prepared = new Map<TabularExample, PreparedRunData>();
/** Holdout scores by example and variant, printed at the end (the README quotes them). */
const scores: string[] = [];

async function prepare(example: TabularExample): Promise<PreparedRunData> {
  const existing = prepared.get(example);
  if (existing) return existing;
  const generated = await generateExample(example, path.join(root, `${example}-data`));
  if (!generated.ok) throw new Error(generated.error.message);
  const run = await prepareRunData({
    source: generated.value.source,
    runDataDir: path.join(root, `${example}-run`),
  });
  if (!run.ok) throw new Error(run.errors.map((e) => e.message).join('; '));
  prepared.set(example, run.value);
  return run.value;
}

async function writeWorkspace(dir: string, files: Record<string, string>): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await fs.writeFile(path.join(dir, rel), content);
  }
}

function py(cwd: string, args: string[]): { status: number | null; out: string } {
  const r = spawnSync(PYTHON as string, args, { cwd, encoding: 'utf8', timeout: TIMEOUT });
  return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
}

async function trainAndScore(
  example: TabularExample,
  variant: ModelVariant,
): Promise<{ holdout: number; validation: number; workspace: string }> {
  const run = await prepare(example);
  const workspace = path.join(root, `${example}-${variant}`);
  await writeWorkspace(workspace, { ...baselineFiles(example), 'model.py': modelPy(example, variant) });
  const data = run.paths.visible;
  const train = py(workspace, [
    '-u',
    'train.py',
    '--data-path',
    data,
    '--device',
    'cpu',
    '--epochs',
    '1',
    '--checkpoint-dir',
    'checkpoints',
  ]);
  expect(train.status, train.out).toBe(0);
  const metricsLines = (await fs.readFile(path.join(workspace, 'logs/metrics.jsonl'), 'utf8'))
    .trim()
    .split('\n');
  expect(JSON.parse(metricsLines[0] as string)).toHaveProperty('epoch', 1);
  expect(await fs.readFile(path.join(workspace, 'logs/training.log'), 'utf8')).toContain('epoch 1/1');

  const evaluate = py(workspace, ['-u', 'evaluate.py', '--data-path', data, '--device', 'cpu']);
  expect(evaluate.status, evaluate.out).toBe(0);
  const evalResults = JSON.parse(await fs.readFile(path.join(workspace, 'eval_results.json'), 'utf8')) as {
    metric_name: string;
    value: number;
    split: string;
    n_samples: number;
  };
  const spec = TABULAR_SPECS[example];
  expect(evalResults).toMatchObject({ metric_name: spec.metric, split: 'validation' });

  const predict = py(workspace, [
    'predict.py',
    '--input',
    run.paths.selection.input,
    '--output',
    'predictions.csv',
  ]);
  expect(predict.status, predict.out).toBe(0);
  const resolved = resolveMetric(spec.metric, {
    task: spec.task,
    ...(run.manifest.classes ? { classes: run.manifest.classes } : {}),
  });
  if (!resolved.ok) throw new Error(resolved.message);
  const score = await scorePredictions({
    predictionsPath: path.join(workspace, 'predictions.csv'),
    predictionsRoot: workspace,
    labelsPath: run.paths.selection.labels,
    metric: resolved.metric,
    ...(run.manifest.classes ? { classes: run.manifest.classes } : {}),
  });
  if (!score.ok) throw new Error(`${score.reason}: ${score.message}`);
  scores.push(
    `${example} ${variant}: holdout ${spec.metric} ${score.value.toFixed(4)} (n=${score.n}), validation ${evalResults.value.toFixed(4)}`,
  );
  return { holdout: score.value, validation: evalResults.value, workspace };
}

describe.skipIf(!PYTHON)(
  skippedTitle('sklearn code (real python3 + scikit-learn)', !PYTHON && 'no python3 with scikit-learn'),
  () => {
    beforeAll(async () => {
      root = await fs.mkdtemp(path.join(os.tmpdir(), 'mle-demo-py-'));
    });
    afterAll(async () => {
      if (scores.length) console.info(`demo sklearn holdout scores:\n  ${scores.join('\n  ')}`);
      if (root) await fs.rm(root, { recursive: true, force: true });
    });

    it(
      'churn: the baseline passes its smoke tests; improved beats it and reaches the target; worse scores lower',
      async () => {
        const baseline = await trainAndScore('churn', 'baseline');
        const tests = py(baseline.workspace, [
          '-m',
          'pytest',
          '-q',
          '-p',
          'no:cacheprovider',
          'tests/test_smoke.py',
        ]);
        expect(tests.status, tests.out).toBe(0);
        expect(baseline.holdout).toBeGreaterThan(0.75);

        const improved = await trainAndScore('churn', 'improved');
        expect(improved.holdout).toBeGreaterThanOrEqual(TABULAR_SPECS.churn.target);
        expect(improved.holdout).toBeGreaterThan(baseline.holdout);

        const worse = await trainAndScore('churn', 'worse');
        expect(worse.holdout).toBeLessThan(baseline.holdout);

        const tweak = await trainAndScore('churn', 'tweak');
        expect(tweak.holdout).toBeGreaterThan(worse.holdout);

        const simple = await trainAndScore('churn', 'simple');
        expect(simple.holdout).toBeLessThan(TABULAR_SPECS.churn.target);
        expect(improved.holdout).toBeGreaterThan(simple.holdout);
      },
      TIMEOUT * 4,
    );

    it(
      'churn: the broken variant fails its smoke tests',
      async () => {
        const workspace = path.join(root, 'churn-broken');
        await writeWorkspace(workspace, {
          ...baselineFiles('churn'),
          'model.py': modelPy('churn', 'broken'),
        });
        const tests = py(workspace, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'tests/test_smoke.py']);
        expect(tests.status).not.toBe(0);
        expect(tests.out).toMatch(/ImportError|cannot import name/);
      },
      TIMEOUT,
    );

    it(
      'house-prices: baseline passes its tests; improved beats it and reaches the target; worse scores lower',
      async () => {
        const baseline = await trainAndScore('house-prices', 'baseline');
        const tests = py(baseline.workspace, [
          '-m',
          'pytest',
          '-q',
          '-p',
          'no:cacheprovider',
          'tests/test_smoke.py',
        ]);
        expect(tests.status, tests.out).toBe(0);
        const improved = await trainAndScore('house-prices', 'improved');
        expect(improved.holdout).toBeGreaterThanOrEqual(TABULAR_SPECS['house-prices'].target);
        expect(improved.holdout).toBeGreaterThan(baseline.holdout);
        const worse = await trainAndScore('house-prices', 'worse');
        expect(worse.holdout).toBeLessThan(baseline.holdout);
        const simple = await trainAndScore('house-prices', 'simple');
        expect(simple.holdout).toBeLessThan(TABULAR_SPECS['house-prices'].target);
      },
      TIMEOUT * 3,
    );
  },
);
