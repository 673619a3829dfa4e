import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { daemon, dockerSuiteTitle, startTestSandbox } from '../testing/docker';
import { listFiles } from '../datasets/testing/files';
import type { DockerSandbox } from '../sandbox/docker-sandbox';
import { makeTempDir } from '../testing/temp-dir';
import { EXAMPLES, findExample, type ExampleName } from './catalog';
import { generateExample } from './generate';
import { renderShape, SHAPE_CLASSES, type ShapeClass } from './shapes';

// The claims the catalog makes about each example, checked where the agent's code will run: inside the sandbox
// image, with its scikit-learn, PIL and PyTorch. Every example is generated at its default size and seed into
// the read-only data mount; learnability.py (beside this file) fits simple models and prints the figures. The
// bands below are the measured figures with margins; the catalog's target must lie between what a trivial
// model scores and what a simple good model reaches.

type Figures = Record<string, number>;

const dataPath: Record<ExampleName, string> = {
  churn: '/data/churn/churn.csv',
  'house-prices': '/data/house-prices/houses.csv',
  sentiment: '/data/sentiment/reviews.jsonl',
  shapes: '/data/shapes',
};

const target = (name: ExampleName): number => (findExample(name) as (typeof EXAMPLES)[number]).metric.target;

describe.skipIf(!daemon.available)(dockerSuiteTitle('example datasets in the sandbox image'), () => {
  const temp = makeTempDir('mle-beast-examples-docker-');
  const dataDir = path.join(temp.dir, 'data');
  const workspace = path.join(temp.dir, 'workspace');
  let sandbox: DockerSandbox;

  async function learn(kind: string, where: string, timeoutMs = 170_000): Promise<Figures> {
    const result = await sandbox.exec({
      argv: ['python3', '-W', 'ignore', 'learnability.py', kind, where],
      timeoutMs,
      outputCapBytes: 8 * 1024 * 1024,
    });
    if (result.exitCode !== 0)
      throw new Error(`learnability.py ${kind} failed (${result.exitCode}):\n${result.stderr}`);
    return JSON.parse(result.stdout) as Figures;
  }

  beforeAll(async () => {
    fs.mkdirSync(dataDir);
    fs.mkdirSync(workspace);
    for (const example of EXAMPLES) {
      const generated = await generateExample(example.name, path.join(dataDir, example.name));
      if (!generated.ok) throw new Error(generated.error.message);
    }
    fs.copyFileSync(new URL('./learnability.py', import.meta.url), path.join(workspace, 'learnability.py'));
    sandbox = await startTestSandbox({
      runId: `test-examples-${process.pid}`,
      workspaceDir: workspace,
      dataDir,
    });
  }, 120_000);

  afterAll(async () => {
    await sandbox?.stop();
    temp.cleanup();
  });

  it('churn: always "stays" scores about 0.71, logistic regression about 0.84, the target lies between', async () => {
    const f = await learn('churn', dataPath.churn);
    expect(f.rows).toBe(2000);
    expect(f.majority_accuracy).toBeGreaterThan(0.66);
    expect(f.majority_accuracy).toBeLessThan(0.75);
    expect(f.logistic_regression_accuracy).toBeGreaterThan(0.81);
    expect(f.logistic_regression_accuracy).toBeLessThan(0.88);
    expect(f.gradient_boosting_accuracy).toBeGreaterThan(0.8);
    expect(f.gradient_boosting_accuracy).toBeLessThan(0.88);
    expect(target('churn')).toBeGreaterThan((f.majority_accuracy as number) + 0.05);
    expect(target('churn')).toBeLessThanOrEqual(f.logistic_regression_accuracy as number);
  }, 180_000);

  it('house prices: linear regression R² about 0.81, gradient boosting about 0.86, the target between', async () => {
    const f = await learn('houses', dataPath['house-prices']);
    expect(f.rows).toBe(2000);
    expect(Math.abs(f.mean_r2 as number)).toBeLessThan(0.02);
    expect(f.linear_regression_r2).toBeGreaterThan(0.77);
    expect(f.linear_regression_r2).toBeLessThan(0.86);
    expect(f.gradient_boosting_r2).toBeGreaterThan(0.82);
    expect(f.gradient_boosting_r2).toBeLessThan(0.9);
    expect(target('house-prices')).toBeGreaterThan(f.linear_regression_r2 as number);
    expect(target('house-prices')).toBeLessThanOrEqual(f.gradient_boosting_r2 as number);
  }, 180_000);

  it('sentiment: unigrams about 0.82, word pairs about 0.87, the target between', async () => {
    const f = await learn('sentiment', dataPath.sentiment);
    expect(f.rows).toBe(1000);
    expect(f.majority_accuracy).toBeLessThan(0.56);
    expect(f.unigram_logistic_regression_accuracy).toBeGreaterThan(0.76);
    expect(f.unigram_logistic_regression_accuracy).toBeLessThan(0.86);
    expect(f.bigram_logistic_regression_accuracy).toBeGreaterThan(0.83);
    expect(f.bigram_logistic_regression_accuracy).toBeLessThan(0.92);
    expect(target('sentiment')).toBeGreaterThan(f.unigram_logistic_regression_accuracy as number);
    expect(target('sentiment')).toBeLessThanOrEqual(f.bigram_logistic_regression_accuracy as number);
  }, 180_000);

  it('shapes: PIL decodes every PNG to the exact pixels the generator drew', async () => {
    const report = (await learn('shapes', dataPath.shapes)) as unknown as {
      images: Record<string, { format: string; mode: string; size: number[]; pixels_sha256: string }>;
    };
    const files = listFiles(path.join(dataDir, 'shapes'));
    expect(Object.keys(report.images).sort()).toEqual(files);
    for (const file of files) {
      const [cls, name] = file.split('/') as [ShapeClass, string];
      expect(SHAPE_CLASSES).toContain(cls);
      const index = Number(/_(\d+)\.png$/.exec(name)?.[1]) - 1;
      const expected = createHash('sha256')
        .update(renderShape(42, cls, index).pixels)
        .digest('hex');
      expect(report.images[file], file).toEqual({
        format: 'PNG',
        mode: 'RGB',
        size: [64, 64],
        pixels_sha256: expected,
      });
    }
  }, 180_000);

  it('shapes: raw pixels defeat a linear model; a small CNN reaches the target', async () => {
    const f = await learn('shapes-learn', dataPath.shapes, 300_000);
    expect(f.images).toBe(450);
    expect(f.pixel_logistic_regression_accuracy).toBeLessThan(0.5);
    expect(f.cnn_accuracy).toBeGreaterThanOrEqual(target('shapes'));
  }, 320_000);
});
