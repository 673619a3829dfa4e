import { useEffect } from 'react';
import { fmtDate } from '../../lib/format';
import { useDetailsStore } from './details-store';
import { Markdown } from './Markdown';

/** research_log.md and data_analysis.md as the agent wrote them, rendered safely. */
export function DocumentsPanel({ runId }: { runId: string }) {
  const docs = useDetailsStore((s) => s.documents);
  const load = useDetailsStore((s) => s.loadDocuments);
  useEffect(() => {
    if (docs.status === 'idle') void load();
  }, [runId, docs.status, load]);
  if (docs.status === 'error' && !docs.data) {
    return (
      <div className="card error" role="alert">
        <p>The documents could not be read: {docs.error}</p>
        <button type="button" onClick={() => void load()}>
          Try again
        </button>
      </div>
    );
  }
  if (!docs.data) {
    return (
      <p className="hint" role="status">
        Reading the documents…
      </p>
    );
  }
  return (
    <div>
      <div className="chart-toolbar">
        <button
          type="button"
          className="secondary small"
          onClick={() => void load()}
          disabled={docs.status === 'loading'}
        >
          Refresh
        </button>
      </div>
      <div className="documents">
        {docs.data.documents.map((d) => (
          <section key={d.name} className="card" aria-labelledby={`doc-${d.name}`} data-testid="document">
            <h2 id={`doc-${d.name}`}>
              {d.name === 'research_log.md' ? 'Research log' : 'Data analysis'}{' '}
              <code className="hint small">{d.name}</code>
            </h2>
            {d.content ? (
              <>
                {d.modifiedAt && <p className="hint small">Written {fmtDate(d.modifiedAt)}</p>}
                {d.content.truncated && (
                  <p className="notes">
                    Only the first {Math.round(d.content.text.length / 1024)} KiB of{' '}
                    {Math.round(d.content.bytes / 1024)} KiB are shown.
                  </p>
                )}
                <Markdown text={d.content.text} label={d.name} />
              </>
            ) : (
              <p className="hint">{d.missing}</p>
            )}
          </section>
        ))}
      </div>
    </div>
  );
}
