import { useEffect, useMemo } from 'react';
import type { CatalogModelInfo } from '../../../../engine/api';
import { fmtDate, fmtToolSupport } from '../../lib/format';
import { useAppStore } from '../../state/app-store';
import { useCatalogView } from './catalog-store';
import { filterModels } from './model-filter';
import { RemoteState } from './Section';
import { useFieldRaw, useSettingsView } from './store';

/** Rows shown at once: a provider lists hundreds of models; the search narrows them. */
const SHOWN = 40;

const price = (v: number | null) =>
  v === null ? '—' : `$${v < 0.01 && v > 0 ? v.toFixed(4) : v.toFixed(2)}`;

/**
 * The live model list of the provider a run would use: search, prices per 1M tokens, tool support, and a
 * Use button that puts the id in the Model field. `providerKey` changes when the saved provider does.
 */
export function ModelCatalog({ providerKey }: { providerKey: string }) {
  const catalog = useCatalogView((s) => s.catalog);
  const search = useCatalogView((s) => s.search);
  const setSearch = useCatalogView((s) => s.setSearch);
  const load = useCatalogView((s) => s.load);
  const edit = useSettingsView((s) => s.edit);
  const current = useModelField();
  useEffect(() => {
    void load();
  }, [load, providerKey]);

  const models = useMemo(() => filterModels(catalog.data?.models ?? [], search), [catalog.data, search]);
  const list = catalog.data;
  return (
    <div className="model-catalog" data-testid="model-catalog">
      <h3>Model catalog</h3>
      <RemoteState
        what="the model list"
        status={catalog.status}
        error={catalog.error}
        retry={() => void load(true)}
      />
      {list && (
        <>
          <p className="hint">
            {list.models.length} models from {list.provider} at <code>{list.baseURL}</code>, fetched{' '}
            {fmtDate(list.fetchedAt)}
            {list.fromCache ? ' (cached)' : ''}.{list.note ? ` ${list.note}` : ''}{' '}
            <button type="button" className="link" onClick={() => void load(true)}>
              Fetch again
            </button>
          </p>
          <div className="inline-field">
            <label htmlFor="model-search">Search models</label>
            <input
              id="model-search"
              type="search"
              value={search}
              placeholder="e.g. gpt mini"
              onChange={(e) => setSearch(e.target.value)}
              onKeyDown={(e) => e.key === 'Enter' && e.preventDefault()}
            />
          </div>
          {models.length === 0 ? (
            <p className="hint">
              {list.models.length === 0
                ? 'The provider lists no models: check that the server has a model loaded.'
                : `No model matches "${search}". Try fewer words.`}
            </p>
          ) : (
            <div className="table-scroll">
              <table className="table">
                <caption className="visually-hidden">Models of the provider</caption>
                <thead>
                  <tr>
                    <th scope="col">Model</th>
                    <th scope="col" className="num">
                      Input / 1M tokens
                    </th>
                    <th scope="col" className="num">
                      Output / 1M tokens
                    </th>
                    <th scope="col" className="num">
                      Context
                    </th>
                    <th scope="col">Tool calls</th>
                    <th scope="col">
                      <span className="visually-hidden">Choose</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {models.slice(0, SHOWN).map((m) => (
                    <ModelRow
                      key={m.id}
                      model={m}
                      chosen={m.id === current}
                      choose={() => edit('llmModel', m.id)}
                    />
                  ))}
                </tbody>
              </table>
              {models.length > SHOWN && (
                <p className="hint">
                  Showing {SHOWN} of {models.length}: search to narrow the list.
                </p>
              )}
            </div>
          )}
        </>
      )}
    </div>
  );
}

function ModelRow({ model, chosen, choose }: { model: CatalogModelInfo; chosen: boolean; choose(): void }) {
  return (
    <tr aria-selected={chosen}>
      <td>
        <code>{model.id}</code>
        {model.name && model.name !== model.id && <span className="hint"> {model.name}</span>}
      </td>
      <td className="num">{price(model.inputPricePerMillion)}</td>
      <td className="num">{price(model.outputPricePerMillion)}</td>
      <td className="num">{model.contextLength?.toLocaleString('en-US') ?? '—'}</td>
      <td>{fmtToolSupport(model.supportsTools)}</td>
      <td>
        {chosen ? (
          <span className="badge ok">chosen</span>
        ) : (
          <button type="button" className="secondary small" onClick={choose} aria-label={`Use ${model.id}`}>
            Use
          </button>
        )}
      </td>
    </tr>
  );
}

/** The Model field's text: as typed, else the saved model. */
function useModelField(): string {
  const saved = useAppStore((s) => s.settings?.llmModel ?? '');
  return String(useFieldRaw('llmModel', saved));
}

/**
 * Under the Model field: whether the typed name is in the catalog, and if not the closest ids (models.suggest,
 * the same fuzzy match a run's start uses), each a button that takes it.
 */
export function ModelSuggestions() {
  const typed = useModelField();
  const saved = useSettingsView((s) => s.edits.llmModel === undefined);
  const suggestion = useCatalogView((s) => s.suggestion);
  const suggest = useCatalogView((s) => s.suggest);
  const known = useCatalogView(
    (s) => s.catalog.data?.models.some((m) => m.id === String(typed).trim()) ?? false,
  );
  const hasCatalog = useCatalogView((s) => s.catalog.status === 'ready');
  const edit = useSettingsView((s) => s.edit);
  const name = String(typed).trim();

  useEffect(() => {
    if (!hasCatalog || name === '' || known) return;
    const timer = setTimeout(() => void suggest(name), 300);
    return () => clearTimeout(timer);
  }, [name, known, hasCatalog, suggest]);

  if (!hasCatalog || name === '') return null;
  if (known) return saved ? null : <p className="hint">In the catalog.</p>;
  const result = suggestion?.name === name ? suggestion.result : null;
  if (!result || result.status !== 'ready') return null;
  const s = result.data;
  if (s.match) {
    return (
      <p className="hint" aria-live="polite">
        Read as <code>{s.match}</code>
        {s.note ? ` (${s.note})` : ''}.{' '}
        <button type="button" className="link" onClick={() => edit('llmModel', s.match!)}>
          Use {s.match}
        </button>
      </p>
    );
  }
  return (
    <div className="suggestions" data-testid="model-suggestions">
      <p className="field-error">{s.message}</p>
      {s.suggestions.length > 0 && (
        <p>
          Did you mean{' '}
          {s.suggestions.map((id) => (
            <button key={id} type="button" className="secondary small" onClick={() => edit('llmModel', id)}>
              {id}
            </button>
          ))}
        </p>
      )}
    </div>
  );
}
