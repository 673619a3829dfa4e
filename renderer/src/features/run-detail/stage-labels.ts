import type { StageName, StageRow } from '../../../../engine/api';

/** The stages' names as the UI shows them (the README's stage names are the contract's, for headers). */
export const STAGE_LABEL: Record<StageName, string> = {
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

export const STAGE_STATUS_TEXT: Record<StageRow['status'], string> = {
  pending: 'not started',
  active: 'running',
  pass: 'passed',
  fail: 'failed',
  retrying: 'retrying',
  skipped: 'skipped',
};
