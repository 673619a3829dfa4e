import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunStartInput } from '../api/runs';
import { generateExample } from '../examples/generate';
import { startScriptedServer, type ScriptedServer } from '../llm/scripted-server';
import { openStore, type Store } from '../store/database';
import { ModelCatalogRepository } from '../store/model-catalog-repository';
import { SettingsRepository } from '../store/settings-repository';
import { makeTempDir } from '../testing/temp-dir';
import { prepareRun } from './prepare';

/**
 * The default limits of the app's settings reach a run's config: saved in SQLite, read back as the engine
 * does, and applied by prepareRun where project.yaml and the flags are silent (and not where they speak).
 */
let server: ScriptedServer;
let tmp: ReturnType<typeof makeTempDir>;
let csv: string;

beforeAll(async () => {
  server = await startScriptedServer([], { models: ['scripted-model'] });
  tmp = makeTempDir('mle-beast-defaults-');
  const made = await generateExample('churn', path.join(tmp.dir, 'churn'), { size: 120 });
  if (!made.ok) throw new Error(made.error.message);
  csv = path.join(tmp.dir, 'churn', 'churn.csv');
});
afterAll(async () => {
  await server.close();
  tmp.cleanup();
});

async function prepareWith(home: string, store: Store, input: Record<string, unknown>) {
  const settings = new SettingsRepository(store.db).get();
  return prepareRun(`run-${path.basename(home)}`, RunStartInput.parse({ cwd: tmp.dir, ...input }), {
    settings,
    home,
    catalogCache: new ModelCatalogRepository(store.db),
    env: { LOCAL_LLM_BASE_URL: server.baseURL, MLE_BEAST_MODEL: 'scripted-model' },
  });
}

function freshStore(): { home: string; store: Store } {
  const home = fs.mkdtempSync(path.join(tmp.dir, 'home-'));
  return { home, store: openStore({ path: path.join(home, 'db.sqlite') }) };
}

describe('default limits from the settings', () => {
  it('without saved settings a run gets the built-in limits: 30 steps, 10 failures, no caps', async () => {
    const { home, store } = freshStore();
    const run = await prepareWith(home, store, { folder: path.dirname(csv), task: 'predict churn' });
    expect(run.config.limits).toEqual({
      maxSteps: 30,
      maxConsecutiveFailures: 10,
      maxCostUsd: null,
      maxWallMinutes: null,
    });
    store.close();
  });

  it('saved defaults apply to a run started without those values, after the database is reopened', async () => {
    const { home, store } = freshStore();
    new SettingsRepository(store.db).update({
      defaultMaxSteps: 7,
      defaultMaxConsecutiveFailures: 4,
      defaultMaxCostUsd: 2.5,
      defaultMaxWallMinutes: 90,
    });
    store.close();
    const reopened = openStore({ path: path.join(home, 'db.sqlite') });
    const run = await prepareWith(home, reopened, { folder: path.dirname(csv), task: 'predict churn' });
    expect(run.config.limits).toEqual({
      maxSteps: 7,
      maxConsecutiveFailures: 4,
      maxCostUsd: 2.5,
      maxWallMinutes: 90,
    });
    reopened.close();
  });

  it('project.yaml and flags win over the defaults; a cap written as null means no cap', async () => {
    const { home, store } = freshStore();
    new SettingsRepository(store.db).update({
      defaultMaxSteps: 7,
      defaultMaxConsecutiveFailures: 4,
      defaultMaxCostUsd: 2.5,
      defaultMaxWallMinutes: 90,
    });
    const project = path.join(home, 'project.yaml');
    fs.writeFileSync(
      project,
      `goals:\n  task_description: predict churn\ndataset:\n  type: tabular\n  train_path: ${csv}\n` +
        'limits:\n  max_consecutive_failures: 3\n  max_wall_minutes: null\n',
    );
    const run = await prepareWith(home, store, { project, overrides: { maxCost: '9.5' } });
    expect(run.config.limits).toEqual({
      maxSteps: 7,
      maxConsecutiveFailures: 3,
      maxCostUsd: 9.5,
      maxWallMinutes: null,
    });
    store.close();
  });
});
