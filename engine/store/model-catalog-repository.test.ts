import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ModelCatalog } from '../llm/catalog';
import { useTempDir } from '../testing/temp-dir';
import { openStore } from './database';
import { migrations } from './migrations';
import { ModelCatalogRepository } from './model-catalog-repository';

const HOUR = 3_600_000;
const T0 = new Date('2026-11-01T12:00:00.000Z');
const catalog = (baseURL: string, fetchedAt = T0, ids = ['openai/gpt-4o-mini']): ModelCatalog => ({
  provider: 'openrouter',
  baseURL,
  fetchedAt: fetchedAt.toISOString(),
  models: ids.map((id) => ({
    id,
    name: null,
    contextLength: 128000,
    supportsTools: true,
    price: { prompt: 1e-7, completion: 2e-7, cachedRead: null },
  })),
});
const at = (ms: number): Date => new Date(T0.getTime() + ms);

describe('model catalog repository', () => {
  const temp = useTempDir();
  let file: string;
  beforeEach(() => (file = path.join(temp.dir, 'db.sqlite')));

  it('migration 002 applies to a database created with only 001', () => {
    const old = openStore({ path: file, migrations: migrations.slice(0, 1) });
    expect(old.applied).toEqual(['001_settings']);
    old.close();
    const store = openStore({ path: file, migrations: migrations.slice(0, 2) });
    expect(store.applied).toEqual(['002_model_catalog']);
    new ModelCatalogRepository(store.db).put(catalog('http://a/v1'));
    store.close();
  });

  it('says fresh within the time-to-live, stale after it, missing when never fetched', () => {
    const store = openStore({ path: file });
    const repo = new ModelCatalogRepository(store.db);
    expect(repo.get('openrouter', 'http://a/v1', T0, HOUR)).toEqual({ status: 'missing' });
    repo.put(catalog('http://a/v1'));
    expect(repo.get('openrouter', 'http://a/v1', at(HOUR), HOUR)).toMatchObject({
      status: 'fresh',
      ageMs: HOUR,
      catalog: catalog('http://a/v1'),
    });
    expect(repo.get('openrouter', 'http://a/v1', at(HOUR + 1), HOUR)).toMatchObject({
      status: 'stale',
      ageMs: HOUR + 1,
    });
    // Keyed by base URL too: another local server has its own list.
    expect(repo.get('openrouter', 'http://b/v1', T0, HOUR).status).toBe('missing');
    expect(repo.get('local', 'http://a/v1', T0, HOUR).status).toBe('missing');
    store.close();
  });

  it('replaces a catalog and keeps it across reopening', () => {
    const store = openStore({ path: file });
    const repo = new ModelCatalogRepository(store.db);
    repo.put(catalog('http://a/v1'));
    repo.put(catalog('http://a/v1', at(2 * HOUR), ['x/new']));
    store.close();
    const reopened = openStore({ path: file });
    const got = new ModelCatalogRepository(reopened.db).get('openrouter', 'http://a/v1', at(2 * HOUR), HOUR);
    expect(got.status).toBe('fresh');
    expect(got.status !== 'missing' && got.catalog.models.map((m) => m.id)).toEqual(['x/new']);
    reopened.close();
  });

  it('treats an unreadable row as missing, and says so', () => {
    const store = openStore({ path: file });
    store.db
      .prepare('INSERT INTO model_catalog VALUES (?, ?, ?, ?)')
      .run('openrouter', 'http://a/v1', '{"models": 3}', T0.toISOString());
    const warn = vi.fn();
    expect(new ModelCatalogRepository(store.db, warn).get('openrouter', 'http://a/v1', T0, HOUR)).toEqual({
      status: 'missing',
    });
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/unreadable/));
    store.close();
  });
});
