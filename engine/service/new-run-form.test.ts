import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dispatch } from '../api/dispatch';
import type { CommandName, CommandOutput } from '../api/contract';
import { ProjectForm, type ProjectFormInput } from '../api/project-form';
import { loadProjectConfig } from '../config';
import { generateExample } from '../examples/generate';
import { startScriptedServer, type ScriptedServer } from '../llm/scripted-server';
import { makeTempDir } from '../testing/temp-dir';
import { createEngine, type Engine } from './engine';

/**
 * The New run form's commands, through dispatch, on real files: example datasets written by the generators,
 * real git repositories, the scripted model server as the provider (its model list is the live catalog).
 */
let server: ScriptedServer;
let tmp: ReturnType<typeof makeTempDir>;
let churn: string;
let shapes: string;

beforeAll(async () => {
  server = await startScriptedServer([], { models: ['scripted-model', 'other-model'] });
  tmp = makeTempDir('mle-beast-form-');
  churn = path.join(tmp.dir, 'churn');
  shapes = path.join(tmp.dir, 'shapes');
  for (const [name, dir, size] of [
    ['churn', churn, 200],
    ['shapes', shapes, 60],
  ] as const) {
    const made = await generateExample(name, dir, { size });
    if (!made.ok) throw new Error(made.error.message);
  }
});
afterAll(async () => {
  await server.close();
  tmp.cleanup();
});

let home: string;
let engine: Engine;
beforeEach(() => {
  home = fs.mkdtempSync(path.join(tmp.dir, 'home-'));
  engine = createEngine({
    host: 'cli',
    databasePath: path.join(home, 'db.sqlite'),
    probeDocker: async () => ({ available: false, version: null, endpoint: 'x', error: 'no' }),
    runs: { env: { LOCAL_LLM_BASE_URL: server.baseURL, MLE_BEAST_MODEL: 'scripted-model' } },
  });
});
afterEach(async () => {
  await engine.close();
});

async function call<K extends CommandName>(name: K, input: unknown): Promise<CommandOutput<K>> {
  const result = await dispatch(engine.handlers, name, input);
  if (!result.ok) throw new Error(`${name}: ${result.error.message}`);
  return result.value as CommandOutput<K>;
}

const form = (fields: ProjectFormInput) => ProjectForm.parse(fields);
const churnCsv = () => path.join(churn, 'churn.csv');

describe('datasets.inspect', () => {
  it('previews a CSV: kind and why, rows, column types, classes with counts, the label column and why', async () => {
    const before = fs.readdirSync(churn);
    const preview = await call('datasets.inspect', { path: churnCsv() });
    expect(preview.ok).toBe(true);
    if (!preview.ok) return;
    expect(preview.kind).toBe('tabular');
    expect(preview.kindReason).toContain('churn.csv is a CSV file');
    const summary = preview.summary!;
    expect(summary.rows).toBe(200);
    expect(summary.label).toMatchObject({ name: 'churned', inferred: true });
    expect(summary.label.reason.length).toBeGreaterThan(10);
    expect(summary.classes!.map((c) => c.label).sort()).toEqual(['0', '1']);
    expect(summary.classes!.reduce((n, c) => n + c.count, 0)).toBe(200);
    const tenure = summary.columns!.find((c) => c.name === 'tenure_months');
    expect(tenure?.type).toBe('numeric');
    // Nothing written next to the user's data.
    expect(fs.readdirSync(churn)).toEqual(before);
  });

  it('previews an image folder with its classes', async () => {
    const preview = await call('datasets.inspect', { path: shapes });
    expect(preview).toMatchObject({ ok: true, kind: 'image_folder' });
    if (!preview.ok) return;
    expect(preview.summary!.classes!.map((c) => c.label).sort()).toEqual(['circle', 'square', 'triangle']);
    expect(preview.summary!.rows).toBe(60);
  });

  it('reports the label column it was told that does not exist, as a problem', async () => {
    const preview = await call('datasets.inspect', { path: churnCsv(), labelColumn: 'churnd' });
    expect(preview.ok).toBe(true);
    if (!preview.ok) return;
    expect(preview.summary).toBeNull();
    expect(preview.problems.some((p) => p.severity === 'error' && p.message.includes('churned'))).toBe(true);
  });

  it('says why a path cannot be previewed, with the fix', async () => {
    const missing = await call('datasets.inspect', { path: path.join(churn, 'chrun.csv') });
    expect(missing).toMatchObject({ ok: false, code: 'not_found' });
    if (!missing.ok) expect(missing.fix).toContain('"churn.csv"');

    const under = await call('datasets.inspect', { path: path.join(churnCsv(), 'x') });
    expect(under).toMatchObject({ ok: false, code: 'not_a_folder' });

    const odd = path.join(tmp.dir, 'notes.txt');
    fs.writeFileSync(odd, 'hello');
    expect(await call('datasets.inspect', { path: odd })).toMatchObject({ ok: false, code: 'unknown_kind' });
    expect(await call('datasets.inspect', { path: '  ' })).toMatchObject({ ok: false, code: 'empty' });

    if (process.getuid?.() !== 0) {
      const locked = fs.mkdtempSync(path.join(tmp.dir, 'locked-'));
      fs.chmodSync(locked, 0o000);
      expect(await call('datasets.inspect', { path: locked })).toMatchObject({
        ok: false,
        code: 'unreadable',
      });
      fs.chmodSync(locked, 0o700);
    }
  });

  it('previews a big CSV from its head, saying so, and names the real file', async () => {
    const big = path.join(tmp.dir, 'big.csv');
    const line = (i: number) => `${i},${(i * 7919) % 1000},${i % 3 === 0 ? 'yes' : 'no'}\n`;
    const chunk = Array.from({ length: 10_000 }, (_, i) => line(i)).join('');
    fs.writeFileSync(big, 'id,x,label\n');
    while (fs.statSync(big).size < 40 * 1024 * 1024) fs.appendFileSync(big, chunk);
    const preview = await call('datasets.inspect', { path: big, labelColumn: 'label' });
    expect(preview.ok).toBe(true);
    if (!preview.ok) return;
    expect(preview.sample).toMatchObject({ totalBytes: fs.statSync(big).size });
    expect(preview.sample!.bytesRead).toBeLessThan(5 * 1024 * 1024);
    expect(preview.summary!.paths.train).toBe(big);
    expect(preview.summary!.classes!.map((c) => c.label).sort()).toEqual(['no', 'yes']);
    expect(preview.problems[0]).toMatchObject({ code: 'preview_sample' });
    expect(JSON.stringify(preview)).not.toContain('mle-beast-preview-');
    fs.rmSync(big);
  });

  it('reads a relative path from cwd', async () => {
    const preview = await call('datasets.inspect', { path: 'churn/churn.csv', cwd: tmp.dir });
    expect(preview).toMatchObject({ ok: true, path: churnCsv() });
  });
});

describe('workspace.inspect', () => {
  const git = (dir: string, ...args: string[]) =>
    execFileSync('git', ['-C', dir, ...args], {
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 't',
        GIT_AUTHOR_EMAIL: 't@t',
        GIT_COMMITTER_NAME: 't',
        GIT_COMMITTER_EMAIL: 't@t',
      },
    });

  it('a missing folder: greenfield creates it, brownfield cannot', async () => {
    const state = await call('workspace.inspect', { path: path.join(tmp.dir, 'nope') });
    expect(state).toMatchObject({
      exists: false,
      git: null,
      greenfield: { possible: true },
      brownfield: { possible: false },
    });
  });

  it('a git repository: its branch and uncommitted files, and what brownfield does', async () => {
    const repo = fs.mkdtempSync(path.join(tmp.dir, 'repo-'));
    git(repo, 'init', '-q', '-b', 'trunk');
    fs.writeFileSync(path.join(repo, 'model.py'), 'x = 1\n');
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'first');
    fs.writeFileSync(path.join(repo, 'model.py'), 'x = 2\n');
    fs.writeFileSync(path.join(repo, 'new.py'), '');
    const state = await call('workspace.inspect', { path: repo });
    expect(state).toMatchObject({
      exists: true,
      isFolder: true,
      empty: false,
      git: { branch: 'trunk', dirtyFiles: 2 },
      greenfield: { possible: false },
      brownfield: { possible: true },
    });
    expect(state.brownfield.text).toContain('branch trunk');
    expect(state.brownfield.text).toContain('2 uncommitted files');
  });

  it('an empty folder: greenfield starts there; a plain folder with files: brownfield runs git init', async () => {
    const empty = fs.mkdtempSync(path.join(tmp.dir, 'empty-'));
    expect(await call('workspace.inspect', { path: empty })).toMatchObject({
      empty: true,
      git: null,
      greenfield: { possible: true },
      brownfield: { possible: false },
    });
    expect(await call('workspace.inspect', { path: churn })).toMatchObject({
      git: null,
      greenfield: { possible: false },
      brownfield: { possible: true, text: expect.stringContaining('git init') },
    });
  });
});

describe('project.validate', () => {
  const good = () =>
    form({
      dataset: churnCsv(),
      task: 'Predict churn',
      metric: 'accuracy',
      target: '0.8',
      workspace: path.join(home, 'ws-new'),
      maxSteps: '3',
    });

  it('passes a good form', async () => {
    const result = await call('project.validate', { form: good() });
    expect(result).toMatchObject({ ok: true, issues: [] });
  });

  it("places each of the engine's problems on its field", async () => {
    const result = await call('project.validate', {
      form: {
        ...good(),
        task: '',
        dataset: path.join(tmp.dir, 'missing'),
        target: '85',
        maxSteps: 'ten',
        maxWallMinutes: '-5',
        actorModel: 'scripted-modle',
      },
    });
    expect(result.ok).toBe(false);
    const on = (field: string) =>
      result.issues
        .filter((i) => i.field === field)
        .map((i) => i.message)
        .join(' | ');
    expect(on('task')).toContain('the task description is empty');
    expect(on('dataset')).toContain('missing');
    expect(on('target')).toContain('for 85%, write 0.85');
    expect(on('maxSteps')).toContain('expected a whole number of steps, got "ten"');
    expect(on('maxWallMinutes')).not.toBe('');
  });

  it('checks the models against the live catalog, the workspace, and the metric against the data', async () => {
    const busy = fs.mkdtempSync(path.join(tmp.dir, 'busy-'));
    fs.writeFileSync(path.join(busy, 'a.txt'), 'x');
    const result = await call('project.validate', {
      form: { ...good(), workspace: busy, criticModel: 'scripted-modle', metric: 'rmse', target: '' },
    });
    const on = (field: string) =>
      result.issues
        .filter((i) => i.field === field)
        .map((i) => i.message)
        .join(' | ');
    expect(on('workspace')).toContain('is not empty');
    expect(on('criticModel')).toContain('scripted-model');
    expect(on('metric')).toMatch(/rmse/);
  });

  it('asks the provider for its model list once while the form is edited (a fresh list is cached)', async () => {
    const lists = () => server.requests.filter((r) => r.path === '/v1/models').length;
    const before = lists();
    await call('project.validate', { form: good() });
    await call('project.validate', { form: { ...good(), target: '0.81' } });
    expect(lists() - before).toBe(1);
  });

  it('a direction against the metric is an override the form chose on purpose', async () => {
    const result = await call('project.validate', { form: { ...good(), direction: 'lower', target: '0.2' } });
    expect(result).toMatchObject({ ok: true });
  });
});

describe('project.export and project.import', () => {
  it('round-trips: the exported file is accepted by the engine and imports back to the same form', async () => {
    const original = form({
      name: 'churn-run',
      dataset: churnCsv(),
      labelColumn: 'churned',
      task: 'Predict churn',
      metric: 'f1',
      direction: 'auto',
      target: '0.7',
      mode: 'greenfield',
      workspace: path.join(home, 'ws'),
      sandbox: 'docker',
      network: 'bridge',
      forceCpu: true,
      maxSteps: '12',
      maxCostUsd: '2.5',
      maxWallMinutes: '90',
      maxConsecutiveFailures: '4',
      actorModel: 'scripted-model',
      criticModel: 'other-model',
    });
    const { yaml } = await call('project.export', { form: original });
    const file = path.join(home, 'project.yaml');
    fs.writeFileSync(file, yaml);
    // What `mle-beast run project.yaml` reads.
    const loaded = loadProjectConfig(file);
    expect(loaded.ok).toBe(true);
    if (loaded.ok) {
      expect(loaded.value.config).toMatchObject({
        name: 'churn-run',
        task: 'Predict churn',
        metric: { name: 'f1', target: 0.7, direction: 'higher' },
        limits: { maxSteps: 12, maxCostUsd: 2.5, maxWallMinutes: 90, maxConsecutiveFailures: 4 },
        sandbox: { kind: 'docker', network: 'bridge', forceCpu: true },
        models: { actor: 'scripted-model', critic: 'other-model' },
      });
    }
    const back = await call('project.import', { yaml });
    expect(back).toEqual({ form: original, issues: [] });
  });

  it('reports a bad file on the fields it is about, and what the form cannot keep', async () => {
    const bad = await call('project.import', {
      yaml: 'goals:\n  task_description: ""\n  target_metric: { name: accuracy, target_value: high }\n',
    });
    expect(bad.form).toBeNull();
    expect(bad.issues.map((i) => i.field).sort()).toEqual(['target', 'task']);

    const extra = await call('project.import', {
      yaml: 'goals: { task_description: x }\nsandbox: { image: my-image:1 }\n',
    });
    expect(extra.form?.task).toBe('x');
    expect(extra.issues).toEqual([{ field: 'form', message: expect.stringContaining('sandbox.image') }]);

    const syntax = await call('project.import', { yaml: 'goals: [\n' });
    expect(syntax.form).toBeNull();
    expect(syntax.issues[0]?.field).toBe('form');
  });
});

describe('runs.start with a form', () => {
  it('refuses a bad form with the problems on its fields, and creates nothing', async () => {
    const result = await dispatch(engine.handlers, 'runs.start', {
      form: { dataset: churnCsv(), task: ' ', metric: 'accuracy', target: '85' },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('invalid_input');
    expect(result.error.issues?.map((i) => i.path).sort()).toEqual(['target', 'task']);
    expect(result.error.message).toContain('task: the task description is empty');
    expect(await call('runs.list', {})).toMatchObject({ total: 0 });
    expect(fs.existsSync(path.join(home, 'runs'))).toBe(false);
  });

  it('takes a form or a project, not both', async () => {
    const result = await dispatch(engine.handlers, 'runs.start', {
      form: { dataset: churnCsv(), task: 'x' },
      project: 'project.yaml',
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });
});
