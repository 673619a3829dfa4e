import { useState } from 'react';
import { api } from '../../api';
import { host } from '../../host';
import { elapsedNow, targetReached, type RunView } from '../../../../engine/api/run-view';
import { StatusBadge } from '../../components/StatusBadge';
import { comparison, fmtCost, fmtCount, fmtDuration, fmtScore, shortId } from '../../lib/format';
import { useNow } from '../../lib/use-now';
import { useRunDetailStore, type RunAction } from './store';

const END_REASONS: Record<string, string> = {
  target_reached: 'target reached',
  max_steps: 'all steps used',
  max_consecutive_failures: 'too many failures in a row',
  max_cost: 'cost budget spent',
  max_wall_time: 'time budget used',
  cancelled: 'cancelled',
  error: 'error',
  interrupted: 'interrupted',
};

/**
 * "Open workspace" where a page can: copy its path for a terminal or file manager (a browser tab cannot open a
 * folder of the machine the engine runs on).
 */
function CopyPath({ path }: { path: string }) {
  const [copied, setCopied] = useState<'idle' | 'done' | 'failed'>('idle');
  return (
    <>
      <button
        type="button"
        className="secondary small"
        onClick={() =>
          void navigator.clipboard
            .writeText(path)
            .then(() => setCopied('done'))
            .catch(() => setCopied('failed'))
        }
      >
        Copy workspace path
      </button>
      <span role="status" className="hint small">
        {copied === 'done'
          ? ' Copied.'
          : copied === 'failed'
            ? ' The clipboard refused: select the path and copy it.'
            : ''}
      </span>
    </>
  );
}

/**
 * "Show in folder" where the host has a file manager (the desktop app): the folder that holds the item opens with
 * it selected. `where` resolves the path on click (the run folder is asked of the engine then).
 */
function ShowInFolder({ label, where }: { label: string; where: () => Promise<string> }) {
  const [error, setError] = useState<string | null>(null);
  const show = async () => {
    setError(null);
    try {
      const result = await host!.call('showItemInFolder', { path: await where() });
      if (!result.ok) setError(result.error.message);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <>
      <button type="button" className="secondary small" onClick={() => void show()}>
        {label}
      </button>
      {error && (
        <span role="alert" className="field-error small">
          {' '}
          {error}
        </span>
      )}
    </>
  );
}

/** The run's own folder (data copy, hidden holdout, logs): `<runs folder>/<run id>`, the runs folder from the engine. */
async function runFolder(runId: string): Promise<string> {
  const { locations } = await api.call('app.storage', {});
  const runs = locations.find((l) => l.id === 'runs');
  if (!runs) throw new Error('The engine did not say where its runs folder is.');
  const sep = runs.path.includes('\\') && !runs.path.includes('/') ? '\\' : '/';
  return `${runs.path.replace(/[\\/]+$/, '')}${sep}${runId}`;
}

export function RunHeader({ view }: { view: RunView }) {
  const { run } = view;
  const now = useNow(run.status === 'running');
  const ask = useRunDetailStore((s) => s.ask);
  const perform = useRunDetailStore((s) => s.perform);
  const action = useRunDetailStore((s) => s.action);
  const reached = targetReached(run);
  const busy = action?.busy === true;
  const ended = run.status === 'completed' || run.status === 'failed' || run.status === 'cancelled';
  const canPause = run.status === 'running';
  const canResume = run.status === 'paused' || run.status === 'interrupted';
  const canCancel = run.status === 'running' || run.status === 'paused' || run.status === 'pending';

  // Only the controls that apply to the run's state are shown.
  const button = (kind: RunAction, label: string, enabled: boolean, confirm: boolean, danger = false) =>
    enabled && (
      <button
        type="button"
        className={danger ? 'secondary danger-text' : 'secondary'}
        disabled={busy}
        onClick={() => (confirm ? ask(kind) : void perform(kind))}
      >
        {action?.kind === kind && busy && !action.confirming ? `${label}…` : label}
      </button>
    );

  const facts: [string, React.ReactNode, string?][] = [
    ['Mode', run.mode],
    [
      'Stage',
      view.stage
        ? `${view.stage.replace(/_/g, ' ')}${view.attempt > 0 ? ` (attempt ${view.attempt + 1})` : ''}`
        : '—',
      'stage',
    ],
    ['Step', `${run.step} of ${run.maxSteps}`, 'step'],
    [
      `Best ${run.metric.name}`,
      <>
        <span className={reached ? 'good' : undefined}>{fmtScore(run.bestScore)}</span>
        {run.bestStep !== null && <span className="hint"> at step {run.bestStep}</span>}
      </>,
      'best',
    ],
    [
      'Target',
      run.metric.target === null
        ? 'none'
        : `${comparison(run.metric.direction)} ${fmtScore(run.metric.target)}`,
      'target',
    ],
    [
      'Final score',
      run.finalScore === null ? (ended ? 'not scored' : 'when done') : fmtScore(run.finalScore),
      'final',
    ],
    ['Cost', fmtCost(run.costUsd, run.unknownCostCalls), 'cost'],
    ['Tokens', `${fmtCount(run.promptTokens)} in · ${fmtCount(run.completionTokens)} out`, 'tokens'],
    ['LLM calls', fmtCount(run.llmCalls), 'calls'],
    ['Elapsed', fmtDuration(elapsedNow(view, now)), 'elapsed'],
    ['Model', run.model],
    ['Sandbox', run.sandbox],
  ];

  return (
    <section className="card run-header" aria-labelledby="run-title">
      <div className="run-header-top">
        <div>
          <p className="hint small">
            <a href="#/runs">Runs</a> / {shortId(run.id)}
          </p>
          <h1 id="run-title" className="run-title">
            {run.name ?? run.task}
          </h1>
          <p className="run-status-line">
            <StatusBadge status={run.status} />
            {run.endReason && <span className="hint">{END_REASONS[run.endReason] ?? run.endReason}</span>}
            {run.message && run.status !== 'running' && run.status !== 'completed' && (
              <span className="hint">— {run.message}</span>
            )}
          </p>
        </div>
        <div className="run-actions" role="group" aria-label="Run controls">
          {button('pause', 'Pause', canPause, false)}
          {button('resume', 'Resume', canResume, false)}
          {button('cancel', 'Cancel', canCancel, true, true)}
          {button('delete', 'Delete', !canCancel && run.status !== 'running', true, true)}
        </div>
      </div>
      {action && !action.confirming && action.error && (
        <p className="field-error" role="alert">
          {action.error}
        </p>
      )}
      {!run.metric.trusted && (
        <p className="notes">
          No hidden holdout for this data: the scores are self-reported by the agent's code.
        </p>
      )}
      <dl className="fact-grid">
        {facts.map(([label, value, id]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd data-testid={id ? `run-${id}` : undefined}>{value}</dd>
          </div>
        ))}
      </dl>
      <p className="hint small workspace-line">
        Workspace <code data-testid="run-workspace">{run.workspace}</code>{' '}
        {host ? (
          <>
            <ShowInFolder label="Show workspace in folder" where={async () => run.workspace} />{' '}
            <ShowInFolder label="Show run folder" where={() => runFolder(run.id)} />
          </>
        ) : (
          <CopyPath path={run.workspace} />
        )}
      </p>
    </section>
  );
}
