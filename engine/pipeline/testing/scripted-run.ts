import type { ScriptStep } from '../../llm/scripted-server';
import { actorScript, say, toolCall, type Scenario, type ScenarioCall } from '../../demo/scenario';

/**
 * Tests only: the shape every scripted run of the test suites shares. The data analysis writes its document,
 * the baseline writes its files into a `tests/` folder and completes, each step proposes and implements one
 * change to model.py, and the procedural critics get a short reply if they ask at all. What differs between
 * scenarios (the files, the proposals, the change per step) is given.
 */
export interface ScriptedRunParts {
  name: string;
  description: string;
  /** data_analysis.md */
  analysis: string;
  /** The baseline's files, by path (tests/ among them). */
  baselineFiles: Record<string, string>;
  baselineSummary: string;
  /** The proposal's text at step N: HYPOTHESIS / CHANGE / RATIONALE (/ TAG). */
  proposal(step: number): string;
  /** What the proposal critic says if the engine asks it. */
  proposalCritic: string;
  /** model.py as step N's implementation writes it. */
  modelPy(step: number): string;
  implementSummary(step: number): string;
}

/** The step a prompt is about: "step N of at most" (proposal), "(step N)" (implement). */
export function stepOf(call: ScenarioCall): number {
  const m = /This is step (\d+) of at most|experiment to implement \(step (\d+)\)/.exec(call.text);
  const n = Number(m?.[1] ?? m?.[2]);
  return Number.isFinite(n) && n > 0 ? n : call.conversationIndex + 1;
}

const complete = (summary: string): ScriptStep => toolCall('mark_complete', { summary });

const FIX_THE_TEST = 'The smoke test fails: read the assertion and fix model.py.';

export function scriptedRunScenario(parts: ScriptedRunParts): Scenario {
  return {
    name: parts.name,
    description: parts.description,
    stages: {
      data_analysis: actorScript(
        () => toolCall('write_file', { file_path: 'data_analysis.md', content: parts.analysis }),
        () => complete('Wrote data_analysis.md.'),
      ),
      data_analysis_critic: () => say('Complete.'),
      baseline: actorScript(
        () => toolCall('create_directory', { dir_path: 'tests' }),
        ...Object.entries(parts.baselineFiles).map(
          ([file_path, content]) =>
            () =>
              toolCall('write_file', { file_path, content }),
        ),
        () => complete(parts.baselineSummary),
      ),
      testing: () => say(FIX_THE_TEST),
      proposal: actorScript((call) => complete(parts.proposal(stepOf(call)))),
      proposal_critic: () => say(parts.proposalCritic),
      implement: actorScript(
        (call) => toolCall('write_file', { file_path: 'model.py', content: parts.modelPy(stepOf(call)) }),
        (call) => complete(parts.implementSummary(stepOf(call))),
      ),
      hillclimb_test: () => say(FIX_THE_TEST),
    },
  };
}
