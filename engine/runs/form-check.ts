import path from 'node:path';
import { EngineError } from '../api/errors';
import type { FormIssue, ProjectForm, ProjectValidateResult } from '../api/project-form';
import { loadProvider } from '../config';
import { configFromForm } from '../config/project-form';
import { inspectDatasetOffLoop, toDatasetSource } from '../datasets';
import { PREVIEW_TIME_LIMIT_MS, previewDataset } from '../datasets/preview';
import { resolveMetric } from '../scoring';
import { appProvider, checkModels, precheckWorkspace, type PrepareDeps } from './prepare';

/**
 * `project.validate`: the checks runs.start makes before a run exists, run on the New run form without
 * creating anything, each problem on the field it is about. The config is resolved by configFromForm (the
 * code runs.start uses for a form); the workspace, the provider and its models are checked by prepare.ts's
 * own functions; the dataset is read by the same intake, read-only (no run folder is written).
 */
export async function checkForm(
  form: ProjectForm,
  cwd: string,
  deps: PrepareDeps,
): Promise<ProjectValidateResult> {
  const issues: FormIssue[] = [];
  const warnings: string[] = [];
  const checked = configFromForm(form, { settings: deps.settings, cwd });
  issues.push(...checked.issues);
  const config = checked.loaded?.config ?? null;
  if (checked.loaded) warnings.push(...checked.loaded.warnings);

  // Set aside by a problem elsewhere, the dataset path is still checked as the preview checks it.
  if (!config && form.dataset.trim() !== '' && !issues.some((i) => i.field === 'dataset')) {
    const preview = await previewDataset(form.dataset, {
      cwd,
      ...(deps.intakeLauncher ? { intakeLauncher: deps.intakeLauncher } : {}),
    });
    if (!preview.ok) issues.push({ field: 'dataset', message: `${preview.message}. ${preview.fix}` });
  }

  if (config?.workspace.path) {
    try {
      precheckWorkspace(config, path.resolve(config.workspace.path));
    } catch (error) {
      if (!(error instanceof EngineError)) throw error;
      issues.push({ field: 'workspace', message: error.message });
    }
  }

  const source = config ? toDatasetSource(config) : null;
  if (config && source) {
    const inspected = await inspectDatasetOffLoop(source, {
      signal: AbortSignal.timeout(PREVIEW_TIME_LIMIT_MS),
      ...(deps.intakeLauncher ? { launch: deps.intakeLauncher } : {}),
    });
    if (!inspected.ok) {
      for (const e of inspected.errors.filter((x) => x.severity === 'error')) {
        issues.push({ field: e.code.includes('label') ? 'labelColumn' : 'dataset', message: e.message });
      }
    } else if (config.metric) {
      // The metric must fit the data's task and classes: what resolveRunMetric checks once the data is in.
      const summary = inspected.value;
      const resolution = resolveMetric(config.metric.name, {
        task: summary.task.type,
        ...(summary.classes ? { classes: summary.classes.map((c) => c.label) } : {}),
        ...(config.metric.directionSource === 'override' ? { direction: config.metric.direction } : {}),
      });
      if (!resolution.ok) issues.push({ field: 'metric', message: resolution.message });
    }
  }

  const provider = loadProvider({
    cwd,
    env: deps.env,
    saved: deps.savedKeys?.(),
    app: appProvider(deps.settings),
  });
  if (!provider.ok) {
    issues.push({ field: 'form', message: `${provider.message} (the model provider is set in Settings)` });
  } else if (config) {
    try {
      await checkModels(config, provider.value, deps.catalogCache, deps.catalogTimeoutMs, false);
    } catch (error) {
      if (!(error instanceof EngineError)) throw error;
      const field = error.message.startsWith('models.critic')
        ? 'criticModel'
        : error.message.startsWith('models.actor')
          ? 'actorModel'
          : 'form';
      issues.push({ field, message: error.message.replace(/^models\.(actor|critic): /, '') });
    }
  }
  return { ok: issues.length === 0, issues, warnings };
}
