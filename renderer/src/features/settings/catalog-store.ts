import { create } from 'zustand';
import type { ModelCatalogList, ModelSuggestions } from '../../../../engine/api';
import { api } from '../../api';
import { fetchRemote, idle, type Remote } from './remote';

interface CatalogState {
  catalog: Remote<ModelCatalogList>;
  search: string;
  /** What models.suggest says of the typed model name (null: nothing asked yet). */
  suggestion: { name: string; result: Remote<ModelSuggestions> } | null;
  load(refresh?: boolean): Promise<void>;
  setSearch(search: string): void;
  suggest(name: string): Promise<void>;
}

export const useCatalogView = create<CatalogState>((set, get) => ({
  catalog: idle(),
  search: '',
  suggestion: null,
  load: (refresh = false) =>
    fetchRemote(
      get().catalog,
      (catalog) => set({ catalog }),
      () => api.call('models.list', { refresh }),
    ),
  setSearch: (search) => set({ search }),
  async suggest(name) {
    const trimmed = name.trim();
    if (trimmed === '') {
      set({ suggestion: null });
      return;
    }
    const put = (result: Remote<ModelSuggestions>) => {
      // Only the answer for the name still typed is kept.
      if (get().suggestion?.name === trimmed) set({ suggestion: { name: trimmed, result } });
    };
    set({ suggestion: { name: trimmed, result: idle() } });
    await fetchRemote(idle<ModelSuggestions>(), put, () => api.call('models.suggest', { name: trimmed }));
  },
}));
