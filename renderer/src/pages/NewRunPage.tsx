export function NewRunPage() {
  return (
    <>
      <header className="page-header">
        <h1>New run</h1>
      </header>
      <section className="card empty">
        <p>Starting runs from the dashboard is not available in this version.</p>
        <p className="hint">
          It comes with the agent engine: a dataset folder, a one-sentence goal and a target metric. Defaults
          for new runs can already be set in <a href="#/settings">Settings</a>.
        </p>
      </section>
    </>
  );
}
