import { elapsedNow, outcomeCounts, targetReached, type RunView } from '../../../../engine/api/run-view';
import { StatusBadge } from '../../components/StatusBadge';
import { Sparkline } from '../../components/ScoreCharts';
import { comparison, fmtCost, fmtDuration, fmtScore, shortId } from '../../lib/format';
import { useNow } from '../../lib/use-now';
import { runHash } from '../../state/route';

/** One active run: where it is, how it scores against its target, what it cost, how long it has run. */
export function RunCard({ view }: { view: RunView }) {
  const { run } = view;
  const now = useNow(run.status === 'running');
  const counts = outcomeCounts(view.experiments);
  const reached = targetReached(run);
  const titleId = `card-${run.id}`;
  return (
    <article className="card run-card" aria-labelledby={titleId} data-testid="run-card" data-run-id={run.id}>
      <header className="run-card-head">
        <a id={titleId} href={runHash(run.id)} className="run-card-title">
          {run.name ?? run.task}
        </a>
        <StatusBadge status={run.status} />
      </header>
      <dl className="run-card-facts">
        <div>
          <dt>Stage</dt>
          <dd data-testid="card-stage">
            {view.stage ? view.stage.replace(/_/g, ' ') : '—'}
            {view.attempt > 0 ? ` (attempt ${view.attempt + 1})` : ''}
          </dd>
        </div>
        <div>
          <dt>Step</dt>
          <dd data-testid="card-step">
            {run.step} of {run.maxSteps}
          </dd>
        </div>
        <div>
          <dt>Best {run.metric.name}</dt>
          <dd data-testid="card-best">
            <span className={reached ? 'good' : undefined}>{fmtScore(run.bestScore)}</span>
            {run.metric.target !== null && (
              <span className="hint">
                {' '}
                target {comparison(run.metric.direction)} {fmtScore(run.metric.target)}
              </span>
            )}
          </dd>
        </div>
        <div>
          <dt>Cost</dt>
          <dd>{fmtCost(run.costUsd, run.unknownCostCalls)}</dd>
        </div>
        <div>
          <dt>Elapsed</dt>
          <dd data-testid="card-elapsed">{fmtDuration(elapsedNow(view, now))}</dd>
        </div>
      </dl>
      <Sparkline experiments={view.experiments} metric={run.metric} />
      <p className="run-card-counts" aria-label="Experiments by outcome">
        <span className="outcome kept">{counts.kept} kept</span>
        <span className="outcome reverted">{counts.reverted} reverted</span>
        <span className="outcome abandoned">{counts.abandoned + counts.failed} abandoned</span>
        <span className="hint">
          {run.sandbox} · {shortId(run.id)}
        </span>
      </p>
    </article>
  );
}
