import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { daemon, dockerSuiteTitle, startTestSandbox } from '../testing/docker';
import { SeededRandom } from '../datasets/seeded-random';
import type { DockerSandbox } from '../sandbox/docker-sandbox';
import { makeTempDir } from '../testing/temp-dir';
import { resolveMetric } from './metric-registry';
import type { MetricName } from './schemas';
import { scorePredictions } from './score';

// The engine's metrics against scikit-learn's, run inside the sandbox image (python3 + sklearn), on seeded
// random fixtures: binary and multiclass (imbalanced, tied scores, a class never predicted, probabilities of
// exactly 0 and 1) and regression. Equal within 1e-9 (relative above 1). Fixtures go to the workspace mount;
// sklearn's figures come back as JSON on stdout.

interface Fixture {
  task: 'classification' | 'regression';
  classes?: string[];
  positive?: string;
  probabilities?: boolean;
  labels: string[];
  /** CSV rows after `id`: the prediction, then one proba per class in `classes` order where present. */
  predictions: string[][];
  probaHeader?: string[];
  metrics: MetricName[];
}

const LABEL_METRICS: MetricName[] = [
  'accuracy',
  'balanced_accuracy',
  'f1_macro',
  'f1_micro',
  'f1_weighted',
  'precision_macro',
  'precision_micro',
  'precision_weighted',
  'recall_macro',
  'recall_micro',
  'recall_weighted',
];
const BINARY_METRICS: MetricName[] = [
  ...LABEL_METRICS,
  'f1_binary',
  'precision_binary',
  'recall_binary',
  'roc_auc',
  'log_loss',
];

function pick<T>(rng: SeededRandom, items: readonly T[], weights: readonly number[]): T {
  let u = rng.next() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < items.length; i += 1) {
    u -= weights[i] as number;
    if (u < 0) return items[i] as T;
  }
  return items[items.length - 1] as T;
}

/** Imbalanced binary labels; scores rounded to one decimal (many ties), some exactly 0 and 1, some wrong. */
function binaryFixture(seed: number, bothColumns: boolean): Fixture {
  const rng = new SeededRandom(seed, 'binary');
  const classes = ['no', 'yes'];
  const labels: string[] = [];
  const predictions: string[][] = [];
  for (let i = 0; i < 400; i += 1) {
    const label = pick(rng, classes, [0.8, 0.2]);
    const signal = label === 'yes' ? 0.25 : 0;
    let p = Math.min(1, Math.max(0, Math.round((rng.next() * 0.8 + signal) * 10) / 10));
    // Now and then confidently wrong: the true class gets probability 0, which only clipping keeps finite.
    if (i % 40 === 0) p = label === 'yes' ? 0 : 1;
    labels.push(label);
    const predicted = p >= 0.5 ? 'yes' : 'no';
    predictions.push(bothColumns ? [predicted, String(1 - p), String(p)] : [predicted, String(p)]);
  }
  return {
    task: 'classification',
    classes,
    positive: 'yes',
    probabilities: true,
    labels,
    predictions,
    probaHeader: bothColumns ? ['proba_no', 'proba_yes'] : ['proba_yes'],
    metrics: BINARY_METRICS,
  };
}

/** Four imbalanced classes; softmax of small integer logits (repeated rows: ties); 'd' is never predicted. */
function multiclassFixture(seed: number): Fixture {
  const rng = new SeededRandom(seed, 'multiclass');
  const classes = ['a', 'b', 'c', 'd'];
  const labels: string[] = [];
  const predictions: string[][] = [];
  for (let i = 0; i < 500; i += 1) {
    const label = pick(rng, classes, [0.5, 0.3, 0.15, 0.05]);
    const logits = classes.map((c) => rng.int(3) + (c === label ? 1 : 0));
    const exp = logits.map((l) => Math.exp(l));
    const sum = exp.reduce((a, b) => a + b, 0);
    const proba = exp.map((e) => e / sum);
    // argmax among a, b, c only: the rare class d is never predicted.
    const best = [0, 1, 2].reduce((x, y) => ((proba[y] as number) > (proba[x] as number) ? y : x));
    labels.push(label);
    predictions.push([classes[best] as string, ...proba.map(String)]);
  }
  return {
    task: 'classification',
    classes,
    probabilities: true,
    labels,
    predictions,
    probaHeader: classes.map((c) => `proba_${c}`),
    metrics: [...LABEL_METRICS, 'roc_auc_ovr', 'log_loss'],
  };
}

/**
 * Labels from three classes, predictions that also use a fourth class absent from the labels, and a fifth
 * class of the dataset that appears nowhere (sklearn averages over labels present in y_true or y_pred only).
 */
function predictedOnlyClassFixture(seed: number): Fixture {
  const rng = new SeededRandom(seed, 'extra-class');
  const classes = ['cat', 'dog', 'emu', 'fox', 'gnu'];
  const labels: string[] = [];
  const predictions: string[][] = [];
  for (let i = 0; i < 200; i += 1) {
    const label = pick(rng, ['cat', 'dog', 'emu'], [0.6, 0.3, 0.1]);
    labels.push(label);
    predictions.push([rng.next() < 0.6 ? label : pick(rng, classes, [1, 1, 0.2, 1, 0])]);
  }
  return { task: 'classification', classes, labels, predictions, metrics: LABEL_METRICS };
}

/** Skewed positive targets (a few exact zeros, for MAPE's epsilon), noisy non-negative predictions. */
function regressionFixture(seed: number, allowNegative: boolean): Fixture {
  const rng = new SeededRandom(seed, 'regression');
  const labels: string[] = [];
  const predictions: string[][] = [];
  for (let i = 0; i < 300; i += 1) {
    let y = Math.exp(rng.normal() * 1.2 + 2);
    if (allowNegative) y -= 10;
    if (!allowNegative && i % 97 === 0) y = 0;
    let p = y + rng.normal() * 3;
    if (!allowNegative) p = Math.max(0, p);
    labels.push(String(y));
    predictions.push([String(p)]);
  }
  const metrics: MetricName[] = ['mse', 'rmse', 'mae', 'r2', 'mape'];
  return {
    task: 'regression',
    labels,
    predictions,
    metrics: allowNegative ? metrics : [...metrics, 'rmsle'],
  };
}

const FIXTURES: Record<string, Fixture> = {
  binary_both_columns: binaryFixture(11, true),
  binary_positive_column: binaryFixture(12, false),
  multiclass: multiclassFixture(13),
  predicted_only_class: predictedOnlyClassFixture(14),
  regression_positive: regressionFixture(15, false),
  regression_signed: regressionFixture(16, true),
};

function writeFixture(dir: string, name: string, fixture: Fixture) {
  const labels = `id,label\n${fixture.labels.map((l, i) => `r${i},${l}`).join('\n')}\n`;
  const header = ['id', 'prediction', ...(fixture.probaHeader ?? [])].join(',');
  // Rows in reverse order: scoring joins on ids, never on position.
  const rows = fixture.predictions.map((p, i) => [`r${i}`, ...p].join(',')).reverse();
  fs.writeFileSync(path.join(dir, `${name}.labels.csv`), labels);
  fs.writeFileSync(path.join(dir, `${name}.predictions.csv`), `${header}\n${rows.join('\n')}\n`);
}

describe.skipIf(!daemon.available)(
  dockerSuiteTitle('metrics agree with scikit-learn in the sandbox image'),
  () => {
    const temp = makeTempDir('mle-beast-sklearn-');
    let sandbox: DockerSandbox;
    let sklearn: Record<string, Record<string, number>> & { _sklearn?: unknown };

    beforeAll(async () => {
      const cases: Record<string, unknown> = {};
      for (const [name, fixture] of Object.entries(FIXTURES)) {
        writeFixture(temp.dir, name, fixture);
        cases[name] = {
          task: fixture.task,
          classes: fixture.classes,
          positive: fixture.positive,
          probabilities: fixture.probabilities ?? false,
          labels: `/workspace/${name}.labels.csv`,
          predictions: `/workspace/${name}.predictions.csv`,
        };
      }
      fs.writeFileSync(path.join(temp.dir, 'cases.json'), JSON.stringify(cases));
      fs.copyFileSync(
        new URL('./sklearn_reference.py', import.meta.url),
        path.join(temp.dir, 'sklearn_reference.py'),
      );
      sandbox = await startTestSandbox({ runId: `test-sklearn-${process.pid}`, workspaceDir: temp.dir });
      const result = await sandbox.exec({
        argv: ['python3', 'sklearn_reference.py', 'cases.json'],
        timeoutMs: 180_000,
      });
      if (result.exitCode !== 0)
        throw new Error(`sklearn_reference.py failed (${result.exitCode}):\n${result.stderr}`);
      sklearn = JSON.parse(result.stdout) as typeof sklearn;
    }, 240_000);

    afterAll(async () => {
      await sandbox?.stop();
      temp.cleanup();
    });

    for (const [name, fixture] of Object.entries(FIXTURES)) {
      it(`${name}: ${fixture.metrics.join(', ')}`, async () => {
        const reference = sklearn[name] ?? {};
        for (const metricName of fixture.metrics) {
          const resolved = resolveMetric(metricName, {
            task: fixture.task,
            classes: fixture.classes,
            positiveLabel: fixture.positive,
          });
          if (!resolved.ok) throw new Error(resolved.message);
          const result = await scorePredictions({
            predictionsPath: path.join(temp.dir, `${name}.predictions.csv`),
            labelsPath: path.join(temp.dir, `${name}.labels.csv`),
            metric: resolved.metric,
            classes: fixture.classes,
          });
          if (!result.ok) throw new Error(`${name} ${metricName}: ${result.message}`);
          const expected = reference[metricName];
          expect(expected, `${name}: sklearn computed no ${metricName}`).toBeTypeOf('number');
          const tolerance = 1e-9 * Math.max(1, Math.abs(expected as number));
          expect(
            Math.abs(result.value - (expected as number)),
            `${name} ${metricName}: engine ${result.value}, sklearn ${expected}`,
          ).toBeLessThanOrEqual(tolerance);
        }
      });
    }

    it('the fixtures exercise what they claim', () => {
      const multi = FIXTURES.multiclass!;
      expect(multi.predictions.some((p) => p[0] === 'd')).toBe(false);
      expect(multi.labels.filter((l) => l === 'd').length).toBeGreaterThan(5);
      const binary = FIXTURES.binary_positive_column!;
      const scores = binary.predictions.map((p) => p[1]);
      expect(new Set(scores).size).toBeLessThan(12);
      expect(scores).toContain('0');
      expect(scores).toContain('1');
      expect(FIXTURES.regression_positive!.labels).toContain('0');
      expect(typeof sklearn._sklearn).toBe('string');
    });
  },
);
