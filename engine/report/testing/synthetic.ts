import type { Experiment, RunSummary } from '../../api/runs';
import type { ReportData } from '../data';

/**
 * A made-up run's report data (tests, the benchmark): `steps` experiments of a higher-is-better accuracy run with
 * a target, kept / reverted / abandoned in turn, each kept one with a diff; a research log of one entry per step.
 */
export function syntheticReportData(steps: number, overrides: Partial<RunSummary> = {}): ReportData {
  const experiments: Experiment[] = [];
  let best = 0.7;
  let bestStep = 0;
  let parent = 0;
  for (let step = 0; step <= steps; step++) {
    const outcome = step === 0 ? 'baseline' : (['kept', 'reverted', 'abandoned'] as const)[step % 3]!;
    const score =
      outcome === 'abandoned' ? null : outcome === 'kept' || step === 0 ? best + 0.001 : best - 0.01;
    if ((outcome === 'kept' || step === 0) && score !== null) {
      best = score;
      bestStep = step;
    }
    experiments.push({
      step,
      parentStep: step === 0 ? null : parent,
      hypothesis: step === 0 ? '' : `Try idea number ${step}: more trees, a different learning rate`,
      proposal: `Proposal ${step}`,
      tag: step === 0 ? null : 'HYPERPARAM',
      outcome,
      score,
      selfReportedScore: score === null ? null : score + 0.02,
      note: outcome === 'abandoned' ? 'tests failed twice' : null,
      commitSha:
        outcome === 'kept' || step === 0 ? `${step.toString(16).padStart(8, '0')}${'a'.repeat(32)}` : null,
      startedAt: new Date(Date.UTC(2026, 11, 7, 10, 0, step)).toISOString(),
      endedAt: new Date(Date.UTC(2026, 11, 7, 10, 0, step + 1)).toISOString(),
      durationMs: 60_000,
      promptTokens: 2000,
      completionTokens: 300,
      costUsd: 0.002,
      unknownCostCalls: 0,
    });
    if (outcome === 'kept') parent = step;
  }
  const run: RunSummary = {
    id: '0b7d0d7e-1111-4222-8333-444455556666',
    name: 'digits classifier',
    status: 'completed',
    endReason: 'max_steps',
    message: 'the step limit was reached',
    mode: 'greenfield',
    task: 'Classify the digits',
    workspace: '/tmp/ws',
    metric: { name: 'accuracy', direction: 'higher', target: 0.99, trusted: true },
    step: steps,
    maxSteps: steps,
    bestScore: best,
    bestStep,
    bestCommit: experiments[bestStep]!.commitSha,
    finalScore: best - 0.004,
    costUsd: 0.002 * (steps + 1),
    unknownCostCalls: 0,
    promptTokens: 2000 * (steps + 1),
    completionTokens: 300 * (steps + 1),
    llmCalls: 3 * (steps + 1),
    model: 'openai/gpt-5-mini',
    sandbox: 'docker',
    createdAt: '2026-12-07T10:00:00.000Z',
    startedAt: '2026-12-07T10:00:01.000Z',
    endedAt: '2026-12-07T12:00:01.000Z',
    lastSeq: 100,
    ...overrides,
  };
  const diff = (step: number) =>
    `diff --git a/train.py b/train.py\n--- a/train.py\n+++ b/train.py\n@@ -1,3 +1,3 @@\n-n_estimators = ${step}\n+n_estimators = ${step + 100}\n`.repeat(
      8,
    );
  return {
    run,
    config: null,
    stages: [
      {
        stage: 'setup',
        status: 'pass',
        attempt: 0,
        step: 0,
        startedAt: run.startedAt,
        endedAt: run.startedAt,
        message:
          'docker sandbox 0123456789ab image mle-beast-sandbox:0.1.0: python 3.12.3, numpy 2.1.0, pandas 2.2.3, scikit-learn 1.6.1, pytest 8.3.4, CPU only',
      },
    ],
    experiments,
    diffs: new Map(
      experiments
        .filter((e) => e.outcome === 'kept' || e.outcome === 'baseline')
        .map((e) => [e.step, { text: diff(e.step), truncated: false, note: null }]),
    ),
    documents: [
      {
        name: 'data_analysis.md',
        content: {
          text: '# Data analysis\n\n1797 rows, 64 features, 10 classes.\n',
          bytes: 50,
          truncated: false,
        },
        missing: null,
        modifiedAt: run.startedAt,
      },
      {
        name: 'research_log.md',
        content: {
          text: `# Research Log\n\n${experiments.map((e) => `## Experiment ${e.step}\n\n- Hypothesis: ${e.hypothesis}\n`).join('\n')}`,
          bytes: 0,
          truncated: false,
        },
        missing: null,
        modifiedAt: run.endedAt,
      },
    ],
    safety: {
      blocks: [],
      file: '/tmp/ws/logs/safety.log',
      note: 'nothing was blocked: the workspace has no safety log',
    },
    usage: [
      {
        stage: 'data_analysis',
        model: run.model,
        calls: 3,
        promptTokens: 9000,
        completionTokens: 900,
        costUsd: 0.01,
        unknownCostCalls: 0,
      },
      {
        stage: 'proposal',
        model: run.model,
        calls: steps,
        promptTokens: 1500 * steps,
        completionTokens: 200 * steps,
        costUsd: 0.001 * steps,
        unknownCostCalls: 0,
      },
      {
        stage: 'proposal_critic',
        model: 'openai/gpt-5-nano',
        calls: steps,
        promptTokens: 500 * steps,
        completionTokens: 100 * steps,
        costUsd: 0.0002 * steps,
        unknownCostCalls: 0,
      },
    ],
    generatedAt: new Date('2026-12-07T12:00:05.000Z'),
    version: '0.1.0',
  };
}
