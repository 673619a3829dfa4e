import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ScriptStep } from '../llm/scripted-server';
import { actorScript, say, toolCall, type Scenario, type ScenarioCall, type StageHandler } from './scenario';
import { parseImportErrors } from '../tools/pytest';
import {
  baselineFiles,
  modelPy,
  TABULAR_SPECS,
  tweakFor,
  type ModelVariant,
  type TabularExample,
  type TabularSpec,
} from './sklearn-code';

/**
 * The named scenarios: whole runs on the tabular examples, played by the scripted model with real
 * scikit-learn code (sklearn-code.ts).
 *
 * Greenfield: data analysis → baseline (logistic regression / ridge) → experiments in a fixed order:
 *   1. gradient boosting with a typo in an import: the smoke tests fail on every attempt (abandoned);
 *   2. a depth-1 tree on one feature: scores lower (reverted);
 *   3. engineered threshold features: scores higher and reaches the target (kept);
 *   4+. a different regularisation strength each time (never a duplicate).
 * Brownfield: the user's repository is the baseline; data analysis, then experiments 2, 3, 4+.
 */

export interface Experiment {
  key: string;
  variant: ModelVariant;
  tweak?: number;
  tag: 'MODEL' | 'FEATURE' | 'HYPERPARAM';
  hypothesis: string;
  change: string;
  rationale: string;
  /** What implement's mark_complete says. */
  summary: string;
}

export function experimentFor(example: TabularExample, variant: ModelVariant, tweak = 0): Experiment {
  const churn = example === 'churn';
  switch (variant) {
    case 'broken':
      return {
        key: 'boosting',
        variant,
        tag: 'MODEL',
        hypothesis: churn
          ? 'Histogram gradient boosting (300 iterations, learning rate 0.05) on the raw features captures the tenure and support-call thresholds that logistic regression misses.'
          : 'Histogram gradient boosting (300 iterations, learning rate 0.05) on the raw features captures the non-linear distance effect that ridge regression misses.',
        change: `In model.py, replace the ${churn ? 'LogisticRegression' : 'Ridge'} estimator with ${churn ? 'HistGradientBoostingClassifier' : 'HistGradientBoostingRegressor'}(max_iter=300, learning_rate=0.05); keep the preprocessing.`,
        rationale:
          'Tree ensembles find thresholds and interactions without hand-made features; the data has both.',
        summary: 'Replaced the linear model in model.py with histogram gradient boosting (300 iterations).',
      };
    case 'worse':
      return {
        key: 'single-split',
        variant,
        tag: 'MODEL',
        hypothesis: churn
          ? 'A single split on support_calls (a depth-1 decision tree) generalises better than the full linear model, since support calls are the strongest churn signal.'
          : 'A single split on the number of bedrooms (a depth-1 regression tree) generalises better than the full linear model on this small dataset.',
        change: `In model.py, keep only the ${churn ? 'support_calls' : 'bedrooms'} column and fit a ${churn ? 'DecisionTreeClassifier' : 'DecisionTreeRegressor'}(max_depth=1).`,
        rationale:
          'A much simpler model has less variance; if the other columns add mostly noise, the holdout score should hold or rise.',
        summary: `model.py now fits a depth-1 decision tree on ${churn ? 'support_calls' : 'bedrooms'} alone.`,
      };
    case 'improved':
      return {
        key: 'engineered-features',
        variant,
        tag: 'FEATURE',
        hypothesis: churn
          ? 'Flags for the first six months of tenure (new_customer) and for four or more support calls (many_support_calls) let logistic regression model the two thresholds in churn risk.'
          : 'The saturating distance effect d/(d+6), the age capped at 80 years and a very-old-house flag let ridge regression model the non-linear price terms.',
        change: churn
          ? 'In model.py, use every column (categoricals one-hot encoded) and let add_features add new_customer = tenure_months <= 6 and many_support_calls = support_calls >= 4 as 0/1 columns; the model stays LogisticRegression.'
          : 'In model.py, use every column (categoricals one-hot encoded) and let add_features add distance_effect = distance_km / (distance_km + 6), age_capped = min(2024 - year_built, 80) and very_old = age > 80; the model stays Ridge.',
        rationale: churn
          ? 'Churn risk jumps in the first months and after many support calls; a linear model cannot draw those steps from the raw counts.'
          : 'Prices fall steeply with the first kilometres from the centre and then flatten; very old houses sell at a premium. Both are invisible to a linear model of the raw columns.',
        summary: 'Added the engineered features to add_features in model.py; smoke tests pass.',
      };
    case 'tweak': {
      const t = tweakFor(example, tweak);
      return {
        key: `tweak-${tweak}`,
        variant,
        tweak,
        tag: 'HYPERPARAM',
        hypothesis: t.hypothesis,
        change: t.change,
        rationale: t.rationale,
        summary: `Changed the regularisation in model.py (tweak ${tweak}); smoke tests pass.`,
      };
    }
    case 'baseline':
    case 'simple':
      return {
        key: 'baseline',
        variant,
        tag: 'MODEL',
        hypothesis: 'The baseline.',
        change: 'None.',
        rationale: 'None.',
        summary: 'Baseline.',
      };
  }
}

export function proposalText(e: Experiment): string {
  return [
    `HYPOTHESIS: ${e.hypothesis}`,
    `CHANGE: ${e.change}`,
    `RATIONALE: ${e.rationale}`,
    `TAG: ${e.tag}`,
  ].join('\n');
}

export interface TabularScenarioOptions {
  /**
   * The visible data folder as the sandbox sees it, for the data-analysis commands. By default it is looked
   * up in the conversation (`--data-path X`, or an absolute path naming data or visible), else `/data`.
   */
  dataPath?: string;
  /**
   * The baseline model.py (greenfield: what the baseline actor writes). `standard` (default): logistic /
   * ridge regression on every column, which already reaches the catalog targets on the holdout (churn
   * 0.845 >= 0.82, houses R² 0.843 >= 0.83), so a run with those targets stops after the baseline. `simple`:
   * the numeric columns only (churn 0.795, houses 0.616), so the loop has to climb to the target.
   */
  baseline?: 'standard' | 'simple';
}

/** The experiments proposed in order; past the list, tweaks 0, 1, 2, ... */
function experimentAt(example: TabularExample, order: ModelVariant[], index: number): Experiment {
  const variant = order[index];
  if (variant) return experimentFor(example, variant);
  return experimentFor(example, 'tweak', index - order.length);
}

export function greenfieldTabular(
  example: TabularExample = 'churn',
  options: TabularScenarioOptions = {},
): Scenario {
  const order: ModelVariant[] = ['broken', 'worse', 'improved'];
  return {
    name: `greenfield ${example}`,
    description: `A new ${example} project: data analysis, a ${example === 'churn' ? 'logistic regression' : 'ridge regression'} baseline, then a failing, a worse and a better experiment, then small tweaks.`,
    stages: {
      ...commonStages(example, order, options),
      baseline: baselineActor(example, options.baseline === 'simple' ? 'simple' : 'baseline'),
      testing: testCritic,
    },
  };
}

export function brownfieldTabular(
  example: TabularExample = 'churn',
  options: TabularScenarioOptions = {},
): Scenario {
  const order: ModelVariant[] = ['worse', 'improved'];
  return {
    name: `brownfield ${example}`,
    description: `An existing ${example} repository as the baseline: data analysis, then a worse and a better experiment, then small tweaks.`,
    stages: {
      ...commonStages(example, order, options),
      // Not expected (the repository is the baseline), but answered sensibly if the engine asks.
      baseline: actorScript(
        () => toolCall('list_files', { directory: '.', pattern: '*' }),
        () => toolCall('run_tests', { test_file: 'tests/test_smoke.py' }),
        () =>
          toolCall('mark_complete', {
            summary: 'The repository already follows the workspace contract; its smoke tests pass.',
          }),
      ),
      testing: testCritic,
    },
  };
}

function commonStages(
  example: TabularExample,
  order: ModelVariant[],
  options: TabularScenarioOptions,
): Record<string, StageHandler> {
  return {
    data_analysis: dataAnalysisActor(example, options),
    data_analysis_critic: () =>
      say('The analysis covers every required section with figures from the data; no changes needed.'),
    proposal: proposalActor(example, order),
    proposal_critic: (call) => {
      const current = currentExperiment(call, example, order);
      return say(
        `Specific and testable: "${truncate(current?.hypothesis ?? 'the proposal', 120)}" names the exact change to model.py and differs from every earlier experiment. Approved.`,
      );
    },
    implement: implementActor(example, order),
    hillclimb_test: testCritic,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Data analysis

const PROFILE_SCRIPT = `"""Profiles the visible data: rows, columns, types, missing values, the label."""
import json
import sys
from pathlib import Path

import pandas as pd

LABEL = sys.argv[2] if len(sys.argv) > 2 else None
path = Path(sys.argv[1])
files = [path] if path.is_file() else sorted(path.rglob("*.csv"))
table = pd.read_csv(files[0])
profile = {
    "file": files[0].name,
    "files": [f.name for f in files],
    "rows": int(len(table)),
    "columns": list(table.columns),
    "numeric": [c for c in table.columns if pd.api.types.is_numeric_dtype(table[c])],
    "missing": {c: int(n) for c, n in table.isna().sum().items() if n},
    "duplicates": int(table.duplicated().sum()),
}
if LABEL in table.columns:
    label = table[LABEL]
    if label.nunique() <= 20:
        profile["label_counts"] = {str(k): int(v) for k, v in label.value_counts().sort_index().items()}
    else:
        profile["label_stats"] = {k: float(v) for k, v in label.describe().items()}
print("PROFILE " + json.dumps(profile))
print(table.head(5).to_string())
`;

interface Profile {
  file?: string;
  rows?: number;
  columns?: string[];
  numeric?: string[];
  missing?: Record<string, number>;
  duplicates?: number;
  label_counts?: Record<string, number>;
  label_stats?: Record<string, number>;
}

function dataPathOf(call: ScenarioCall, options: TabularScenarioOptions): string {
  if (options.dataPath) return options.dataPath;
  const flag = /--data-path[= ]+["']?([^\s"'`]+)/.exec(call.text);
  if (flag?.[1] && flag[1] !== 'DATA') return flag[1];
  const paths = [...call.text.matchAll(/(?:^|[\s(`'"])(\/[^\s`'")]+)/g)]
    .map((m) => (m[1] ?? '').replace(/[.,:;]+$/, ''))
    // Files (data_analysis.md, train.py) are not the data folder; a CSV is.
    .filter((p) => !/\.(md|py|txt|json|jsonl|log)$/i.test(p));
  return (
    paths.find((p) => /\/visible(\/|$)/i.test(p)) ??
    paths.find((p) => /\/data(\/|$)/i.test(p)) ??
    paths.find((p) => /data/i.test(p)) ??
    '/data'
  );
}

function parseProfile(text: string): Profile | null {
  const line = text.split('\n').find((l) => l.includes('PROFILE {'));
  if (!line) return null;
  try {
    return JSON.parse(line.slice(line.indexOf('{'))) as Profile;
  } catch {
    return null;
  }
}

function dataAnalysisActor(example: TabularExample, options: TabularScenarioOptions): StageHandler {
  const spec = TABULAR_SPECS[example];
  return actorScript(
    () => toolCall('list_files', { directory: '.', pattern: '*' }),
    () => toolCall('write_file', { file_path: 'analysis/profile_data.py', content: PROFILE_SCRIPT }),
    (call) => {
      const data = dataPathOf(call, options);
      call.run.values.dataPath = data;
      return toolCall('run_shell_command', {
        command: `python3 analysis/profile_data.py '${data.replace(/'/g, "'\\''")}' ${spec.label}`,
        timeout: 120,
      });
    },
    (call) => {
      const profile = parseProfile(call.lastText) ?? {};
      return toolCall('write_file', {
        file_path: 'data_analysis.md',
        content: analysisMarkdown(spec, profile),
      });
    },
    () =>
      toolCall('mark_complete', {
        summary: `Wrote data_analysis.md: a ${spec.task} task on ${spec.dataFile}, label ${spec.label}, metric ${spec.metric}.`,
      }),
  );
}

const pct = (n: number, total: number): string => `${((100 * n) / Math.max(1, total)).toFixed(1)}%`;

export function analysisMarkdown(spec: TabularSpec, profile: Profile): string {
  const defaultRows = 1600;
  const rows = profile.rows ?? defaultRows;
  const columns = profile.columns ?? [
    ...spec.idColumns.filter((c) => c !== 'id'),
    ...spec.numeric,
    ...spec.categorical,
    spec.label,
  ];
  const numeric = profile.numeric ?? [...spec.numeric, spec.label];
  const missing =
    profile.missing ?? (spec.example === 'churn' ? { total_charges: Math.round(rows * 0.012) } : {});
  const missingText = Object.keys(missing).length
    ? Object.entries(missing)
        .map(([c, n]) => `\`${c}\` ${n} (${pct(n, rows)})`)
        .join(', ')
    : 'none';
  const churn = spec.example === 'churn';
  let target: string;
  if (churn) {
    const counts = profile.label_counts ?? { '0': Math.round(rows * 0.71), '1': Math.round(rows * 0.29) };
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    const majority = Math.max(...Object.values(counts));
    target = `\`${spec.label}\` is binary: ${Object.entries(counts)
      .map(([k, v]) => `${k}: ${v} (${pct(v, total)})`)
      .join(
        ', ',
      )}. Always predicting the majority class scores ${(majority / Math.max(1, total)).toFixed(3)} accuracy: the floor any model must beat. The target is accuracy >= ${spec.target}.`;
  } else {
    const stats = profile.label_stats ?? { mean: 420_000, std: 150_000, min: 60_000, max: 1_100_000 };
    target = `\`${spec.label}\` is continuous: mean ${Math.round(stats.mean ?? 0).toLocaleString('en-US')}, standard deviation ${Math.round(stats.std ?? 0).toLocaleString('en-US')}, from ${Math.round(stats.min ?? 0).toLocaleString('en-US')} to ${Math.round(stats.max ?? 0).toLocaleString('en-US')}; right-skewed. The metric is R² (target >= ${spec.target}).`;
  }
  const categorical = columns.filter((c) => !numeric.includes(c) && c !== spec.label);
  return `# Data analysis: ${spec.title}

## Inventory
One CSV file, \`${profile.file ?? spec.dataFile}\`: ${rows.toLocaleString('en-US')} rows and ${columns.length} columns (${columns.map((c) => `\`${c}\``).join(', ')}). ${profile.duplicates ? `${profile.duplicates} duplicate rows.` : 'No duplicate rows.'}

## Modality
Tabular: ${numeric.filter((c) => c !== spec.label).length} numeric and ${categorical.length} categorical columns (${categorical.map((c) => `\`${c}\``).join(', ') || 'none'}).

## Sample size
${rows.toLocaleString('en-US')} labelled rows: enough for linear models and small tree ensembles; a held-out 20% validation split leaves ${Math.round(rows * 0.8).toLocaleString('en-US')} rows to train on.

## Target
${target}

## Splits
No predefined split in the visible data. train.py holds out a seeded${churn ? ', stratified' : ''} 20% validation split (random_state=0); the engine scores predictions on its own hidden holdout.

## Leakage
${churn ? '`customer_id` is a unique identifier with no predictive meaning: dropped (the holdout features carry an engine `id` instead). `total_charges` is roughly tenure × monthly charges, so it is redundant rather than leaking.' : 'No identifier or post-sale columns; nothing derived from the price. An `id` column in the holdout features is dropped.'}

## Preprocessing
Missing values: ${missingText}; numeric columns are imputed with the median and standardised, categorical columns imputed with the most frequent value and one-hot encoded (unknown categories ignored).

## Modeling implications
${churn ? 'A regularised logistic regression is a strong baseline. Churn risk likely jumps for new customers and after many support calls, so threshold features or trees may help; accuracy on a 71/29 split needs a look at the minority class too.' : 'Ridge regression on one-hot columns is the baseline. The distance to the centre probably acts non-linearly and very old houses may carry a premium: engineered terms or gradient boosting should help.'}
`;
}

// ---------------------------------------------------------------------------------------------------------
// Baseline

function baselineActor(example: TabularExample, variant: 'baseline' | 'simple'): StageHandler {
  const files = Object.entries(baselineFiles(example, variant));
  const writes = files.map(
    ([file_path, content]) =>
      () =>
        toolCall('write_file', { file_path, content }) as ScriptStep,
  );
  return actorScript(
    () => toolCall('create_directory', { dir_path: 'tests' }),
    ...writes,
    () => toolCall('run_tests', { test_file: 'tests/test_smoke.py' }),
    () =>
      toolCall('mark_complete', {
        summary: `Baseline: ${example === 'churn' ? 'logistic regression' : 'ridge regression'} with median imputation and scaling${variant === 'simple' ? ' on the numeric columns' : ', one-hot categoricals'} (${files.map(([f]) => f).join(', ')}); smoke tests pass.`,
      }),
  );
}

// ---------------------------------------------------------------------------------------------------------
// Proposals and implementation

function proposedKeys(call: ScenarioCall): string[] {
  return (call.run.values.proposed ??= []) as string[];
}

/**
 * The next experiment: the first in order not proposed yet in this run and not named in the brief (the
 * journal of past experiments), so a resumed run served by a fresh server does not repeat itself.
 */
function nextExperiment(call: ScenarioCall, example: TabularExample, order: ModelVariant[]): Experiment {
  const proposed = proposedKeys(call);
  for (let i = 0; i < order.length + 1000; i += 1) {
    const e = experimentAt(example, order, i);
    if (!proposed.includes(e.key) && !call.text.includes(e.hypothesis)) return e;
  }
  return experimentAt(example, order, order.length + 1000);
}

/** The experiment being implemented: the last proposal of this run, else the latest one the brief names. */
function currentExperiment(
  call: ScenarioCall,
  example: TabularExample,
  order: ModelVariant[],
): Experiment | undefined {
  const key = call.run.values.current as string | undefined;
  const candidates = Array.from({ length: order.length + 50 }, (_, i) => experimentAt(example, order, i));
  if (key) {
    const found = candidates.find((e) => e.key === key);
    if (found) return found;
  }
  return candidates.filter((e) => call.text.includes(e.hypothesis) || call.text.includes(e.change)).at(-1);
}

function proposalActor(example: TabularExample, order: ModelVariant[]): StageHandler {
  return actorScript(
    () => toolCall('read_file', { file_path: 'model.py' }),
    (call) => {
      const memoKey = `proposal:${call.conversationIndex}`;
      let e = call.run.values[memoKey] as Experiment | undefined;
      if (!e) {
        e = nextExperiment(call, example, order);
        call.run.values[memoKey] = e;
        proposedKeys(call).push(e.key);
      }
      call.run.values.current = e.key;
      return toolCall('mark_complete', { summary: proposalText(e) });
    },
  );
}

function implementActor(example: TabularExample, order: ModelVariant[]): StageHandler {
  const experiment = (call: ScenarioCall): Experiment =>
    currentExperiment(call, example, order) ?? experimentFor(example, 'improved');
  return (call) => {
    const e = experiment(call);
    const steps: ((c: ScenarioCall) => ScriptStep)[] = [
      () => toolCall('read_file', { file_path: 'model.py' }),
      () =>
        toolCall('write_file', { file_path: 'model.py', content: modelPy(example, e.variant, e.tweak ?? 0) }),
    ];
    // The broken experiment does not run the tests: the test critic finds the failure.
    if (e.variant !== 'broken') steps.push(() => toolCall('run_tests', { test_file: 'tests/test_smoke.py' }));
    steps.push(() => toolCall('mark_complete', { summary: e.summary }));
    return actorScript(...steps)(call);
  };
}

// ---------------------------------------------------------------------------------------------------------
// Critics

/** Feedback on a pytest run, from the text the critic was given. */
export const testCritic: StageHandler = (call) => {
  const text = call.text;
  const failedMatch = /(\d+) failed/.exec(text);
  const errorLine = text
    .split('\n')
    .map((l) => l.trim())
    .find((l) => /^(E\s+)?\w*(Error|Exception)\b/.test(l) || /cannot import name/.test(l));
  // The import error as Python raised it (`ModuleNotFoundError: No module named 'pandas'`), not pytest's
  // "ImportError while importing test module" header: the explanation must name the real cause.
  const importError = parseImportErrors(text)[0];
  if ((failedMatch && failedMatch[1] !== '0') || errorLine || importError) {
    const what = failedMatch ? `${failedMatch[1]} smoke test(s) fail` : 'The smoke tests fail';
    const shown = importError ?? errorLine?.replace(/^E\s+/, '');
    const missingModule = /^ModuleNotFoundError: No module named '([^']+)'/.exec(importError ?? '')?.[1];
    return say(
      `${what}${shown ? `: ${truncate(shown, 200)}` : ''}. ` +
        (missingModule
          ? `model.py cannot be imported because the module ${missingModule} is missing, so train.py, evaluate.py and predict.py fail too. Use only packages the sandbox's Python has (or ask the user to install ${missingModule} there), and run the tests before marking the work complete.`
          : importError || /import/i.test(errorLine ?? '')
            ? 'model.py cannot be imported, so train.py, evaluate.py and predict.py fail too. Check the imported names against scikit-learn and run the tests before marking the work complete.'
            : 'Read the first failing assertion, fix the code it points at, and run the tests before marking the work complete.'),
    );
  }
  return say(
    'The smoke tests pass: model.py imports, the model fits a small sample, and predict.py writes id,prediction.',
  );
};

const truncate = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

// ---------------------------------------------------------------------------------------------------------
// Brownfield repository

export interface BrownfieldRepo {
  dir: string;
  /** The one commit. */
  commit: string;
  tracked: string[];
  /** Not tracked, not ignored: a user's file that must survive the run. */
  untracked: string;
  /** Ignored by the committed .gitignore: must survive too. */
  ignored: string;
}

const GITIGNORE = `__pycache__/
*.pyc
.pytest_cache/
checkpoints/
logs/
eval_results.json
predictions.csv
scratch/
`;

function readme(spec: TabularSpec): string {
  return `# ${spec.title} model

A scikit-learn ${spec.task === 'classification' ? 'classifier' : 'regressor'} for \`${spec.label}\`.

    python3 -u train.py --data-path DATA --device cpu --epochs 1 --checkpoint-dir checkpoints
    python3 -u evaluate.py --data-path DATA --device cpu --checkpoint-dir checkpoints
    python3 predict.py --input features.csv --output predictions.csv
    python3 -m pytest tests

model.py holds the features and the model; the scripts share it.
`;
}

/**
 * Writes a git repository with the baseline code of `example` (the workspace contract files, the smoke
 * tests, a README and a committed .gitignore) in one commit, plus an untracked user file (`notes/ideas.txt`)
 * and an ignored one (`scratch/cache.txt`). `dir` must not exist or be empty.
 */
export async function createBrownfieldRepo(
  dir: string,
  example: TabularExample = 'churn',
  options: { baseline?: 'standard' | 'simple' } = {},
): Promise<BrownfieldRepo> {
  const root = path.resolve(dir);
  await fs.mkdir(root, { recursive: true });
  if ((await fs.readdir(root)).length > 0)
    throw new Error(`${root} is not empty: give a new or empty folder`);
  const spec = TABULAR_SPECS[example];
  const files: Record<string, string> = {
    ...baselineFiles(example, options.baseline === 'simple' ? 'simple' : 'baseline'),
    'README.md': readme(spec),
    '.gitignore': GITIGNORE,
  };
  for (const [rel, content] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await fs.writeFile(path.join(root, rel), content);
  }
  const git = (...args: string[]): string =>
    execFileSync(
      'git',
      [
        '-c',
        'user.name=Demo User',
        '-c',
        'user.email=demo@mle-beast.invalid',
        '-c',
        'commit.gpgsign=false',
        ...args,
      ],
      { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    ).trim();
  git('init', '-q', '-b', 'main');
  git('add', '--', ...Object.keys(files));
  git('commit', '-q', '-m', `${spec.title}: baseline model, scripts and smoke tests`);
  const commit = git('rev-parse', 'HEAD');

  const untracked = 'notes/ideas.txt';
  const ignored = 'scratch/cache.txt';
  await fs.mkdir(path.join(root, 'notes'), { recursive: true });
  await fs.writeFile(
    path.join(root, untracked),
    'Ideas not tried yet:\n- threshold features for new customers\n- check calibration of the probabilities\n',
  );
  await fs.mkdir(path.join(root, 'scratch'), { recursive: true });
  await fs.writeFile(path.join(root, ignored), 'local scratch output, ignored by git\n');
  return { dir: root, commit, tracked: Object.keys(files).sort(), untracked, ignored };
}
