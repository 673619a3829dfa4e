import { greenfieldTabular, toolCall, type Scenario, type StageHandler } from '../../demo';

/** A hypothesis that would run script and load an image if a report rendered it as HTML. */
export const HOSTILE_HYPOTHESIS = '<script>alert(1)</script><img src=x onerror=alert(2)>';

/**
 * The churn demo whose every proposal's hypothesis starts with HOSTILE_HYPOTHESIS: the report of such a run
 * must show the text, never run it. The rest of the run is the demo's (the implement actor finds the experiment
 * by its change text, which is untouched).
 */
export function hostileHypothesisScenario(): Scenario {
  const base = greenfieldTabular('churn', { baseline: 'simple' });
  const proposal = base.stages.proposal as StageHandler;
  const hostile: StageHandler = async (call) => {
    const step = await proposal(call);
    const first = step && step.kind === 'reply' ? step.toolCalls?.[0] : undefined;
    if (first?.name !== 'mark_complete' || typeof first.arguments !== 'object') return step;
    const summary = String((first.arguments as { summary?: unknown }).summary ?? '');
    return toolCall('mark_complete', {
      summary: summary.replace('HYPOTHESIS: ', `HYPOTHESIS: ${HOSTILE_HYPOTHESIS} `),
    });
  };
  return {
    ...base,
    name: 'greenfield churn, hostile hypotheses',
    stages: { ...base.stages, proposal: hostile },
  };
}
