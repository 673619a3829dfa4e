import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dispatch } from '../api/dispatch';
import type { SetupCheckItem, SetupCheckResult } from '../api';
import { startScriptedServer, type ScriptedServer } from '../llm/scripted-server';
import { useTempDir } from '../testing/temp-dir';
import { createEngine, type Engine } from './engine';

// setup.check through dispatch on a real engine: the scripted OpenAI-compatible server for a live model list,
// a dead port for a server that is not there, the real Docker daemon (and a socket where none answers), the
// machine's git and Python.

const temp = useTempDir('mle-setup-check-');
let engines: Engine[] = [];
let server: ScriptedServer | null = null;

/** Only PATH (and what a test adds): no provider from the machine's environment leaks in. */
function engine(env: NodeJS.ProcessEnv = {}, secrets?: 'user-file'): Engine {
  const e = createEngine({
    host: 'cli',
    ...(secrets ? { secrets } : {}),
    databasePath: path.join(temp.dir, `db-${engines.length}.sqlite`),
    runs: { env: { PATH: process.env.PATH, HOME: temp.dir, ...env }, catalogTimeoutMs: 3000 },
  });
  engines.push(e);
  return e;
}

afterEach(async () => {
  for (const e of engines) await e.close();
  engines = [];
  await server?.close();
  server = null;
});

const entries = [
  {
    id: 'acme/big-coder-2',
    name: 'Acme: Big Coder 2',
    pricing: { prompt: '0.000003', completion: '0.000015' },
    supported_parameters: ['tools'],
  },
  { id: 'acme/tiny-chat', supported_parameters: [] },
];

async function check(e: Engine, input: unknown): Promise<SetupCheckResult> {
  const result = await dispatch(e.handlers, 'setup.check', input);
  if (!result.ok) throw new Error(`expected ok, got ${result.error.message}`);
  return result.value as SetupCheckResult;
}
const byId = (r: SetupCheckResult, id: SetupCheckItem['id']) => {
  const found = r.checks.find((c) => c.id === id);
  if (!found) throw new Error(`no ${id} check in ${r.checks.map((c) => c.id).join(', ')}`);
  return found;
};

describe('setup.check: the provider group', () => {
  it('checks a local server before it is saved: live list, the model found with its price; nothing saved', async () => {
    server = await startScriptedServer([], { modelEntries: entries });
    const e = engine();
    const r = await check(e, {
      groups: ['provider'],
      candidate: { provider: 'local', baseUrl: server.baseURL, model: 'acme/big-coder-2' },
    });
    expect(r.checks.map((c) => [c.id, c.status])).toEqual([
      ['provider', 'ok'],
      ['key', 'ok'],
      ['catalog', 'ok'],
      ['model', 'ok'],
    ]);
    expect(byId(r, 'provider').detail).toContain(server.baseURL);
    expect(byId(r, 'key').detail).toMatch(/not needed/);
    expect(byId(r, 'catalog').detail).toMatch(/^2 models listed by http:\/\/127\.0\.0\.1/);
    expect(byId(r, 'model').detail).toBe('acme/big-coder-2 is listed, $3 / $15 per 1M tokens');
    expect(r.checks.every((c) => c.fix === null)).toBe(true);
    expect(r.ok).toBe(true);
    expect(r.provider).toEqual({
      provider: 'local',
      baseUrl: server.baseURL,
      model: 'acme/big-coder-2',
      modelIsDefault: false,
    });
    expect(r.catalog?.models.map((m) => [m.id, m.inputPricePerMillion])).toEqual([
      ['acme/big-coder-2', 3],
      ['acme/tiny-chat', null],
    ]);
    // A live check, not the cache: the server was asked.
    expect(server.requests.filter((q) => q.path === '/v1/models')).toHaveLength(1);
    // Only a check: the settings and provider.status are as before.
    expect(await dispatch(e.handlers, 'settings.get', {})).toMatchObject({
      ok: true,
      value: { llmProvider: null, localBaseUrl: null, llmModel: null },
    });
    expect(await dispatch(e.handlers, 'provider.status', {})).toMatchObject({
      ok: true,
      value: { resolved: null },
    });
    // Asked again, it asks the server again (a check is live each time).
    await check(e, { groups: ['provider'], candidate: { provider: 'local', baseUrl: server.baseURL } });
    expect(server.requests.filter((q) => q.path === '/v1/models')).toHaveLength(2);
  });

  it('a model name with a typo fails with the close ids; no model chosen says what the server lists', async () => {
    server = await startScriptedServer([], { modelEntries: entries });
    const e = engine();
    const typo = await check(e, {
      groups: ['provider'],
      candidate: { provider: 'local', baseUrl: server.baseURL, model: 'big codr' },
    });
    expect(typo.ok).toBe(false);
    expect(byId(typo, 'model')).toMatchObject({ status: 'fail', detail: /did you mean acme\/big-coder-2/ });
    expect(byId(typo, 'model').fix).toMatch(/Settings → Model/);
    // The list still comes back, so the wizard can offer it.
    expect(typo.catalog?.models).toHaveLength(2);

    const none = await check(e, {
      groups: ['provider'],
      candidate: { provider: 'local', baseUrl: server.baseURL },
    });
    expect(none.provider?.modelIsDefault).toBe(true);
    expect(byId(none, 'model')).toMatchObject({
      status: 'fail',
      detail:
        'no model chosen, and the default "local-model" is not listed (the list has acme/big-coder-2, acme/tiny-chat)',
    });
    const tiny = await check(e, {
      groups: ['provider'],
      candidate: { provider: 'local', baseUrl: server.baseURL, model: 'acme/tiny-chat' },
    });
    expect(byId(tiny, 'model')).toMatchObject({ status: 'warn', detail: /without tool calls/ });
    expect(tiny.ok).toBe(true);
  });

  it('a dead port fails the live check quickly, with what to do, and skips the model', async () => {
    const e = engine();
    const started = Date.now();
    const r = await check(e, {
      groups: ['provider'],
      candidate: { provider: 'local', baseUrl: 'http://127.0.0.1:9/v1', model: 'x' },
    });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(r.ok).toBe(false);
    expect(byId(r, 'catalog')).toMatchObject({
      status: 'fail',
      detail: /Could not reach the local server at http:\/\/127\.0\.0\.1:9\/v1/,
      fix: /Start the local server, or correct its URL/,
    });
    expect(byId(r, 'model').status).toBe('skipped');
    expect(r.catalog).toBeNull();
  });

  it('the configured provider (shell variables) when no candidate is given', async () => {
    server = await startScriptedServer([], { modelEntries: entries });
    const e = engine({ LOCAL_LLM_BASE_URL: server.baseURL, MLE_BEAST_MODEL: 'acme/big-coder-2' });
    const r = await check(e, { groups: ['provider'] });
    expect(r.ok).toBe(true);
    expect(byId(r, 'provider').detail).toMatch(/detected: LOCAL_LLM_BASE_URL is set \(shell\)/);
  });

  it('no provider: fails saying what to set, the rest skipped', async () => {
    const r = await check(engine(), { groups: ['provider'] });
    expect(r.ok).toBe(false);
    expect(byId(r, 'provider')).toMatchObject({ status: 'fail', fix: /OPENROUTER_API_KEY/ });
    expect(r.checks.slice(1).map((c) => c.status)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(r.provider).toBeNull();
  });

  it('a hosted provider without its key fails on the key, naming the variable and where to set it', async () => {
    const r = await check(engine(), { groups: ['provider'], candidate: { provider: 'openrouter' } });
    expect(byId(r, 'key')).toMatchObject({ status: 'fail', detail: /OPENROUTER_API_KEY is not set/ });
    expect(byId(r, 'key').fix).toMatch(/export OPENROUTER_API_KEY=/);
    expect(byId(r, 'catalog').status).toBe('skipped');
  });

  it('a key saved in the app (secrets.set) counts for the key check, shown masked', async () => {
    const e = engine({}, 'user-file');
    const key = 'sk-or-v1-0123456789abcdef0123456789abcdef';
    expect(
      await dispatch(e.handlers, 'secrets.set', {
        variable: 'OPENROUTER_API_KEY',
        value: key,
        allowPlainText: true,
      }),
    ).toMatchObject({ ok: true });
    const r = await check(e, { groups: ['provider'], candidate: { provider: 'openrouter' } });
    const keyCheck = byId(r, 'key');
    expect(keyCheck.status).toBe('ok');
    expect(keyCheck.detail).toMatch(/^OPENROUTER_API_KEY=sk-or-v1-\.\.\.cdef \(saved/);
    expect(JSON.stringify(r)).not.toContain(key);
    // The catalog is then asked of OpenRouter itself (no network here, or a real answer): either way, an answer.
    expect(['ok', 'fail']).toContain(byId(r, 'catalog').status);
  });

  it('warns when the shell would still win over the provider chosen here', async () => {
    server = await startScriptedServer([], { modelEntries: entries });
    const e = engine({ OPENAI_API_KEY: 'sk-test-000000000000', MLE_BEAST_PROVIDER: 'openai' });
    const r = await check(e, {
      groups: ['provider'],
      candidate: { provider: 'local', baseUrl: server.baseURL, model: 'acme/big-coder-2' },
    });
    expect(byId(r, 'provider')).toMatchObject({
      status: 'warn',
      detail: /once saved new runs would still use openai/,
      fix: /shell and the \.env file come before/,
    });
  });

  it('refuses a candidate that does not make sense, saying what is wrong', async () => {
    const e = engine();
    expect(await dispatch(e.handlers, 'setup.check', { candidate: { provider: 'local' } })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: /needs the URL of its server/ },
    });
    expect(
      await dispatch(e.handlers, 'setup.check', {
        candidate: { provider: 'openai', baseUrl: 'http://127.0.0.1:1/v1' },
      }),
    ).toMatchObject({ ok: false, error: { code: 'invalid_input', message: /local provider only/ } });
    expect(
      await dispatch(e.handlers, 'setup.check', { candidate: { provider: 'local', baseUrl: 'ftp://x/v1' } }),
    ).toMatchObject({ ok: false, error: { code: 'invalid_input', message: /http:\/\/ or https:\/\// } });
    expect(await dispatch(e.handlers, 'setup.check', { groups: ['everything'] })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
  });
});

/** What the Docker CLI says of this machine, to hold the engine's answer against. */
function dockerTruth(): { up: boolean; image: boolean } {
  try {
    execFileSync('docker', ['version', '--format', '{{.Server.Version}}'], {
      stdio: 'pipe',
      timeout: 10_000,
    });
  } catch {
    return { up: false, image: false };
  }
  const images = execFileSync('docker', ['images', '--format', '{{.Repository}}:{{.Tag}}'], {
    encoding: 'utf8',
  });
  return { up: true, image: /^mle-beast-sandbox:/m.test(images) };
}

describe('setup.check: the sandbox and tools groups', () => {
  it('says what the real Docker daemon says, the image as `docker images` lists it', async () => {
    const truth = dockerTruth();
    const r = await check(engine({ DOCKER_HOST: process.env.DOCKER_HOST }), { groups: ['sandbox'] });
    expect(r.checks.map((c) => c.id)).toEqual(['docker', 'image', 'os-sandbox', 'gpu']);
    expect(byId(r, 'docker').status).toBe(truth.up ? 'ok' : 'fail');
    if (truth.up) {
      expect(byId(r, 'docker').detail).toMatch(/^Docker \d+\.\d+.* answers at /);
      const image = byId(r, 'image');
      if (truth.image) expect(image.status).toMatch(/ok|warn/);
      else expect(image).toMatchObject({ status: 'fail', fix: /mle-beast sandbox build --offline/ });
    }
    // Every check that is not ok says what to do.
    for (const c of r.checks) {
      if (c.status === 'warn' || c.status === 'fail') expect(c.fix, c.id).toBeTruthy();
      else expect(c.fix, c.id).toBeNull();
    }
  });

  it('a Docker daemon that does not answer fails (the default sandbox is Docker) and skips the image', async () => {
    const e = engine({ DOCKER_HOST: `unix://${path.join(temp.dir, 'no-docker.sock')}` });
    const r = await check(e, { groups: ['sandbox'] });
    expect(byId(r, 'docker')).toMatchObject({ status: 'fail', detail: /no-docker\.sock/ });
    expect(byId(r, 'docker').fix).toBeTruthy();
    expect(byId(r, 'image').status).toBe('skipped');
    expect(r.ok).toBe(false);
    // For a user of local runs, Docker is a warning, not a failure.
    await dispatch(e.handlers, 'settings.update', { defaultSandbox: 'local' });
    const local = await check(e, { groups: ['sandbox'] });
    expect(byId(local, 'docker').status).toBe('warn');
  });

  it('git and Python as the machine has them', async () => {
    const r = await check(engine(), { groups: ['tools'] });
    const git = execFileSync('git', ['version'], { encoding: 'utf8' }).trim();
    expect(byId(r, 'git')).toEqual({ id: 'git', label: 'git', status: 'ok', detail: git, fix: null });
    const python = byId(r, 'python');
    expect(python.detail).toMatch(/^Python 3\.\d+/);
    // Docker is the default sandbox: a Python without the packages is only a warning.
    expect(python.status).toMatch(/ok|warn/);
    if (python.status === 'warn') expect(python.fix).toMatch(/pip install/);
  });

  it('all groups at once, in the order doctor prints them', async () => {
    const r = await check(engine(), {});
    expect(r.checks.map((c) => c.id)).toEqual([
      'provider',
      'key',
      'catalog',
      'model',
      'docker',
      'image',
      'os-sandbox',
      'gpu',
      'git',
      'python',
    ]);
  });
});
