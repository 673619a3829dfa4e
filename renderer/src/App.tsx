import { useEffect } from 'react';
import { api } from './api';
import { RunDetailPage } from './features/run-detail/RunDetailPage';
import { RunsPage } from './features/runs/RunsPage';
import { NewRunPage } from './pages/NewRunPage';
import { SettingsPage } from './features/settings/SettingsPage';
import { useAppStore } from './state/app-store';
import { useConnectionStore } from './state/connection-store';
import { ROUTES, useRoute } from './state/route';
import { applyTheme } from './theme';

export function App() {
  const { status, error, info, settings, load, settingsChanged } = useAppStore();
  const route = useRoute();
  const connection = useConnectionStore((s) => s.state);

  useEffect(() => {
    void load();
    return api.on('settings.changed', ({ settings }) => settingsChanged(settings));
  }, [load, settingsChanged]);

  useEffect(() => {
    if (settings) applyTheme(settings.theme);
  }, [settings]);

  useEffect(() => {
    document.getElementById('root')!.dataset.appState = status === 'ready' ? 'loaded' : status;
  }, [status]);

  return (
    <div className="shell">
      <nav className="sidebar" aria-label="Main">
        <div className="brand">
          <img src="./favicon.svg" alt="" width={28} height={28} />
          <span>mle-beast</span>
        </div>
        <ul>
          {ROUTES.map((r) => (
            <li key={r.id}>
              <a
                href={r.hash}
                aria-current={
                  route.id === r.id ? 'page' : route.id === 'run' && r.id === 'runs' ? 'location' : undefined
                }
              >
                {r.label}
              </a>
            </li>
          ))}
        </ul>
        {info && <div className="version">v{info.version}</div>}
      </nav>
      <main className="content">
        {connection === 'reconnecting' && (
          <p className="connection-notice" role="status" data-testid="reconnecting">
            Reconnecting to the engine… live updates resume, with nothing missed, when it answers.
          </p>
        )}
        {status === 'error' && (
          <section className="card error" role="alert">
            <h2>Cannot reach the engine</h2>
            <p>{error}</p>
            <button onClick={() => void load()}>Try again</button>
          </section>
        )}
        {(status === 'loading' || status === 'idle') && <p className="hint">Loading…</p>}
        {status === 'ready' &&
          (route.id === 'run' ? (
            <RunDetailPage key={route.runId} runId={route.runId} />
          ) : route.id === 'runs' ? (
            <RunsPage />
          ) : route.id === 'new' ? (
            <NewRunPage />
          ) : (
            <SettingsPage />
          ))}
      </main>
    </div>
  );
}
