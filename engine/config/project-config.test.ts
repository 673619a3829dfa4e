import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../testing/temp-dir';
import { toDatasetSource } from '../datasets/config-source';
import { loadProjectConfig, parseProjectConfig } from './project-config';
import { ProjectConfig } from './project-schema';
import { targetReached } from './metric';
import { expectErrors, expectOk, writeTree } from './testing/helpers';

const tmp = useTempDir('mle-beast-config-');

function load(yaml: string, files: Record<string, string> = {}, options = {}) {
  writeTree(tmp.dir, { ...files, 'project.yaml': yaml });
  return loadProjectConfig('project.yaml', { cwd: tmp.dir, home: path.join(tmp.dir, 'home'), ...options });
}

describe('valid project.yaml files', () => {
  it('greenfield tabular: paths resolved against the YAML folder, defaults filled in', () => {
    const { config, warnings } = expectOk(
      load(
        [
          'version: "1.0"',
          'project: { name: churn, description: Telco churn }',
          'goals:',
          '  task_description: "  Predict which customers leave.  "',
          '  target_metric: { name: accuracy, target_value: 0.85, comparison: ">=" }',
          'dataset:',
          '  type: tabular',
          '  train_path: data/train.csv',
          '  test_path: ./data/test.csv',
          '  target: churned',
        ].join('\n'),
        { 'data/train.csv': 'a,churned\n1,0\n', 'data/test.csv': 'a,churned\n2,1\n' },
      ),
    );
    expect(ProjectConfig.parse(config)).toEqual(config);
    expect(config).toEqual({
      file: path.join(tmp.dir, 'project.yaml'),
      baseDir: tmp.dir,
      name: 'churn',
      description: 'Telco churn',
      mode: 'greenfield',
      task: 'Predict which customers leave.',
      metric: {
        name: 'accuracy',
        task: 'classification',
        direction: 'higher',
        directionSource: 'metric',
        target: 0.85,
      },
      dataset: {
        kind: 'tabular',
        kindSource: 'declared',
        kindReason: 'declared in dataset.type',
        trainPath: path.join(tmp.dir, 'data/train.csv'),
        testPath: path.join(tmp.dir, 'data/test.csv'),
        target: 'churned',
        trustedScoring: true,
      },
      workspace: { path: null, existingCode: false, environment: null },
      limits: { maxSteps: 30, maxConsecutiveFailures: 10, maxCostUsd: null, maxWallMinutes: null },
      sandbox: { kind: 'docker', image: null, network: 'none', forceCpu: false, python: null },
      models: { actor: null, critic: null },
    });
    expect(warnings).toEqual([]);
    expect(toDatasetSource(config)).toEqual({
      kind: 'tabular',
      path: path.join(tmp.dir, 'data/train.csv'),
      testPath: path.join(tmp.dir, 'data/test.csv'),
      labelColumn: 'churned',
    });
  });

  it('brownfield: the original fixture schema, workspace defaults to the YAML folder, venv found', () => {
    const { config, warnings } = expectOk(
      load(
        [
          'version: "1.0"',
          'project:',
          '  name: shapes',
          '  description: improve the shapes classifier',
          'goals:',
          '  task_type: improve_existing',
          '  task_description: Improve accuracy without changing the model family.',
          '  target_metric:',
          '    name: accuracy',
          '    target_value: 0.9',
          '    comparison: ">="',
          'dataset:',
          '  type: image_classification',
          '  train_path: data/train',
          '  test_path: data/test',
          'workspace:',
          '  existing_code: true',
          '  environment: { type: venv, path: venv }',
          'sandbox: { kind: local }',
        ].join('\n'),
        {
          'data/train/circle/a.png': 'x',
          'data/test/circle/b.png': 'x',
          'venv/bin/python': '',
          'train.py': '',
        },
      ),
    );
    expect(config.mode).toBe('brownfield');
    expect(config.workspace).toEqual({
      path: tmp.dir,
      existingCode: true,
      environment: {
        type: 'venv',
        path: path.join(tmp.dir, 'venv'),
        python: path.join(tmp.dir, 'venv/bin/python'),
      },
    });
    expect(config.dataset?.kind).toBe('image_folder');
    expect(config.dataset?.kindReason).toBe('declared in dataset.type (image_classification)');
    expect(config.sandbox.kind).toBe('local');
    expect(warnings).toEqual([]);
  });

  it('image folder, kind inferred, every optional section set', () => {
    const { config } = expectOk(
      load(
        [
          'mode: greenfield',
          'goals:',
          '  task_description: Build an image classifier for this dataset.',
          '  target_metric: { name: F1, target_value: 0.8 }',
          'dataset: { train_path: ~/pets }',
          'workspace: { path: out/ws }',
          'limits: { max_steps: 12, max_consecutive_failures: 3, max_cost_usd: 4.5, max_wall_minutes: 90 }',
          'sandbox: { kind: docker, image: "mle-beast-sandbox:gpu", network: bridge, force_cpu: true }',
          'models: { actor: deepseek/deepseek-v4-flash, critic: openai/gpt-4o-mini }',
        ].join('\n'),
        { 'home/pets/cats/1.jpg': 'x', 'home/pets/dogs/2.JPEG': 'x' },
      ),
    );
    expect(config.dataset).toMatchObject({
      kind: 'image_folder',
      kindSource: 'inferred',
      trainPath: path.join(tmp.dir, 'home/pets'),
      trustedScoring: true,
    });
    expect(config.dataset?.kindReason).toContain('folders of images (cats/, dogs/)');
    expect(config.metric).toMatchObject({
      name: 'F1',
      task: 'classification',
      direction: 'higher',
      target: 0.8,
    });
    expect(config.workspace.path).toBe(path.join(tmp.dir, 'out/ws'));
    expect(config.limits).toEqual({
      maxSteps: 12,
      maxConsecutiveFailures: 3,
      maxCostUsd: 4.5,
      maxWallMinutes: 90,
    });
    expect(config.sandbox).toEqual({
      kind: 'docker',
      image: 'mle-beast-sandbox:gpu',
      network: 'bridge',
      forceCpu: true,
      python: null,
    });
    expect(config.models).toEqual({ actor: 'deepseek/deepseek-v4-flash', critic: 'openai/gpt-4o-mini' });
  });

  it('the README minimum: no dataset, no target, warnings say what that means', () => {
    const { config, warnings } = expectOk(
      load('goals:\n  task_description: Build an image classifier for MNIST.\n'),
    );
    expect(config.dataset).toBeNull();
    expect(config.metric).toBeNull();
    expect(warnings).toEqual([expect.stringContaining('cannot download data')]);
  });

  it('app settings fill what project.yaml leaves out; project.yaml wins over them', () => {
    const settings = {
      defaultSandbox: 'local',
      defaultNetwork: 'bridge',
      defaultMaxSteps: 7,
      forceCpu: true,
    } as const;
    const a = expectOk(load('goals: { task_description: t }\n', {}, { settings }));
    expect(a.config.sandbox).toEqual({
      kind: 'local',
      image: null,
      network: 'bridge',
      forceCpu: true,
      python: null,
    });
    expect(a.config.limits.maxSteps).toBe(7);
    const b = expectOk(
      load(
        'goals: { task_description: t }\nsandbox: { kind: docker, network: none, force_cpu: false }\nlimits: { max_steps: 40 }\n',
        {},
        { settings },
      ),
    );
    expect(b.config.sandbox).toMatchObject({ kind: 'docker', network: 'none', forceCpu: false });
    expect(b.config.limits.maxSteps).toBe(40);
  });

  it('lower-is-better metrics, and a deliberate direction override', () => {
    writeTree(tmp.dir, { 'd.csv': 'y\n1\n' });
    const rmse = expectOk(
      load(
        'goals:\n  task_description: t\n  target_metric: { name: root mean squared error, target_value: 3.5 }\ndataset: { train_path: d.csv }\n',
      ),
    );
    expect(rmse.config.metric).toMatchObject({ task: 'regression', direction: 'lower', target: 3.5 });
    expect(targetReached(rmse.config.metric!, 3.4)).toBe(true);
    expect(targetReached(rmse.config.metric!, 3.6)).toBe(false);
    const words = expectOk(
      load('goals:\n  task_description: t\n  target_metric: { name: mae, comparison: minimize }\n'),
    );
    expect(words.config.metric).toMatchObject({
      direction: 'lower',
      directionSource: 'metric',
      target: null,
    });
    const override = expectOk(
      load(
        'goals:\n  task_description: t\n  target_metric: { name: mse, target_value: 2, comparison: ">=", override_direction: true }\n',
      ),
    );
    expect(override.config.metric).toMatchObject({ direction: 'higher', directionSource: 'override' });
  });

  it('mode derived from existing_code, from task_type, and `existing` read as brownfield', () => {
    writeTree(tmp.dir, { 'repo/': '' });
    const fromCode = expectOk(load('goals: { task_description: t }\nworkspace: { existing_code: false }\n'));
    expect(fromCode.config.mode).toBe('greenfield');
    const fromTaskType = expectOk(load('goals: { task_description: t, task_type: improve_existing }\n'));
    expect(fromTaskType.config.mode).toBe('brownfield');
    expect(fromTaskType.config.workspace.path).toBe(tmp.dir);
    const existing = expectOk(
      load('mode: existing\ngoals: { task_description: t }\nworkspace: { path: repo }\n'),
    );
    expect(existing.config).toMatchObject({
      mode: 'brownfield',
      workspace: { path: path.join(tmp.dir, 'repo'), existingCode: true },
    });
  });

  it('kind "other": accepted, no trusted scoring, and said so', () => {
    const { config, warnings } = expectOk(
      load('goals: { task_description: t }\ndataset: { type: other, train_path: data.parquet }\n', {
        'data.parquet': 'x',
      }),
    );
    expect(config.dataset).toMatchObject({ kind: 'other', trustedScoring: false });
    expect(toDatasetSource(config)).toBeNull();
    expect(warnings[0]).toContain('self-reported');
  });

  it('inferred "other" names the reason', () => {
    const { config, warnings } = expectOk(
      load('goals: { task_description: t }\ndataset: { train_path: data }\n', {
        'data/a.csv': 'x',
        'data/b.jsonl': '{}',
      }),
    );
    expect(config.dataset?.kind).toBe('other');
    expect(warnings[0]).toContain('found CSV files (a.csv) and JSONL files (b.jsonl)');
  });

  it('inferred "other" with a metric target or a label column: refused with the reason, not self-reported', () => {
    const files = { 'data/a.csv': 'x', 'data/b.jsonl': '{}' };
    const withTarget = expectErrors(
      load(
        "goals:\n  task_description: t\n  target_metric: { name: accuracy, target_value: 0.9, comparison: '>=' }\ndataset: { train_path: data }\n",
        files,
      ),
    );
    expect(withTarget.join('\n')).toMatch(
      /dataset\.train_path.*cannot score this data \(found CSV files.*the target accuracy >= 0\.9 could not be checked/s,
    );
    const withLabel = expectErrors(
      load('goals: { task_description: t }\ndataset: { train_path: data, target: y }\n', files),
    );
    expect(withLabel.join('\n')).toMatch(/cannot score this data.*the label column "y"/s);
    // Declared `other`: the user chose the self-reported figure, so it goes on (with the warning).
    const declared = expectOk(
      load(
        "goals:\n  task_description: t\n  target_metric: { name: accuracy, target_value: 0.9, comparison: '>=' }\ndataset: { type: other, train_path: data }\n",
        files,
      ),
    );
    expect(declared.warnings[0]).toContain('self-reported');
  });

  it('warns about settings that the chosen sandbox ignores', () => {
    const { warnings } = expectOk(
      load(
        'goals: { task_description: t }\ndataset: { train_path: d.csv }\nworkspace: { environment: { type: conda, path: env } }\nsandbox: { kind: docker }\n',
        { 'd.csv': 'x\n', 'env/bin/python': '' },
      ),
    );
    expect(warnings).toEqual([
      expect.stringContaining('workspace.environment is used by the local sandbox only'),
    ]);
    const local = expectOk(
      load(
        'goals: { task_description: t }\ndataset: { train_path: d.csv }\nsandbox: { kind: local, image: x }\n',
      ),
    );
    expect(local.warnings).toEqual([expect.stringContaining('sandbox.image is ignored')]);
  });

  it('a UTF-8 byte order mark and CRLF line ends are fine', () => {
    const { config } = expectOk(load('\uFEFFgoals:\r\n  task_description: t\r\n'));
    expect(config.task).toBe('t');
  });

  it('parseProjectConfig without touching the disk (checkPaths: false)', () => {
    const result = parseProjectConfig(
      'goals: { task_description: t }\ndataset: { type: tabular, train_path: nowhere.csv }\n',
      {
        file: 'project.yaml',
        absolutePath: '/proj/project.yaml',
        checkPaths: false,
      },
    );
    expect(expectOk(result).config.dataset?.trainPath).toBe(path.resolve('/proj/nowhere.csv'));
  });
});

describe('errors about values and files', () => {
  it('the example of the issue: line and column of the bad value', () => {
    const errors = expectErrors(
      load(
        [
          'version: "1.0"',
          'goals:',
          '  task_description: Predict churn.',
          '  target_metric:',
          '    name: accuracy',
          '    comparison: ">="',
          '  # the target',
          '    target_value: high',
        ].join('\n'),
      ),
    );
    expect(errors).toEqual([
      'project.yaml:8:19: goals.target_metric.target_value: expected a number, got "high"',
    ]);
  });

  it('file names in errors are as the caller gave them', () => {
    writeTree(tmp.dir, { 'p/project.yaml': 'goals: { task_description: 5 }\n' });
    const result = loadProjectConfig('p/project.yaml', { cwd: tmp.dir });
    expect(expectErrors(result)).toEqual([
      'p/project.yaml:1:28: goals.task_description: expected text, got 5',
    ]);
  });

  it('a missing file, a folder, a huge file', () => {
    expect(expectErrors(loadProjectConfig(path.join(tmp.dir, 'nope.yaml')))[0]).toMatch(
      /nope\.yaml: cannot read .*: no such file$/,
    );
    expect(expectErrors(loadProjectConfig(tmp.dir))[0]).toContain('is a folder: name the project.yaml file');
    fs.writeFileSync(path.join(tmp.dir, 'big.yaml'), 'a'.repeat(1024 * 1024 + 1));
    expect(expectErrors(loadProjectConfig(path.join(tmp.dir, 'big.yaml')))[0]).toContain('too large');
  });

  it('paths that do not exist, each at its value, showing how a relative path was resolved', () => {
    const errors = expectErrors(
      load(
        [
          'goals: { task_description: t }',
          'dataset:',
          '  train_path: data/train.csv',
          '  test_path: /definitely/not/here.csv',
          'workspace:',
          '  environment: { type: venv, path: .venv }',
        ].join('\n'),
      ),
    );
    expect(errors).toEqual([
      `project.yaml:3:15: dataset.train_path: ${path.join(tmp.dir, 'data/train.csv')} (from "data/train.csv") does not exist`,
      'project.yaml:4:14: dataset.test_path: /definitely/not/here.csv does not exist',
      `project.yaml:6:36: workspace.environment.path: ${path.join(tmp.dir, '.venv')} (from ".venv") does not exist`,
    ]);
  });

  it('an environment without a Python in it', () => {
    const errors = expectErrors(
      load('goals: { task_description: t }\nworkspace:\n  environment: { type: venv, path: env }\n', {
        'env/': '',
      }),
    );
    expect(errors).toEqual([
      `project.yaml:3:36: workspace.environment.path: no Python interpreter at ${path.join(tmp.dir, 'env/bin/python')}: is ${path.join(tmp.dir, 'env')} a venv?`,
    ]);
  });

  it('the same file for train and test', () => {
    const errors = expectErrors(
      load('goals: { task_description: t }\ndataset: { train_path: d.csv, test_path: ./d.csv }\n', {
        'd.csv': 'x\n',
      }),
    );
    expect(errors).toEqual([
      'project.yaml:2:42: dataset.test_path: is the same as train_path: the test split must be separate data',
    ]);
  });

  it('a declared kind the file is not', () => {
    const errors = expectErrors(
      load('goals: { task_description: t }\ndataset:\n  type: tabular\n  train_path: lines.jsonl\n', {
        'lines.jsonl': '{}\n',
      }),
    );
    expect(errors).toEqual([
      'project.yaml:4:15: dataset.train_path: lines.jsonl is not a tabular file (expected .csv or .tsv) (dataset.type: text_jsonl?)',
    ]);
    const images = expectErrors(
      load('goals: { task_description: t }\ndataset: { type: image_folder, train_path: d.csv }\n', {
        'd.csv': 'x\n',
      }),
    );
    expect(images[0]).toContain(
      'd.csv is a file; an image_folder dataset is a folder with one subfolder per class',
    );
  });

  it('a label column on a kind that has none', () => {
    const errors = expectErrors(
      load('goals: { task_description: t }\ndataset:\n  train_path: imgs\n  target: label\n', {
        'imgs/a/1.png': 'x',
      }),
    );
    expect(errors).toEqual([
      'project.yaml:4:11: dataset.target: applies to tabular data only: an image folder takes the label from the class subfolder',
    ]);
  });

  it('brownfield without its code folder; workspace that is a file', () => {
    expect(
      expectErrors(load('mode: brownfield\ngoals: { task_description: t }\nworkspace: { path: gone }\n')),
    ).toEqual([
      `project.yaml:3:20: workspace.path: ${path.join(tmp.dir, 'gone')} (from "gone") does not exist: brownfield improves existing code`,
    ]);
    expect(expectErrors(load('goals: { task_description: t }\nworkspace: { path: f }\n', { f: '' }))).toEqual(
      [`project.yaml:2:20: workspace.path: ${path.join(tmp.dir, 'f')} (from "f") is a file, not a folder`],
    );
  });

  it('an unsupported version', () => {
    expect(expectErrors(load('version: 2\ngoals: { task_description: t }\n'))).toEqual([
      'project.yaml:1:10: version: unsupported version 2: this mle-beast reads version "1.0"',
    ]);
  });
});

describe('README examples', () => {
  it('every project.yaml example in README.md is valid', () => {
    const readme = fs.readFileSync(new URL('./README.md', import.meta.url), 'utf8');
    const examples = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] as string);
    expect(examples.length).toBeGreaterThanOrEqual(2);
    for (const text of examples) {
      const result = parseProjectConfig(text, {
        file: 'README.md',
        absolutePath: '/proj/project.yaml',
        checkPaths: false,
      });
      expectOk(result);
    }
  });
});
