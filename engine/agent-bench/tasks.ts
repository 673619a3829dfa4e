import { z } from 'zod';
import { BenchTask } from '../api/agent-bench';
import { METRICS } from '../api/metrics';

/**
 * The suite's tasks: the one declaration (checked by zod when this module loads, and by tasks.test.ts). Small,
 * offline and CPU-only (ml-agent-anchors.md section 9): scikit-learn's bundled datasets, which ship in the
 * sandbox image, and the product's seeded example generators. Each fixes its metric and direction (never
 * inferred from what the agent prints) and a budget. The tiers come from baselines.json.
 *
 * Budgets: about ten experiments and twenty minutes each, a dollar of LLM calls (a cheap model spends a few
 * cents a step); the image task gets more time for a small CNN on the CPU.
 */

const TABULAR_BUDGET = { steps: 10, minutes: 20, costUsd: 1 } as const;

const DECLARED: z.input<typeof BenchTask>[] = [
  {
    name: 'digits',
    title: 'Handwritten digits (accuracy)',
    kind: 'tabular',
    source: {
      kind: 'sklearn',
      dataset: 'digits',
      sha256: '592cc047d0a1cc7fdef9fd724514209dcb45a80aa147dc3ab375e3e1a9a380f4',
    },
    dataPath: 'digits.csv',
    label: 'digit',
    taskText:
      'Classify 8x8 images of handwritten digits, given as 64 pixel intensity columns (0 to 16), into the digits 0 to 9.',
    metric: { name: 'accuracy', direction: 'higher' },
    budget: TABULAR_BUDGET,
  },
  {
    name: 'digits-logloss',
    title: 'Handwritten digits (log loss)',
    kind: 'tabular',
    source: {
      kind: 'sklearn',
      dataset: 'digits',
      sha256: '592cc047d0a1cc7fdef9fd724514209dcb45a80aa147dc3ab375e3e1a9a380f4',
    },
    dataPath: 'digits.csv',
    label: 'digit',
    taskText:
      'Predict calibrated probabilities of the digit 0 to 9 for 8x8 images of handwritten digits given as 64 pixel intensity columns.',
    metric: { name: 'log_loss', direction: 'lower' },
    budget: TABULAR_BUDGET,
  },
  {
    name: 'breast-cancer',
    title: 'Breast cancer diagnosis (log loss)',
    kind: 'tabular',
    source: {
      kind: 'sklearn',
      dataset: 'breast-cancer',
      sha256: 'fefd0594fe431ad9205a996d0fb446ec2f093a41fbee00c6df7fcc29518b15c6',
    },
    dataPath: 'breast_cancer.csv',
    label: 'diagnosis',
    taskText:
      'Predict the probability that a breast mass is malignant or benign from 30 measurements of its cell nuclei.',
    metric: { name: 'log_loss', direction: 'lower' },
    budget: TABULAR_BUDGET,
  },
  {
    name: 'diabetes',
    title: 'Diabetes progression (RMSE)',
    kind: 'tabular',
    source: {
      kind: 'sklearn',
      dataset: 'diabetes',
      sha256: '10d35e5b3fe6855244175482756c09af0e0026de373e6199dac1b6b41c25d829',
    },
    dataPath: 'diabetes.csv',
    label: 'progression',
    taskText:
      "Predict a quantitative measure of diabetes progression one year after baseline from a patient's age, sex, BMI, blood pressure and six blood serum measurements.",
    metric: { name: 'rmse', direction: 'lower' },
    budget: TABULAR_BUDGET,
  },
  {
    name: 'houses',
    title: 'House prices, California-like (RMSE)',
    kind: 'tabular',
    source: { kind: 'example', example: 'house-prices', seed: 42, size: 2000 },
    dataPath: 'houses.csv',
    label: 'price',
    taskText: 'Predict the sale price of a house from its size, age, location and features.',
    metric: { name: 'rmse', direction: 'lower' },
    budget: TABULAR_BUDGET,
  },
  {
    name: 'shapes',
    title: 'Shapes images (accuracy)',
    kind: 'image_folder',
    source: { kind: 'example', example: 'shapes', seed: 42, size: 450 },
    dataPath: '.',
    taskText: 'Build an image classifier that tells circles, squares and triangles apart.',
    metric: { name: 'accuracy', direction: 'higher' },
    budget: { steps: 8, minutes: 30, costUsd: 1 },
  },
  {
    name: 'sentiment',
    title: 'Review sentiment (accuracy)',
    kind: 'text_jsonl',
    source: { kind: 'example', example: 'sentiment', seed: 42, size: 1000 },
    dataPath: 'reviews.jsonl',
    taskText: 'Classify the sentiment of short reviews as positive or negative.',
    metric: { name: 'accuracy', direction: 'higher' },
    budget: TABULAR_BUDGET,
  },
];

/** Parses the declarations and checks what zod cannot: unique names, each metric's own direction. */
export function parseTasks(declared: readonly unknown[]): BenchTask[] {
  const tasks = z.array(BenchTask).parse(declared);
  const seen = new Set<string>();
  for (const t of tasks) {
    if (seen.has(t.name)) throw new Error(`bench task ${t.name} is declared twice`);
    seen.add(t.name);
    const info = METRICS[t.metric.name];
    if (info.direction !== t.metric.direction) {
      throw new Error(
        `bench task ${t.name}: ${t.metric.name} is ${info.direction}-is-better, not ${t.metric.direction}`,
      );
    }
    if (t.kind === 'tabular' && !t.label)
      throw new Error(`bench task ${t.name}: a tabular task names its label`);
  }
  return tasks;
}

export const BENCH_TASKS: readonly BenchTask[] = parseTasks(DECLARED);

export const benchTaskNames = (): string[] => BENCH_TASKS.map((t) => t.name);

/** The tasks `--tasks a,b` names, in the order given; an unknown name is an error naming the known ones. */
export function selectTasks(
  list: string | undefined,
): { ok: true; tasks: BenchTask[] } | { ok: false; message: string } {
  if (list === undefined) return { ok: true, tasks: [...BENCH_TASKS] };
  const names = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 0)
    return { ok: false, message: `--tasks is empty: name some of ${benchTaskNames().join(', ')}` };
  const unknown = names.filter((n) => !BENCH_TASKS.some((t) => t.name === n));
  if (unknown.length > 0) {
    return {
      ok: false,
      message: `unknown bench task${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `'${n}'`).join(', ')}: choose from ${benchTaskNames().join(', ')}`,
    };
  }
  const unique = [...new Set(names)];
  return { ok: true, tasks: unique.map((n) => BENCH_TASKS.find((t) => t.name === n) as BenchTask) };
}
