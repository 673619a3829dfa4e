import type { DatasetPreview as Preview } from '../../../../engine/api';
import { DataTable } from '../../lib/DataTable';
import { fmtCount } from '../../lib/format';

type Ok = Extract<Preview, { ok: true }>;

const KIND_NAMES: Record<Ok['kind'], string> = {
  tabular: 'Table (CSV)',
  image_folder: 'Images, one folder per class',
  text_jsonl: 'Text (JSONL)',
  other: 'Other (not scored by the engine)',
};

const UNITS: Record<Ok['kind'], string> = {
  tabular: 'rows',
  image_folder: 'images',
  text_jsonl: 'lines',
  other: '',
};

/** The intake preview: what the engine read, what it guessed and why, and what it found wrong. */
export function DatasetPreview({ preview }: { preview: Ok }) {
  const s = preview.summary;
  const errors = preview.problems.filter((p) => p.severity === 'error');
  const warnings = preview.problems.filter((p) => p.severity === 'warning');
  return (
    <div className="preview" aria-label="Dataset preview" data-testid="dataset-preview">
      <dl className="facts">
        <div className="fact">
          <dt>Kind</dt>
          <dd>
            <strong>{KIND_NAMES[preview.kind]}</strong>
            <span className="hint">{preview.kindReason}</span>
          </dd>
        </div>
        {s && (
          <>
            <div className="fact">
              <dt>Examples</dt>
              <dd>
                {preview.sample ? (
                  <>
                    ≈{' '}
                    {fmtCount(
                      Math.round(
                        (s.rows * preview.sample.totalBytes) / Math.max(1, preview.sample.bytesRead),
                      ),
                    )}{' '}
                    {UNITS[preview.kind]}
                    <span className="hint">estimated: {fmtCount(s.rows)} in the part the preview read</span>
                  </>
                ) : (
                  <>
                    {fmtCount(s.rows)} {UNITS[preview.kind]}
                  </>
                )}
                {s.rowsByRole.test > 0 && (
                  <span className="hint">
                    ({fmtCount(s.rowsByRole.train)} train, {fmtCount(s.rowsByRole.test)} test)
                  </span>
                )}
                <span className="hint">
                  {fmtCount(s.files.count)} {s.files.count === 1 ? 'file' : 'files'}
                </span>
              </dd>
            </div>
            <div className="fact">
              <dt>Label</dt>
              <dd>
                <strong>{s.label.name}</strong>
                <span className="hint">
                  {s.label.inferred ? 'guessed: ' : ''}
                  {s.label.reason}
                </span>
              </dd>
            </div>
            <div className="fact">
              <dt>Task</dt>
              <dd>
                {s.task.type}
                <span className="hint">{s.task.reason}</span>
              </dd>
            </div>
          </>
        )}
      </dl>
      {s?.classes && <ClassBars classes={s.classes} />}
      {s?.target && (
        <p className="hint">
          Target range {s.target.min} – {s.target.max}, median {s.target.median}, mean{' '}
          {s.target.mean.toPrecision(4)}
        </p>
      )}
      {s?.columns && (
        <DataTable
          className="columns-table"
          caption="Columns"
          scroll={false}
          headers={['Column', 'Type', 'Missing', 'Distinct', 'Values']}
          rows={s.columns}
          rowKey={(c) => c.name}
          rowClassName={(c) => (c.isLabel ? 'is-label' : undefined)}
          cells={(c) => (
            <>
              <th scope="row">
                {c.name}
                {c.isLabel && <span className="badge ok">label</span>}
              </th>
              <td>{c.type}</td>
              <td>{c.missing > 0 ? fmtCount(c.missing) : '—'}</td>
              <td>
                {fmtCount(c.distinct)}
                {c.distinctCapped ? '+' : ''}
              </td>
              <td className="hint">
                {c.numeric
                  ? `${short(c.numeric.min)} – ${short(c.numeric.max)}`
                  : (c.top ?? [])
                      .slice(0, 3)
                      .map((t) => t.value)
                      .join(', ')}
              </td>
            </>
          )}
        />
      )}
      {s?.text && (
        <p className="hint">
          Texts of {s.text.minChars}–{s.text.maxChars} characters, {s.text.meanWords.toFixed(1)} words on
          average.
        </p>
      )}
      {errors.length > 0 && (
        <div role="alert" className="problems">
          <strong>A run would refuse this data:</strong>
          <ul>
            {errors.map((p) => (
              <li key={`${p.code}${p.message}`} className="field-error">
                {p.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      {warnings.length > 0 && (
        <ul className="notes">
          {warnings.map((p) => (
            <li key={`${p.code}${p.message}`}>{p.message}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

const short = (n: number): string => (Number.isInteger(n) ? String(n) : n.toPrecision(4));

/** Classes by count as plain CSS bars: the balance shows at a glance, the numbers stay readable. */
function ClassBars({ classes }: { classes: { label: string; count: number }[] }) {
  const shown = classes.slice(0, 12);
  const max = Math.max(1, ...shown.map((c) => c.count));
  const total = classes.reduce((n, c) => n + c.count, 0);
  return (
    <figure className="class-bars" aria-label="Classes and their counts">
      <figcaption>
        Classes ({classes.length}
        {classes.length > shown.length ? `, the ${shown.length} largest shown` : ''})
      </figcaption>
      {shown.map((c) => (
        <div className="class-bar" key={c.label}>
          <span className="class-name">{c.label}</span>
          <span className="bar-track">
            <span className="bar" style={{ width: `${(c.count / max) * 100}%` }} />
          </span>
          <span className="class-count">
            {fmtCount(c.count)} ({((c.count / total) * 100).toFixed(0)}%)
          </span>
        </div>
      ))}
    </figure>
  );
}
