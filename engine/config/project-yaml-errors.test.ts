import { describe, expect, it } from 'vitest';
import { configErrorsToApiError } from './errors';
import { parseProjectConfig } from './project-config';
import { expectErrors } from './testing/helpers';

/** Shape and syntax errors need no files on disk: parse text with path checks off. */
function errorsOf(text: string): string[] {
  return expectErrors(
    parseProjectConfig(text, { file: 'project.yaml', absolutePath: '/proj/project.yaml', checkPaths: false }),
  );
}

function resultOf(text: string) {
  return parseProjectConfig(text, {
    file: 'project.yaml',
    absolutePath: '/proj/project.yaml',
    checkPaths: false,
  });
}

describe('YAML syntax and structure', () => {
  it('malformed YAML: line, column and an excerpt with a caret', () => {
    const result = resultOf(
      'goals:\n  task_description: t\n  target_metric: { name: accuracy\ndataset: {}\n',
    );
    if (result.ok) expect.fail('expected an error');
    const [error] = result.errors;
    expect(error).toMatchObject({ path: '', file: 'project.yaml', line: 4, column: 1 });
    expect(error?.message).toMatch(/^YAML syntax error: /);
    expect(error?.excerpt).toBe('  4 | dataset: {}\n    | ^');
  });

  it('a tab used for indentation', () => {
    expect(errorsOf('goals:\n\ttask_description: t\n')).toEqual([
      'project.yaml:2:1: YAML syntax error: a tab is used for indentation; indent with spaces\n  2 | →task_description: t\n    | ^',
    ]);
  });

  it('an unclosed quote', () => {
    const [error] = errorsOf('goals:\n  task_description: "predict churn\n');
    expect(error).toMatch(/^project\.yaml:3:1: YAML syntax error: missing closing "quote/);
  });

  it('duplicate keys: at the second one, naming the first', () => {
    expect(errorsOf('goals:\n  task_description: a\n  task_description: b\n')[0]).toBe(
      'project.yaml:3:3: goals.task_description: duplicate key "task_description" (first set on line 2): keep one\n  3 |   task_description: b\n    |   ^',
    );
    expect(errorsOf('goals: { task_description: a }\ngoals: { task_description: b }\n')[0]).toMatch(
      /^project\.yaml:2:1: goals: duplicate key "goals" \(first set on line 1\)/,
    );
  });

  it('an empty file, and a file of comments only', () => {
    const expected = [
      'project.yaml:1:1: the file is empty (or only comments): a project.yaml needs at least goals.task_description',
    ];
    expect(errorsOf('')).toEqual(expected);
    expect(errorsOf('# nothing yet\n\n')).toEqual(expected);
  });

  it('a list, and a single value, instead of a mapping', () => {
    expect(errorsOf('- goals\n- dataset\n')).toEqual([
      'project.yaml:1:1: the file holds a list; a project.yaml is a mapping of keys (goals:, dataset:, ...)',
    ]);
    expect(errorsOf('\n"just text"\n')).toEqual([
      'project.yaml:2:1: the file holds a single value ("just text"); a project.yaml is a mapping of keys (goals:, dataset:, ...)',
    ]);
  });

  it('two YAML documents', () => {
    expect(errorsOf('goals: { task_description: t }\n---\nmode: greenfield\n')[0]).toMatch(
      /^project\.yaml:2:1: more than one YAML document/,
    );
  });

  it('an alias without its anchor; a key that is a list', () => {
    expect(errorsOf('goals:\n  task_description: *desc\n')).toEqual([
      'project.yaml:2:21: goals.task_description: alias *desc has no anchor &desc before it',
    ]);
    expect(errorsOf('goals: { task_description: t }\n? [a, b]\n: 1\n')).toEqual([
      'project.yaml:2:3: a key must be a plain word (e.g. train_path), not a list or mapping',
    ]);
  });

  it('anchors and aliases that resolve are fine', () => {
    const result = resultOf('x-desc: &d Predict churn.\ngoals:\n  task_description: *d\n');
    // `x-desc` itself is an unknown key: aliases work, extra keys still do not.
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.path)).toEqual(['x-desc']);
  });

  it('one report per place, even when the parser has two explanations', () => {
    expect(errorsOf('goals: t\n  task_description: d\n')).toHaveLength(1);
  });

  it('keys that are property names of every JavaScript object are just unknown keys', () => {
    expect(
      errorsOf('__proto__: { polluted: true }\nconstructor: 1\ngoals: { task_description: t }\n'),
    ).toEqual([
      'project.yaml:1:1: __proto__: unknown key. Known keys here: version, project, mode, goals, dataset, workspace, limits, sandbox, models.',
      'project.yaml:2:1: constructor: unknown key. Known keys here: version, project, mode, goals, dataset, workspace, limits, sandbox, models.',
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('an unknown tag', () => {
    expect(errorsOf('goals:\n  task_description: !secret t\n')[0]).toMatch(
      /^project\.yaml:2:21: YAML problem: unresolved tag: !secret/,
    );
  });
});

describe('schema errors, each at its key or value', () => {
  it('unknown keys, with "did you mean"', () => {
    expect(
      errorsOf(
        'goals:\n  task_description: t\n  target_metirc: { name: accuracy }\ndatset: { train_path: x }\n',
      ),
    ).toEqual([
      'project.yaml:3:3: goals.target_metirc: unknown key. Did you mean "target_metric"?',
      'project.yaml:4:1: datset: unknown key. Did you mean "dataset"?',
    ]);
  });

  it('camelCase spellings of snake_case keys', () => {
    expect(errorsOf('goals: { task_description: t }\ndataset: { trainPath: d.csv }\n')).toEqual([
      'project.yaml:2:1: dataset.train_path: missing: this field is required',
      'project.yaml:2:12: dataset.trainPath: unknown key. Did you mean "train_path"?',
    ]);
  });

  it('the right key in the wrong place', () => {
    expect(errorsOf('goals:\n  task_description: t\n  target_value: 0.9\n')).toEqual([
      'project.yaml:3:3: goals.target_value: unknown key. It belongs at goals.target_metric.target_value.',
    ]);
  });

  it('an unknown key with nothing close lists the known keys', () => {
    expect(errorsOf('goals: { task_description: t }\nsandbox: { gpus: 2 }\n')).toEqual([
      'project.yaml:2:12: sandbox.gpus: unknown key. Known keys here: kind, image, network, force_cpu, python.',
    ]);
  });

  it('a missing required field points at its parent key', () => {
    expect(errorsOf('version: "1.0"\ngoals:\n  target_metric: { name: accuracy }\n')).toEqual([
      'project.yaml:2:1: goals.task_description: missing: this field is required',
    ]);
    expect(errorsOf('mode: greenfield\n')).toEqual([
      'project.yaml:1:1: goals: missing: this field is required',
    ]);
  });

  it('an empty value points at its key', () => {
    expect(errorsOf('goals:\n  task_description:\n')).toEqual([
      'project.yaml:2:3: goals.task_description: has no value: expected text',
    ]);
    expect(errorsOf('goals:\n  task_description: "   "\n')).toEqual([
      'project.yaml:2:21: goals.task_description: the task description is empty',
    ]);
  });

  it('wrong types, with hints for quoted numbers, percentages and yes/no', () => {
    expect(
      errorsOf(
        [
          'goals:',
          '  task_description: t',
          '  target_metric: { name: accuracy, target_value: "0.9" }',
          'limits: { max_steps: 2.5, max_cost_usd: "5%", max_wall_minutes: [1] }',
          'sandbox: { force_cpu: yes }',
          'models: { actor: { name: x } }',
        ].join('\n'),
      ),
    ).toEqual([
      'project.yaml:3:50: goals.target_metric.target_value: expected a number, got "0.9" (a quoted number is text: remove the quotes)',
      'project.yaml:4:22: limits.max_steps: expected a whole number, got 2.5',
      'project.yaml:4:41: limits.max_cost_usd: expected a number, got "5%" (write a plain number, e.g. 0.85 for 85%)',
      'project.yaml:4:65: limits.max_wall_minutes: expected a number, got a list',
      'project.yaml:5:23: sandbox.force_cpu: expected true or false, got "yes" (write true or false)',
      'project.yaml:6:18: models.actor: expected text, got a mapping',
    ]);
  });

  it('out of range numbers', () => {
    expect(
      errorsOf(
        'goals: { task_description: t }\nlimits: { max_steps: 0, max_consecutive_failures: 5000, max_cost_usd: 0 }\n',
      ),
    ).toEqual([
      'project.yaml:2:22: limits.max_steps: must be at least 1, got 0',
      'project.yaml:2:51: limits.max_consecutive_failures: must be at most 1000, got 5000',
      'project.yaml:2:71: limits.max_cost_usd: must be more than 0, got 0',
    ]);
  });

  it('enum values, with "did you mean"', () => {
    expect(
      errorsOf(
        'mode: greenfeild\ngoals: { task_description: t }\nsandbox: { kind: podman, network: host }\ndataset: { type: tabluar, train_path: x }\n',
      ),
    ).toEqual([
      'project.yaml:1:7: mode: expected one of "greenfield", "brownfield", "existing", got "greenfeild". Did you mean "greenfield"?',
      'project.yaml:3:18: sandbox.kind: expected one of "docker", "local", "local-unisolated", got "podman"',
      'project.yaml:3:35: sandbox.network: expected one of "none", "bridge", got "host"',
      'project.yaml:4:18: dataset.type: expected one of "tabular", "image_folder", "text_jsonl", "other", "image_classification", "text_classification", got "tabluar". Did you mean "tabular"?',
    ]);
  });

  it('a comparison operator that is not accepted', () => {
    expect(
      errorsOf('goals:\n  task_description: t\n  target_metric: { name: accuracy, comparison: ">" }\n')[0],
    ).toMatch(
      /^project\.yaml:3:48: goals\.target_metric\.comparison: expected one of ">=", "<=", .*got ">"\. Did you mean ">="\?$/,
    );
  });
});

describe('meaning errors', () => {
  it('an unknown metric lists close names', () => {
    expect(errorsOf('goals:\n  task_description: t\n  target_metric:\n    name: acuracy\n')).toEqual([
      expect.stringMatching(
        /^project\.yaml:4:11: goals\.target_metric\.name: unknown metric "acuracy"\. Close names: accuracy\. Known: f1, precision, recall, auc, accuracy, balanced_accuracy, /,
      ),
    ]);
    expect(errorsOf('goals:\n  task_description: t\n  target_metric: { name: f1_macr }\n')[0]).toContain(
      'Close names: f1_macro, f1_micro.',
    );
  });

  it('a comparison against the metric direction, without the override', () => {
    expect(
      errorsOf(
        'goals:\n  task_description: t\n  target_metric: { name: rmse, target_value: 3, comparison: ">=" }\n',
      ),
    ).toEqual([
      'project.yaml:3:61: goals.target_metric.comparison: ">=" says higher is better, but rmse is lower-is-better: use "<=", or set goals.target_metric.override_direction: true if you mean it',
    ]);
    expect(
      errorsOf(
        'goals:\n  task_description: t\n  target_metric: { name: accuracy, comparison: minimize }\n',
      )[0],
    ).toContain('"minimize" says lower is better, but accuracy is higher-is-better: use ">="');
  });

  it('an override with no comparison', () => {
    expect(
      errorsOf('goals:\n  task_description: t\n  target_metric: { name: rmse, override_direction: true }\n'),
    ).toEqual([
      'project.yaml:3:52: goals.target_metric.override_direction: needs a comparison (">=" or "<=") to say which direction',
    ]);
  });

  it('targets that cannot be meant: a percentage, a negative error, r2 above 1', () => {
    expect(
      errorsOf('goals:\n  task_description: t\n  target_metric: { name: accuracy, target_value: 85 }\n'),
    ).toEqual([
      'project.yaml:3:50: goals.target_metric.target_value: accuracy lies between 0 and 1; got 85 (for 85%, write 0.85)',
    ]);
    expect(
      errorsOf('goals:\n  task_description: t\n  target_metric: { name: mae, target_value: -1 }\n')[0],
    ).toContain('mae is never below 0');
    expect(
      errorsOf('goals:\n  task_description: t\n  target_metric: { name: r2, target_value: 1.5 }\n')[0],
    ).toContain('r2 is at most 1; got 1.5');
  });

  it('mode contradictions, at the contradicting field', () => {
    expect(
      errorsOf('mode: greenfield\ngoals: { task_description: t }\nworkspace:\n  existing_code: true\n'),
    ).toEqual([
      'project.yaml:4:18: workspace.existing_code: true contradicts mode: greenfield (existing code means brownfield, none means greenfield): remove one of the two',
    ]);
    expect(
      errorsOf(
        'goals: { task_description: t, task_type: new_architecture }\nworkspace: { existing_code: true }\n',
      ),
    ).toEqual([
      'project.yaml:1:42: goals.task_type: new_architecture means greenfield, which contradicts workspace.existing_code: true: remove one of the two',
    ]);
    expect(
      errorsOf('mode: brownfield\ngoals: { task_description: t }\nworkspace: { existing_code: false }\n')[0],
    ).toContain('workspace.existing_code: false contradicts mode: brownfield');
  });

  it('a dataset whose type cannot be inferred without reading it', () => {
    expect(errorsOf('goals: { task_description: t }\ndataset: { train_path: d.csv }\n')).toEqual([
      'project.yaml:2:1: dataset.type: missing: set it to tabular, image_folder, text_jsonl or other',
    ]);
  });

  it('all errors at once, in file order', () => {
    const errors = errorsOf(
      'sandbox: { kind: podman }\ngoals:\n  task_description: t\n  target_metric: { name: accuracy, target_value: high }\nlimits: { max_step: 3 }\n',
    );
    expect(errors.map((e) => e.split(': ')[0])).toEqual([
      'project.yaml:1:18',
      'project.yaml:4:50',
      'project.yaml:5:11',
    ]);
  });

  it('maps to the API error shape for hosts', () => {
    const result = resultOf('goals: { task_description: 5 }\n');
    if (result.ok) expect.fail('expected an error');
    expect(configErrorsToApiError(result.errors)).toEqual({
      code: 'invalid_input',
      message: 'configuration has 1 problem: project.yaml:1:28: goals.task_description: expected text, got 5',
      issues: [
        {
          path: 'goals.task_description',
          message: 'project.yaml:1:28: goals.task_description: expected text, got 5',
        },
      ],
    });
  });
});
