import { z } from 'zod';
import { MetricName } from '../api/metrics';
import { DatasetKind, Direction, TaskType } from '../api/vocabulary';

/**
 * The example datasets the product ships as generators (no data files in the repository): what each one is,
 * the goal a run on it would have, and the target a decent model reaches. The figures quoted are measured
 * with scikit-learn inside the sandbox image on the default size and seed (learnability.docker.test.ts keeps
 * them true).
 */

export const ExampleName = z.enum(['churn', 'house-prices', 'shapes', 'sentiment']);
export type ExampleName = z.infer<typeof ExampleName>;

export const ExampleInfo = z.object({
  name: ExampleName,
  title: z.string(),
  kind: DatasetKind,
  task: TaskType,
  /** What is in it and what makes it interesting, in a few sentences. */
  description: z.string(),
  /** The one-sentence goal to give a run (project.yaml `goals.task_description`). */
  taskText: z.string(),
  /** The label: a CSV column, `label` (JSONL), or `(class folder)` (images), as the intake names it. */
  labelColumn: z.string(),
  classes: z.array(z.string()).optional(),
  metric: z.object({ name: MetricName, direction: Direction, target: z.number() }),
  /** Where the data goes in the example's folder: the dataset path to give a run (`.`: the folder). */
  dataPath: z.string(),
  unit: z.enum(['rows', 'lines', 'images']),
  defaultSize: z.number().int().positive(),
  minSize: z.number().int().positive(),
  maxSize: z.number().int().positive(),
});
export type ExampleInfo = z.infer<typeof ExampleInfo>;

export const DEFAULT_SEED = 42;

export const EXAMPLES: readonly ExampleInfo[] = [
  {
    name: 'churn',
    title: 'Customer churn (tabular classification)',
    kind: 'tabular',
    task: 'classification',
    description:
      'Telecom customers with tenure, contract, internet service, charges, payment method and support calls; ' +
      '`churned` (0/1) is drawn from a known logistic model of those features plus an unobserved factor. ' +
      'About 29% churn, so always predicting "stays" scores about 0.71; logistic regression reaches about 0.84. ' +
      'A customer id column to drop and a few missing total charges are there to be handled.',
    taskText: 'Predict whether a customer will churn from their account and usage details.',
    labelColumn: 'churned',
    classes: ['0', '1'],
    metric: { name: 'accuracy', direction: 'higher', target: 0.82 },
    dataPath: 'churn.csv',
    unit: 'rows',
    defaultSize: 2000,
    minSize: 100,
    maxSize: 200_000,
  },
  {
    name: 'house-prices',
    title: 'House prices (tabular regression)',
    kind: 'tabular',
    task: 'regression',
    description:
      'House sales with floor area, rooms, year built, distance to the centre, neighbourhood, garage and ' +
      'condition; `price` follows a known formula with noise proportional to the price. Linear regression on ' +
      'one-hot encoded columns explains about 81% of the variance (R² 0.81); the distance effect is non-linear ' +
      'and old houses carry a premium, which gradient boosting picks up (R² about 0.86).',
    taskText: 'Predict the sale price of a house from its size, age, location and features.',
    labelColumn: 'price',
    metric: { name: 'r2', direction: 'higher', target: 0.83 },
    dataPath: 'houses.csv',
    unit: 'rows',
    defaultSize: 2000,
    minSize: 100,
    maxSize: 200_000,
  },
  {
    name: 'shapes',
    title: 'Shapes (image classification)',
    kind: 'image_folder',
    task: 'classification',
    description:
      '64x64 RGB PNG images of one circle, square or triangle each, one folder per class, with random ' +
      'position, size, rotation and colours on a noisy gradient background. Colour, size and place say ' +
      'nothing about the class, so a linear model on the pixels does no better than chance; a small CNN ' +
      'sees the outlines and classifies nearly every image right.',
    taskText: 'Build an image classifier that tells circles, squares and triangles apart.',
    labelColumn: '(class folder)',
    classes: ['circle', 'square', 'triangle'],
    metric: { name: 'accuracy', direction: 'higher', target: 0.9 },
    dataPath: '.',
    unit: 'images',
    defaultSize: 450,
    minSize: 60,
    maxSize: 15_000,
  },
  {
    name: 'sentiment',
    title: 'Review sentiment (text classification)',
    kind: 'text_jsonl',
    task: 'classification',
    description:
      'Short product, restaurant and film reviews as JSONL `{"text", "label"}` lines, positive or negative, ' +
      'written from templates and word lists. Negations ("not bad at all"), contrasts ("... but ...") and 4% ' +
      'flipped labels defeat plain keyword counting: a unigram bag of words scores about 0.82, word pairs about ' +
      '0.87.',
    taskText: 'Classify the sentiment of short reviews as positive or negative.',
    labelColumn: 'label',
    classes: ['negative', 'positive'],
    metric: { name: 'accuracy', direction: 'higher', target: 0.85 },
    dataPath: 'reviews.jsonl',
    unit: 'lines',
    defaultSize: 1000,
    minSize: 100,
    maxSize: 100_000,
  },
];

export function findExample(name: string): ExampleInfo | undefined {
  return EXAMPLES.find((e) => e.name === name);
}
