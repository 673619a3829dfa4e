import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { BenchTask } from '../api/agent-bench';
import type { Result } from '../api/result';
import { generateExample } from '../examples/generate';
import { startSandbox } from '../sandbox/index';
import type { SandboxChoice } from '../api/vocabulary';

/**
 * A task's data folder, made offline: scikit-learn's bundled datasets exported to CSV by a Python run in the
 * same sandbox the runs use (the sandbox image ships them; nothing is downloaded), and the example datasets
 * from their seeded generators. The exported bytes are checked against the sha256 the task declares, so a
 * run scores on exactly the data the baselines were measured on.
 */

/** Writes one bundled dataset as CSV: argv[1] the dataset, argv[2] the file. Deterministic (repr of floats). */
export const EXPORT_PY = String.raw`import csv, sys
from sklearn import datasets

name, out = sys.argv[1], sys.argv[2]
if name == "digits":
    d = datasets.load_digits()
    header = [f"pixel_{i // 8}_{i % 8}" for i in range(64)] + ["digit"]
    body = [[int(v) for v in x] + [int(t)] for x, t in zip(d.data, d.target)]
elif name == "breast-cancer":
    d = datasets.load_breast_cancer()
    header = [n.replace(" ", "_") for n in d.feature_names] + ["diagnosis"]
    body = [[repr(float(v)) for v in x] + [str(d.target_names[t])] for x, t in zip(d.data, d.target)]
elif name == "diabetes":
    d = datasets.load_diabetes(scaled=False)
    header = list(d.feature_names) + ["progression"]
    body = [[repr(float(v)) for v in x] + [repr(float(t))] for x, t in zip(d.data, d.target)]
else:
    sys.exit(f"unknown dataset {name}")
with open(out, "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(header)
    w.writerows(body)
print(f"wrote {len(body)} rows to {out}")
`;

export interface DataOptions {
  sandbox: SandboxChoice;
  image?: string;
  python?: string;
  signal?: AbortSignal;
}

export interface TaskData {
  /** The folder the run's project.yaml sits in. */
  dir: string;
  /** Absolute: what dataset.train_path names. */
  dataPath: string;
}

const fail = (message: string): Result<never> => ({ ok: false, error: { code: 'unavailable', message } });

export async function sha256File(file: string): Promise<string> {
  return createHash('sha256')
    .update(await fs.readFile(file))
    .digest('hex');
}

/** Makes `dir/data/` for the task (dir must be new or empty) and returns the dataset path. */
export async function makeTaskData(
  task: BenchTask,
  dir: string,
  options: DataOptions,
): Promise<Result<TaskData>> {
  const dataDir = path.join(dir, 'data');
  const source = task.source;
  if (source.kind === 'example') {
    const made = await generateExample(source.example, dataDir, { seed: source.seed, size: source.size });
    if (!made.ok) return fail(`${task.name}: the example data could not be made: ${made.error.message}`);
    return { ok: true, value: { dir, dataPath: path.join(dataDir, task.dataPath) } };
  }
  await fs.mkdir(dataDir, { recursive: true });
  const started = await startSandbox(
    {
      runId: `bench-data-${task.name}-${Date.now().toString(36)}`,
      workspaceDir: dataDir,
      network: 'none',
      forceCpu: true,
      ...(options.image ? { image: options.image } : {}),
      ...(options.python ? { python: options.python } : {}),
    },
    options.sandbox,
  );
  if (!started.ok)
    return fail(`${task.name}: the sandbox did not start to export the data: ${started.error.message}`);
  const sandbox = started.value;
  try {
    const out = `${sandbox.paths.workspace}/${task.dataPath}`;
    const ran = await sandbox.exec({
      argv: ['python3', '-c', EXPORT_PY, source.dataset, out],
      timeoutMs: 120_000,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (ran.exitCode !== 0) {
      const why = (ran.stderr || ran.stdout).trim().split('\n').slice(-3).join(' ');
      return fail(
        `${task.name}: exporting scikit-learn's ${source.dataset} failed${ran.timedOut ? ' (timed out)' : ''}: ${why || `exit ${ran.exitCode}`}. The sandbox's Python needs scikit-learn (the sandbox image has it).`,
      );
    }
  } finally {
    await sandbox.stop();
  }
  const file = path.join(dataDir, task.dataPath);
  const digest = await sha256File(file).catch(() => null);
  if (digest === null) return fail(`${task.name}: the export wrote no ${task.dataPath}`);
  if (digest !== source.sha256) {
    return fail(
      `${task.name}: the exported ${task.dataPath} (sha256 ${digest.slice(0, 12)}…) is not the data the baselines were measured on (${source.sha256.slice(0, 12)}…): this scikit-learn ships a different ${source.dataset}. Use the sandbox image (--sandbox docker).`,
    );
  }
  return { ok: true, value: { dir, dataPath: file } };
}

/** The run's project.yaml for one task: goal, fixed metric, the data and its label, the budget. */
export function projectYaml(
  task: BenchTask,
  dataPath: string,
  options: { maxSteps?: number | null; seed: number },
): string {
  const steps = options.maxSteps ? Math.min(options.maxSteps, task.budget.steps) : task.budget.steps;
  const type =
    task.kind === 'tabular' ? 'tabular' : task.kind === 'image_folder' ? 'image_folder' : 'text_jsonl';
  const lines = [
    '# Written by mle-beast bench: one task of the agent benchmark suite (engine/agent-bench).',
    `# task ${task.name}, seed ${options.seed}`,
    'project:',
    `  name: ${JSON.stringify(`bench ${task.name} seed ${options.seed}`)}`,
    'goals:',
    `  task_description: ${JSON.stringify(task.taskText)}`,
    `  target_metric: { name: ${task.metric.name} }`,
    'dataset:',
    `  type: ${type}`,
    `  train_path: ${JSON.stringify(dataPath)}`,
    ...(task.label ? [`  target: ${JSON.stringify(task.label)}`] : []),
    'limits:',
    `  max_steps: ${steps}`,
    `  max_wall_minutes: ${task.budget.minutes}`,
    `  max_cost_usd: ${task.budget.costUsd}`,
    '',
  ];
  return lines.join('\n');
}
