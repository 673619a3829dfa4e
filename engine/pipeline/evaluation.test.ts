import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../api/dispatch';
import type { RunEvent, RunEventBody } from '../api/runs';
import { actorScript, startScenarioModel, toolCall, type ScenarioModel } from '../demo/scenario';
import { generateExample } from '../examples/generate';
import { createEngine, type Engine } from '../service/engine';
import { makeTempDir } from '../testing/temp-dir';
import { BASELINE_FILES, benchScenario } from './testing/bench-scenario';

// The pipeline's own train -> evaluate -> predict -> score (evaluation.ts), in the local sandbox with the
// stdlib-only scripts of the benchmark scenario: an evaluate.py that claims 0.999 while predict.py's constant
// class scores about 0.7 on the hidden holdout is recorded as a score.disagreement warning; an honest one is not.

/** The interpreter the local sandbox puts first on PATH (the scripts need only the stdlib and pytest). */
const PYTHON = process.env.MLE_BENCH_PYTHON ?? '/usr/bin/python3';

const evaluatePy = (value: number) =>
  BASELINE_FILES['evaluate.py']!.replace('"value": 0.7', `"value": ${value}`);

describe.skipIf(!fs.existsSync(PYTHON))('evaluation: a self-reported score far from the engine score', () => {
  const temp = makeTempDir('mle-beast-evaluation-');
  let model: ScenarioModel;
  let engine: Engine;
  const events: RunEvent[] = [];
  let runId = '';

  beforeAll(async () => {
    const data = await generateExample('churn', path.join(temp.dir, 'data'), { size: 200 });
    if (!data.ok) throw new Error(data.error.message);
    const project = path.join(temp.dir, 'project.yaml');
    fs.writeFileSync(
      project,
      [
        'goals:',
        '  task_description: Predict whether a customer will churn.',
        '  target_metric: { name: accuracy }',
        'dataset:',
        '  type: tabular',
        `  train_path: ${JSON.stringify(data.value.dataPath)}`,
        '  target: churned',
        'limits: { max_steps: 1, max_consecutive_failures: 5 }',
        '',
      ].join('\n'),
    );
    const scenario = benchScenario();
    // The baseline's evaluate.py cheats (0.999); step 1 makes it honest (0.7, what a constant class scores).
    scenario.stages.baseline = actorScript(
      ...Object.entries({ ...BASELINE_FILES, 'evaluate.py': evaluatePy(0.999) }).map(
        ([file_path, content]) =>
          () =>
            toolCall('write_file', { file_path, content }),
      ),
      () => toolCall('mark_complete', { summary: 'Baseline written.' }),
    );
    scenario.stages.implement = actorScript(
      () => toolCall('write_file', { file_path: 'evaluate.py', content: evaluatePy(0.7) }),
      () => toolCall('mark_complete', { summary: 'evaluate.py reports the validation figure.' }),
    );
    model = await startScenarioModel(scenario);
    engine = createEngine({
      host: 'cli',
      databasePath: path.join(temp.dir, 'engine.db'),
      runs: {
        env: { LOCAL_LLM_BASE_URL: model.baseURL, MLE_BEAST_MODEL: model.model },
        sandboxOptions: {
          local: {
            baseEnv: { ...process.env, PATH: `${path.dirname(PYTHON)}${path.delimiter}${process.env.PATH}` },
          },
        },
      },
    });
    engine.events.subscribe((message) => {
      if (message.name === 'run.event') events.push(message.payload as RunEvent);
    });
    const started = await dispatch(engine.handlers, 'runs.start', {
      project,
      overrides: { sandbox: 'local' },
      cwd: temp.dir,
    });
    if (!started.ok) throw new Error(started.error.message);
    runId = (started.value as { id: string }).id;
    await engine.runs.whenDone(runId);
  }, 180_000);

  afterAll(async () => {
    await engine?.close();
    await model?.close();
    temp.cleanup();
  });

  const bodies = (): RunEventBody[] => events.filter((e) => e.runId === runId).map((e) => e.body);

  it('records the gap as a score.disagreement event of the step, stored with the run', () => {
    const engineScores = bodies().filter(
      (b): b is Extract<RunEventBody, { type: 'score' }> => b.type === 'score' && b.source === 'engine',
    );
    // The baseline (cheating evaluate.py) and step 1 (honest) were both scored by the engine.
    expect(engineScores.filter((s) => s.split === 'selection').map((s) => s.step)).toEqual([0, 1]);
    const trusted = engineScores[0]!.value!;
    expect(trusted).toBeGreaterThan(0.5);
    expect(trusted).toBeLessThan(0.85);

    const warnings = bodies().filter((b) => b.type === 'score.disagreement');
    expect(warnings).toEqual([
      {
        type: 'score.disagreement',
        step: 0,
        metric: 'accuracy',
        selfReported: 0.999,
        engine: trusted,
        message: expect.stringMatching(
          /evaluate\.py reported accuracy 0\.999 but the engine scored 0\.\d+ on the hidden holdout \(more than 0\.1 apart\)/,
        ),
      },
    ]);
    // Stored, so `show --events` and a dashboard opened later see it too.
    const stored = engine.runs.get({ id: runId, limit: 1000 }).events.map((e) => e.body.type);
    expect(stored).toContain('score.disagreement');
    // The decisions used the engine's figure: the baseline's recorded score is the trusted one.
    const baseline = engine.runs.get({ id: runId, limit: 1 }).experiments.find((e) => e.step === 0);
    expect(baseline).toMatchObject({ score: trusted, selfReportedScore: 0.999 });
  });
});
