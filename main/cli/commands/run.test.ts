import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { captureOutput } from '../../../engine/testing/capture-output';
import { useTempDir } from '../../../engine/testing/temp-dir';
import { EXIT } from '../exit-codes';
import { UsageError } from '../command-errors';
import { main } from '../index';
import { FakeEngine, fakeIO } from '../testing/fake-engine';
import { buildRunInput, runCommand, TASK_MISSING } from './run';

const temp = useTempDir('mle-cli-run-');
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

function setup() {
  const data = path.join(temp.dir, 'data');
  fs.mkdirSync(data);
  const project = path.join(temp.dir, 'project.yaml');
  fs.writeFileSync(project, 'goals: {}\n');
  return { data, project };
}

describe('mle-beast run: what it asks the engine for', () => {
  it('a project file: runs.start { project, overrides } with the flags as typed', () => {
    setup();
    expect(
      buildRunInput(
        'project.yaml',
        undefined,
        {
          maxSteps: '12',
          maxCost: '2.5',
          forceCpu: true,
          sandbox: 'local',
          network: 'none',
          dataset: 'd',
          workspace: 'w',
        },
        temp.dir,
      ),
    ).toEqual({
      project: 'project.yaml',
      overrides: {
        maxSteps: '12',
        maxCost: '2.5',
        forceCpu: true,
        sandbox: 'local',
        network: 'none',
        dataset: 'd',
        workspace: 'w',
      },
      cwd: temp.dir,
    });
  });

  it('a folder: runs.start { folder, task, metric }', () => {
    setup();
    expect(buildRunInput('data', 'predict churn', { metric: 'f1', target: 0.7 }, temp.dir)).toEqual({
      folder: 'data',
      task: 'predict churn',
      metric: { name: 'f1', target_value: 0.7 },
      overrides: {},
      cwd: temp.dir,
    });
    expect(buildRunInput('data', 'predict churn', {}, temp.dir)).toEqual({
      folder: 'data',
      task: 'predict churn',
      overrides: {},
      cwd: temp.dir,
    });
  });

  it('a data file (CSV, JSONL) is a dataset like a folder, not a project file', () => {
    setup();
    fs.writeFileSync(path.join(temp.dir, 'churn.csv'), 'a,b\n1,2\n');
    expect(buildRunInput('churn.csv', 'predict churn', {}, temp.dir)).toEqual({
      folder: 'churn.csv',
      task: 'predict churn',
      overrides: {},
      cwd: temp.dir,
    });
    expect(() => buildRunInput('churn.csv', undefined, {}, temp.dir)).toThrow(new UsageError(TASK_MISSING));
  });

  it('refuses what it cannot start (UsageError)', () => {
    setup();
    expect(() => buildRunInput('data', undefined, {}, temp.dir)).toThrow(new UsageError(TASK_MISSING));
    expect(() => buildRunInput('data', '  ', {}, temp.dir)).toThrow(TASK_MISSING);
    expect(() => buildRunInput('nope', 'x', {}, temp.dir)).toThrow(/no such file or folder: nope/);
    expect(() => buildRunInput('project.yaml', 'extra', {}, temp.dir)).toThrow(/task_description/);
    expect(() => buildRunInput('project.yaml', undefined, { metric: 'f1' }, temp.dir)).toThrow(
      /--metric and --target/,
    );
    expect(() => buildRunInput('data', 'x', { target: 0.8 }, temp.dir)).toThrow(/--target needs --metric/);
  });

  it('exits 2 with the message before touching the database', async () => {
    const { data } = setup();
    const db = path.join(temp.dir, 'db', 'x.db');
    vi.stubEnv('MLE_BEAST_DB_PATH', db);
    const io = captureOutput();
    expect(await main(['node', 'mle-beast', 'run', data])).toBe(EXIT.badInput);
    expect(io.err()).toContain(TASK_MISSING);
    expect(await main(['node', 'mle-beast', 'run', data, 'x', '--metric', 'f1', '--target', 'high'])).toBe(
      EXIT.badInput,
    );
    expect(io.err()).toMatch(/--target.*expected a number/);
    expect(fs.existsSync(db)).toBe(false);
  });

  it('is listed in --help with the other run commands', async () => {
    const io = captureOutput();
    expect(await main(['node', 'mle-beast', '--help'])).toBe(EXIT.ok);
    for (const name of [
      'run [options] <project-or-folder> [task]',
      'demo [options] [example]',
      'runs [options]',
      'show [options] <id>',
      'cancel <id>',
      'resume [options] <id>',
    ]) {
      expect(io.out()).toContain(name);
    }
  });

  it('documents its options and exit codes in --help', async () => {
    const io = captureOutput();
    expect(await main(['node', 'mle-beast', 'run', '--help'])).toBe(EXIT.ok);
    for (const flag of [
      '--dataset',
      '--workspace',
      '--sandbox',
      '--max-steps',
      '--max-cost',
      '--force-cpu',
      '--network',
      '--metric',
      '--target',
      '--json',
      '--verbose',
    ]) {
      expect(io.out()).toContain(flag);
    }
    expect(io.out()).toMatch(/Exit codes:[\s\S]*130/);
  });
});

describe('mle-beast run against an engine', () => {
  it('starts the run, follows it and maps its end to the exit code', async () => {
    const { data } = setup();
    let started: unknown;
    const engine = new FakeEngine({
      onStart: (e, run, input) => {
        started = input;
        setTimeout(() => e.scriptSuccess(run.id, 'max_steps'), 2);
      },
    });
    const io = fakeIO();
    const input = buildRunInput(data, 'predict churn', { maxSteps: '3' }, temp.dir);
    expect(await runCommand(engine, input, {}, { io, onInterrupt: () => () => undefined })).toBe(
      EXIT.targetNotReached,
    );
    expect(started).toEqual({
      folder: data,
      task: 'predict churn',
      overrides: { maxSteps: '3' },
      cwd: temp.dir,
    });
    expect(io.out.text()).toMatch(/completed: step limit reached/);
  });

  it('an interrupted run exits 3', async () => {
    const engine = new FakeEngine({
      onStart: (e, run) =>
        setTimeout(
          () =>
            e.emit(run.id, {
              type: 'run.state',
              status: 'interrupted',
              reason: 'interrupted',
              message: null,
            }),
          2,
        ),
    });
    const io = fakeIO();
    expect(
      await runCommand(
        engine,
        { project: 'p.yaml', overrides: {} },
        { json: true },
        { io, onInterrupt: () => () => undefined },
      ),
    ).toBe(EXIT.failed);
    expect(JSON.parse(io.out.text()).run.status).toBe('interrupted');
  });
});
