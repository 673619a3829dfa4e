import type Database from 'better-sqlite3';
import { ModelCatalog, type CachedCatalog, type CatalogCache } from '../llm/catalog';

/**
 * Cached model catalogs, one row per provider and base URL (two local servers list different models). Reading
 * validates the stored JSON; a row that no longer fits (another version, a hand edit) counts as missing and is
 * reported once, so a fresh fetch replaces it.
 */
export class ModelCatalogRepository implements CatalogCache {
  constructor(
    private readonly db: Database.Database,
    private readonly warn: (message: string) => void = (m) => console.warn(m),
  ) {}

  /** `fresh` when fetched at most `ttlMs` before `now`, else `stale`; `missing` when none (or unreadable). */
  get(provider: string, baseURL: string, now: Date, ttlMs: number): CachedCatalog {
    const row = this.db
      .prepare('SELECT catalog_json, fetched_at FROM model_catalog WHERE provider = ? AND base_url = ?')
      .get(provider, baseURL) as { catalog_json: string; fetched_at: string } | undefined;
    if (!row) return { status: 'missing' };
    const parsed = ModelCatalog.safeParse(JSON.parse(row.catalog_json));
    const fetched = Date.parse(row.fetched_at);
    if (!parsed.success || Number.isNaN(fetched)) {
      this.warn(
        `the cached model list for ${provider} at ${baseURL} is unreadable; it will be fetched again`,
      );
      return { status: 'missing' };
    }
    const ageMs = Math.max(0, now.getTime() - fetched);
    return { status: ageMs <= ttlMs ? 'fresh' : 'stale', catalog: parsed.data, ageMs };
  }

  /** Replaces the provider's catalog for that base URL. */
  put(catalog: ModelCatalog): void {
    this.db
      .prepare(
        `INSERT INTO model_catalog (provider, base_url, catalog_json, fetched_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(provider, base_url) DO UPDATE SET
           catalog_json = excluded.catalog_json, fetched_at = excluded.fetched_at`,
      )
      .run(catalog.provider, catalog.baseURL, JSON.stringify(catalog), catalog.fetchedAt);
  }
}
