import { useEffect } from 'react';
import { isTerminalStatus } from '../../../../engine/api/vocabulary-values';
import type { RunView } from '../../../../engine/api/run-view';
import { ConfirmDialog } from '../../lib/ConfirmDialog';
import { Console } from './Console';
import { ExperimentsTable } from './ExperimentsTable';
import { RunHeader } from './RunHeader';
import { DocumentsPanel } from './DocumentsPanel';
import { ExperimentDetail } from './ExperimentDetail';
import { ExperimentsTree } from './ExperimentsTree';
import { HistoryPanel } from './HistoryPanel';
import { PipelineGraph } from './PipelineGraph';
import { ScoreTrajectory } from './ScoreTrajectory';
import { TracePanel } from './TracePanel';
import { useDetailsStore, type DetailTab } from './details-store';
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
  return (
    <>
      <RunHeader view={view} />
      <DetailTabs view={view} />
      <ActionDialog />
    </>
  );
}

const TABS: { id: DetailTab; label: string }[] = [
  { id: 'overview', label: 'Overview' },
  { id: 'experiments', label: 'Experiments' },
  { id: 'console', label: 'Console' },
  { id: 'trace', label: 'LLM trace' },
  { id: 'documents', label: 'Documents' },
  { id: 'history', label: 'Git & safety' },
];

/** The detail's views as ARIA tabs: arrow keys, Home and End move between them (the roving tab stop). */
function DetailTabs({ view }: { view: RunView }) {
  const tab = useDetailsStore((s) => s.tab);
  const paging = useRunDetailStore((s) => s.paging);
  const setTab = useDetailsStore((s) => s.setTab);
  const reset = useDetailsStore((s) => s.reset);
  const { run } = view;
  useEffect(() => reset(run.id), [run.id, reset]);

  const onKey = (e: React.KeyboardEvent) => {
    const i = TABS.findIndex((t) => t.id === tab);
    const next =
      e.key === 'ArrowRight'
        ? (i + 1) % TABS.length
        : e.key === 'ArrowLeft'
          ? (i - 1 + TABS.length) % TABS.length
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? TABS.length - 1
              : null;
    if (next === null) return;
    e.preventDefault();
    setTab(TABS[next]!.id);
    document.getElementById(`tab-${TABS[next]!.id}`)?.focus();
  };

  return (
    <>
      <div className="tabs" role="tablist" aria-label="Run views" onKeyDown={onKey}>
        {TABS.map((t) => (
          <button
            key={t.id}
            id={`tab-${t.id}`}
            type="button"
            role="tab"
            aria-selected={tab === t.id}
            aria-controls={`panel-${t.id}`}
            tabIndex={tab === t.id ? 0 : -1}
            onClick={() => setTab(t.id)}
          >
            {t.label}
            {t.id === 'experiments' && <span className="tab-count">{view.experiments.length}</span>}
            {t.id === 'trace' && <span className="tab-count">{run.llmCalls}</span>}
          </button>
        ))}
      </div>
      <div
        role="tabpanel"
        id={`panel-${tab}`}
        aria-labelledby={`tab-${tab}`}
        className="tab-panel"
        tabIndex={-1}
      >
        {tab === 'overview' && <OverviewTab view={view} />}
        {tab === 'experiments' && <ExperimentsTab view={view} />}
        {tab === 'console' && (
          // data-last-seq: the newest event folded, which the store's run.lastSeq must equal once it settles.
          <section className="card" aria-labelledby="console-title" data-last-seq={view.lastSeq}>
            <h2 id="console-title">Console</h2>
            <Console runId={run.id} logs={view.logs} total={view.logTotal} paging={paging} />
          </section>
        )}
        {tab === 'trace' && (
          <section className="card" aria-labelledby="trace-title">
            <h2 id="trace-title">LLM trace</h2>
            <TracePanel runId={run.id} llmCalls={run.llmCalls} />
          </section>
        )}
        {tab === 'documents' && <DocumentsPanel runId={run.id} />}
        {tab === 'history' && <HistoryPanel runId={run.id} />}
      </div>
    </>
  );
}

function OverviewTab({ view }: { view: RunView }) {
  const { run } = view;
  return (
    <div className="overview-grid">
      <section className="card" aria-labelledby="pipeline-title">
        <h2 id="pipeline-title">Pipeline</h2>
        <PipelineGraph
          stages={view.stages}
          current={view.stage}
          step={run.step}
          maxSteps={run.maxSteps}
          ended={isTerminalStatus(run.status)}
        />
      </section>
      <div>
        <section className="card" aria-labelledby="trajectory-title">
          <h2 id="trajectory-title">Score trajectory</h2>
          <ScoreTrajectory experiments={view.experiments} metric={run.metric} />
        </section>
        <section className="card" aria-labelledby="training-title">
          <h2 id="training-title">Training</h2>
          <TrainingChart metrics={view.metrics} />
        </section>
      </div>
    </div>
  );
}

function ExperimentsTab({ view }: { view: RunView }) {
  const selected = useDetailsStore((s) => s.selectedStep);
  const select = useDetailsStore((s) => s.select);
  const { run } = view;
  const onSelect = (step: number) => void select(step);
  if (view.experiments.length === 0) {
    return (
      <section className="card empty">
        <p className="hint">
          No experiment yet: the baseline is recorded once it is trained and scored; the Console tab shows
          what runs now.
        </p>
      </section>
    );
  }
  return (
    <>
      <div className="detail-grid experiments-grid">
        <section className="card" aria-labelledby="tree-title">
          <h2 id="tree-title">Experiment tree</h2>
          <ExperimentsTree experiments={view.experiments} selected={selected} onSelect={onSelect} />
        </section>
        <section className="card" aria-labelledby="exp-detail-card">
          <h2 id="exp-detail-card" className="visually-hidden">
            Selected experiment
          </h2>
          <ExperimentDetail experiments={view.experiments} />
        </section>
      </div>
      <section className="card" aria-labelledby="experiments-title">
        <h2 id="experiments-title">
          Experiments <span className="hint">({view.experiments.length})</span>
        </h2>
        <ExperimentsTable
          experiments={view.experiments}
          trusted={run.metric.trusted}
          selected={selected}
          onSelect={onSelect}
        />
      </section>
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
