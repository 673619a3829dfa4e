import { STAGES, type StageName, type StageRow } from '../../../../engine/api';
import { fmtDuration } from '../../lib/format';

const LABEL: Record<StageName, string> = {
  setup: 'Setup',
  data_analysis: 'Data analysis',
  data_analysis_critic: 'Analysis critic',
  baseline: 'Baseline',
  testing: 'Tests',
  training: 'Training',
  evaluate: 'Evaluate',
  scoring: 'Scoring',
  proposal: 'Proposal',
  proposal_critic: 'Proposal critic',
  implement: 'Implement',
  hillclimb_test: 'Experiment tests',
  final_scoring: 'Final scoring',
};

const STATUS_TEXT: Record<StageRow['status'], string> = {
  pending: 'not started',
  active: 'running',
  pass: 'passed',
  fail: 'failed',
  retrying: 'retrying',
  skipped: 'skipped',
};

/** The pipeline's stages in order, each with its latest status, step, attempt and duration. */
export function StagesTimeline({
  stages,
  current,
}: {
  stages: readonly StageRow[];
  current: StageName | null;
}) {
  const byName = new Map(stages.map((s) => [s.stage, s]));
  return (
    <ol className="stages" aria-label="Stages">
      {STAGES.map((name) => {
        const row = byName.get(name);
        const status = row?.status ?? 'pending';
        const active = current === name;
        const duration =
          row?.startedAt && row.endedAt ? Date.parse(row.endedAt) - Date.parse(row.startedAt) : null;
        return (
          <li
            key={name}
            className={`stage ${status}${active ? ' current' : ''}`}
            data-testid="stage"
            data-stage={name}
            data-status={status}
            aria-current={active ? 'step' : undefined}
          >
            <span className="stage-dot" aria-hidden="true" />
            <span className="stage-name">{LABEL[name]}</span>
            <span className="stage-meta">
              {STATUS_TEXT[status]}
              {row && row.step > 0 ? ` · step ${row.step}` : ''}
              {row && row.attempt > 0 ? ` · attempt ${row.attempt + 1}` : ''}
              {duration !== null ? ` · ${fmtDuration(duration)}` : ''}
            </span>
            {row?.message && status === 'fail' && <span className="stage-message">{row.message}</span>}
          </li>
        );
      })}
    </ol>
  );
}
