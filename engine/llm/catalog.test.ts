import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../store/database';
import { ModelCatalogRepository } from '../store/model-catalog-repository';
import { useTempDir } from '../testing/temp-dir';
import {
  fetchCatalog,
  formatAge,
  loadCatalog,
  matchModel,
  normaliseModels,
  pricesFromCatalog,
  supportsTools,
  type ModelCatalog,
} from './catalog';
import { createLlmClient } from './client';
import { startScriptedServer, type ScriptedServer } from './scripted-server';
import { extractUsage } from './usage';

/** OpenRouter-style `/models` entries, with the fields and oddities the real list has. */
const OPENROUTER_ENTRIES: unknown[] = [
  {
    id: 'anthropic/claude-sonnet-4-6',
    canonical_slug: 'anthropic/claude-sonnet-4-6-20260101',
    name: 'Anthropic: Claude Sonnet 4.6',
    created: 1767225600,
    context_length: 200000,
    architecture: { input_modalities: ['text', 'image'], output_modalities: ['text'], tokenizer: 'Claude' },
    pricing: {
      prompt: '0.000003',
      completion: '0.000015',
      input_cache_read: '0.0000003',
      input_cache_write: '0.00000375',
      request: '0',
      web_search: '0.01',
    },
    top_provider: { context_length: 200000, max_completion_tokens: 64000, is_moderated: true },
    supported_parameters: ['max_tokens', 'temperature', 'tools', 'tool_choice', 'response_format'],
  },
  {
    id: 'anthropic/claude-haiku-4-5',
    name: 'Anthropic: Claude Haiku 4.5',
    context_length: 200000,
    pricing: { prompt: '0.000001', completion: '0.000005' },
    supported_parameters: ['tools', 'max_tokens'],
  },
  {
    id: 'anthropic/claude-opus-4-7',
    name: 'Anthropic: Claude Opus 4.7',
    pricing: { prompt: '0.000015', completion: '0.000075' },
    supported_parameters: ['tools'],
  },
  {
    id: 'deepseek/deepseek-v4-flash',
    name: 'DeepSeek V4 Flash',
    top_provider: { context_length: 131072 },
    pricing: { prompt: '0.0000002', completion: '0.0000008', audio: '0.1' },
    supported_parameters: ['max_tokens', 'temperature'],
  },
  { id: 'openai/gpt-4o-mini', pricing: { prompt: 1.5e-7, completion: '0.0000006' } },
  { id: 'meta-llama/llama-3.3-70b:free', pricing: { prompt: '0', completion: '0' } },
  { id: 'openrouter/auto', name: 'Auto Router', pricing: { prompt: '-1', completion: '-1' } },
  { id: 'mistralai/devstral', pricing: 'not an object', supported_parameters: 'tools' },
  { name: 'no id: skipped' },
  'not an object',
  { id: 'anthropic/claude-sonnet-4-6', name: 'duplicate: skipped' },
];

const KEY = 'sk-or-v1-catalogtestkey0123456789';
const T0 = new Date('2026-11-01T12:00:00.000Z');
const HOUR = 3_600_000;

const temp = useTempDir();
let server: ScriptedServer | null = null;
let store: Store | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
  store?.close();
  store = null;
});

async function serve(entries = OPENROUTER_ENTRIES) {
  server = await startScriptedServer([], { modelEntries: entries });
  const client = createLlmClient(
    { provider: 'openrouter', baseURL: server.baseURL, apiKey: KEY, model: 'openai/gpt-4o-mini' },
    { timeoutMs: 2000 },
  );
  return { client, baseURL: server.baseURL };
}

function cache(): ModelCatalogRepository {
  store = openStore({ path: path.join(temp.dir, 'db.sqlite') });
  return new ModelCatalogRepository(store.db);
}

const catalogOf = (provider: string, ids: string[]): ModelCatalog => ({
  provider,
  baseURL: 'http://x/v1',
  fetchedAt: T0.toISOString(),
  models: normaliseModels(ids.map((id) => ({ id }))),
});

describe('fetching the catalog', () => {
  it('normalises OpenRouter-style entries over real HTTP, tolerant of odd and unknown fields', async () => {
    const { client, baseURL } = await serve();
    const r = await fetchCatalog(client, baseURL, { now: T0 });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(server?.requests.map((q) => `${q.method} ${q.path}`)).toEqual(['GET /v1/models']);
    expect(r.catalog.provider).toBe('openrouter');
    expect(r.catalog.fetchedAt).toBe(T0.toISOString());
    const byId = new Map(r.catalog.models.map((m) => [m.id, m]));
    expect(r.catalog.models).toHaveLength(8);
    expect(byId.get('anthropic/claude-sonnet-4-6')).toEqual({
      id: 'anthropic/claude-sonnet-4-6',
      name: 'Anthropic: Claude Sonnet 4.6',
      contextLength: 200000,
      supportsTools: true,
      price: { prompt: 0.000003, completion: 0.000015, cachedRead: 0.0000003 },
    });
    expect(byId.get('deepseek/deepseek-v4-flash')).toMatchObject({
      contextLength: 131072, // from top_provider
      supportsTools: false,
    });
    expect(byId.get('openai/gpt-4o-mini')).toEqual({
      id: 'openai/gpt-4o-mini',
      name: null,
      contextLength: null,
      supportsTools: null, // not listed: unknown
      price: { prompt: 1.5e-7, completion: 0.0000006, cachedRead: null },
    });
    expect(byId.get('meta-llama/llama-3.3-70b:free')?.price).toEqual({
      prompt: 0,
      completion: 0,
      cachedRead: null,
    });
    expect(byId.get('openrouter/auto')?.price).toEqual({ prompt: null, completion: null, cachedRead: null });
    expect(byId.get('mistralai/devstral')).toMatchObject({
      supportsTools: null,
      price: { prompt: null, completion: null, cachedRead: null },
    });
  });

  it('reads a plain OpenAI-compatible list (ids only) as unknown capabilities and prices', () => {
    expect(normaliseModels([{ id: 'gpt-5-mini', object: 'model', owned_by: 'openai' }])).toEqual([
      {
        id: 'gpt-5-mini',
        name: null,
        contextLength: null,
        supportsTools: null,
        price: { prompt: null, completion: null, cachedRead: null },
      },
    ]);
  });
});

describe('loading through the cache', () => {
  it('fetches when missing, then serves from the cache while fresh, and refetches when stale', async () => {
    const { client, baseURL } = await serve();
    const repo = cache();
    const first = await loadCatalog(client, baseURL, repo, { now: T0, ttlMs: HOUR });
    expect(first).toMatchObject({ ok: true, source: 'provider', note: null });
    const second = await loadCatalog(client, baseURL, repo, {
      now: new Date(T0.getTime() + HOUR / 2),
      ttlMs: HOUR,
    });
    expect(second).toMatchObject({ ok: true, source: 'cache', note: null });
    expect(server?.requests).toHaveLength(1);
    const later = new Date(T0.getTime() + 2 * HOUR);
    const third = await loadCatalog(client, baseURL, repo, { now: later, ttlMs: HOUR });
    expect(third).toMatchObject({ ok: true, source: 'provider' });
    expect(third.ok && third.catalog.fetchedAt).toBe(later.toISOString());
    expect(server?.requests).toHaveLength(2);
    const forced = await loadCatalog(client, baseURL, repo, { now: later, ttlMs: HOUR, refresh: true });
    expect(forced).toMatchObject({ ok: true, source: 'provider' });
    expect(server?.requests).toHaveLength(3);
  });

  it('uses a stale cache when the provider cannot be reached, with a note saying how old it is', async () => {
    const { client, baseURL } = await serve();
    const repo = cache();
    await loadCatalog(client, baseURL, repo, { now: T0, ttlMs: HOUR });
    await server?.close();
    server = null;
    const r = await loadCatalog(client, baseURL, repo, {
      now: new Date(T0.getTime() + 3 * HOUR),
      ttlMs: HOUR,
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.source).toBe('stale_cache');
    expect(r.catalog.models).toHaveLength(8);
    expect(r.note).toMatch(/^using the model list cached 3 h ago \(fetched 2026-11-01T12:00:00.000Z\)/);
    expect(r.note).toMatch(/Could not reach OpenRouter/);
    expect(r.note).not.toContain(KEY);
  });

  it('with fallback: false, fails with the fetch error even when a list is cached', async () => {
    const { client, baseURL } = await serve();
    const repo = cache();
    await loadCatalog(client, baseURL, repo, { now: T0, ttlMs: HOUR });
    await server?.close();
    server = null;
    const r = await loadCatalog(client, baseURL, repo, {
      now: T0,
      ttlMs: HOUR,
      refresh: true,
      fallback: false,
    });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.kind).toBe('connection');
  });

  it('fails with the fetch error when the provider is down and nothing is cached', async () => {
    const { client, baseURL } = await serve();
    await server?.close();
    server = null;
    const r = await loadCatalog(client, baseURL, cache(), { now: T0 });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.kind).toBe('connection');
  });

  it('formats ages', () => {
    expect([45_000, 12 * 60_000, 3 * HOUR, 72 * HOUR].map(formatAge)).toEqual([
      '45 s',
      '12 min',
      '3 h',
      '3 days',
    ]);
  });
});

describe('matching a typed model name', () => {
  const openrouter: ModelCatalog = {
    provider: 'openrouter',
    baseURL: 'http://x/v1',
    fetchedAt: T0.toISOString(),
    models: normaliseModels(OPENROUTER_ENTRIES),
  };
  const openai = catalogOf('openai', ['gpt-4o-mini', 'gpt-4o', 'gpt-5-mini', 'o3']);

  it('passes the exact id, and a case-only difference as the catalog id', () => {
    expect(matchModel('anthropic/claude-sonnet-4-6', openrouter)).toEqual({
      ok: true,
      model: 'anthropic/claude-sonnet-4-6',
      note: null,
    });
    expect(matchModel('GPT-4o', openai)).toMatchObject({ ok: true, model: 'gpt-4o' });
  });

  it('reads an OpenRouter bare name as the one id ending in /<name>', () => {
    expect(matchModel('claude-haiku-4-5', openrouter)).toEqual({
      ok: true,
      model: 'anthropic/claude-haiku-4-5',
      note: '"claude-haiku-4-5" read as anthropic/claude-haiku-4-5',
    });
  });

  it('offers the candidates when a bare name ends several ids', () => {
    const two = catalogOf('openrouter', ['qwen/qwen3-coder', 'other/qwen3-coder', 'x/y']);
    expect(matchModel('qwen3-coder', two)).toEqual({
      ok: false,
      message:
        'unknown model "qwen3-coder" for openrouter; did you mean qwen/qwen3-coder, other/qwen3-coder?',
      suggestions: ['qwen/qwen3-coder', 'other/qwen3-coder'],
    });
  });

  it('strips a provider prefix on OpenAI (and local servers)', () => {
    expect(matchModel('openai/gpt-5-mini', openai)).toMatchObject({ ok: true, model: 'gpt-5-mini' });
    const local = catalogOf('local', ['qwen3-coder:30b']);
    expect(matchModel('ollama/qwen3-coder:30b', local)).toMatchObject({ ok: true, model: 'qwen3-coder:30b' });
  });

  it('suggests close names for a typo', () => {
    const r = matchModel('claude sonet', openrouter);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.suggestions[0]).toBe('anthropic/claude-sonnet-4-6');
    expect(r.suggestions.length).toBeLessThanOrEqual(3);
    expect(r.message).toMatch(
      /^unknown model "claude sonet" for openrouter; did you mean anthropic\/claude-sonnet-4-6(, [^,]+)*\?$/,
    );
    const typo = matchModel('gpt-4o-mnii', openai);
    expect(!typo.ok && typo.suggestions[0]).toBe('gpt-4o-mini');
  });

  it('says so when nothing is close', () => {
    expect(matchModel('zzqqxx-9000', openai)).toEqual({
      ok: false,
      message: 'unknown model "zzqqxx-9000" for openai; no close match among its 4 models',
      suggestions: [],
    });
    // A short name matches too much by chance; it is held to a stricter cut-off.
    expect(matchModel('foo', openrouter)).toMatchObject({ ok: false, suggestions: [] });
    expect(matchModel('anything', catalogOf('local', []))).toEqual({
      ok: false,
      message: 'unknown model "anything" for local: the provider lists no models',
      suggestions: [],
    });
  });
});

describe('prices and tool support', () => {
  const catalog: ModelCatalog = {
    provider: 'openrouter',
    baseURL: 'http://x/v1',
    fetchedAt: T0.toISOString(),
    models: normaliseModels(OPENROUTER_ENTRIES),
  };

  it('turns the catalog into the client price table (priced models only)', () => {
    const prices = pricesFromCatalog(catalog);
    expect(prices['anthropic/claude-sonnet-4-6']).toEqual({
      prompt: 0.000003,
      completion: 0.000015,
      cachedPrompt: 0.0000003,
    });
    expect(prices['openai/gpt-4o-mini']).toEqual({ prompt: 1.5e-7, completion: 0.0000006 });
    expect(prices['meta-llama/llama-3.3-70b:free']).toEqual({ prompt: 0, completion: 0 });
    expect(Object.hasOwn(prices, 'openrouter/auto')).toBe(false);
    expect(Object.hasOwn(prices, 'mistralai/devstral')).toBe(false);
    // It is what the client's cost computation takes.
    const usage = extractUsage(
      {
        prompt_tokens: 1000,
        completion_tokens: 100,
        total_tokens: 1100,
        prompt_tokens_details: { cached_tokens: 400 },
      },
      'anthropic/claude-sonnet-4-6',
      prices,
    );
    expect(usage.costSource).toBe('price_table');
    expect(usage.costUsd).toBeCloseTo(600 * 0.000003 + 400 * 0.0000003 + 100 * 0.000015, 12);
  });

  it('answers whether a model takes tools: true, false or unknown', () => {
    expect(supportsTools(catalog, 'anthropic/claude-sonnet-4-6')).toBe(true);
    expect(supportsTools(catalog, 'deepseek/deepseek-v4-flash')).toBe(false);
    expect(supportsTools(catalog, 'openai/gpt-4o-mini')).toBe('unknown');
    expect(supportsTools(catalog, 'not/in-catalog')).toBe('unknown');
  });
});
