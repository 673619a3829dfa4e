import { stringify } from 'yaml';
import type { FormField, FormIssue, ProjectForm } from '../api/project-form';
import { formatConfigError, type ConfigError, type ConfigResult } from './errors';
import { lookupMetric } from './metric';
import { resolveUserPath } from './paths';
import { configFromData, type LoadedProject, type LoadOptions } from './project-config';
import { COMPARISON_WORDS, ProjectYaml } from './project-schema';
import { readYaml } from './yaml-source';
import { describeZodIssues } from './zod-issues';

/**
 * The New run form and project.yaml are two spellings of one project. A form becomes the data a project.yaml
 * holds, and is checked by the very code that checks a file (configFromData → ProjectYaml → resolveProject);
 * each problem comes back on the form field it is about. Export writes that data as YAML; import reads a file
 * into the form.
 */

/** project.yaml's fields (dotted) and the form field that edits each; the longest prefix wins. */
const FIELD_OF_PATH: ReadonlyArray<readonly [string, FormField]> = [
  ['project.name', 'name'],
  ['mode', 'mode'],
  ['goals.task_type', 'mode'],
  ['goals.task_description', 'task'],
  ['goals.target_metric.name', 'metric'],
  ['goals.target_metric.target_value', 'target'],
  ['goals.target_metric.comparison', 'direction'],
  ['goals.target_metric.override_direction', 'direction'],
  ['goals.target_metric', 'metric'],
  ['dataset.test_path', 'testPath'],
  ['dataset.target', 'labelColumn'],
  ['dataset', 'dataset'],
  ['workspace.existing_code', 'mode'],
  ['workspace', 'workspace'],
  ['limits.max_steps', 'maxSteps'],
  ['limits.max_consecutive_failures', 'maxConsecutiveFailures'],
  ['limits.max_cost_usd', 'maxCostUsd'],
  ['limits.max_wall_minutes', 'maxWallMinutes'],
  ['sandbox.network', 'network'],
  ['sandbox.force_cpu', 'forceCpu'],
  ['sandbox', 'sandbox'],
  ['models.critic', 'criticModel'],
  ['models', 'actorModel'],
];

/** The form field a project.yaml path belongs to; 'form' when none does. */
export function fieldOfPath(dotted: string): FormField | 'form' {
  let best: { length: number; field: FormField } | null = null;
  for (const [prefix, field] of FIELD_OF_PATH) {
    const matches = dotted === prefix || dotted.startsWith(`${prefix}.`);
    if (matches && (!best || prefix.length > best.length)) best = { length: prefix.length, field };
  }
  return best?.field ?? 'form';
}

/** A config error as the form shows it: the message alone where the field says which value is meant. */
export function formIssueOf(error: ConfigError): FormIssue {
  const field = fieldOfPath(error.path);
  const message = field === 'form' ? formatConfigError({ ...error, excerpt: undefined }) : error.message;
  return { field, message };
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

/**
 * The project.yaml data of a form. Numbers are read from the typed text here (a value that is not a number is
 * reported on its field); every other check is left to the engine's schema. Paths are made absolute against
 * `cwd` so the data means the same wherever it is written.
 */
export function formToProjectData(
  form: ProjectForm,
  options: { cwd?: string; home?: string } = {},
): { data: Record<string, unknown>; issues: FormIssue[] } {
  const issues: FormIssue[] = [];
  const cwd = options.cwd ?? process.cwd();
  const given = (text: string): string | undefined => (text.trim() === '' ? undefined : text.trim());
  const pathOf = (text: string): string | undefined => {
    const value = given(text);
    return value === undefined ? undefined : resolveUserPath(value, cwd, options.home);
  };
  const numberOf = (field: FormField, text: string, what: string): number | undefined => {
    // "$5" is how people write an amount; the sign is read as the unit it is.
    const value = field === 'maxCostUsd' ? given(text)?.replace(/^\$/, '') : given(text);
    if (value === undefined) return undefined;
    if (!NUMBER.test(value)) {
      issues.push({ field, message: `expected ${what}, got ${JSON.stringify(text.trim())}` });
      return undefined;
    }
    return Number(value);
  };
  const compact = (o: Record<string, unknown>): Record<string, unknown> | undefined => {
    const kept = Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
    return Object.keys(kept).length > 0 ? kept : undefined;
  };

  const metricName = given(form.metric);
  const target = numberOf('target', form.target, 'a number (the score to reach, e.g. 0.85)');
  let comparison: string | undefined;
  let override: boolean | undefined;
  if (form.direction !== 'auto') {
    comparison = form.direction;
    // A direction the metric does not usually have is an override the user chose in the form, on purpose.
    const usual = metricName ? lookupMetric(metricName) : null;
    if (usual?.ok && usual.direction !== form.direction) override = true;
  }
  if (!metricName && (target !== undefined || comparison !== undefined)) {
    issues.push({
      field: 'metric',
      message: 'a target or a direction needs a metric: choose one (e.g. accuracy), or clear the target',
    });
  }

  const data = compact({
    project: compact({ name: given(form.name) }),
    mode: form.mode,
    goals: {
      task_description: form.task,
      target_metric: metricName
        ? compact({ name: metricName, target_value: target, comparison, override_direction: override })
        : undefined,
    },
    dataset:
      given(form.dataset) !== undefined || given(form.testPath) !== undefined || given(form.labelColumn)
        ? compact({
            // An empty dataset with a test split or label column is reported by the schema on the dataset.
            train_path: pathOf(form.dataset) ?? '',
            test_path: pathOf(form.testPath),
            target: given(form.labelColumn),
          })
        : undefined,
    workspace: compact({ path: pathOf(form.workspace) }),
    limits: compact({
      max_steps: numberOf('maxSteps', form.maxSteps, 'a whole number of steps'),
      max_consecutive_failures: numberOf(
        'maxConsecutiveFailures',
        form.maxConsecutiveFailures,
        'a whole number of failures',
      ),
      max_cost_usd: numberOf('maxCostUsd', form.maxCostUsd, 'an amount in US dollars (e.g. 5 or 2.50)'),
      max_wall_minutes: numberOf('maxWallMinutes', form.maxWallMinutes, 'a number of minutes'),
    }),
    sandbox: compact({
      kind: form.sandbox ?? undefined,
      network: form.network ?? undefined,
      force_cpu: form.forceCpu ?? undefined,
    }),
    models: compact({ actor: given(form.actorModel), critic: given(form.criticModel) }),
  }) as Record<string, unknown>;
  return { data, issues };
}

export interface FormCheck {
  loaded: LoadedProject | null;
  issues: FormIssue[];
}

/** The engine's verdict on a form: the same resolution as a project.yaml, problems placed on fields. */
export function configFromForm(form: ProjectForm, options: LoadOptions = {}): FormCheck {
  const { data, issues } = formToProjectData(form, options);
  const result: ConfigResult<LoadedProject> = configFromData(data, options);
  if (result.ok) return { loaded: issues.length > 0 ? null : result.value, issues };
  const found = [...issues, ...result.errors.map(formIssueOf)];
  // The schema stops at its own errors, before paths, metric and target are looked at. A form shows every
  // problem at once, so the rejected fields are set aside and the rest is checked again.
  const rejected = result.errors.map((e) => e.path).filter((p) => p !== '');
  if (rejected.length === 0) return { loaded: null, issues: found };
  const again = configFromData(withStandIns(data, rejected), options);
  const seen = new Set(found.map((i) => i.field));
  const more = again.ok ? [] : again.errors.map(formIssueOf).filter((i) => !seen.has(i.field));
  return { loaded: null, issues: [...found, ...more] };
}

/** The data with each rejected field replaced: a required text by a stand-in, anything else left out. */
function withStandIns(data: Record<string, unknown>, paths: string[]): Record<string, unknown> {
  const copy = structuredClone(data);
  for (const dotted of paths) {
    const keys = dotted.split('.');
    const last = keys.pop()!;
    let holder: unknown = copy;
    for (const key of keys) holder = (holder as Record<string, unknown> | undefined)?.[key];
    if (!holder || typeof holder !== 'object') continue;
    const record = holder as Record<string, unknown>;
    if (dotted === 'goals.task_description') record[last] = 'stand-in task';
    else delete record[last];
  }
  return copy;
}

/** project.yaml text for a form, readable by `mle-beast run project.yaml` (paths absolute). */
export function exportProjectYaml(form: ProjectForm, options: { cwd?: string; home?: string } = {}): string {
  const { data } = formToProjectData(form, options);
  const header =
    '# mle-beast project, written by the New run form. Run it with: mle-beast run project.yaml\n';
  return header + stringify({ version: '1.0', ...data }, { lineWidth: 0 });
}

/** Fields of project.yaml the form has no place for: reported on import, so nothing is dropped silently. */
const NOT_IN_FORM = [
  'project.description',
  'dataset.type',
  'workspace.environment',
  'sandbox.image',
  'sandbox.python',
] as const;

/** A project.yaml's text as form fields; a file the schema refuses comes back as issues on the fields. */
export function importProjectYaml(
  text: string,
  options: { cwd?: string; home?: string } = {},
): { form: ProjectForm | null; issues: FormIssue[] } {
  const read = readYaml(text.replace(/^\uFEFF/, ''), 'project.yaml');
  if (!read.ok)
    return { form: null, issues: read.errors.map((e) => ({ field: 'form', message: formatConfigError(e) })) };
  const parsed = ProjectYaml.safeParse(read.data, { reportInput: true });
  if (!parsed.success) {
    const issues = describeZodIssues(parsed.error.issues, ProjectYaml).map((issue) => {
      const { line, column } = read.source.locate(issue.path, issue.at);
      return formIssueOf({
        path: issue.path.join('.'),
        file: 'project.yaml',
        line,
        column,
        arg: null,
        message: issue.message,
      });
    });
    return { form: null, issues };
  }
  const y = parsed.data;
  const cwd = options.cwd ?? process.cwd();
  const pathText = (p: string | undefined): string =>
    p === undefined ? '' : resolveUserPath(p, cwd, options.home);
  const numText = (n: number | null | undefined): string => (n === undefined || n === null ? '' : String(n));
  const tm = y.goals.target_metric;
  const mode =
    y.mode === 'existing' || y.mode === 'brownfield'
      ? 'brownfield'
      : y.mode === 'greenfield'
        ? 'greenfield'
        : y.workspace?.existing_code || y.goals.task_type === 'improve_existing'
          ? 'brownfield'
          : 'greenfield';
  const comparison = tm?.comparison;
  const direction = comparison === undefined ? 'auto' : COMPARISON_WORDS[comparison];
  const form: ProjectForm = {
    name: y.project?.name ?? '',
    dataset: pathText(y.dataset?.train_path),
    testPath: pathText(y.dataset?.test_path),
    labelColumn: y.dataset?.target ?? '',
    task: y.goals.task_description,
    metric: tm?.name ?? '',
    direction,
    target: numText(tm?.target_value),
    mode,
    workspace: pathText(y.workspace?.path),
    sandbox: y.sandbox?.kind ?? null,
    network: y.sandbox?.network ?? null,
    forceCpu: y.sandbox?.force_cpu ?? null,
    maxSteps: numText(y.limits?.max_steps),
    maxCostUsd: numText(y.limits?.max_cost_usd),
    maxWallMinutes: numText(y.limits?.max_wall_minutes),
    maxConsecutiveFailures: numText(y.limits?.max_consecutive_failures),
    actorModel: y.models?.actor ?? '',
    criticModel: y.models?.critic ?? '',
  };
  const issues: FormIssue[] = [];
  for (const dotted of NOT_IN_FORM) {
    const [section, key] = dotted.split('.') as [string, string];
    const holder = (y as Record<string, unknown>)[section] as Record<string, unknown> | undefined;
    if (holder?.[key] !== undefined) {
      issues.push({
        field: 'form',
        message: `${dotted} is not part of the form and was left out: run the file with \`mle-beast run\` to keep it`,
      });
    }
  }
  return { form, issues };
}
