import { useEffect, useRef, useState, type DragEvent } from 'react';
import type { DatasetPreview as Preview } from '../../../../engine/api';
import { useAppStore } from '../../state/app-store';
import { DropNoticeView } from '../drop/DropLayer';
import { droppedItems, useDropStore } from '../drop/store';
import { BrowseFolder } from './BrowseFolder';
import { DatasetPreview } from './DatasetPreview';
import { Field } from './Field';
import { useFieldIssues, useNewRunStore } from './store';

/** Dataset: a drop zone, the typed path (checked by the engine as it is typed), examples, and the preview. */
export function DatasetSection() {
  const form = useNewRunStore((s) => s.form);
  const setField = useNewRunStore((s) => s.set);
  const preview = useNewRunStore((s) => s.preview);
  const focusAt = useNewRunStore((s) => s.focusDatasetAt);
  const checked = useFieldIssues('dataset');
  const pathInput = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);

  useEffect(() => {
    if (focusAt) pathInput.current?.focus();
  }, [focusAt]);

  // The window takes drops anywhere (DropLayer); this zone also takes a drop that carries no file, to say why.
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    event.stopPropagation();
    setOver(false);
    void useDropStore.getState().drop(droppedItems(event.dataTransfer));
  };

  // The preview's reason, until the engine's check of the whole form says the same on the field.
  const previewError =
    preview.value && !preview.value.ok && checked.length === 0
      ? [`${preview.value.message}. ${preview.value.fix}`]
      : [];

  return (
    <section className="card" aria-labelledby="sec-dataset">
      <h2 id="sec-dataset">Dataset</h2>
      <div
        className={`drop-zone${over ? ' over' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
        data-testid="drop-zone"
      >
        Drop a dataset folder or a project.yaml here, or anywhere on the window
        <DropNoticeView inline />
      </div>
      <div className="form">
        <Field
          field="dataset"
          label="Dataset path"
          extraErrors={previewError}
          hint={
            preview.value && !preview.value.ok && checked.length > 0
              ? preview.value.fix
              : 'A folder (CSV files, JSONL files, or one subfolder of images per class), or one CSV / JSONL file.'
          }
        >
          {(p) => (
            <div className="path-row">
              <input
                {...p}
                ref={pathInput}
                value={form.dataset}
                placeholder="/data/my-dataset"
                spellCheck={false}
                onChange={(e) => setField('dataset', e.target.value)}
              />
              <BrowseFolder
                purpose="dataset"
                current={form.dataset}
                onPicked={(v) => setField('dataset', v)}
              />
            </div>
          )}
        </Field>
        <Field
          field="labelColumn"
          label="Label column"
          hint="Tabular data: leave empty to let the engine guess."
        >
          {(p) => (
            <input
              {...p}
              value={form.labelColumn}
              placeholder={guessed(preview.value) ?? 'guessed from the data'}
              onChange={(e) => setField('labelColumn', e.target.value)}
            />
          )}
        </Field>
        <Field
          field="testPath"
          label="Test split (optional)"
          hint="Your own held-out data; without one, the engine carves a hidden holdout."
        >
          {(p) => (
            <input
              {...p}
              value={form.testPath}
              spellCheck={false}
              onChange={(e) => setField('testPath', e.target.value)}
            />
          )}
        </Field>
      </div>
      <Examples />
      {preview.status === 'loading' && (
        <p className="hint" role="status">
          Reading the dataset…
        </p>
      )}
      {preview.status === 'error' && <p className="field-error">{preview.error}</p>}
      {preview.value?.ok && <DatasetPreview preview={preview.value} />}
    </section>
  );
}

const guessed = (p: Preview | null): string | null =>
  p?.ok && p.summary && p.summary.kind === 'tabular' ? `guess: ${p.summary.label.name}` : null;

/** For someone without data at hand: the engine writes an example dataset and fills the form for it. */
function Examples() {
  const examples = useNewRunStore((s) => s.examples);
  const creating = useNewRunStore((s) => s.creatingExample);
  const error = useNewRunStore((s) => s.exampleError);
  const createExample = useNewRunStore((s) => s.createExample);
  const databasePath = useAppStore((s) => s.info?.databasePath ?? null);
  if (examples.length === 0 || !databasePath) return null;
  const home = databasePath.replace(/[\\/][^\\/]*$/, '');
  return (
    <div className="examples">
      <span className="hint">No data at hand? Create an example dataset:</span>
      {examples.map((e) => (
        <button
          key={e.name}
          type="button"
          className="secondary"
          title={e.description}
          disabled={creating !== null}
          onClick={() => void createExample(e.name, home)}
        >
          {creating === e.name ? 'Creating…' : e.title}
        </button>
      ))}
      {error && <p className="field-error">{error}</p>}
    </div>
  );
}
