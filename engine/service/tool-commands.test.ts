import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { dispatch } from '../api/dispatch';
import type { ModelCatalogList, PolicyInfo } from '../api';
import { startScriptedServer, type ScriptedServer } from '../llm/testing/scripted-server';
import { useTempDir } from '../testing/temp-dir';
import { createEngine, type Engine } from './engine';

// policy.*, examples.*, models.* and metrics.list through dispatch, on a real engine (real SQLite, real files,
// the real policy checker, the scripted OpenAI-compatible server for /models).

const temp = useTempDir('mle-tool-commands-');
let home: string;
let engines: Engine[] = [];

function engine(env: NodeJS.ProcessEnv = { PATH: process.env.PATH }): Engine {
  const e = createEngine({
    host: 'cli',
    databasePath: path.join(temp.dir, `db-${engines.length}.sqlite`),
    runs: { env, catalogTimeoutMs: 5000 },
  });
  engines.push(e);
  return e;
}

beforeEach(() => {
  home = path.join(temp.dir, 'home');
  fs.mkdirSync(home);
  // The user policy file is looked up under HOME: keep the real one out of the tests.
  vi.stubEnv('HOME', home);
});
afterEach(async () => {
  for (const e of engines) await e.close();
  engines = [];
  vi.unstubAllEnvs();
});

const value = <T>(result: { ok: boolean; value?: unknown; error?: { message: string } }): T => {
  if (!result.ok) throw new Error(`expected ok, got ${result.error?.message}`);
  return result.value as T;
};

describe('policy.check', () => {
  let ws: string;
  beforeEach(() => {
    ws = path.join(temp.dir, 'ws');
    fs.mkdirSync(ws);
  });

  it('allows an ordinary command and blocks what the policy blocks, naming the rule', async () => {
    const e = engine();
    expect(await dispatch(e.handlers, 'policy.check', { command: 'ls -la', workspace: ws })).toEqual({
      ok: true,
      value: { allowed: true, kind: 'shell', rule: null, reason: null },
    });
    const blocked = value<{ allowed: boolean; rule: string; reason: string }>(
      await dispatch(e.handlers, 'policy.check', { command: 'sudo rm -rf build', workspace: ws }),
    );
    expect(blocked).toMatchObject({ allowed: false, kind: 'shell', rule: 'token:sudo' });
    expect(blocked.reason).toMatch(/sudo/);
    const push = value<{ rule: string }>(
      await dispatch(e.handlers, 'policy.check', { command: 'git push origin main', workspace: ws }),
    );
    expect(push.rule).toMatch(/^pattern:/);
  });

  it('reads paths where the command runs: the sandbox HOME is writable there, not on this machine', async () => {
    const e = engine();
    const line = 'touch /home/sandbox/notes.txt';
    const inSandbox = await dispatch(e.handlers, 'policy.check', {
      command: line,
      workspace: ws,
      place: 'sandbox',
    });
    expect(inSandbox).toMatchObject({ ok: true, value: { allowed: true } });
    const onHost = await dispatch(e.handlers, 'policy.check', { command: line, workspace: ws });
    expect(onHost).toMatchObject({ ok: true, value: { allowed: false, rule: 'path-containment' } });
  });

  it('screens a Python file of the workspace', async () => {
    const e = engine();
    fs.writeFileSync(path.join(ws, 'ok.py'), 'print(sum(range(10)))\n');
    fs.writeFileSync(path.join(ws, 'bad.py'), "import subprocess\nsubprocess.run(['sudo', 'reboot'])\n");
    expect(await dispatch(e.handlers, 'policy.check', { pythonFile: 'ok.py', workspace: ws })).toMatchObject({
      ok: true,
      value: { allowed: true, kind: 'python_file' },
    });
    expect(await dispatch(e.handlers, 'policy.check', { pythonFile: 'bad.py', workspace: ws })).toMatchObject(
      {
        ok: true,
        value: { allowed: false, kind: 'python_file' },
      },
    );
  });

  it('refuses bad input with what is wrong', async () => {
    const e = engine();
    const none = await dispatch(e.handlers, 'policy.check', { workspace: ws });
    expect(none).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', issues: [{ path: 'command' }] },
    });
    const both = await dispatch(e.handlers, 'policy.check', {
      command: 'ls',
      pythonFile: 'a.py',
      workspace: ws,
    });
    expect(both).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', issues: [{ path: 'pythonFile' }] },
    });
    const relative = await dispatch(e.handlers, 'policy.check', { command: 'ls', workspace: 'ws' });
    expect(relative).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', issues: [{ path: 'workspace' }] },
    });
    const missing = await dispatch(e.handlers, 'policy.check', {
      command: 'ls',
      workspace: path.join(ws, 'nope'),
    });
    expect(missing).toMatchObject({ ok: false, error: { code: 'invalid_input', message: /not a folder/ } });
    const policyFile = path.join(temp.dir, 'policy.json');
    fs.writeFileSync(policyFile, '{"blocked_tokens": ["a b"]}');
    const broken = await dispatch(e.handlers, 'policy.check', { command: 'ls', workspace: ws, policyFile });
    expect(broken).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: /blocked_tokens\[0\]/ },
    });
  });
});

describe('policy.get and policy.update', () => {
  it('gives the shipped rules, no user file yet, and where it would live', async () => {
    const e = engine();
    const info = value<PolicyInfo>(await dispatch(e.handlers, 'policy.get', {}));
    expect(info.shipped.blockedTokens).toContain('sudo');
    expect(info.user).toEqual({ blockedTokens: [], blockedPatterns: [], allowPathsOutsideWorkspace: [] });
    expect(info.effective).toEqual(info.shipped);
    expect(info.userFile).toEqual({
      path: path.join(home, '.mle-beast', 'policy.json'),
      exists: false,
      error: null,
    });
  });

  it('replaces the user additions, which the checker then applies', async () => {
    const e = engine();
    const ws = path.join(temp.dir, 'ws');
    fs.mkdirSync(ws);
    const rules = {
      blockedTokens: ['Curl'],
      blockedPatterns: ['\\bnc\\s+-l'],
      allowPathsOutsideWorkspace: ['~/data'],
    };
    const info = value<PolicyInfo>(await dispatch(e.handlers, 'policy.update', rules));
    expect(info.userFile.exists).toBe(true);
    expect(info.user).toEqual(rules);
    expect(info.effective.blockedTokens).toEqual(expect.arrayContaining(['sudo', 'curl']));
    expect(info.effective.allowPathsOutsideWorkspace).toContain('~/data');
    const onDisk = JSON.parse(fs.readFileSync(info.userFile.path, 'utf8'));
    expect(onDisk).toEqual({
      blocked_tokens: ['Curl'],
      blocked_patterns: ['\\bnc\\s+-l'],
      allow_paths_outside_workspace: ['~/data'],
    });
    expect(
      await dispatch(e.handlers, 'policy.check', { command: 'curl https://x', workspace: ws }),
    ).toMatchObject({
      ok: true,
      value: { allowed: false, rule: 'token:curl' },
    });
    // Replaced as a whole: an empty update removes the additions.
    const cleared = value<PolicyInfo>(
      await dispatch(e.handlers, 'policy.update', {
        blockedTokens: [],
        blockedPatterns: [],
        allowPathsOutsideWorkspace: [],
      }),
    );
    expect(cleared.effective).toEqual(cleared.shipped);
  });

  it('checks every rule, says what is wrong per field, and saves nothing on an error', async () => {
    const e = engine();
    await dispatch(e.handlers, 'policy.update', {
      blockedTokens: ['wget'],
      blockedPatterns: [],
      allowPathsOutsideWorkspace: [],
    });
    const file = path.join(home, '.mle-beast', 'policy.json');
    const before = fs.readFileSync(file, 'utf8');
    const result = await dispatch(e.handlers, 'policy.update', {
      blockedTokens: ['ok', 'two words'],
      blockedPatterns: ['(unclosed'],
      allowPathsOutsideWorkspace: ['relative/dir', '/'],
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const issues = (result as { error: { issues: { path: string; message: string }[] } }).error.issues;
    expect(issues.map((i) => i.path)).toEqual([
      'blockedTokens.1',
      'blockedPatterns.0',
      'allowPathsOutsideWorkspace.0',
      'allowPathsOutsideWorkspace.1',
    ]);
    expect(issues[0]!.message).toMatch(/one command name/);
    expect(issues[1]!.message).toMatch(/invalid regular expression/);
    expect(issues[2]!.message).toMatch(/absolute or start with ~\//);
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
    const missing = await dispatch(e.handlers, 'policy.update', { blockedTokens: [] });
    expect(missing).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it('reports a user file that does not load, without failing', async () => {
    fs.mkdirSync(path.join(home, '.mle-beast'));
    fs.writeFileSync(path.join(home, '.mle-beast', 'policy.json'), '{ nope');
    const info = value<PolicyInfo>(await dispatch(engine().handlers, 'policy.get', {}));
    expect(info.userFile).toMatchObject({ exists: true, error: expect.stringMatching(/not valid JSON/) });
  });
});

describe('examples', () => {
  it('lists the generators with their goal and target', async () => {
    const list = value<{ examples: { name: string; metric: { direction: string } }[]; defaultSeed: number }>(
      await dispatch(engine().handlers, 'examples.list', {}),
    );
    expect(list.examples.map((x) => x.name)).toEqual(['churn', 'house-prices', 'shapes', 'sentiment']);
    expect(list.defaultSeed).toBe(42);
  });

  it('writes an example into a new folder, the same bytes for the same seed', async () => {
    const e = engine();
    const a = path.join(temp.dir, 'a');
    const created = value<{
      dir: string;
      dataPath: string;
      files: number;
      size: number;
      projectYaml: string;
    }>(
      await dispatch(e.handlers, 'examples.create', { name: 'house-prices', folder: a, seed: 7, size: 120 }),
    );
    expect(created).toMatchObject({ dir: a, size: 120, files: 1 });
    const text = fs.readFileSync(created.dataPath, 'utf8');
    expect(text.trim().split('\n')).toHaveLength(121);
    expect(created.projectYaml).toContain(created.dataPath);
    const b = path.join(temp.dir, 'b');
    const again = value<{ dataPath: string }>(
      await dispatch(e.handlers, 'examples.create', { name: 'house-prices', folder: b, seed: 7, size: 120 }),
    );
    expect(fs.readFileSync(again.dataPath, 'utf8')).toBe(text);
  });

  it('refuses an unknown example, a relative folder, a bad size and a folder with files in it', async () => {
    const e = engine();
    const folder = path.join(temp.dir, 'x');
    expect(await dispatch(e.handlers, 'examples.create', { name: 'iris', folder })).toMatchObject({
      ok: false,
      error: { code: 'not_found', message: /Examples: churn/ },
    });
    expect(await dispatch(e.handlers, 'examples.create', { name: 'churn', folder: 'rel' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', issues: [{ path: 'folder' }] },
    });
    expect(await dispatch(e.handlers, 'examples.create', { name: 'churn', folder, size: 1.5 })).toMatchObject(
      {
        ok: false,
        error: { code: 'invalid_input' },
      },
    );
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, 'keep.txt'), 'mine');
    const full = await dispatch(e.handlers, 'examples.create', { name: 'churn', folder });
    expect(full.ok).toBe(false);
    expect(fs.readdirSync(folder)).toEqual(['keep.txt']);
  });
});

describe('models.list and models.suggest', () => {
  let server: ScriptedServer | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
  });
  const entries = [
    {
      id: 'acme/big-coder-2',
      name: 'Acme: Big Coder 2',
      context_length: 128000,
      pricing: { prompt: '0.000003', completion: '0.000015' },
      supported_parameters: ['tools'],
    },
    {
      id: 'acme/tiny-chat',
      pricing: { prompt: '0.0000001', completion: '0.0000004' },
      supported_parameters: [],
    },
    { id: 'other/gemini-pro-9' },
  ];

  it('gives the live catalog with prices per 1M tokens, then the cached one until refreshed', async () => {
    server = await startScriptedServer([], { modelEntries: entries });
    const e = engine({ PATH: process.env.PATH, LOCAL_LLM_BASE_URL: server.baseURL });
    const first = value<ModelCatalogList>(await dispatch(e.handlers, 'models.list', {}));
    expect(first).toMatchObject({ provider: 'local', baseURL: server.baseURL, fromCache: false, note: null });
    expect(first.models).toEqual([
      {
        id: 'acme/big-coder-2',
        name: 'Acme: Big Coder 2',
        inputPricePerMillion: 3,
        outputPricePerMillion: 15,
        contextLength: 128000,
        supportsTools: true,
      },
      {
        id: 'acme/tiny-chat',
        name: null,
        inputPricePerMillion: 0.1,
        outputPricePerMillion: 0.4,
        contextLength: null,
        supportsTools: false,
      },
      {
        id: 'other/gemini-pro-9',
        name: null,
        inputPricePerMillion: null,
        outputPricePerMillion: null,
        contextLength: null,
        supportsTools: null,
      },
    ]);
    expect(Date.parse(first.fetchedAt)).not.toBeNaN();
    const cached = value<ModelCatalogList>(await dispatch(e.handlers, 'models.list', { provider: 'local' }));
    expect(cached).toMatchObject({ fromCache: true, fetchedAt: first.fetchedAt });
    expect(server.requests.filter((r) => r.path === '/v1/models')).toHaveLength(1);
    const fresh = value<ModelCatalogList>(await dispatch(e.handlers, 'models.list', { refresh: true }));
    expect(fresh.fromCache).toBe(false);
    expect(server.requests.filter((r) => r.path === '/v1/models')).toHaveLength(2);
  });

  it('matches a typed name or suggests close ones', async () => {
    server = await startScriptedServer([], { modelEntries: entries });
    const e = engine({ PATH: process.env.PATH, LOCAL_LLM_BASE_URL: server.baseURL });
    expect(await dispatch(e.handlers, 'models.suggest', { name: 'acme/big-coder-2' })).toEqual({
      ok: true,
      value: { provider: 'local', match: 'acme/big-coder-2', note: null, suggestions: [], message: null },
    });
    const typo = value<{ match: string | null; suggestions: string[]; message: string }>(
      await dispatch(e.handlers, 'models.suggest', { name: 'big codr' }),
    );
    expect(typo.match).toBeNull();
    expect(typo.suggestions[0]).toBe('acme/big-coder-2');
    expect(typo.message).toMatch(/did you mean/);
    expect(await dispatch(e.handlers, 'models.suggest', { name: '  ' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
  });

  it('says which provider is not configured and what to set, and when its list cannot be fetched', async () => {
    const e = engine({ PATH: process.env.PATH, LOCAL_LLM_BASE_URL: 'http://127.0.0.1:9/v1' });
    const openai = await dispatch(e.handlers, 'models.list', { provider: 'openai' });
    expect(openai).toMatchObject({ ok: false, error: { code: 'unavailable', message: /OPENAI_API_KEY/ } });
    const down = await dispatch(e.handlers, 'models.list', {});
    expect(down).toMatchObject({ ok: false, error: { code: 'unavailable', message: /127\.0\.0\.1:9/ } });
    const nothing = await dispatch(engine({ PATH: process.env.PATH }).handlers, 'models.list', {});
    expect(nothing).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    const badProvider = await dispatch(e.handlers, 'models.list', { provider: 'anthropic' });
    expect(badProvider).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });
});

describe('metrics.list', () => {
  it('describes every metric the engine scores: direction, dataset kinds, probabilities', async () => {
    const { metrics } = value<{
      metrics: {
        name: string;
        direction: string;
        task: string;
        datasetKinds: string[];
        needsProbabilities: boolean;
        binaryOnly: boolean;
        aliases: string[];
      }[];
    }>(await dispatch(engine().handlers, 'metrics.list', {}));
    const byName = new Map(metrics.map((m) => [m.name, m]));
    expect(metrics).toHaveLength(23);
    expect(byName.get('rmse')).toMatchObject({
      direction: 'lower',
      task: 'regression',
      datasetKinds: ['tabular', 'text_jsonl'],
      needsProbabilities: false,
    });
    expect(byName.get('rmse')!.aliases).toContain('root_mean_squared_error');
    expect(byName.get('roc_auc')).toMatchObject({
      direction: 'higher',
      needsProbabilities: true,
      binaryOnly: true,
    });
    expect(byName.get('log_loss')).toMatchObject({ direction: 'lower', needsProbabilities: true });
    expect(byName.get('accuracy')!.datasetKinds).toContain('image_folder');
  });
});
