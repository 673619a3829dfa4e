import { useMemo, useState } from 'react';
import type { CatalogModelInfo } from '../../../../engine/api';
import { Field } from './Field';
import { fuzzyScore } from './fuzzy';
import { useNewRunStore } from './store';

const price = (m: CatalogModelInfo): string =>
  m.inputPricePerMillion === null
    ? 'price not given'
    : `$${m.inputPricePerMillion} / $${m.outputPricePerMillion ?? '?'} per 1M tokens`;
const tools = (m: CatalogModelInfo): string =>
  m.supportsTools === null ? 'tools: not said' : m.supportsTools ? 'tool calls' : 'no tool calls (JSON mode)';

/** One role's model: typed, with the live catalog's closest names, their prices and tool support. */
export function ModelField({ field, label }: { field: 'actorModel' | 'criticModel'; label: string }) {
  const value = useNewRunStore((s) => s.form[field]);
  const setField = useNewRunStore((s) => s.set);
  const models = useNewRunStore((s) => s.models);
  const [open, setOpen] = useState(false);
  const matches = useMemo(
    () =>
      (models.value ?? [])
        .map((m) => ({ m, score: Math.max(fuzzyScore(value, m.id), fuzzyScore(value, m.name ?? '')) }))
        .filter((x) => x.score >= 0)
        .sort((a, b) => b.score - a.score)
        .slice(0, 6)
        .map((x) => x.m),
    [models.value, value],
  );
  const chosen = models.value?.find((m) => m.id === value) ?? null;
  const listId = `f-${field}-list`;
  const hint =
    models.status === 'error'
      ? field === 'actorModel'
        ? `The model list could not be read: ${models.error}`
        : 'No model list (see above).'
      : chosen
        ? `${price(chosen)} · ${tools(chosen)}`
        : field === 'criticModel'
          ? 'Empty: the actor’s model.'
          : 'Empty: the provider’s model from Settings.';
  return (
    <Field field={field} label={label} hint={hint}>
      {(p) => (
        <div className="combo">
          <input
            {...p}
            role="combobox"
            aria-expanded={open && matches.length > 0}
            aria-controls={listId}
            aria-autocomplete="list"
            value={value}
            spellCheck={false}
            onFocus={() => setOpen(true)}
            onBlur={() => setTimeout(() => setOpen(false), 150)}
            onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}
            onChange={(e) => {
              setOpen(true);
              setField(field, e.target.value);
            }}
          />
          {open && matches.length > 0 && (
            <ul id={listId} role="listbox" className="combo-list">
              {matches.map((m) => (
                <li
                  key={m.id}
                  role="option"
                  aria-selected={m.id === value}
                  onMouseDown={(e) => {
                    e.preventDefault();
                    setField(field, m.id);
                    setOpen(false);
                  }}
                >
                  <span>{m.id}</span>
                  <span className="hint">
                    {price(m)} · {tools(m)}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </Field>
  );
}
