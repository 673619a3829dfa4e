import type { Experiment, RunEvent, RunStatus, RunSummary, StageName } from '../../../engine/api/runs';
import { isBetter } from '../../../engine/api/vocabulary';

/**
 * What the live progress display knows about a run, folded from its summary and its events. Pure data: the
 * renderer turns it into text, the writer puts the text on the terminal.
 */
export interface ProgressState {
  runId: string;
  task: string;
  metric: RunSummary['metric'];
  status: RunStatus;
  stage: StageName | null;
  attempt: number;
  step: number;
  maxSteps: number;
  bestScore: number | null;
  bestStep: number | null;
  costUsd: number;
  unknownCostCalls: number;
  /** Run time as the engine last measured it, and the local clock (ms) at that moment. */
  elapsedMs: number;
  elapsedAt: number;
  /** Each experiment's score by step: the parent's score gives an experiment's change. */
  scores: Record<number, number | null>;
}

export function initialProgress(
  run: RunSummary,
  nowMs: number,
  experiments: readonly Experiment[] = [],
): ProgressState {
  const scores: Record<number, number | null> = {};
  for (const e of experiments) scores[e.step] = e.score;
  return {
    runId: run.id,
    task: run.task,
    metric: run.metric,
    status: run.status,
    stage: null,
    attempt: 1,
    step: run.step,
    maxSteps: run.maxSteps,
    bestScore: run.bestScore,
    bestStep: run.bestStep,
    costUsd: run.costUsd,
    unknownCostCalls: run.unknownCostCalls,
    elapsedMs: 0,
    elapsedAt: nowMs,
    scores,
  };
}

/** The state after one event. Events of other runs leave it as it is. */
export function applyEvent(state: ProgressState, event: RunEvent, nowMs: number): ProgressState {
  if (event.runId !== state.runId) return state;
  const body = event.body;
  switch (body.type) {
    case 'run.state':
      return { ...state, status: body.status };
    case 'stage.started':
      return { ...state, stage: body.stage, attempt: body.attempt, step: Math.max(state.step, body.step) };
    case 'llm.call':
      return body.usage.costUsd === null
        ? { ...state, unknownCostCalls: state.unknownCostCalls + 1 }
        : { ...state, costUsd: state.costUsd + body.usage.costUsd };
    case 'experiment': {
      const e = body.experiment;
      const next = { ...state, scores: { ...state.scores, [e.step]: e.score } };
      if ((e.outcome === 'kept' || e.outcome === 'baseline') && e.score !== null) {
        if (isBetter(state.metric.direction, e.score, state.bestScore) || state.bestStep === e.step) {
          return { ...next, bestScore: e.score, bestStep: e.step };
        }
      }
      return next;
    }
    case 'progress':
      return {
        ...state,
        step: body.step,
        maxSteps: body.maxSteps,
        bestScore: body.bestScore ?? state.bestScore,
        // The engine's figure is the whole run's; calls of unknown cost are still counted from llm.call.
        costUsd: Math.max(body.costUsd, 0),
        elapsedMs: body.elapsedMs,
        elapsedAt: nowMs,
      };
    default:
      return state;
  }
}

/** Run time now: the engine's last figure plus the time since. */
export const elapsedNow = (state: ProgressState, nowMs: number): number =>
  state.elapsedMs + Math.max(0, nowMs - state.elapsedAt);
