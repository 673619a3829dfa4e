import fs from 'node:fs';
import path from 'node:path';
import { runEventsOf } from '../../api/contract';
import { dispatch } from '../../api/dispatch';
import type { RunEvent, RunSnapshot, RunStartInput } from '../../api/runs';
import {
  actorScript,
  contractFiles,
  greenfieldTabular,
  startScenarioModel,
  toolCall,
  type Scenario,
  type ScenarioModel,
} from '../../demo';
import { generateExample } from '../../examples/generate';
import { createEngine, type Engine } from '../../service/engine';
import { makeTempDir } from '../../testing/temp-dir';

/**
 * Tests only: a run of the real engine (store, pipeline, sandbox, git) against a scripted model on
 * loopback, in a fresh home folder. `events` collects every run event as the bus delivers it.
 */
export interface TestRun {
  home: string;
  engine: Engine;
  model: ScenarioModel;
  events: RunEvent[];
  /** The environment the engine resolves its provider from. */
  env: Record<string, string>;
  start(
    input: Omit<RunStartInput, 'overrides'> & { overrides?: RunStartInput['overrides'] },
  ): Promise<string>;
  snapshot(id: string): Promise<RunSnapshot>;
  close(): Promise<void>;
}

export async function churnData(dir: string, size?: number): Promise<string> {
  const made = await generateExample('churn', dir, size ? { size } : {});
  if (!made.ok) throw new Error(made.error.message);
  return path.join(dir, 'churn.csv');
}

export async function openTestRun(scenario: Scenario): Promise<TestRun> {
  const temp = makeTempDir('mle-beast-run-');
  const model = await startScenarioModel(scenario);
  const env = { LOCAL_LLM_BASE_URL: model.baseURL, MLE_BEAST_MODEL: model.model };
  const engine = createEngine({
    host: 'cli',
    databasePath: path.join(temp.dir, 'mle_beast.db'),
    runs: { env },
  });
  const events: RunEvent[] = [];
  engine.events.subscribe((m) => {
    for (const e of runEventsOf(m)) events.push(e);
  });
  return {
    home: temp.dir,
    engine,
    model,
    events,
    env,
    async start(input) {
      const result = await dispatch(engine.handlers, 'runs.start', {
        cwd: temp.dir,
        overrides: {},
        ...input,
      });
      if (!result.ok) throw new Error(`runs.start failed: ${result.error.message}`);
      return (result.value as { id: string }).id;
    },
    async snapshot(id) {
      const result = await dispatch(engine.handlers, 'runs.get', { id, limit: 5000 });
      if (!result.ok) throw new Error(result.error.message);
      return result.value as RunSnapshot;
    },
    async close() {
      await engine.close();
      await model.close();
      fs.rmSync(temp.dir, { recursive: true, force: true });
    },
  };
}

/** Resolves when an event matching `test` has arrived (checked every 100 ms), or rejects after `ms`. */
export async function waitForEvent(
  events: readonly RunEvent[],
  test: (e: RunEvent) => boolean,
  ms = 120_000,
): Promise<RunEvent> {
  const until = Date.now() + ms;
  for (;;) {
    const found = events.find(test);
    if (found) return found;
    if (Date.now() > until) throw new Error('the awaited run event did not arrive');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Resolves once the scripted model has been asked for `stage` (among requests after index `since`); rejects
 * when `gaveUp()` says the run cannot get there (its process ended) or after `ms`.
 */
export async function waitForModelStage(
  model: Pick<ScenarioModel, 'requests'>,
  stage: string,
  options: { since?: number; gaveUp?: () => boolean; ms?: number } = {},
): Promise<void> {
  const until = Date.now() + (options.ms ?? 180_000);
  while (!model.requests.slice(options.since ?? 0).some((r) => r.headers['x-mle-stage'] === stage)) {
    if (Date.now() > until || options.gaveUp?.()) throw new Error(`the run never reached the ${stage} stage`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The line the flooding train.py prints first, before its flood. */
export const FLOOD_STARTS = 'flood starts';

/**
 * The churn greenfield scenario whose first experiment makes train.py print a loss line per "batch" as fast as
 * it can, forever (issue 8 section 4): the step 1 training floods until it is cancelled or times out.
 */
export function floodingScenario(): Scenario {
  const base = greenfieldTabular('churn', { baseline: 'simple' });
  const train = `import os, sys\nif "PYTEST_CURRENT_TEST" not in os.environ and "--help" not in sys.argv:\n    print("${FLOOD_STARTS}", flush=True)\n    i = 0\n    while True:\n        i += 1\n        print(f"epoch 1 batch {i} loss {1.0 / i:.6f}")\n${contractFiles('churn')['train.py']}`;
  return {
    ...base,
    stages: {
      ...base.stages,
      implement: actorScript(
        () => toolCall('write_file', { file_path: 'train.py', content: train }),
        () => toolCall('mark_complete', { summary: 'train.py now logs every batch' }),
      ),
    },
  };
}
