import { useEffect } from 'react';
import { DataTable } from '../../lib/DataTable';
import { fmtDate, shortSha } from '../../lib/format';
import { useDetailsStore } from './details-store';

/** The run branch's commits and the commands the safety policy blocked during the run. */
export function HistoryPanel({ runId }: { runId: string }) {
  const gitLog = useDetailsStore((s) => s.gitLog);
  const safety = useDetailsStore((s) => s.safety);
  const load = useDetailsStore((s) => s.loadHistory);
  useEffect(() => {
    if (gitLog.status === 'idle') void load();
  }, [runId, gitLog.status, load]);
  const busy = gitLog.status === 'loading' || safety.status === 'loading';
  return (
    <div>
      <div className="chart-toolbar">
        <button type="button" className="secondary small" onClick={() => void load()} disabled={busy}>
          Refresh
        </button>
      </div>
      <section className="card" aria-labelledby="git-title">
        <h2 id="git-title">
          Git log {gitLog.data?.branch && <code className="hint small">{gitLog.data.branch}</code>}
        </h2>
        {gitLog.status === 'error' ? (
          <p role="alert" className="field-error">
            The git log could not be read: {gitLog.error}{' '}
            <button type="button" className="secondary small" onClick={() => void load()}>
              Try again
            </button>
          </p>
        ) : !gitLog.data ? (
          <p className="hint" role="status">
            Reading the run's branch…
          </p>
        ) : (
          <>
            {gitLog.data.note && <p className="hint">{gitLog.data.note}</p>}
            {gitLog.data.commits.length === 0 ? (
              <p className="hint">
                No commit on the run's branch yet: the baseline is committed once it passes its tests.
              </p>
            ) : (
              <DataTable
                label="Commits of the run branch"
                headers={['Commit', 'Message', 'Author', 'Date']}
                rows={gitLog.data.commits}
                rowKey={(c) => c.sha}
                rowTestId="commit-row"
                cells={(c) => (
                  <>
                    <td>
                      <code title={c.sha}>{shortSha(c.sha)}</code>
                    </td>
                    <td>
                      {c.subject}
                      {c.body && <div className="hint small commit-body">{c.body}</div>}
                    </td>
                    <td>{c.author}</td>
                    <td>{fmtDate(c.at)}</td>
                  </>
                )}
              />
            )}
            {gitLog.data.truncated && (
              <p className="hint small">Older commits are left out (the newest 500 are shown).</p>
            )}
          </>
        )}
      </section>
      <section className="card" aria-labelledby="safety-title">
        <h2 id="safety-title">Safety blocks</h2>
        {safety.status === 'error' ? (
          <p role="alert" className="field-error">
            The safety log could not be read: {safety.error}
          </p>
        ) : !safety.data ? (
          <p className="hint" role="status">
            Reading the safety log…
          </p>
        ) : safety.data.blocks.length === 0 ? (
          <p className="hint">
            Nothing was blocked during this run. Blocks are logged in <code>{safety.data.file}</code>.
          </p>
        ) : (
          <>
            <p className="hint small">
              {safety.data.blocks.length} command{safety.data.blocks.length === 1 ? '' : 's'} the safety
              policy refused (from <code>{safety.data.file}</code>); the agent was told and went on.
            </p>
            {safety.data.note && <p className="hint small">{safety.data.note}</p>}
            <DataTable
              label="Blocked commands"
              headers={['Time', 'Kind', 'Rule', 'Command']}
              rows={safety.data.blocks}
              rowKey={(_, i) => i}
              rowTestId="safety-row"
              cells={(b) => (
                <>
                  <td>{fmtDate(b.at)}</td>
                  <td>{b.kind}</td>
                  <td>{b.rule}</td>
                  <td>
                    <code>{b.subject}</code>
                  </td>
                </>
              )}
            />
          </>
        )}
      </section>
    </div>
  );
}
