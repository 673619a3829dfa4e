import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_SETTINGS, type Settings } from '../api/settings';
import { KIND_EXTENSIONS } from '../api/vocabulary';
import { inferDatasetKind } from './dataset-kind';
import { comparisonDirection, lookupMetric, targetValueProblem } from './metric';
import { resolveUserPath } from './paths';
import {
  DATASET_TYPE_ALIASES,
  type ConfigDatasetKind,
  type Mode,
  type ProjectConfig,
  type ProjectYaml,
} from './project-schema';
import type { FieldIssue } from './zod-issues';

/**
 * From a schema-valid project.yaml value to the config the engine uses: paths made absolute and checked, the
 * mode derived (and contradictions refused), the metric checked against engine/scoring's registry, defaults
 * filled in. Values come first from project.yaml (or a flag merged into it), then from the app's settings, then
 * from the built-in defaults.
 */

export interface ResolveContext {
  /** Relative paths in the value are taken from here (the YAML file's folder). */
  baseDir: string;
  /** The project.yaml's absolute path, or null when the value was built from arguments. */
  file: string | null;
  /** The app's saved settings: defaults for sandbox kind, network, max steps and force-CPU (each falls back to
   * DEFAULT_SETTINGS). */
  settings?: Partial<Settings>;
  /** Check that paths exist (and infer the dataset kind from them). Off only in tests of pure shapes. */
  checkPaths: boolean;
  home?: string;
}

export interface Resolution {
  config: ProjectConfig | null;
  issues: FieldIssue[];
  warnings: string[];
}

const SUPPORTED_VERSIONS = new Set(['1', '1.0']);

export function resolveProject(raw: ProjectYaml, ctx: ResolveContext): Resolution {
  const issues: FieldIssue[] = [];
  const warnings: string[] = [];
  const settings: Settings = { ...DEFAULT_SETTINGS, ...ctx.settings };
  const problem = (p: string, message: string, at: 'key' | 'value' = 'value') =>
    issues.push({ path: p.split('.'), message, at });
  const absolute = (value: string) => resolveUserPath(value, ctx.baseDir, ctx.home);
  const shown = (value: string, abs: string) =>
    path.isAbsolute(value.trim()) || value.trim().startsWith('~')
      ? abs
      : `${abs} (from ${JSON.stringify(value)})`;

  if (raw.version !== undefined && !SUPPORTED_VERSIONS.has(String(raw.version))) {
    problem(
      'version',
      `unsupported version ${JSON.stringify(raw.version)}: this mle-beast reads version "1.0"`,
    );
  }

  // Mode: said outright, or implied by workspace.existing_code, or by the original's goals.task_type.
  const declared: Mode | undefined = raw.mode === 'existing' ? 'brownfield' : raw.mode;
  const existingCode = raw.workspace?.existing_code;
  const fromCode: Mode | undefined =
    existingCode === undefined ? undefined : existingCode ? 'brownfield' : 'greenfield';
  const taskType = raw.goals.task_type;
  const fromTaskType: Mode | undefined =
    taskType === undefined ? undefined : taskType === 'improve_existing' ? 'brownfield' : 'greenfield';
  const mode: Mode = declared ?? fromCode ?? fromTaskType ?? 'greenfield';
  const modeSaidBy = declared
    ? `mode: ${raw.mode}`
    : fromCode
      ? `workspace.existing_code: ${String(existingCode)}`
      : '';
  if (fromCode && fromCode !== mode) {
    problem(
      'workspace.existing_code',
      `${String(existingCode)} contradicts ${modeSaidBy} (existing code means brownfield, none means greenfield): remove one of the two`,
    );
  }
  if (fromTaskType && fromTaskType !== mode) {
    problem(
      'goals.task_type',
      `${taskType} means ${fromTaskType}, which contradicts ${modeSaidBy}: remove one of the two`,
    );
  }

  // Metric and target.
  let metric: ProjectConfig['metric'] = null;
  const tm = raw.goals.target_metric;
  if (tm) {
    const lookup = lookupMetric(tm.name);
    if (!lookup.ok) problem('goals.target_metric.name', lookup.message);
    else {
      let direction = lookup.direction;
      let directionSource: 'metric' | 'override' = 'metric';
      if (tm.comparison !== undefined) {
        const said = comparisonDirection(tm.comparison);
        if (said !== lookup.direction) {
          if (tm.override_direction) {
            direction = said;
            directionSource = 'override';
          } else {
            problem(
              'goals.target_metric.comparison',
              `${JSON.stringify(tm.comparison)} says ${said} is better, but ${tm.name} is ${lookup.direction}-is-better: use ${JSON.stringify(lookup.direction === 'higher' ? '>=' : '<=')}, or set goals.target_metric.override_direction: true if you mean it`,
            );
          }
        }
      } else if (tm.override_direction) {
        problem(
          'goals.target_metric.override_direction',
          'needs a comparison (">=" or "<=") to say which direction',
        );
      }
      if (tm.target_value !== undefined && directionSource === 'metric') {
        const why = targetValueProblem(tm.name, lookup, tm.target_value);
        if (why) problem('goals.target_metric.target_value', why);
      }
      metric = {
        name: tm.name.trim(),
        task: lookup.task,
        direction,
        directionSource,
        target: tm.target_value ?? null,
      };
    }
  }

  // Dataset.
  let dataset: ProjectConfig['dataset'] = null;
  if (raw.dataset) {
    const d = raw.dataset;
    const trainPath = absolute(d.train_path);
    const testPath = d.test_path !== undefined ? absolute(d.test_path) : null;
    const trainStat = ctx.checkPaths ? statOrNull(trainPath) : null;
    if (ctx.checkPaths && !trainStat) {
      problem('dataset.train_path', `${shown(d.train_path, trainPath)} does not exist`);
    }
    if (testPath !== null) {
      if (ctx.checkPaths && !statOrNull(testPath)) {
        problem('dataset.test_path', `${shown(d.test_path as string, testPath)} does not exist`);
      } else if (testPath === trainPath) {
        problem('dataset.test_path', 'is the same as train_path: the test split must be separate data');
      }
    }
    const declaredKind: ConfigDatasetKind | undefined =
      d.type === undefined
        ? undefined
        : d.type in DATASET_TYPE_ALIASES
          ? DATASET_TYPE_ALIASES[d.type as keyof typeof DATASET_TYPE_ALIASES]
          : (d.type as ConfigDatasetKind);
    const inferred = trainStat ? inferDatasetKind(trainPath) : null;
    let kind: ConfigDatasetKind = declaredKind ?? inferred?.kind ?? 'other';
    let kindReason = declaredKind
      ? d.type === declaredKind
        ? 'declared in dataset.type'
        : `declared in dataset.type (${d.type})`
      : (inferred?.reason ?? 'not declared, and the path could not be read');
    if (!declaredKind && !inferred && !ctx.checkPaths) {
      problem('dataset.type', 'missing: set it to tabular, image_folder, text_jsonl or other', 'key');
      kind = 'other';
      kindReason = 'unknown';
    }
    if (declaredKind && trainStat) kindMismatch(declaredKind, trainPath, trainStat, problem);
    if (d.target !== undefined && (kind === 'image_folder' || kind === 'text_jsonl')) {
      problem(
        'dataset.target',
        kind === 'image_folder'
          ? 'applies to tabular data only: an image folder takes the label from the class subfolder'
          : 'applies to tabular data only: JSONL lines carry their label in the "label" field',
      );
    }
    if (kind === 'other' && !declaredKind && trainStat && (tm?.target_value !== undefined || d.target)) {
      // The user asked for a measured target (a metric and its value, or a label column): the agent's own
      // figure would stand in for it without a word, so the run is refused with the reason instead.
      problem(
        'dataset.train_path',
        `the engine cannot score this data (${kindReason}), so ${tm?.target_value !== undefined ? `the target ${tm.name} ${tm.comparison ?? (metric?.direction === 'lower' ? '<=' : '>=')} ${tm.target_value}` : `the label column ${JSON.stringify(d.target)}`} could not be checked. Give a CSV with the label column, a JSONL file of {"text","label"} lines, or a folder with one subfolder of images per class; or, to accept the agent's self-reported figure, leave out the target or set dataset.type: other.`,
      );
    } else if (kind === 'other') {
      warnings.push(
        `dataset kind "other" (${kindReason}): the engine cannot score it, so the agent's own figure is used and shown as self-reported`,
      );
    }
    dataset = {
      kind,
      kindSource: declaredKind ? 'declared' : 'inferred',
      kindReason,
      trainPath,
      testPath,
      target: d.target?.trim() ?? null,
      trustedScoring: kind !== 'other',
    };
  }

  // Workspace.
  let workspacePath: string | null = raw.workspace?.path !== undefined ? absolute(raw.workspace.path) : null;
  if (workspacePath === null && mode === 'brownfield') {
    if (ctx.file) workspacePath = path.dirname(ctx.file);
    else problem('workspace.path', 'brownfield needs the folder of the code to improve', 'key');
  }
  if (workspacePath !== null && ctx.checkPaths) {
    const stat = statOrNull(workspacePath);
    const given = raw.workspace?.path;
    const where =
      given !== undefined ? shown(given, workspacePath) : `${workspacePath} (the project.yaml's folder)`;
    if (mode === 'brownfield' && !stat)
      problem('workspace.path', `${where} does not exist: brownfield improves existing code`);
    else if (stat && !stat.isDirectory()) problem('workspace.path', `${where} is a file, not a folder`);
  }
  let environment: ProjectConfig['workspace']['environment'] = null;
  const env = raw.workspace?.environment;
  if (env) {
    const envPath = absolute(env.path);
    const python = pythonIn(env.type, envPath);
    if (ctx.checkPaths && !statOrNull(envPath)) {
      problem('workspace.environment.path', `${shown(env.path, envPath)} does not exist`);
    } else if (ctx.checkPaths && !statOrNull(python)) {
      problem(
        'workspace.environment.path',
        `no Python interpreter at ${python}: is ${envPath} a ${env.type}?`,
      );
    }
    environment = { type: env.type, path: envPath, python };
  }

  // Limits and sandbox: project.yaml, then the app's settings, then the built-in defaults.
  // A cap written as `null` in project.yaml means "no cap" for this run, whatever the settings' default.
  const limits = {
    maxSteps: raw.limits?.max_steps ?? settings.defaultMaxSteps,
    maxConsecutiveFailures: raw.limits?.max_consecutive_failures ?? settings.defaultMaxConsecutiveFailures,
    maxCostUsd: raw.limits?.max_cost_usd !== undefined ? raw.limits.max_cost_usd : settings.defaultMaxCostUsd,
    maxWallMinutes:
      raw.limits?.max_wall_minutes !== undefined
        ? raw.limits.max_wall_minutes
        : settings.defaultMaxWallMinutes,
  };
  let python: string | null = null;
  if (raw.sandbox?.python !== undefined) {
    python = absolute(raw.sandbox.python);
    const stat = ctx.checkPaths ? statOrNull(python) : null;
    if (ctx.checkPaths && (!stat || stat.isDirectory())) {
      problem(
        'sandbox.python',
        `${shown(raw.sandbox.python, python)} ${stat ? 'is a folder' : 'does not exist'}: give the path of a Python interpreter (e.g. /usr/bin/python3 or a venv's bin/python)`,
      );
    }
  }
  const sandbox = {
    kind: raw.sandbox?.kind ?? settings.defaultSandbox,
    image: raw.sandbox?.image?.trim() ?? null,
    network: raw.sandbox?.network ?? settings.defaultNetwork,
    forceCpu: raw.sandbox?.force_cpu ?? settings.forceCpu,
    python,
  };
  if (python !== null && sandbox.kind === 'docker') {
    warnings.push('sandbox.python is used by the local sandbox only; the Docker sandbox has its own Python');
  }
  if (sandbox.image !== null && sandbox.kind !== 'docker') {
    warnings.push('sandbox.image is ignored: the local sandbox runs on this machine, not in an image');
  }
  if (environment && sandbox.kind === 'docker') {
    warnings.push(
      'workspace.environment is used by the local sandbox only; the Docker sandbox has its own Python (use sandbox.kind: local to run in your environment)',
    );
  }
  if (!dataset) {
    warnings.push(
      sandbox.network === 'none'
        ? 'no dataset given and sandbox.network is "none": the agent cannot download data, and nothing is scored by the engine'
        : 'no dataset given: the agent finds its own data, and its figures are self-reported',
    );
  }

  if (issues.length > 0) return { config: null, issues, warnings };
  return {
    config: {
      file: ctx.file,
      baseDir: ctx.baseDir,
      name: raw.project?.name?.trim() || null,
      description: raw.project?.description?.trim() || null,
      mode,
      task: raw.goals.task_description.trim(),
      metric,
      dataset,
      workspace: { path: workspacePath, existingCode: mode === 'brownfield', environment },
      limits,
      sandbox,
      models: { actor: raw.models?.actor?.trim() ?? null, critic: raw.models?.critic?.trim() ?? null },
    },
    issues,
    warnings,
  };
}

/** A declared kind that the file plainly is not (a .jsonl declared tabular, a file declared an image folder). */
function kindMismatch(
  declared: ConfigDatasetKind,
  trainPath: string,
  stat: fs.Stats,
  problem: (p: string, message: string) => void,
): void {
  if (declared === 'other') return;
  const name = path.basename(trainPath);
  if (declared === 'image_folder') {
    if (!stat.isDirectory()) {
      problem(
        'dataset.train_path',
        `${name} is a file; an image_folder dataset is a folder with one subfolder per class`,
      );
    }
    return;
  }
  if (!stat.isFile()) return; // a folder holding train.csv / test.csv: intake finds the files
  const ext = path.extname(trainPath).toLowerCase();
  const wanted = KIND_EXTENSIONS[declared];
  if (!(wanted as readonly string[]).includes(ext)) {
    const actual = inferDatasetKind(trainPath);
    const hint = actual && actual.kind !== 'other' ? ` (dataset.type: ${actual.kind}?)` : '';
    problem(
      'dataset.train_path',
      `${name} is not a ${declared} file (expected ${wanted.join(' or ')})${hint}`,
    );
  }
}

/** Where a venv or conda environment keeps its interpreter. */
function pythonIn(type: 'venv' | 'conda', root: string): string {
  if (process.platform === 'win32') {
    return type === 'venv' ? path.join(root, 'Scripts', 'python.exe') : path.join(root, 'python.exe');
  }
  return path.join(root, 'bin', 'python');
}

function statOrNull(p: string): fs.Stats | null {
  try {
    return fs.statSync(p);
  } catch {
    return null;
  }
}
