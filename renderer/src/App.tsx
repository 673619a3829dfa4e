import { lazy, Suspense, useEffect } from 'react';
import { api } from './api';
import { DropLayer } from './features/drop/DropLayer';
import { RunsPage } from './features/runs/RunsPage';
import { firstStart, useSetupStore } from './features/setup/store';
import { useAppStore } from './state/app-store';
import { useConnectionStore } from './state/connection-store';
import { ROUTES, useRoute } from './state/route';
import { applyTheme } from './theme';

// Split by route: the Runs page (the first one shown) is in the main bundle; the other pages, with their heavy
// libraries (charts, graph layout, diffs, markdown), are chunks fetched on first visit, so opening the Runs
// page does not parse and compile them.
const RunDetailPage = lazy(() =>
  import('./features/run-detail/RunDetailPage').then((m) => ({ default: m.RunDetailPage })),
);
const NewRunPage = lazy(() => import('./pages/NewRunPage').then((m) => ({ default: m.NewRunPage })));
const SetupWizard = lazy(() =>
  import('./features/setup/SetupWizard').then((m) => ({ default: m.SetupWizard })),
);
const SettingsPage = lazy(() =>
  import('./features/settings/SettingsPage').then((m) => ({ default: m.SettingsPage })),
);

export function App() {
  const { status, error, info, settings, load, settingsChanged } = useAppStore();
  const route = useRoute();
  const connection = useConnectionStore((s) => s.state);
  const providerStatus = useSetupStore((s) => s.status);
  // No provider and not skipped: the wizard stands in for the pages that cannot work without one (the dashboard
  // and New run); Settings and a run's page stay reachable.
  const setup = firstStart(settings?.setupSkipped, providerStatus);
  const wizardHere = route.id === 'runs' || route.id === 'new';

  useEffect(() => {
    // main.tsx started the first read (startup.ts) before this first render.
    if (useAppStore.getState().status === 'idle') void load();
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
        {status === 'ready' && <DropLayer />}
        {status === 'ready' && wizardHere && setup === 'unknown' && <p className="hint">Loading…</p>}
        {status === 'ready' && !(wizardHere && setup === 'unknown') && (
          <Suspense fallback={<p className="hint">Loading…</p>}>
            {route.id === 'setup' ? (
              <SetupWizard again />
            ) : wizardHere && setup === 'yes' ? (
              <SetupWizard again={false} />
            ) : route.id === 'run' ? (
              <RunDetailPage key={route.runId} runId={route.runId} />
            ) : route.id === 'runs' ? (
              <RunsPage />
            ) : route.id === 'new' ? (
              <NewRunPage />
            ) : (
              <SettingsPage />
            )}
          </Suspense>
        )}
      </main>
    </div>
  );
}
