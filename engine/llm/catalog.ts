import Fuse from 'fuse.js';
import { z } from 'zod';
import type { CallContext, LlmClient, LlmError } from './client';
import type { PriceTable } from './usage';

/**
 * The model catalog: the provider's `GET /models`, normalised, cached (see `CatalogCache`; the store's
 * ModelCatalogRepository implements it) with a time-to-live, used to check a typed model name (exact, OpenRouter
 * bare name, OpenAI `prefix/name`, then fuzzy suggestions), to price calls, and to know which models take tools.
 */

/** USD per token; null when the provider did not say (or said "variable", OpenRouter's `-1`). */
export const CatalogPrice = z.object({
  prompt: z.number().nullable(),
  completion: z.number().nullable(),
  cachedRead: z.number().nullable(),
});
export type CatalogPrice = z.infer<typeof CatalogPrice>;

export const CatalogModel = z.object({
  id: z.string().min(1),
  name: z.string().nullable(),
  contextLength: z.number().nullable(),
  /** From `supported_parameters` when the provider lists them; null when it does not (unknown). */
  supportsTools: z.boolean().nullable(),
  price: CatalogPrice,
});
export type CatalogModel = z.infer<typeof CatalogModel>;

export const ModelCatalog = z.object({
  provider: z.string(),
  baseURL: z.string(),
  /** ISO time of the fetch. */
  fetchedAt: z.string(),
  models: z.array(CatalogModel),
});
export type ModelCatalog = z.infer<typeof ModelCatalog>;

/** One raw `/models` entry, tolerant: only `id` is required; unknown fields are kept and ignored. */
const RawEntry = z.looseObject({
  id: z.string().min(1),
  name: z.unknown().optional(),
  context_length: z.unknown().optional(),
  top_provider: z.unknown().optional(),
  supported_parameters: z.unknown().optional(),
  pricing: z.unknown().optional(),
});

/** A per-token price string or number → number; null for absent, unreadable, negative (`-1`: variable). */
function priceOf(v: unknown): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) && n >= 0 ? n : null;
}

const positiveInt = (v: unknown): number | null =>
  typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : null;

/** Normalises raw `/models` entries; entries without an id are skipped, duplicates keep the first. */
export function normaliseModels(raw: readonly unknown[]): CatalogModel[] {
  const seen = new Set<string>();
  const out: CatalogModel[] = [];
  for (const item of raw) {
    const parsed = RawEntry.safeParse(item);
    if (!parsed.success || seen.has(parsed.data.id)) continue;
    const e = parsed.data;
    seen.add(e.id);
    const pricing =
      typeof e.pricing === 'object' && e.pricing !== null ? (e.pricing as Record<string, unknown>) : {};
    const top =
      typeof e.top_provider === 'object' && e.top_provider !== null
        ? (e.top_provider as Record<string, unknown>)
        : {};
    const params = Array.isArray(e.supported_parameters)
      ? e.supported_parameters.filter((p): p is string => typeof p === 'string')
      : null;
    out.push({
      id: e.id,
      name: typeof e.name === 'string' && e.name.trim() !== '' ? e.name : null,
      contextLength: positiveInt(e.context_length) ?? positiveInt(top.context_length),
      supportsTools: params === null ? null : params.includes('tools'),
      price: {
        prompt: priceOf(pricing.prompt),
        completion: priceOf(pricing.completion),
        cachedRead: priceOf(pricing.input_cache_read),
      },
    });
  }
  return out;
}

export type FetchCatalogResult = { ok: true; catalog: ModelCatalog } | { ok: false; error: LlmError };

/** Fetches and normalises the provider's models through the client (one attempt). */
export async function fetchCatalog(
  client: Pick<LlmClient, 'provider' | 'listModelEntries'>,
  baseURL: string,
  options: { now?: Date; signal?: AbortSignal; context?: CallContext } = {},
): Promise<FetchCatalogResult> {
  const r = await client.listModelEntries({ signal: options.signal, context: options.context });
  if (!r.ok) return r;
  return {
    ok: true,
    catalog: {
      provider: client.provider,
      baseURL,
      fetchedAt: (options.now ?? new Date()).toISOString(),
      models: normaliseModels(r.value),
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Cache

export type CachedCatalog =
  | { status: 'fresh'; catalog: ModelCatalog; ageMs: number }
  | { status: 'stale'; catalog: ModelCatalog; ageMs: number }
  | { status: 'missing' };

/** Where catalogs are kept between runs (the store's ModelCatalogRepository). */
export interface CatalogCache {
  get(provider: string, baseURL: string, now: Date, ttlMs: number): CachedCatalog;
  put(catalog: ModelCatalog): void;
}

/** A day: model lists change slowly, and a stale one is still used when the provider cannot be reached. */
export const DEFAULT_CATALOG_TTL_MS = 24 * 60 * 60 * 1000;

export type LoadCatalogResult =
  | {
      ok: true;
      catalog: ModelCatalog;
      source: 'cache' | 'provider' | 'stale_cache';
      /** Set when a stale cache stood in for an unreachable provider: says how old it is and why. */
      note: string | null;
    }
  | { ok: false; error: LlmError };

/**
 * The catalog for a provider: the cache when fresh (unless `refresh`), else a fetch (then cached); when the fetch
 * fails, a stale cache with a note saying how old it is (unless `fallback` is false); else the fetch's error.
 */
export async function loadCatalog(
  client: Pick<LlmClient, 'provider' | 'listModelEntries'>,
  baseURL: string,
  cache: CatalogCache,
  options: {
    now?: Date;
    ttlMs?: number;
    refresh?: boolean;
    /** False: a failed fetch is the answer, even with a cached list (the caller needs the provider to answer). */
    fallback?: boolean;
    signal?: AbortSignal;
  } = {},
): Promise<LoadCatalogResult> {
  const now = options.now ?? new Date();
  const ttlMs = options.ttlMs ?? DEFAULT_CATALOG_TTL_MS;
  const cached = cache.get(client.provider, baseURL, now, ttlMs);
  if (cached.status === 'fresh' && !options.refresh) {
    return { ok: true, catalog: cached.catalog, source: 'cache', note: null };
  }
  const fetched = await fetchCatalog(client, baseURL, { now, signal: options.signal });
  if (fetched.ok) {
    cache.put(fetched.catalog);
    return { ok: true, catalog: fetched.catalog, source: 'provider', note: null };
  }
  if (cached.status !== 'missing' && fetched.error.kind !== 'cancelled' && options.fallback !== false) {
    return {
      ok: true,
      catalog: cached.catalog,
      source: 'stale_cache',
      note:
        `using the model list cached ${formatAge(cached.ageMs)} ago (fetched ${cached.catalog.fetchedAt}): ` +
        `the provider's list could not be fetched: ${fetched.error.message}`,
    };
  }
  return fetched;
}

/** "45 s", "12 min", "3 h", "2 days". */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.round(min / 60);
  if (h < 48) return `${h} h`;
  return `${Math.round(h / 24)} days`;
}

// ---------------------------------------------------------------------------------------------------------
// Matching

export type MatchResult =
  | {
      ok: true;
      /** The catalog's id for the model. */
      model: string;
      /** How the typed name was read when it was not the id itself (e.g. `bare name → anthropic/...`). */
      note: string | null;
    }
  | { ok: false; message: string; suggestions: string[] };

const SUGGESTIONS = 3;
/**
 * fuse.js score cut-off (0 exact, 1 anything): 0.4 lets a typo or two and a missing word through (`gemini pro`),
 * not an unrelated name; a name under 4 characters matches too much by chance, so it gets a strict 0.2.
 */
const FUZZY_THRESHOLD = 0.4;
const SHORT_NAME_THRESHOLD = 0.2;

/**
 * Checks a typed model name against the catalog, as the original does (inventory 10.4) and a little more:
 * 1. the exact id passes; so does a case-only difference (as the catalog's id);
 * 2. OpenRouter bare name (`claude-sonnet-4-6`) → the one id ending in `/<name>`; several → suggestions;
 * 3. on OpenAI and local servers, `prefix/name` → `name` when that is an id;
 * 4. else up to 3 fuzzy suggestions (fuse.js over the id and the part after the last `/`).
 */
export function matchModel(typed: string, catalog: Pick<ModelCatalog, 'provider' | 'models'>): MatchResult {
  const name = typed.trim();
  const ids = catalog.models.map((m) => m.id);
  if (ids.includes(name)) return { ok: true, model: name, note: null };
  const lower = name.toLowerCase();
  const caseOnly = ids.filter((id) => id.toLowerCase() === lower);
  if (caseOnly.length === 1) {
    return { ok: true, model: caseOnly[0] as string, note: `"${name}" read as ${caseOnly[0] as string}` };
  }

  if (!name.includes('/')) {
    const ending = ids.filter((id) => id.toLowerCase().endsWith(`/${lower}`));
    if (ending.length === 1) {
      return {
        ok: true,
        model: ending[0] as string,
        note: `"${name}" read as ${ending[0] as string}`,
      };
    }
    if (ending.length > 1) return unknown(name, catalog, ending.slice(0, SUGGESTIONS), ids.length);
  } else if (catalog.provider !== 'openrouter') {
    const bare = name.slice(name.lastIndexOf('/') + 1).toLowerCase();
    const stripped = ids.filter((id) => id.toLowerCase() === bare);
    if (stripped.length === 1) {
      return {
        ok: true,
        model: stripped[0] as string,
        note: `"${name}" read as ${stripped[0] as string} (${catalog.provider} ids have no provider prefix)`,
      };
    }
  }
  return unknown(name, catalog, fuzzy(name, ids), ids.length);
}

function fuzzy(name: string, ids: string[]): string[] {
  if (name === '' || ids.length === 0) return [];
  const items = ids.map((id) => ({ id, slug: id.slice(id.lastIndexOf('/') + 1) }));
  const fuse = new Fuse(items, {
    keys: ['id', 'slug'],
    includeScore: true,
    ignoreLocation: true,
    threshold: name.length < 4 ? SHORT_NAME_THRESHOLD : FUZZY_THRESHOLD,
  });
  return fuse
    .search(name)
    .slice(0, SUGGESTIONS)
    .map((r) => r.item.id);
}

function unknown(
  name: string,
  catalog: Pick<ModelCatalog, 'provider'>,
  suggestions: string[],
  total: number,
): MatchResult {
  const where = `unknown model "${name}" for ${catalog.provider}`;
  const message =
    suggestions.length > 0
      ? `${where}; did you mean ${suggestions.join(', ')}?`
      : total === 0
        ? `${where}: the provider lists no models`
        : `${where}; no close match among its ${total} models`;
  return { ok: false, message, suggestions };
}

// ---------------------------------------------------------------------------------------------------------
// Prices and capabilities

/** The client's `prices` option from a catalog: models with both a prompt and a completion price. */
export function pricesFromCatalog(catalog: Pick<ModelCatalog, 'models'>): PriceTable {
  const table: Record<string, { prompt: number; completion: number; cachedPrompt?: number }> = {};
  for (const m of catalog.models) {
    const { prompt, completion, cachedRead } = m.price;
    if (prompt === null || completion === null) continue;
    table[m.id] =
      cachedRead === null ? { prompt, completion } : { prompt, completion, cachedPrompt: cachedRead };
  }
  return table;
}

export type ToolSupport = true | false | 'unknown';

/**
 * Whether the model takes native tool calls: from OpenRouter's `supported_parameters`; 'unknown' when the
 * provider does not say (OpenAI, local servers) or the model is not in the catalog. The pipeline uses native
 * tools for true, JSON mode for false, and its per-provider default for 'unknown'.
 */
export function supportsTools(catalog: Pick<ModelCatalog, 'models'>, model: string): ToolSupport {
  const found = catalog.models.find((m) => m.id === model);
  if (!found || found.supportsTools === null) return 'unknown';
  return found.supportsTools;
}
