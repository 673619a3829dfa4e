import type { Experiment } from '../../../../engine/api';
import { fmtDate, shortSha } from '../../lib/format';
import { useDetailsStore } from './details-store';
import { DiffView } from './DiffView';
import { Markdown } from './Markdown';
import { STAGE_LABEL } from './stage-labels';

/** The selected experiment: its proposal, what the critics said, and its diff against its parent's commit. */
export function ExperimentDetail({ experiments }: { experiments: readonly Experiment[] }) {
  const step = useDetailsStore((s) => s.selectedStep);
  const detail = useDetailsStore((s) => s.experiment);
  const select = useDetailsStore((s) => s.select);
  if (step === null) {
    return (
      <p className="hint">
        Select an experiment in the tree or the table to see its diff, proposal and critic notes.
      </p>
    );
  }
  const experiment = experiments.find((e) => e.step === step);
  if (detail.status === 'loading' || detail.status === 'idle') {
    return (
      <p className="hint" role="status">
        Reading experiment {step}…
      </p>
    );
  }
  if (detail.status === 'error' || !detail.data) {
    return (
      <div className="card error" role="alert">
        <p>
          Experiment {step} could not be read: {detail.error}
        </p>
        <button type="button" onClick={() => void select(step)}>
          Try again
        </button>
      </div>
    );
  }
  const d = detail.data;
  return (
    <article className="exp-detail" aria-labelledby="exp-detail-title" data-testid="experiment-detail">
      <h3 id="exp-detail-title">
        Step {d.step}
        {experiment && <span className={`outcome ${experiment.outcome}`}>{experiment.outcome}</span>}
        <span className="hint small">
          {d.parentStep === null ? 'baseline' : `from step ${d.parentStep}`}
          {d.commitSha && ` · commit ${shortSha(d.commitSha)}`}
          {d.parentSha && ` against ${shortSha(d.parentSha)}`}
        </span>
      </h3>
      {d.note && <p className="notes">{d.note}</p>}
      <h4>Proposal</h4>
      {d.proposal.trim() ? (
        <Markdown text={d.proposal} label="Proposal" />
      ) : (
        <p className="hint">No proposal text (the baseline has none).</p>
      )}
      <h4>Critic notes</h4>
      {d.critic.length === 0 ? (
        <p className="hint">No critic verdict recorded for this step.</p>
      ) : (
        <ul className="critic-notes">
          {d.critic.map((n, i) => (
            <li key={i} className={`critic ${n.kind}`}>
              <strong>{STAGE_LABEL[n.stage]}</strong>{' '}
              <span className={`critic-kind ${n.kind}`}>{n.kind}</span>{' '}
              <span className="hint small">{fmtDate(n.at)}</span>
              <div className="critic-text">{n.text}</div>
            </li>
          ))}
        </ul>
      )}
      <h4>Diff</h4>
      {d.diffNote && <p className="hint">{d.diffNote}</p>}
      {d.diff && <DiffView text={d.diff.text} />}
    </article>
  );
}
