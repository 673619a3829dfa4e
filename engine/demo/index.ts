/**
 * The scripted model for tests and the offline demo (`mle-beast demo`): a stage-aware OpenAI-compatible
 * server on loopback that plays whole runs on the tabular examples with real scikit-learn code. See README.md.
 */
export {
  SCRIPTED_MODEL,
  actorScript,
  estimateUsage,
  faults,
  messageText,
  say,
  startScenarioModel,
  toolCall,
  withFaults,
  type FaultSpec,
  type RunMemory,
  type Scenario,
  type ScenarioCall,
  type ScenarioMessage,
  type ScenarioModel,
  type ScenarioStage,
  type StageHandler,
} from './scenario';
export {
  analysisMarkdown,
  brownfieldTabular,
  createBrownfieldRepo,
  experimentFor,
  greenfieldTabular,
  proposalText,
  testCritic,
  type BrownfieldRepo,
  type Experiment,
  type TabularScenarioOptions,
} from './scenarios';
export {
  TABULAR_SPECS,
  baselineFiles,
  contractFiles,
  modelPy,
  tweakFor,
  type ModelVariant,
  type TabularExample,
  type TabularSpec,
  type Tweak,
} from './sklearn-code';
// The host-side actor loop and tool runner for tests of the scenarios (engine/demo/testing/local-actor.ts) run
// commands without the policy: they are test scaffolding, never exported from the shipped demo.
