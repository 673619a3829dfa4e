import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../testing/temp-dir';
import { applyOverrides, configFromFolder, loadProjectConfig } from './project-config';
import { expectErrors, expectOk, writeTree } from './testing/helpers';

const tmp = useTempDir('mle-beast-overrides-');

const YAML = [
  'goals:',
  '  task_description: Predict churn.',
  '  target_metric: { name: accuracy, target_value: 0.85 }',
  'dataset:',
  '  type: tabular',
  '  train_path: data/train.csv',
  '  test_path: data/test.csv',
  'limits: { max_steps: 20, max_cost_usd: 3 }',
  'sandbox: { kind: docker, network: none }',
].join('\n');

function loaded() {
  writeTree(tmp.dir, {
    'proj/project.yaml': YAML,
    'proj/data/train.csv': 'a,y\n1,0\n',
    'proj/data/test.csv': 'a,y\n2,1\n',
    'elsewhere/v2.csv': 'a,y\n3,1\n',
    'ws/': '',
  });
  return expectOk(loadProjectConfig('proj/project.yaml', { cwd: tmp.dir }));
}

describe('command-line flags over project.yaml', () => {
  it('every flag replaces its field; paths are taken from the working folder, not the YAML folder', () => {
    const base = loaded();
    const { config, warnings } = expectOk(
      applyOverrides(
        base,
        {
          dataset: 'elsewhere/v2.csv',
          workspace: 'ws',
          sandbox: 'local',
          maxSteps: '5',
          maxCost: '$2.50',
          forceCpu: true,
          network: 'bridge',
        },
        { cwd: tmp.dir },
      ),
    );
    expect(config.dataset).toMatchObject({
      kind: 'tabular',
      trainPath: path.join(tmp.dir, 'elsewhere/v2.csv'),
      testPath: null,
    });
    expect(config.workspace.path).toBe(path.join(tmp.dir, 'ws'));
    expect(config.sandbox).toEqual({
      kind: 'local',
      image: null,
      network: 'bridge',
      forceCpu: true,
      python: null,
    });
    expect(config.limits).toMatchObject({ maxSteps: 5, maxCostUsd: 2.5 });
    expect(warnings).toEqual([
      '--dataset replaces the dataset, so dataset.test_path from project.yaml is not used',
    ]);
    // The loaded config itself is unchanged: overrides make a new one.
    expect(base.config.limits.maxSteps).toBe(20);
    expect(base.config.dataset?.testPath).toBe(path.join(tmp.dir, 'proj/data/test.csv'));
  });

  it('no flags: the same config', () => {
    const base = loaded();
    expect(expectOk(applyOverrides(base, {})).config).toEqual(base.config);
  });

  it('flag errors name the flag, not a line of the file', () => {
    const base = loaded();
    expect(
      expectErrors(
        applyOverrides(
          base,
          { maxSteps: 'many', maxCost: 'free', sandbox: 'podman', network: 'hots' },
          { cwd: tmp.dir },
        ),
      ),
    ).toEqual([
      '--max-steps: expected a whole number, got "many"',
      '--max-cost: expected an amount in US dollars (e.g. 5 or 2.50), got "free"',
      '--sandbox: expected one of "docker", "local", "local-unisolated", got "podman"',
      '--network: expected one of "none", "bridge", got "hots"',
    ]);
    // Shape errors come first; what a path points at is checked once the shapes are right.
    expect(expectErrors(applyOverrides(base, { dataset: 'missing.csv' }, { cwd: tmp.dir }))).toEqual([
      `--dataset: ${path.join(tmp.dir, 'missing.csv')} does not exist`,
    ]);
  });

  it('values the schema refuses are reported against the flag too', () => {
    const base = loaded();
    expect(expectErrors(applyOverrides(base, { maxSteps: 0, maxCost: -1 }))).toEqual([
      '--max-steps: must be at least 1, got 0',
      '--max-cost: must be more than 0, got -1',
    ]);
    expect(expectErrors(applyOverrides(base, { maxSteps: '1.5' }))).toEqual([
      '--max-steps: expected a whole number, got 1.5',
    ]);
  });

  it('flags given with the file are checked in the same pass as the file', () => {
    writeTree(tmp.dir, { 'p.yaml': 'goals:\n  task_description: t\nlimits: { max_step: 3 }\n' });
    expect(expectErrors(loadProjectConfig('p.yaml', { cwd: tmp.dir, overrides: { sandbox: 'vm' } }))).toEqual(
      [
        '--sandbox: expected one of "docker", "local", "local-unisolated", got "vm"',
        'p.yaml:3:11: limits.max_step: unknown key. Did you mean "max_steps"?',
      ],
    );
  });

  it('--sandbox local-unisolated and --python PATH: the interpreter is checked and made absolute', () => {
    const base = loaded();
    fs.mkdirSync(path.join(tmp.dir, 'venv', 'bin'), { recursive: true });
    fs.writeFileSync(path.join(tmp.dir, 'venv', 'bin', 'python'), '');
    const { config } = expectOk(
      applyOverrides(base, { sandbox: 'local-unisolated', python: 'venv/bin/python' }, { cwd: tmp.dir }),
    );
    expect(config.sandbox).toMatchObject({
      kind: 'local-unisolated',
      python: path.join(tmp.dir, 'venv', 'bin', 'python'),
    });
    expect(
      expectErrors(applyOverrides(base, { sandbox: 'local', python: 'nope/python3' }, { cwd: tmp.dir })),
    ).toEqual([
      `--python: ${path.join(tmp.dir, 'nope', 'python3')} does not exist: give the path of a Python interpreter (e.g. /usr/bin/python3 or a venv's bin/python)`,
    ]);
    expect(expectErrors(applyOverrides(base, { python: 'venv' }, { cwd: tmp.dir }))[0]).toMatch(
      /^--python: .*venv is a folder: give the path of a Python interpreter/,
    );
  });

  it('a flag can fill a section the file does not have', () => {
    writeTree(tmp.dir, { 'p.yaml': 'goals: { task_description: t }\n', 'd/a/1.png': 'x', 'd/b/2.png': 'x' });
    const { config } = expectOk(
      loadProjectConfig('p.yaml', { cwd: tmp.dir, overrides: { dataset: 'd', maxSteps: 3 } }),
    );
    expect(config.dataset).toMatchObject({ kind: 'image_folder', kindSource: 'inferred' });
    expect(config.limits.maxSteps).toBe(3);
  });

  it('~ in a flag path is the home folder', () => {
    writeTree(tmp.dir, { 'home/data.csv': 'a\n1\n' });
    const base = loaded();
    const { config } = expectOk(
      applyOverrides(base, { dataset: '~/data.csv' }, { home: path.join(tmp.dir, 'home') }),
    );
    expect(config.dataset?.trainPath).toBe(path.join(tmp.dir, 'home/data.csv'));
  });
});

describe('mle-beast run <folder>: a config without project.yaml', () => {
  it.each([
    [
      'tabular',
      { 'data/train.csv': 'a,y\n1,0\n', 'data/test.csv': 'a,y\n1,0\n' },
      'found CSV files (test.csv, train.csv)',
    ],
    [
      'image_folder',
      { 'data/cats/1.png': 'x', 'data/dogs/2.jpg': 'x' },
      'found folders of images (cats/, dogs/)',
    ],
    ['text_jsonl', { 'data/reviews.jsonl': '{"text":"a","label":1}\n' }, 'found JSONL files (reviews.jsonl)'],
  ])('infers %s', (kind, files, reason) => {
    writeTree(tmp.dir, files);
    const { config, warnings } = expectOk(
      configFromFolder({ folder: 'data', task: '  Build a classifier for this dataset. ' }, { cwd: tmp.dir }),
    );
    expect(config).toMatchObject({
      file: null,
      baseDir: tmp.dir,
      mode: 'greenfield',
      task: 'Build a classifier for this dataset.',
      metric: null,
      dataset: {
        kind,
        kindSource: 'inferred',
        kindReason: reason,
        trainPath: path.join(tmp.dir, 'data'),
        trustedScoring: true,
      },
      workspace: { path: null, existingCode: false, environment: null },
      limits: { maxSteps: 30, maxConsecutiveFailures: 10, maxCostUsd: null, maxWallMinutes: null },
    });
    expect(warnings).toEqual([]);
  });

  it('takes a metric, the app settings and flags like a file does', () => {
    writeTree(tmp.dir, { 'data/train.csv': 'a,y\n1,0\n', 'ws/': '' });
    const result = configFromFolder(
      { folder: 'data', task: 'predict y', metric: { name: 'rmse', target_value: 0.5 } },
      { cwd: tmp.dir, settings: { defaultSandbox: 'local' }, overrides: { workspace: 'ws', maxSteps: '8' } },
    );
    const { config } = expectOk(result);
    expect(config.metric).toMatchObject({ name: 'rmse', direction: 'lower', target: 0.5 });
    expect(config.sandbox.kind).toBe('local');
    expect(config.workspace.path).toBe(path.join(tmp.dir, 'ws'));
    expect(config.limits.maxSteps).toBe(8);
    expect(expectOk(applyOverrides(expectOk(result), { sandbox: 'docker' })).config.sandbox.kind).toBe(
      'docker',
    );
  });

  it('errors name the argument', () => {
    expect(expectErrors(configFromFolder({ folder: 'nope', task: ' ' }, { cwd: tmp.dir }))).toEqual([
      '<task>: the task description is empty',
    ]);
    expect(expectErrors(configFromFolder({ folder: 'nope', task: 't' }, { cwd: tmp.dir }))).toEqual([
      `<folder>: ${path.join(tmp.dir, 'nope')} does not exist`,
    ]);
    expect(
      expectErrors(
        configFromFolder(
          { folder: '.', task: 't', metric: { name: 'acc', comparison: '<=' } },
          { cwd: tmp.dir },
        ),
      ),
    ).toEqual([
      'goals.target_metric.comparison: "<=" says lower is better, but acc is higher-is-better: use ">=", or set goals.target_metric.override_direction: true if you mean it',
    ]);
  });

  it('an unrecognisable folder becomes "other", with a warning', () => {
    writeTree(tmp.dir, { 'data/notes.txt': 'x' });
    const { config, warnings } = expectOk(configFromFolder({ folder: 'data', task: 't' }, { cwd: tmp.dir }));
    expect(config.dataset).toMatchObject({ kind: 'other', trustedScoring: false });
    expect(warnings[0]).toContain('no CSV file, JSONL file or subfolders of images in the folder');
  });
});
