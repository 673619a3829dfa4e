import type { RunSummary } from '../runs';

/** A running greenfield run with nothing done yet, started at 2026-12-07T10:00Z; `patch` changes any field. */
export function runSummary(patch: Partial<RunSummary> = {}): RunSummary {
  return {
    id: 'run-1',
    name: null,
    status: 'running',
    endReason: null,
    message: null,
    mode: 'greenfield',
    task: 'predict churn',
    workspace: '/tmp/ws',
    metric: { name: 'accuracy', direction: 'higher', target: 0.82, trusted: true },
    step: 0,
    maxSteps: 6,
    bestScore: null,
    bestStep: null,
    bestCommit: null,
    finalScore: null,
    costUsd: 0,
    unknownCostCalls: 0,
    promptTokens: 0,
    completionTokens: 0,
    llmCalls: 0,
    model: 'scripted model',
    sandbox: 'docker',
    createdAt: '2026-12-07T10:00:00.000Z',
    startedAt: '2026-12-07T10:00:00.000Z',
    endedAt: null,
    lastSeq: 0,
    ...patch,
  };
}
