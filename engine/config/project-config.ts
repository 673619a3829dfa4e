import fs from 'node:fs';
import path from 'node:path';
import type { Settings } from '../api/settings';
import type { ConfigError, ConfigResult } from './errors';
import { resolveUserPath } from './paths';
import { ProjectYaml, type ProjectConfig } from './project-schema';
import { resolveProject, type ResolveContext } from './resolve-project';
import { readYaml, dotted, type YamlSource } from './yaml-source';
import { describeZodIssues, valueText, type FieldIssue } from './zod-issues';

/**
 * Loading a run's configuration: project.yaml (or a dataset folder and a one-sentence task), with command-line
 * flags on top, validated by one schema (ProjectYaml) and resolved into the ProjectConfig the engine uses.
 * Everything is synchronous and returns errors as values; nothing throws for a user's mistake.
 */

export interface LoadOptions {
  /** The app's saved settings (sandbox, network, max steps, force CPU): used where project.yaml is silent. */
  settings?: Partial<Settings>;
  /** Flags given with the file; validated in the same pass, so every problem is reported at once. */
  overrides?: CliOverrides;
  /** Where relative flag paths (--dataset, --workspace) are taken from; default process.cwd(). */
  cwd?: string;
  /** Check that the paths exist and read the dataset folder to infer its kind (default true). */
  checkPaths?: boolean;
  /** The home folder `~` expands to (tests). */
  home?: string;
}

/**
 * The command-line flags that override project.yaml. Values are as the command line gave them: text for
 * numbers is parsed here, so a bad value is reported against its flag.
 */
export interface CliOverrides {
  /** `--dataset PATH`: replaces dataset.train_path (and drops dataset.test_path, which belonged to the old data). */
  dataset?: string;
  /** `--workspace DIR`: workspace.path. */
  workspace?: string;
  /** `--sandbox docker|local|local-unisolated`. */
  sandbox?: string;
  /** `--python PATH`: the local sandbox's interpreter. */
  python?: string;
  /** `--max-steps N`. */
  maxSteps?: string | number;
  /** `--max-cost USD`. */
  maxCost?: string | number;
  /** `--force-cpu`. */
  forceCpu?: boolean;
  /** `--network none|bridge`. */
  network?: string;
}

/** Which flag sets which field: an error about the field names the flag. */
const FLAG_FIELDS = {
  dataset: { flag: '--dataset', path: ['dataset', 'train_path'] },
  workspace: { flag: '--workspace', path: ['workspace', 'path'] },
  sandbox: { flag: '--sandbox', path: ['sandbox', 'kind'] },
  python: { flag: '--python', path: ['sandbox', 'python'] },
  maxSteps: { flag: '--max-steps', path: ['limits', 'max_steps'] },
  maxCost: { flag: '--max-cost', path: ['limits', 'max_cost_usd'] },
  forceCpu: { flag: '--force-cpu', path: ['sandbox', 'force_cpu'] },
  network: { flag: '--network', path: ['sandbox', 'network'] },
} as const satisfies Record<keyof CliOverrides, { flag: string; path: readonly string[] }>;

export interface LoadedProject {
  config: ProjectConfig;
  /** Things the user should read but that do not stop the run (e.g. "dataset kind other: self-reported"). */
  warnings: string[];
  /** What the config was resolved from, for applyOverrides. Treat as opaque. */
  readonly origin: ProjectOrigin;
}

export interface ProjectOrigin {
  /** The value as written (before flags): a plain object. */
  readonly data: unknown;
  readonly source: YamlSource | null;
  readonly context: ResolveContext;
  /** Fields that came from arguments rather than the file, and the argument's name (`<folder>`, `<task>`). */
  readonly argFields: Readonly<Record<string, string>>;
}

/** Reads and resolves a project.yaml. `file` is named in errors as given (`project.yaml:7:17: ...`). */
export function loadProjectConfig(file: string, options: LoadOptions = {}): ConfigResult<LoadedProject> {
  const absolute = path.resolve(options.cwd ?? process.cwd(), file);
  const fileError = (message: string): ConfigResult<LoadedProject> => ({
    ok: false,
    errors: [{ path: '', file, line: null, column: null, arg: null, message }],
  });
  let stat: fs.Stats;
  try {
    stat = fs.statSync(absolute);
  } catch {
    return fileError(`cannot read ${absolute}: no such file`);
  }
  if (stat.isDirectory()) return fileError(`${absolute} is a folder: name the project.yaml file`);
  if (stat.size > 1024 * 1024)
    return fileError(`${absolute} is ${stat.size} bytes: too large for a project.yaml`);
  let text: string;
  try {
    text = fs.readFileSync(absolute, 'utf8');
  } catch (e) {
    return fileError(`cannot read ${absolute}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  return parseProjectConfig(text, { ...options, file, absolutePath: absolute });
}

/** The same from text already read: `file` names it in errors; `absolutePath` anchors its relative paths. */
export function parseProjectConfig(
  text: string,
  options: LoadOptions & { file: string; absolutePath: string },
): ConfigResult<LoadedProject> {
  const read = readYaml(text.replace(/^\uFEFF/, ''), options.file);
  if (!read.ok) return read;
  const context: ResolveContext = {
    baseDir: path.dirname(options.absolutePath),
    file: options.absolutePath,
    settings: options.settings ?? {},
    checkPaths: options.checkPaths ?? true,
    home: options.home,
  };
  return validate({ data: read.data, source: read.source, context, argFields: {} }, options);
}

/**
 * Flags on top of a loaded config, validated by the same schema: `--max-steps 0` is reported as
 * `--max-steps: must be at least 1, got 0`. Flags win over project.yaml, which wins over the app's settings.
 */
export function applyOverrides(
  loaded: LoadedProject,
  overrides: CliOverrides,
  options: { cwd?: string; home?: string } = {},
): ConfigResult<LoadedProject> {
  return validate(loaded.origin, {
    overrides,
    cwd: options.cwd,
    home: options.home ?? loaded.origin.context.home,
  });
}

export interface FolderRunInput {
  /** The dataset: a folder (or a single CSV / JSONL file). Relative to `cwd`. */
  folder: string;
  /** The goal in a sentence: "build an image classifier for this dataset". */
  task: string;
  /** Optional metric and target, as project.yaml's goals.target_metric. */
  metric?: NonNullable<ProjectYaml['goals']['target_metric']>;
}

/**
 * `mle-beast run <folder> "<task>"`: a config without a project.yaml. The dataset kind is inferred from the
 * folder (CSV → tabular, subfolders of images → image_folder, JSONL → text_jsonl, else other); everything else
 * takes the defaults (greenfield, a fresh workspace, the app's sandbox settings). Flags apply as with a file.
 */
export function configFromFolder(
  input: FolderRunInput,
  options: LoadOptions = {},
): ConfigResult<LoadedProject> {
  const cwd = options.cwd ?? process.cwd();
  const data: Record<string, unknown> = {
    goals: {
      task_description: input.task,
      ...(input.metric ? { target_metric: input.metric } : {}),
    },
    dataset: { train_path: resolveUserPath(input.folder, cwd, options.home) },
  };
  const context: ResolveContext = {
    baseDir: cwd,
    file: null,
    settings: options.settings ?? {},
    checkPaths: options.checkPaths ?? true,
    home: options.home,
  };
  return validate(
    {
      data,
      source: null,
      context,
      argFields: { 'dataset.train_path': '<folder>', 'goals.task_description': '<task>' },
    },
    options,
  );
}

/**
 * A project given as data shaped like project.yaml (the New run form builds one), checked by the same schema and
 * resolution as a file: relative paths are taken from `cwd`. Errors carry the field's dotted path, no place.
 */
export function configFromData(data: unknown, options: LoadOptions = {}): ConfigResult<LoadedProject> {
  const context: ResolveContext = {
    baseDir: options.cwd ?? process.cwd(),
    file: null,
    settings: options.settings ?? {},
    checkPaths: options.checkPaths ?? true,
    home: options.home,
  };
  return validate({ data, source: null, context, argFields: {} }, options);
}

function validate(
  origin: ProjectOrigin,
  options: { overrides?: CliOverrides; cwd?: string; home?: string },
): ConfigResult<LoadedProject> {
  const errors: ConfigError[] = [];
  const warnings: string[] = [];
  const argFields: Record<string, string> = { ...origin.argFields };
  let data = origin.data;
  if (options.overrides) {
    const merged = mergeOverrides(data, options.overrides, options.cwd ?? process.cwd(), options.home);
    errors.push(...merged.errors);
    warnings.push(...merged.warnings);
    data = merged.data;
    for (const key of merged.applied) argFields[dotted(FLAG_FIELDS[key].path)] = FLAG_FIELDS[key].flag;
  }

  const place = (issue: FieldIssue): ConfigError => {
    const field = dotted(issue.path);
    // hasOwn: a YAML key named `__proto__` or `constructor` must not be mistaken for a flag.
    const arg = Object.hasOwn(argFields, field) ? argFields[field] : undefined;
    if (arg) return { path: field, file: null, line: null, column: null, arg, message: issue.message };
    if (origin.source) {
      const { line, column } = origin.source.locate(issue.path, issue.at);
      return { path: field, file: origin.source.file, line, column, arg: null, message: issue.message };
    }
    return { path: field, file: null, line: null, column: null, arg: null, message: issue.message };
  };

  const parsed = ProjectYaml.safeParse(data, { reportInput: true });
  if (!parsed.success) {
    errors.push(...describeZodIssues(parsed.error.issues, ProjectYaml).map(place));
    return { ok: false, errors: sortErrors(errors) };
  }
  const resolved = resolveProject(parsed.data, origin.context);
  errors.push(...resolved.issues.map(place));
  if (errors.length > 0 || !resolved.config) return { ok: false, errors: sortErrors(errors) };
  return {
    ok: true,
    value: { config: resolved.config, warnings: [...warnings, ...resolved.warnings], origin },
  };
}

function mergeOverrides(
  original: unknown,
  overrides: CliOverrides,
  cwd: string,
  home: string | undefined,
): { data: unknown; errors: ConfigError[]; warnings: string[]; applied: Array<keyof CliOverrides> } {
  const errors: ConfigError[] = [];
  const warnings: string[] = [];
  const applied: Array<keyof CliOverrides> = [];
  // Only an object can take flags; anything else is reported by the schema as it is.
  if (original === null || typeof original !== 'object' || Array.isArray(original)) {
    return { data: original, errors, warnings, applied };
  }
  const data = structuredClone(original) as Record<string, unknown>;
  const set = (key: keyof CliOverrides, value: unknown) => {
    const [section, field] = FLAG_FIELDS[key].path;
    const current = data[section];
    const target =
      current !== null && typeof current === 'object' && !Array.isArray(current)
        ? (current as Record<string, unknown>)
        : {};
    target[field] = value;
    data[section] = target;
    applied.push(key);
  };
  const flagError = (key: keyof CliOverrides, message: string) =>
    errors.push({
      path: dotted(FLAG_FIELDS[key].path),
      file: null,
      line: null,
      column: null,
      arg: FLAG_FIELDS[key].flag,
      message,
    });

  if (overrides.dataset !== undefined) {
    const dataset = data.dataset as Record<string, unknown> | undefined;
    if (dataset && typeof dataset === 'object' && 'test_path' in dataset) {
      delete dataset.test_path;
      warnings.push('--dataset replaces the dataset, so dataset.test_path from project.yaml is not used');
    }
    set('dataset', overrides.dataset.trim() === '' ? '' : resolveUserPath(overrides.dataset, cwd, home));
  }
  if (overrides.workspace !== undefined) {
    set(
      'workspace',
      overrides.workspace.trim() === '' ? '' : resolveUserPath(overrides.workspace, cwd, home),
    );
  }
  if (overrides.sandbox !== undefined) set('sandbox', overrides.sandbox.trim());
  if (overrides.python !== undefined) {
    set('python', overrides.python.trim() === '' ? '' : resolveUserPath(overrides.python, cwd, home));
  }
  if (overrides.network !== undefined) set('network', overrides.network.trim());
  if (overrides.forceCpu !== undefined) set('forceCpu', overrides.forceCpu);
  if (overrides.maxSteps !== undefined) {
    const n = toNumber(overrides.maxSteps);
    if (n === null) flagError('maxSteps', `expected a whole number, got ${valueText(overrides.maxSteps)}`);
    else set('maxSteps', n);
  }
  if (overrides.maxCost !== undefined) {
    const n = toNumber(overrides.maxCost, true);
    if (n === null)
      flagError(
        'maxCost',
        `expected an amount in US dollars (e.g. 5 or 2.50), got ${valueText(overrides.maxCost)}`,
      );
    else set('maxCost', n);
  }
  return { data, errors, warnings, applied };
}

function toNumber(value: string | number, dollars = false): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  let text = value.trim();
  if (dollars) text = text.replace(/^\$/, '');
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i.test(text)) return null;
  return Number(text);
}

/** Flag errors first, then file errors in file order. */
function sortErrors(errors: ConfigError[]): ConfigError[] {
  const rank = (e: ConfigError) => (e.arg ? 0 : e.line === null ? 1 : 2);
  return [...errors].sort(
    (a, b) => rank(a) - rank(b) || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0),
  );
}
