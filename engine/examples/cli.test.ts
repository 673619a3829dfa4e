import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { useTempDir } from '../testing/temp-dir';
import { EXAMPLES } from './catalog';
import { createExample, listExamples } from './cli';

const temp = useTempDir('mle-beast-examples-cli-');

describe('listExamples', () => {
  it('names every example with its size, target and task, and says how to create one', () => {
    const text = listExamples();
    for (const example of EXAMPLES) {
      expect(text).toContain(example.name);
      expect(text).toContain(example.taskText);
    }
    expect(text).toContain(
      'churn         Customer churn (tabular classification): 2,000 rows by default, target accuracy >= 0.82',
    );
    expect(text).toContain('mle-beast examples create NAME DIR');
  });
});

describe('createExample', () => {
  it('writes the example and says where the dataset is, the task and the target', async () => {
    const dir = path.join(temp.dir, 'my-churn');
    const result = await createExample('churn', dir, { seed: '7', size: '300' });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value).toMatchObject({ name: 'churn', dir, seed: 7, size: 300, files: 1 });
    expect(result.value.text).toBe(
      [
        `Wrote example 'churn' to ${dir}: 300 rows, seed 7, 1 file, ${Math.ceil(fs.statSync(path.join(dir, 'churn.csv')).size / 1024)} KiB.`,
        `Dataset: ${path.join(dir, 'churn.csv')} (tabular, label column 'churned')`,
        'Task:    Predict whether a customer will churn from their account and usage details.',
        'Target:  accuracy >= 0.82',
      ].join('\n'),
    );
  });

  it('gives a project.yaml with the goal, the metric, the target and the dataset', async () => {
    const dir = path.join(temp.dir, 'it\'s "shapes"');
    const result = await createExample('shapes', dir, { size: 60 });
    if (!result.ok) throw new Error(result.error.message);
    expect(parse(result.value.projectYaml)).toEqual({
      project: { name: 'example-shapes' },
      goals: {
        task_description: 'Build an image classifier that tells circles, squares and triangles apart.',
        target_metric: { name: 'accuracy', target_value: 0.9, comparison: '>=' },
      },
      dataset: { type: 'image_folder', train_path: dir },
    });
    const houses = await createExample('house-prices', path.join(temp.dir, 'h'), { size: 100 });
    expect(houses.ok && parse(houses.value.projectYaml).dataset).toEqual({
      type: 'tabular',
      train_path: path.join(temp.dir, 'h', 'houses.csv'),
      target: 'price',
    });
  });

  it.each([
    ['seed', { seed: 'abc' }, "the seed must be a whole number, got 'abc'."],
    ['size', { size: '1e3' }, "the size must be a whole number, got '1e3'."],
    ['size', { size: '-5' }, "the size must be a whole number, got '-5'."],
  ])('rejects a %s that is not a whole number', async (_what, options, message) => {
    const result = await createExample('churn', path.join(temp.dir, 'x'), options);
    expect(result).toEqual({ ok: false, error: { code: 'invalid_input', message } });
    expect(fs.existsSync(path.join(temp.dir, 'x'))).toBe(false);
  });

  it('passes on the errors of generation: unknown names, full folders, sizes out of range', async () => {
    expect(await createExample('mnist', path.join(temp.dir, 'x'))).toMatchObject({
      ok: false,
      error: { code: 'not_found', message: expect.stringContaining('Examples: churn, house-prices') },
    });
    fs.writeFileSync(path.join(temp.dir, 'keep.txt'), 'x');
    expect(await createExample('churn', temp.dir)).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await createExample('shapes', path.join(temp.dir, 'y'), { size: '20000' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: "the size must be at most 15000 images for 'shapes'" },
    });
  });
});
