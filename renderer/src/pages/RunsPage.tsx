import { AppInfoCard } from '../components/AppInfoCard';
import { useAppStore } from '../state/app-store';

export function RunsPage() {
  const info = useAppStore((s) => s.info);
  return (
    <>
      <header className="page-header">
        <h1>Runs</h1>
      </header>
      <section className="card empty" aria-label="Runs">
        <p>No runs yet.</p>
        <p className="hint">
          Start one from <a href="#/new">New run</a>. Runs started from the command line appear here too: the
          app and the CLI share one database.
        </p>
      </section>
      {info && <AppInfoCard info={info} />}
    </>
  );
}
