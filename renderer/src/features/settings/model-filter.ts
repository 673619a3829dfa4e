import type { ModelCatalogList } from '../../../../engine/api';

/** Models whose id or name holds every word of the search, case-insensitively. */
export function filterModels(models: ModelCatalogList['models'], search: string): ModelCatalogList['models'] {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return models;
  return models.filter((m) => {
    const text = `${m.id} ${m.name ?? ''}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
}
