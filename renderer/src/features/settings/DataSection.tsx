import { useEffect } from 'react';
import { RunStatus, type AppStorage } from '../../../../engine/api';
import { fmtCount, fmtDate } from '../../lib/format';
import { fmtBytes } from './bytes';
import { RemoteState, Section } from './Section';
import { useSettingsView } from './store';

export function DataSection() {
  const storage = useSettingsView((s) => s.storage);
  const load = useSettingsView((s) => s.loadStorage);
  useEffect(() => {
    void load();
  }, [load]);
  return (
    <Section
      id="data"
      title="Data"
      intro="Where mle-beast keeps its data on this machine, and what the database holds."
    >
      <RemoteState what="the data locations" status={storage.status} error={storage.error} retry={load} />
      {storage.data && (
        <StorageFacts storage={storage.data} refresh={load} busy={storage.status === 'loading'} />
      )}
    </Section>
  );
}

function StorageFacts({ storage, refresh, busy }: { storage: AppStorage; refresh(): void; busy: boolean }) {
  const db = storage.database;
  const statuses = RunStatus.options.filter((s) => db.runsByStatus[s] > 0);
  return (
    <>
      <dl className="facts wide" data-testid="data-locations">
        {storage.locations.map((l) => (
          <div key={l.id} className="fact">
            <dt>{l.label}</dt>
            <dd>
              <code>{l.path}</code>
              {l.exists === false && <span className="badge muted">not created yet</span>}
              <span className="hint">{l.note}</span>
            </dd>
          </div>
        ))}
      </dl>
      <h3>Database</h3>
      <dl className="facts wide" data-testid="database-stats">
        <div className="fact">
          <dt>Size on disk</dt>
          <dd>
            {fmtBytes(db.fileBytes + db.walBytes)}
            {db.walBytes > 0 && (
              <span className="hint">({fmtBytes(db.walBytes)} in the write-ahead log)</span>
            )}
          </dd>
        </div>
        <div className="fact">
          <dt>Runs</dt>
          <dd>
            {db.runs === 0 ? (
              <span className="hint">
                None yet. <a href="#/new">Start a run</a>.
              </span>
            ) : (
              <>
                {fmtCount(db.runs)}
                <span className="hint">
                  {statuses.map((s) => `${fmtCount(db.runsByStatus[s])} ${s}`).join(' · ')}
                </span>
              </>
            )}
          </dd>
        </div>
        <div className="fact">
          <dt>Events</dt>
          <dd>
            {fmtCount(db.events)}
            <span className="hint">
              {fmtCount(db.experiments)} experiments · {fmtCount(db.llmCalls)} LLM calls
            </span>
          </dd>
        </div>
        <div className="fact">
          <dt>Oldest run</dt>
          <dd>{fmtDate(db.oldestRunAt)}</dd>
        </div>
        <div className="fact">
          <dt>Newest run</dt>
          <dd>{fmtDate(db.newestRunAt)}</dd>
        </div>
      </dl>
      <div className="actions">
        <button type="button" className="secondary small" onClick={refresh} disabled={busy}>
          {busy ? 'Counting…' : 'Count again'}
        </button>
      </div>
    </>
  );
}
