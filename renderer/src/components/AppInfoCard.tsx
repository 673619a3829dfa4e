import type { AppInfo } from '../../../engine/api';

export function AppInfoCard({ info }: { info: AppInfo }) {
  const rows: [string, string][] = [
    ['Version', info.version],
    [
      'Host',
      info.host === 'electron' ? 'desktop app' : info.host === 'server' ? 'browser (mle-beast serve)' : 'CLI',
    ],
    ['Platform', `${info.platform} ${info.arch}`],
    ['Node.js', info.nodeVersion],
    ['Electron', info.electronVersion ?? 'not running in Electron'],
    ['Database', info.databasePath],
  ];
  return (
    <section className="card" aria-labelledby="app-info-title" data-testid="app-info">
      <h2 id="app-info-title">This installation</h2>
      <dl className="facts">
        {rows.map(([label, value]) => (
          <div key={label} className="fact">
            <dt>{label}</dt>
            <dd data-testid={`info-${label.toLowerCase().replace(/\W+/g, '-')}`}>{value}</dd>
          </div>
        ))}
        <div className="fact">
          <dt>Docker</dt>
          <dd data-testid="info-docker">
            {info.docker.available ? (
              <span className="badge ok">daemon {info.docker.version ?? ''} answers</span>
            ) : (
              <>
                <span className="badge warn">not available</span>
                <span className="hint">{info.docker.error}</span>
              </>
            )}
          </dd>
        </div>
      </dl>
      {info.storeNotes.length > 0 && (
        <ul className="notes" aria-label="Database start-up notes">
          {info.storeNotes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      )}
    </section>
  );
}
