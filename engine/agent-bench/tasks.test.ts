import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { METRICS } from '../api/metrics';
import { BaselinesFile } from '../api/agent-bench';
import { BASELINES, parseBaselines } from './baselines';
import { projectYaml } from './data';
import { BENCH_TASKS, parseTasks, selectTasks } from './tasks';
import { thresholdsOf } from './score';
import { loadProjectConfig } from '../config/project-config';

const recorded = JSON.parse(fs.readFileSync(path.join(__dirname, 'baselines.json'), 'utf8')) as unknown;

describe('bench task declarations', () => {
  it('declares the suite of issue 11: sklearn bundled data and the example generators', () => {
    expect(BENCH_TASKS.map((t) => `${t.name}:${t.metric.name}`)).toEqual([
      'digits:accuracy',
      'digits-logloss:log_loss',
      'breast-cancer:log_loss',
      'diabetes:rmse',
      'houses:rmse',
      'shapes:accuracy',
      'sentiment:accuracy',
    ]);
    for (const t of BENCH_TASKS) {
      expect(t.metric.direction, t.name).toBe(METRICS[t.metric.name].direction);
      expect(t.budget.steps).toBeGreaterThan(0);
    }
  });

  it('refuses a duplicate, a direction against the metric, a tabular task without a label', () => {
    const digits = BENCH_TASKS[0]!;
    expect(() => parseTasks([digits, digits])).toThrow(/declared twice/);
    expect(() => parseTasks([{ ...digits, metric: { name: 'accuracy', direction: 'lower' } }])).toThrow(
      /accuracy is higher-is-better, not lower/,
    );
    expect(() => parseTasks([{ ...digits, label: undefined }])).toThrow(/names its label/);
    expect(() =>
      parseTasks([{ ...digits, metric: { name: 'accuracy_score', direction: 'higher' } }]),
    ).toThrow();
  });

  it('--tasks picks tasks in order, and names the known ones for an unknown one', () => {
    const picked = selectTasks('diabetes, digits,diabetes');
    expect(picked.ok && picked.tasks.map((t) => t.name)).toEqual(['diabetes', 'digits']);
    expect(selectTasks(undefined)).toMatchObject({ ok: true });
    const bad = selectTasks('digits,mnist');
    expect(bad).toMatchObject({ ok: false });
    expect(!bad.ok && bad.message).toMatch(/unknown bench task 'mnist': choose from digits, digits-logloss/);
    expect(selectTasks(' , ')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/--tasks is empty/),
    });
  });

  it("writes each task's project.yaml so the engine accepts it: metric, label, the budget (capped by --max-steps)", async () => {
    const dir = fs.mkdtempSync('/tmp/mle-bench-yaml-');
    try {
      for (const task of BENCH_TASKS) {
        const file = path.join(dir, `${task.name}.yaml`);
        // The config checks that the data exists (its contents are the intake's business, at the run's start).
        const data = path.join(dir, 'data', task.name, task.dataPath);
        fs.mkdirSync(task.dataPath === '.' ? data : path.dirname(data), { recursive: true });
        if (task.dataPath !== '.') fs.writeFileSync(data, '');
        fs.writeFileSync(file, projectYaml(task, data, { seed: 1, maxSteps: 3 }));
        const loaded = loadProjectConfig(file);
        expect(loaded.ok, `${task.name}: ${JSON.stringify(loaded)}`).toBe(true);
        if (!loaded.ok) continue;
        const config = loaded.value.config;
        expect(config.metric?.name).toBe(task.metric.name);
        expect(config.metric?.target).toBeNull();
        expect(config.limits).toMatchObject({
          maxSteps: 3,
          maxWallMinutes: task.budget.minutes,
          maxCostUsd: task.budget.costUsd,
        });
        expect(config.dataset?.target).toBe(task.label ?? null);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('recorded baselines (baselines.json)', () => {
  it('parses, says how and when it was measured, and covers every task with its metric', () => {
    const file = BaselinesFile.parse(recorded);
    expect(Number.isNaN(Date.parse(file.measuredAt))).toBe(false);
    expect(file.how).toMatch(/final split/);
    expect(file.environment['scikit-learn']).toMatch(/^\d+\.\d+/);
    expect(Object.keys(file.tasks).sort()).toEqual(BENCH_TASKS.map((t) => t.name).sort());
    expect(BASELINES.measuredAt).toBe(file.measuredAt);
  });

  it('has consistent thresholds: the best default is no worse than linear, the best known no worse than both', () => {
    for (const task of BENCH_TASKS) {
      const b = BASELINES.tasks[task.name]!;
      const t = thresholdsOf(b);
      const sign = b.direction === 'higher' ? 1 : -1;
      expect(sign * (t.silver - t.bronze), task.name).toBeGreaterThanOrEqual(0);
      expect(sign * (t.bestKnown - t.silver), task.name).toBeGreaterThanOrEqual(0);
      expect(b.models.map((m) => m.model)).toContain(b.linear.model);
      expect(b.finalRows).toBeGreaterThan(10);
    }
  });

  it('refuses a file missing a task, or measured with another metric', () => {
    const file = BaselinesFile.parse(recorded);
    const { digits: _dropped, ...rest } = file.tasks;
    expect(() => parseBaselines({ ...file, tasks: rest })).toThrow(/no entry for the task digits/);
    expect(() =>
      parseBaselines({
        ...file,
        tasks: { ...file.tasks, digits: { ...file.tasks.digits!, metric: 'log_loss', direction: 'lower' } },
      }),
    ).toThrow(/digits was measured with log_loss/);
    expect(() => parseBaselines({ ...file, version: 2 })).toThrow();
  });
});
