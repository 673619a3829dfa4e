import type { Result } from '../api/result';
import { DEFAULT_SEED, EXAMPLES, findExample, type ExampleInfo } from './catalog';
import { generateExample, type GeneratedExample } from './generate';

/**
 * What `mle-beast examples list` and `mle-beast examples create NAME DIR [--seed N] [--size N]` print and do.
 * The CLI passes its arguments as they were typed; everything here returns text or a Result, never throws and
 * never exits, so the host decides how to print and which exit code to use.
 */

const count = (n: number): string => n.toLocaleString('en-US');

function sizeText(example: ExampleInfo, size: number): string {
  return `${count(size)} ${example.unit}`;
}

function targetText(example: ExampleInfo): string {
  return `${example.metric.name} ${example.metric.direction === 'higher' ? '>=' : '<='} ${example.metric.target}`;
}

/** The catalog as text: one block per example. */
export function listExamples(): string {
  const width = Math.max(...EXAMPLES.map((e) => e.name.length));
  const blocks = EXAMPLES.map((e) =>
    [
      `${e.name.padEnd(width)}  ${e.title}: ${sizeText(e, e.defaultSize)} by default, target ${targetText(e)}`,
      `${' '.repeat(width)}  ${e.taskText}`,
    ].join('\n'),
  );
  return [
    ...blocks,
    '',
    `Create one with: mle-beast examples create NAME DIR [--seed N] [--size N] (seed ${DEFAULT_SEED} by default; DIR must be new or empty).`,
  ].join('\n');
}

export interface CreatedExample extends GeneratedExample {
  /** What the CLI prints: where the data went, the dataset path, the goal and the target. */
  text: string;
  /** A project.yaml for a run on the example (goal, metric and target, the absolute dataset path). */
  projectYaml: string;
}

function parseWhole(what: string, value: string | number | undefined): Result<number | undefined> {
  if (value === undefined) return { ok: true, value: undefined };
  const text = String(value).trim();
  if (!/^\d+$/.test(text)) {
    return {
      ok: false,
      error: {
        code: 'invalid_input',
        message: `the ${what} must be a whole number, got '${String(value)}'.`,
      },
    };
  }
  return { ok: true, value: Number(text) };
}

/** YAML double-quoted scalars are JSON strings, so JSON.stringify quotes any text safely. */
const q = (text: string): string => JSON.stringify(text);

export function exampleProjectYaml(example: ExampleInfo, dataPath: string): string {
  return [
    `project: { name: ${q(`example-${example.name}`)} }`,
    'goals:',
    `  task_description: ${q(example.taskText)}`,
    '  target_metric:',
    `    name: ${example.metric.name}`,
    `    target_value: ${example.metric.target}`,
    `    comparison: "${example.metric.direction === 'higher' ? '>=' : '<='}"`,
    'dataset:',
    `  type: ${example.kind}`,
    `  train_path: ${q(dataPath)}`,
    ...(example.kind === 'tabular' ? [`  target: ${q(example.labelColumn)}`] : []),
    '',
  ].join('\n');
}

/** `mle-beast examples create NAME DIR`: writes the example and says what to do with it. */
export async function createExample(
  name: string,
  dir: string,
  options: { seed?: string | number; size?: string | number } = {},
): Promise<Result<CreatedExample>> {
  const seed = parseWhole('seed', options.seed);
  if (!seed.ok) return seed;
  const size = parseWhole('size', options.size);
  if (!size.ok) return size;
  const generated = await generateExample(name, dir, { seed: seed.value, size: size.value });
  if (!generated.ok) return generated;
  const g = generated.value;
  const example = findExample(g.name) as ExampleInfo;
  const label =
    example.kind === 'tabular'
      ? `label column '${example.labelColumn}'`
      : example.kind === 'text_jsonl'
        ? 'label field "label"'
        : 'one folder per class';
  const text = [
    `Wrote example '${g.name}' to ${g.dir}: ${sizeText(example, g.size)}, seed ${g.seed}, ${count(g.files)} ${g.files === 1 ? 'file' : 'files'}, ${count(Math.ceil(g.bytes / 1024))} KiB.`,
    `Dataset: ${g.dataPath} (${example.kind}, ${label})`,
    `Task:    ${example.taskText}`,
    `Target:  ${targetText(example)}`,
  ].join('\n');
  return { ok: true, value: { ...g, text, projectYaml: exampleProjectYaml(example, g.dataPath) } };
}
