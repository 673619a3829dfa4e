import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dispatch } from '../api/dispatch';
import { generateExample } from '../examples/generate';
import { startScriptedServer, type ScriptedServer } from '../llm/scripted-server';
import { createEngine, type Engine } from '../service/engine';
import { makeTempDir } from '../testing/temp-dir';

/**
 * Bad input to runs.start: each a clear `invalid_input` error, and nothing created (no run row, no run
 * folder, no workspace, the user's folders untouched).
 */
let server: ScriptedServer;
let tmp: ReturnType<typeof makeTempDir>;
let data: string;

beforeAll(async () => {
  server = await startScriptedServer([], { models: ['scripted-model', 'other-model'] });
  tmp = makeTempDir('mle-beast-start-');
  data = path.join(tmp.dir, 'churn');
  const made = await generateExample('churn', data, { size: 200 });
  if (!made.ok) throw new Error(made.error.message);
});
afterAll(async () => {
  await server.close();
  tmp.cleanup();
});

let home: string;
let engine: Engine;
const env = () => ({ LOCAL_LLM_BASE_URL: server.baseURL, MLE_BEAST_MODEL: 'scripted-model' });
function open(environment: Record<string, string> = env(), catalogTimeoutMs?: number) {
  engine = createEngine({
    host: 'cli',
    databasePath: path.join(home, 'db.sqlite'),
    probeDocker: async () => ({ available: false, version: null, endpoint: 'x', error: 'no' }),
    runs: { env: environment, ...(catalogTimeoutMs ? { catalogTimeoutMs } : {}) },
  });
  return engine;
}
beforeEach(() => {
  home = fs.mkdtempSync(path.join(tmp.dir, 'home-'));
  return async () => {
    await engine?.close();
  };
});

async function expectRefused(
  input: Record<string, unknown>,
  pattern: RegExp,
  environment?: Record<string, string>,
  catalogTimeoutMs?: number,
) {
  const e = open(environment, catalogTimeoutMs);
  const result = await dispatch(e.handlers, 'runs.start', { cwd: tmp.dir, ...input });
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.error.code).toBe('invalid_input');
  expect(result.error.message).toMatch(pattern);
  const list = await dispatch(e.handlers, 'runs.list', {});
  expect(list).toMatchObject({ ok: true, value: { total: 0 } });
  expect(fs.existsSync(path.join(home, 'runs')) ? fs.readdirSync(path.join(home, 'runs')) : []).toEqual([]);
  expect(
    fs.existsSync(path.join(home, 'workspaces')) ? fs.readdirSync(path.join(home, 'workspaces')) : [],
  ).toEqual([]);
}

const yaml = (name: string, text: string) => {
  const file = path.join(tmp.dir, name);
  fs.writeFileSync(file, text);
  return file;
};
const project = (extra = '', dataset = path.join(data, 'churn.csv')) => `goals:
  task_description: predict churn
  target_metric: { name: accuracy, target_value: 0.8, comparison: '>=' }
dataset:
  type: tabular
  train_path: ${dataset}
  target: churned
${extra}`;

describe('runs.start refuses bad input and creates nothing', () => {
  it('malformed YAML, with the line', async () => {
    await expectRefused(
      { project: yaml('bad.yaml', 'goals:\n  task_description: [unclosed\n') },
      /bad\.yaml:\d+/,
    );
  });

  it('a wrong type, naming the field and the value', async () => {
    const file = yaml('type.yaml', project().replace('target_value: 0.8', 'target_value: high'));
    await expectRefused({ project: file }, /target_value.*"high"/);
  });

  it('a dataset that does not exist', async () => {
    await expectRefused(
      { project: yaml('missing.yaml', project('', path.join(tmp.dir, 'nope.csv'))) },
      /nope\.csv/,
    );
  });

  it('a greenfield workspace that is a non-empty folder without git, left untouched', async () => {
    const ws = path.join(tmp.dir, 'busy');
    fs.mkdirSync(ws, { recursive: true });
    fs.writeFileSync(path.join(ws, 'mine.txt'), 'keep me');
    await expectRefused({ project: yaml('busy.yaml', project(`workspace:\n  path: ${ws}\n`)) }, /not empty/);
    expect(fs.readdirSync(ws)).toEqual(['mine.txt']);
    expect(fs.readFileSync(path.join(ws, 'mine.txt'), 'utf8')).toBe('keep me');
  });

  it('a workspace that cannot be created', async () => {
    const file = path.join(tmp.dir, 'plain-file');
    fs.writeFileSync(file, 'x');
    await expectRefused(
      { folder: data, task: 'predict churn', overrides: { workspace: path.join(file, 'ws') } },
      /workspace/,
    );
    expect(fs.readFileSync(file, 'utf8')).toBe('x');
  });

  it('no provider configured', async () => {
    await expectRefused({ project: yaml('ok.yaml', project()) }, /OPENROUTER_API_KEY|provider/i, {});
  });

  it('a model the catalog does not know, with suggestions', async () => {
    await expectRefused({ project: yaml('ok2.yaml', project()) }, /scripted-model/, {
      LOCAL_LLM_BASE_URL: server.baseURL,
      MLE_BEAST_MODEL: 'scripted-modle',
    });
  });

  it('a model endpoint that does not answer: refused at once, naming the URL and the error', async () => {
    const dead = await deadPort();
    const started = Date.now();
    await expectRefused({ project: yaml('dead.yaml', project()) }, /127\.0\.0\.1:\d+\/v1.*ECONNREFUSED/s, {
      LOCAL_LLM_BASE_URL: `http://127.0.0.1:${dead}/v1`,
      MLE_BEAST_MODEL: 'scripted-model',
    });
    // One attempt, no retries with back-off (which took 15 s before the run failed).
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('a model endpoint that accepts and never answers: refused after the preflight time limit', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      await expectRefused(
        { project: yaml('silent.yaml', project()) },
        new RegExp(`127\\.0\\.0\\.1:${port}/v1.*did not answer within 300 ms`, 's'),
        { LOCAL_LLM_BASE_URL: `http://127.0.0.1:${port}/v1`, MLE_BEAST_MODEL: 'scripted-model' },
        300,
      );
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('a model endpoint that stopped answering is refused even with its model list cached', async () => {
    const gone = await startScriptedServer([], { models: ['scripted-model'] });
    const environment = { LOCAL_LLM_BASE_URL: gone.baseURL, MLE_BEAST_MODEL: 'scripted-model' };
    // The list is cached by a first start, refused later for a metric that does not fit (nothing created).
    const e = open(environment);
    const first = await dispatch(e.handlers, 'runs.start', {
      cwd: tmp.dir,
      project: yaml('cache1.yaml', project().replace('name: accuracy', 'name: rmse').replace("'>='", "'<='")),
    });
    expect(first.ok).toBe(false);
    await e.close();
    await gone.close();
    await expectRefused(
      { project: yaml('cache2.yaml', project()) },
      /did not give its model list.*Could not reach/s,
      environment,
    );
  });

  it('data the engine cannot score, with a metric and a target: refused with the reason', async () => {
    const folder = path.join(tmp.dir, 'notes');
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, 'a.txt'), 'some text');
    await expectRefused(
      {
        folder,
        task: 'classify the notes',
        metric: { name: 'accuracy', target_value: 0.9, comparison: '>=' },
      },
      /cannot score this data \(no CSV file, JSONL file or subfolders of images.*accuracy >= 0\.9.*dataset\.type: other/s,
    );
  });

  it('a train.csv linked outside the dataset folder: refused, its content never quoted', async () => {
    const folder = path.join(tmp.dir, 'linked-out');
    fs.mkdirSync(folder, { recursive: true });
    const secret = path.join(tmp.dir, 'shadow');
    fs.writeFileSync(secret, 'root:$y$SECRET-HASH:19700:0:99999:7:::\n');
    fs.symlinkSync(secret, path.join(folder, 'train.csv'));
    const e = open();
    const result = await dispatch(e.handlers, 'runs.start', {
      cwd: tmp.dir,
      folder,
      task: 'predict y',
      metric: { name: 'accuracy', target_value: 0.9, comparison: '>=' },
    });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.message).toMatch(
      /symbolic link to .*shadow, outside the dataset folder/,
    );
    expect(JSON.stringify(result)).not.toContain('SECRET-HASH');
    expect(fs.existsSync(path.join(home, 'runs')) ? fs.readdirSync(path.join(home, 'runs')) : []).toEqual([]);
  });

  describe('a dataset with one class, for a classification metric', () => {
    const metric = { name: 'accuracy', target_value: 0.9, comparison: '>=' };
    it('tabular', async () => {
      const folder = path.join(tmp.dir, 'one-class-csv');
      fs.mkdirSync(folder, { recursive: true });
      const rows = Array.from({ length: 60 }, (_, i) => `${i},${i % 5},yes`);
      fs.writeFileSync(path.join(folder, 'train.csv'), ['a,b,label', ...rows].join('\n') + '\n');
      await expectRefused(
        { folder, task: 'predict label', metric },
        /every example has the label 'yes', so accuracy would be trivially perfect.*label column 'label'/s,
      );
    });

    it('text_jsonl', async () => {
      const folder = path.join(tmp.dir, 'one-class-jsonl');
      fs.mkdirSync(folder, { recursive: true });
      const lines = Array.from({ length: 60 }, (_, i) =>
        JSON.stringify({ text: `review ${i}`, label: 'pos' }),
      );
      fs.writeFileSync(path.join(folder, 'train.jsonl'), lines.join('\n') + '\n');
      await expectRefused(
        { folder, task: 'classify reviews', metric },
        /every example has the label 'pos'.*at least two classes/s,
      );
    });

    it('image_folder', async () => {
      const folder = path.join(tmp.dir, 'one-class-images');
      fs.mkdirSync(path.join(folder, 'cat'), { recursive: true });
      const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      for (let i = 0; i < 20; i++) {
        fs.writeFileSync(path.join(folder, 'cat', `${i}.png`), Buffer.concat([png, Buffer.from(`c${i}`)]));
      }
      await expectRefused(
        { folder, task: 'classify pets', metric },
        /only one class folder holds images \('cat'\).*at least two/s,
      );
    });
  });

  it('a metric that does not fit the task', async () => {
    const file = yaml(
      'metric.yaml',
      project().replace('name: accuracy', 'name: rmse').replace("'>='", "'<='"),
    );
    await expectRefused({ project: file }, /regression metric|rmse/);
  });
});

/** A loopback port nothing listens on (bound, then closed). */
async function deadPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('provider settings saved in the app', () => {
  it('take part in provider resolution beneath the shell', async () => {
    const e = open({});
    const saved = await dispatch(e.handlers, 'settings.update', {
      llmProvider: 'local',
      localBaseUrl: server.baseURL,
      llmModel: 'scripted-modle',
    });
    expect(saved.ok).toBe(true);
    // The model comes from the settings (a typo here), so the catalog check names it with a suggestion.
    const result = await dispatch(e.handlers, 'runs.start', {
      cwd: tmp.dir,
      project: yaml('app.yaml', project()),
    });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toMatch(/settings\.model.*scripted-model/s);
  });
});
