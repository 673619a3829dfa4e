import { useEffect } from 'react';
import { ScoreChart } from '../../components/ScoreCharts';
import { ConfirmDialog } from '../../lib/ConfirmDialog';
import { Console } from './Console';
import { ExperimentsTable } from './ExperimentsTable';
import { RunHeader } from './RunHeader';
import { StagesTimeline } from './StagesTimeline';
import { useRunDetailStore } from './store';
import { TrainingChart } from './TrainingChart';

export function RunDetailPage({ runId }: { runId: string }) {
  const status = useRunDetailStore((s) => s.status);
  const error = useRunDetailStore((s) => s.error);
  const view = useRunDetailStore((s) => s.view);
  const open = useRunDetailStore((s) => s.open);
  const close = useRunDetailStore((s) => s.close);

  // The store's cursor follows the run live (a run of another process too: the host tails the store for it).
  useEffect(() => {
    void open(runId);
    return close;
  }, [runId, open, close]);

  if (status === 'loading' || status === 'idle') {
    return (
      <p className="hint" role="status">
        Opening the run…
      </p>
    );
  }
  if (status === 'missing') {
    return (
      <section className="card empty" role="alert">
        <h1 className="run-title">No such run</h1>
        <p>{error}</p>
        <p className="hint">
          It may have been deleted. Go back to <a href="#/runs">the runs</a>.
        </p>
      </section>
    );
  }
  if (status === 'error' || !view) {
    return (
      <section className="card error" role="alert">
        <h1 className="run-title">The run could not be read</h1>
        <p>{error}</p>
        <button onClick={() => void open(runId)}>Try again</button>
      </section>
    );
  }
  const { run } = view;
  return (
    <>
      <RunHeader view={view} />
      <div className="detail-grid">
        <section className="card" aria-labelledby="stages-title">
          <h2 id="stages-title">Stages</h2>
          <StagesTimeline stages={view.stages} current={view.stage} />
        </section>
        <section className="card" aria-labelledby="trajectory-title">
          <h2 id="trajectory-title">Score by step</h2>
          <ScoreChart experiments={view.experiments} metric={run.metric} />
        </section>
      </div>
      <section className="card" aria-labelledby="experiments-title">
        <h2 id="experiments-title">
          Experiments <span className="hint">({view.experiments.length})</span>
        </h2>
        <ExperimentsTable experiments={view.experiments} trusted={run.metric.trusted} />
      </section>
      <section className="card" aria-labelledby="training-title">
        <h2 id="training-title">Training</h2>
        <TrainingChart metrics={view.metrics} />
      </section>
      {/* data-last-seq: the newest event folded, which the store's run.lastSeq must equal once it settles. */}
      <section className="card" aria-labelledby="console-title" data-last-seq={view.lastSeq}>
        <h2 id="console-title">Console</h2>
        <Console logs={view.logs} total={view.logTotal} />
      </section>
      <ActionDialog />
    </>
  );
}

function ActionDialog() {
  const action = useRunDetailStore((s) => s.action);
  const view = useRunDetailStore((s) => s.view);
  const perform = useRunDetailStore((s) => s.perform);
  const dismiss = useRunDetailStore((s) => s.dismiss);
  const confirming = action?.confirming === true ? action : null;
  const del = confirming?.kind === 'delete';
  return (
    <ConfirmDialog
      open={confirming !== null}
      title={del ? 'Delete this run?' : 'Cancel this run?'}
      confirmLabel={del ? 'Delete run' : 'Cancel run'}
      busy={confirming?.busy}
      error={confirming?.error}
      onConfirm={() =>
        void perform(confirming!.kind).then((ok) => {
          if (ok && del) location.hash = '#/runs';
        })
      }
      onCancel={dismiss}
    >
      {del ? (
        <p>
          The run's record (stages, experiments, events) leaves the database. Its workspace is kept
          {view ? (
            <>
              : <code>{view.run.workspace}</code>
            </>
          ) : null}
          .
        </p>
      ) : (
        <p>
          The process running in the sandbox is stopped now, and the workspace is left at the best commit. A
          cancelled run cannot be resumed.
        </p>
      )}
    </ConfirmDialog>
  );
}
