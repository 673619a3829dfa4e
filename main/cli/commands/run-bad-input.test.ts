import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import { startScriptedServer } from '../../../engine/llm/scripted-server';
import { makeTempDir } from '../../../engine/testing/temp-dir';

// The built `mle-beast run` with input it must refuse: exit 2, the engine's message, nothing created.

const CLI = path.resolve('bin/mle-beast.js');
const temp = makeTempDir('mle-beast-bad-run-');
afterAll(() => temp.cleanup());

const clean = () =>
  Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(MLE_BEAST_|LOCAL_LLM_|OPENROUTER_|OPENAI_)/.test(k)),
  );

function run(args: string[], env: Record<string, string> = {}) {
  const home = fs.mkdtempSync(path.join(temp.dir, 'home-'));
  const result = spawnSync(process.execPath, [CLI, 'run', ...args], {
    cwd: temp.dir,
    env: { ...clean(), MLE_BEAST_DB_PATH: path.join(home, 'mle_beast.db'), ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  const created = fs.readdirSync(home).filter((f) => !f.startsWith('mle_beast.db'));
  return { ...result, created, rows: runRows(path.join(home, 'mle_beast.db')) };
}

/** Rows in the runs table (0 when the database was never created). */
function runRows(file: string): number {
  if (!fs.existsSync(file)) return 0;
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM runs').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** The same, run asynchronously: for a command that talks to a server living in this test's process. */
function runAsync(args: string[], env: Record<string, string>) {
  const home = fs.mkdtempSync(path.join(temp.dir, 'home-'));
  const child = spawn(process.execPath, [CLI, 'run', ...args], {
    cwd: temp.dir,
    env: { ...clean(), MLE_BEAST_DB_PATH: path.join(home, 'mle_beast.db'), ...env },
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdout.resume();
  return new Promise<{ status: number | null; stderr: string; created: string[]; rows: number }>((resolve) =>
    child.on('close', (status) =>
      resolve({
        status,
        stderr,
        created: fs.readdirSync(home).filter((f) => !f.startsWith('mle_beast.db')),
        rows: runRows(path.join(home, 'mle_beast.db')),
      }),
    ),
  );
}

function dataFolder(): string {
  const data = path.join(temp.dir, 'data');
  fs.mkdirSync(data, { recursive: true });
  fs.writeFileSync(path.join(data, 'train.csv'), 'x,y\n1,a\n2,b\n3,a\n4,b\n');
  return data;
}

it('malformed YAML: exit 2 with the file and line, nothing created', () => {
  expect(fs.existsSync(path.resolve('out/cli/entry.js')), 'run `npm run build` first').toBe(true);
  const file = path.join(temp.dir, 'broken.yaml');
  fs.writeFileSync(file, 'goals:\n  task_description: [unclosed\n');
  const r = run([file]);
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(/broken\.yaml:\d+:\d+/);
  expect(r.created).toEqual([]);
});

it('no provider configured: exit 2 saying which variables to set, nothing created', () => {
  const r = run([dataFolder(), 'predict y']);
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(/OPENROUTER_API_KEY|OPENAI_API_KEY|LOCAL_LLM_BASE_URL/);
  expect(r.created).toEqual([]);
});

it('a model endpoint that does not answer: exit 2 at once with the URL and the error, nothing created', async () => {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const started = Date.now();
  const r = run([dataFolder(), 'predict y', '--sandbox', 'local'], {
    LOCAL_LLM_BASE_URL: `http://127.0.0.1:${port}/v1`,
    MLE_BEAST_MODEL: 'm',
  });
  expect(r.stderr).toContain(`http://127.0.0.1:${port}/v1`);
  expect(r.stderr).toMatch(/ECONNREFUSED/);
  expect(r.status).toBe(2);
  expect(r.created).toEqual([]);
  expect(r.rows).toBe(0);
  // Refused on the first failed request: no retries with back-off (they took 15 s before).
  expect(Date.now() - started).toBeLessThan(10_000);
});

it('a model the endpoint does not list: exit 2 with the URL and suggestions, nothing created', async () => {
  const server = await startScriptedServer([], { models: ['qwen2.5-coder-7b', 'llama-3.1-8b'] });
  try {
    const r = await runAsync([dataFolder(), 'predict y', '--sandbox', 'local'], {
      LOCAL_LLM_BASE_URL: server.baseURL,
      MLE_BEAST_MODEL: 'qwen2.5-coder-7', // a typo
    });
    expect(r.stderr).toContain('unknown model "qwen2.5-coder-7"');
    expect(r.stderr).toContain('qwen2.5-coder-7b');
    expect(r.stderr).toContain(server.baseURL);
    expect(r.status).toBe(2);
    expect(r.created).toEqual([]);
    expect(r.rows).toBe(0);
    expect(server.requests.filter((q) => q.path === '/v1/chat/completions')).toEqual([]);
  } finally {
    await server.close();
  }
});

it('a train.csv linked out of the dataset folder: exit 2, the link named, its target never quoted', async () => {
  const server = await startScriptedServer([], { models: ['m'] });
  try {
    const folder = path.join(temp.dir, 'linked-out');
    fs.mkdirSync(folder, { recursive: true });
    const secret = path.join(temp.dir, 'shadow');
    fs.writeFileSync(secret, 'root:$y$SECRET-HASH:19700:0:99999:7:::\n');
    fs.symlinkSync(secret, path.join(folder, 'train.csv'));
    for (const target of [folder, path.join(folder, 'train.csv')]) {
      const r = await runAsync([target, 'predict y', '--metric', 'accuracy', '--target', '0.9'], {
        LOCAL_LLM_BASE_URL: server.baseURL,
        MLE_BEAST_MODEL: 'm',
      });
      expect(r.stderr).toMatch(/train\.csv is a symbolic link to .*shadow, outside the dataset folder/);
      expect(r.stderr).not.toContain('SECRET-HASH');
      expect(r.status).toBe(2);
      expect(r.created).toEqual([]);
      expect(r.rows).toBe(0);
    }
  } finally {
    await server.close();
  }
});

it('data the engine cannot score, given a metric and a target: exit 2 with the reason, not self-reported', async () => {
  const server = await startScriptedServer([], { models: ['m'] });
  try {
    const folder = path.join(temp.dir, 'audio');
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, 'clip.wav'), 'RIFF');
    const r = await runAsync([folder, 'classify clips', '--metric', 'accuracy', '--target', '0.9'], {
      LOCAL_LLM_BASE_URL: server.baseURL,
      MLE_BEAST_MODEL: 'm',
    });
    expect(r.stderr).toMatch(
      /cannot score this data \(no CSV file.*the target accuracy >= 0\.9 could not be checked/s,
    );
    expect(r.stderr).not.toMatch(/self-reported\)/);
    expect(r.status).toBe(2);
    expect(r.created).toEqual([]);
    expect(r.rows).toBe(0);
  } finally {
    await server.close();
  }
});
