/** The pipeline (ARCHITECTURE.md section 4): stages, actors, critics, the hill-climb loop. */
export { runPipeline, type PipelineOutcome } from './run-pipeline';
export { RunSession } from './session';
export { isBetter } from '../api/vocabulary';
export { inferTag } from './tags';
export { checkProposal, hypothesisOf, similarity } from './proposal-text';
export { trimConversation } from './context-trim';
export {
  DEFAULT_TUNING,
  INITIAL_STATE,
  StopRun,
  type LlmCallRecord,
  type PipelineInput,
  type PipelineState,
  type RunLedger,
  type RunLimits,
  type RunMetric,
  type RunTuning,
} from './types';
