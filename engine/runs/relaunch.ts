import path from 'node:path';
import { EngineError } from '../api/errors';
import { ProjectConfig, loadProvider } from '../config';
import { readRunDataset } from '../datasets';
import type { RunRecord } from '../store/run-repository';
import { isWorkspaceError, revertExperiment } from '../workspace';
import type { LaunchContext } from './execute';
import { appProvider, modelTraits, providerCatalog, resolveRunMetric, type PrepareDeps } from './prepare';

/**
 * What a resumed run needs, rebuilt from its row: the config it was started with, the provider as the
 * environment gives it now (keys are never stored), its prepared data, and the workspace put back at the
 * best commit (an experiment that was under way when the process died is reverted).
 */
export async function relaunchContext(record: RunRecord, deps: PrepareDeps): Promise<LaunchContext> {
  const parsed = ProjectConfig.safeParse(record.config);
  if (!parsed.success)
    throw new EngineError(
      'conflict',
      `run ${record.summary.id} was stored by another version and cannot be resumed`,
    );
  const config = parsed.data;
  // The .env of the folder resume is called from, as start used its caller's; else the project's folder.
  const app = appProvider(deps.settings);
  const saved = deps.savedKeys?.();
  let provider = loadProvider({ cwd: process.cwd(), env: deps.env, saved, app });
  if (!provider.ok) provider = loadProvider({ cwd: config.baseDir, env: deps.env, saved, app });
  if (!provider.ok) throw new EngineError('invalid_input', provider.message);
  const actor = record.summary.model;
  const critic = config.models.critic ?? actor;
  const catalog = await providerCatalog(provider.value, deps.catalogCache);

  let runData = null;
  if (config.dataset && config.dataset.kind !== 'other') {
    const read = await readRunDataset(path.join(record.runDir, 'data'));
    if (!read.ok)
      throw new EngineError(
        'conflict',
        `the run's prepared data is gone or damaged (${read.errors[0]?.message ?? 'unknown'})`,
      );
    runData = read.value;
  }
  const notes: LaunchContext['notes'] = [];
  try {
    const reverted = await revertExperiment(record.summary.workspace);
    notes.push({
      text: `the experiment under way when the run stopped was reverted (back at ${reverted.head.slice(0, 12)})`,
      stream: 'info',
    });
  } catch (error) {
    if (!isWorkspaceError(error) || (error as { code?: string }).code !== 'no_snapshot') {
      throw new EngineError(
        'conflict',
        `the workspace cannot be put back at its best commit: ${(error as Error).message}`,
      );
    }
  }
  return {
    config,
    provider: provider.value,
    models: { actor, critic },
    ...modelTraits(catalog, actor),
    workspaceDir: record.summary.workspace,
    runDir: record.runDir,
    runData,
    metric: resolveRunMetric(config, runData),
    notes,
    resumed: true,
  };
}
