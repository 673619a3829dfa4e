import fs from 'node:fs';
import path from 'node:path';
import type { Experiment, ExperimentTag } from '../api/runs';
import { targetReached } from '../config';
import { toolsFor } from '../tools';
import { beginExperiment, commitWorkspace, keepExperiment, revertExperiment } from '../workspace';
import { STEP_DIFF_CAP, stepDiffPath } from '../workspace/step-diffs';
import { uncommittedDiff } from '../workspace/uncommitted-diff';
import { runActor } from './actor';
import { checkDataAnalysis, testCritic } from './critics';
import { emitScore, predictSplit, score, trainAndScore } from './evaluation';
import { baselinePrompt, dataAnalysisPrompt, implementPrompt, proposalPrompt, SYSTEM } from './prompts';
import { checkProposal, hypothesisOf } from './proposal-text';
import { appendResearchLog, researchLogEntry } from './research-log';
import type { RunSession } from './session';
import { inferTag } from './tags';
import { isBetter } from '../api/vocabulary';

/** The stages of ARCHITECTURE.md section 4, each a function of the session. */

export async function dataAnalysis(session: RunSession): Promise<void> {
  const feedback: string[] = [];
  const { tuning } = session.input;
  for (let attempt = 0; attempt < tuning.dataAnalysisAttempts; attempt += 1) {
    session.stageStarted('data_analysis', 0, attempt);
    const acted = await runActor(session, {
      stage: 'data_analysis',
      step: 0,
      tools: toolsFor('data_analysis', { network: network(session) }),
      system: SYSTEM.data_analysis,
      user: dataAnalysisPrompt(session, feedback),
      maxTurns: tuning.turns.data_analysis,
    });
    session.stageFinished('data_analysis', 0, acted.completed ? 'pass' : 'fail', acted.failure);
    session.stageStarted('data_analysis_critic', 0, attempt);
    const verdict = checkDataAnalysis(session.workspace);
    const last = attempt === tuning.dataAnalysisAttempts - 1;
    session.stageFinished(
      'data_analysis_critic',
      0,
      verdict.pass ? 'pass' : last ? 'fail' : 'retry',
      verdict.feedback || null,
    );
    if (verdict.pass) return;
    feedback.push(verdict.feedback);
  }
  session.log(
    'data_analysis.md is still incomplete after the retries; going on without it',
    'warning',
    'data_analysis_critic',
  );
}

/**
 * The baseline: greenfield, the actor writes the contract files; brownfield, the user's code is tried first
 * as it is, and adapted only when tests or training fail. Then tests, training and the engine's score.
 * Returns true when the baseline already meets the target.
 */
export async function baseline(session: RunSession): Promise<boolean> {
  const { tuning, config } = session.input;
  const brownfield = config.mode === 'brownfield';
  const feedback: string[] = [];
  session.saveState({ step: 0 });
  const startedAt = new Date();
  const usage0 = usageMark(session);
  let scored: { score: number | null; selfReported: number | null } = { score: null, selfReported: null };
  let failure: string | null = null;
  for (let attempt = 0; attempt < tuning.testAttempts; attempt += 1) {
    if (brownfield && attempt === 0) {
      session.stageFinished('baseline', 0, 'skipped', "the repository's own code is the baseline");
    } else {
      session.stageStarted('baseline', 0, attempt);
      const acted = await runActor(session, {
        stage: 'baseline',
        step: 0,
        tools: toolsFor('coding', { network: network(session) }),
        system: brownfield ? SYSTEM.adapt : SYSTEM.baseline,
        user: baselinePrompt(session, feedback, brownfield),
        maxTurns: tuning.turns.baseline,
      });
      session.stageFinished('baseline', 0, acted.completed ? 'pass' : 'fail', acted.failure);
    }
    session.stageStarted('testing', 0, attempt);
    const verdict = await testCritic(session, 'testing', 0);
    session.stageFinished('testing', 0, verdict.pass ? 'pass' : 'retry', verdict.feedback || null);
    if (!verdict.pass) {
      failure = verdict.feedback;
      feedback.push(verdict.feedback);
      continue;
    }
    const outcome = await trainAndScore(session, 0);
    if (!outcome.ok) {
      failure = outcome.failure;
      feedback.push(`The engine ran the pipeline and it failed: ${outcome.failure}`);
      continue;
    }
    scored = outcome;
    failure = null;
    break;
  }
  if (failure)
    session.log(
      `the baseline has no score after ${tuning.testAttempts} attempts: ${firstLine(failure)}`,
      'warning',
      'baseline',
    );

  const experiment: Experiment = {
    ...blankExperiment(
      0,
      null,
      'Baseline',
      brownfield ? "the repository's own code" : 'the simplest working pipeline',
      startedAt,
    ),
    tag: null,
    outcome: 'baseline',
    score: scored.score,
    selfReportedScore: scored.selfReported,
    note: failure ? firstLine(failure) : null,
    ...usageSince(session, usage0, startedAt),
  };
  appendResearchLog(session.workspace, researchLogEntry(experiment, session.input.metric.name, scored.score));
  const kept = await commitWorkspace(
    session.workspace,
    `baseline: ${session.input.metric.name} ${scored.score ?? 'none'}`,
  );
  experiment.commitSha = kept.sha;
  session.input.ledger.recordExperiment(experiment);
  session.input.ledger.emit({ type: 'experiment', experiment });
  session.saveState({
    phase: 'loop',
    bestStep: 0,
    bestScore: scored.score,
    bestCommit: kept.sha,
    consecutiveFailures: 0,
  });
  if (scored.score !== null) await keepFinalPredictions(session, 0);
  session.progress();
  return scored.score !== null && targetReached(session.input.metric, scored.score);
}

export type LoopEnd = 'target_reached' | 'max_steps' | 'max_consecutive_failures';

/** Propose, implement, test, train, score, keep or revert; until the target, a limit, or a stop. */
export async function hillClimb(session: RunSession): Promise<LoopEnd> {
  const { limits } = session.input;
  for (;;) {
    await session.pauseGate();
    session.checkStop();
    if (session.state.step >= limits.maxSteps) return 'max_steps';
    if (session.state.consecutiveFailures >= limits.maxConsecutiveFailures) return 'max_consecutive_failures';
    const step = session.state.step + 1;
    session.saveState({ step });
    session.progress();
    if (await experiment(session, step)) return 'target_reached';
  }
}

/** One experiment; true when it reached the target. */
async function experiment(session: RunSession, step: number): Promise<boolean> {
  const startedAt = new Date();
  const usage0 = usageMark(session);
  const parentStep = session.state.bestStep;
  const proposal = await propose(session, step);
  const base = (tag: ExperimentTag | null, hypothesis: string, text: string) => ({
    ...blankExperiment(step, parentStep, hypothesis, text, startedAt),
    tag,
  });

  if (proposal === null) {
    return finish(
      session,
      { ...base(null, '(no proposal)', ''), outcome: 'failed', note: 'the model made no usable proposal' },
      usage0,
    );
  }
  const hypothesis = hypothesisOf(proposal);
  const tag = inferTag(proposal);
  await beginExperiment(session.workspace);
  session.experimentOpen = true;

  const tested = await implementAndTest(session, step, proposal);
  if (!tested.pass) {
    await revert(session);
    return finish(
      session,
      {
        ...base(tag, hypothesis, proposal),
        outcome: 'abandoned',
        note: `smoke tests still failing after ${session.input.tuning.testAttempts} attempts: ${firstLine(tested.feedback)}`,
      },
      usage0,
    );
  }
  const outcome = await trainAndScore(session, step);
  if (!outcome.ok) {
    await revert(session);
    return finish(
      session,
      {
        ...base(tag, hypothesis, proposal),
        outcome: 'failed',
        selfReportedScore: outcome.selfReported,
        note: firstLine(outcome.failure),
      },
      usage0,
    );
  }
  const previous = session.state.bestScore;
  const improved =
    outcome.score !== null && isBetter(session.input.metric.direction, outcome.score, previous);
  const record: Experiment = {
    ...base(tag, hypothesis, proposal),
    outcome: improved ? 'kept' : 'reverted',
    score: outcome.score,
    selfReportedScore: outcome.selfReported,
    note: improved ? null : `no improvement on ${formatMaybe(previous)}`,
  };
  if (!improved) {
    await revert(session);
    return finish(session, record, usage0);
  }
  // The journal entry goes into the step's own commit.
  appendResearchLog(
    session.workspace,
    researchLogEntry(
      { ...record, ...usageSince(session, usage0, startedAt) },
      session.input.metric.name,
      outcome.score,
    ),
  );
  const kept = await keepExperiment(session.workspace, {
    step,
    hypothesis,
    score: outcome.score,
    previousScore: previous,
  });
  session.experimentOpen = false;
  record.commitSha = kept.sha;
  session.saveState({
    bestStep: step,
    bestScore: outcome.score,
    bestCommit: kept.sha,
    consecutiveFailures: 0,
  });
  // Recorded before the final-split predictions, so a stop during them cannot lose the kept step's record.
  const reached = finish(session, record, usage0, false);
  await keepFinalPredictions(session, step);
  return reached;
}

/** Records the experiment (and its journal entry unless already written); true when the target is reached. */
function finish(session: RunSession, e: Experiment, usage0: UsageMark, writeLog = true): boolean {
  const full: Experiment = { ...e, ...usageSince(session, usage0, new Date(e.startedAt)) };
  if (e.outcome !== 'kept') session.saveState({ consecutiveFailures: session.state.consecutiveFailures + 1 });
  if (writeLog)
    appendResearchLog(
      session.workspace,
      researchLogEntry(full, session.input.metric.name, session.state.bestScore),
    );
  session.input.ledger.recordExperiment(full);
  session.input.ledger.emit({ type: 'experiment', experiment: full });
  session.progress();
  return full.outcome === 'kept' && full.score !== null && targetReached(session.input.metric, full.score);
}

async function propose(session: RunSession, step: number): Promise<string | null> {
  const { tuning, ledger } = session.input;
  const feedback: string[] = [];
  let last: string | null = null;
  for (let attempt = 0; attempt < tuning.proposalAttempts; attempt += 1) {
    session.stageStarted('proposal', step, attempt);
    const acted = await runActor(session, {
      stage: 'proposal',
      step,
      tools: toolsFor('proposal', { network: false }),
      system: SYSTEM.proposal,
      user: proposalPrompt(session, ledger.experiments(), feedback),
      maxTurns: tuning.turns.proposal,
      acceptsText: (text) => /^\s*(\*\*)?hypothesis(\*\*)?\s*[:\-–]/im.test(text),
    });
    session.stageFinished('proposal', step, acted.completed ? 'pass' : 'fail', acted.failure);
    const text = acted.summary?.trim() ?? '';
    if (text) last = text;
    session.stageStarted('proposal_critic', step, attempt);
    const earlier = ledger.experiments().filter((e) => e.step > 0);
    const verdict = checkProposal(text, earlier);
    if (verdict.ok) {
      session.stageFinished('proposal_critic', step, 'pass', null);
      return text;
    }
    const advice = await criticAdvice(session, step, text, verdict.feedback);
    session.stageFinished('proposal_critic', step, 'retry', verdict.feedback);
    feedback.push(advice ? `${verdict.feedback}\n${advice}` : verdict.feedback);
  }
  // As the original: after the retries, a non-empty proposal goes ahead rather than stalling the run.
  if (last)
    session.log(
      'the proposal critic is still not satisfied; trying the last proposal anyway',
      'warning',
      'proposal_critic',
    );
  return last;
}

/** The critic's one model call: why the proposal was rejected and where to look instead. */
async function criticAdvice(
  session: RunSession,
  step: number,
  proposal: string,
  reason: string,
): Promise<string> {
  if (!proposal) return '';
  const reply = await session.chat('critic', 'proposal_critic', step, {
    messages: [
      { role: 'system', content: SYSTEM.proposalCritic },
      { role: 'user', content: `Rejected because: ${reason}\n\nThe proposal:\n${proposal.slice(0, 4000)}` },
    ],
    maxTokens: 400,
  });
  return reply.ok ? (reply.value.content ?? '').trim().slice(0, 1500) : '';
}

async function implementAndTest(
  session: RunSession,
  step: number,
  proposal: string,
): Promise<{ pass: boolean; feedback: string }> {
  const { tuning } = session.input;
  const feedback: string[] = [];
  for (let attempt = 0; attempt < tuning.testAttempts; attempt += 1) {
    session.stageStarted('implement', step, attempt);
    const acted = await runActor(session, {
      stage: 'implement',
      step,
      tools: toolsFor('coding', { network: network(session) }),
      system: SYSTEM.implement,
      user: implementPrompt(session, proposal, feedback),
      maxTurns: tuning.turns.implement,
    });
    session.stageFinished('implement', step, acted.completed ? 'pass' : 'fail', acted.failure);
    session.stageStarted('hillclimb_test', step, attempt);
    const verdict = await testCritic(session, 'hillclimb_test', step);
    const last = attempt === tuning.testAttempts - 1;
    session.stageFinished(
      'hillclimb_test',
      step,
      verdict.pass ? 'pass' : last ? 'fail' : 'retry',
      verdict.feedback || null,
    );
    if (verdict.pass) return verdict;
    feedback.push(verdict.feedback);
  }
  return { pass: false, feedback: feedback.at(-1) ?? 'tests failed' };
}

/**
 * Keeps what a step changed before it is reverted, in the run folder (`diffs/step-<n>.diff`, size-capped), so the
 * Run detail view can show a reverted or abandoned step's code (engine/runs/run-details.ts reads it). A failure
 * here is a warning: the revert matters more.
 */
async function recordUncommittedDiff(session: RunSession): Promise<void> {
  const base = session.state.bestCommit;
  if (!base) return;
  try {
    const text = await uncommittedDiff(session.workspace, base);
    const file = stepDiffPath(session.input.runDir, session.state.step);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text.length > STEP_DIFF_CAP ? text.slice(0, STEP_DIFF_CAP) : text);
  } catch (error) {
    session.log(
      `the step's changes could not be saved before the revert: ${(error as Error).message}`,
      'warning',
    );
  }
}

/** Puts the workspace back at the best commit (files that existed before the experiment survive). */
export async function revert(session: RunSession): Promise<void> {
  if (!session.experimentOpen) return;
  await recordUncommittedDiff(session);
  const result = await revertExperiment(session.workspace);
  session.experimentOpen = false;
  // Training output (logs, checkpoints, caches) is rewritten by every step: not worth a warning.
  const notes = [
    ...result.lost.filter(isUserFile).map((p) => `lost: ${p}`),
    ...result.modified.filter(isUserFile).map((p) => `changed and not restorable: ${p}`),
    ...result.notRemoved.map((n) => `not removed: ${n.path} (${n.reason})`),
  ];
  if (notes.length) session.log(`revert: ${notes.slice(0, 10).join('; ')}`, 'warning');
}

/**
 * A kept step's predictions on the final hidden split are made now, while its checkpoint exists, and kept
 * in the run's folder; only the best one is ever scored, once, at the end (finalScoring).
 */
async function keepFinalPredictions(session: RunSession, step: number): Promise<void> {
  const { runData, metric } = session.input;
  if (!runData || !metric.resolved) return;
  const predicted = await predictSplit(session, 'final', runData.paths.final);
  if (!predicted.ok) {
    session.log(
      `predictions on the final split failed for step ${step}: ${firstLine(predicted.failure)}`,
      'warning',
      'scoring',
    );
    return;
  }
  const dir = path.join(session.input.runDir, 'predictions');
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(predicted.file, path.join(dir, `step-${step}-final.csv`));
  fs.rmSync(predicted.file, { force: true });
}

export async function finalScoring(session: RunSession): Promise<void> {
  const { runData, metric, ledger, runDir } = session.input;
  const best = session.state.bestStep;
  session.stageStarted('final_scoring', best ?? 0);
  if (!runData || !metric.resolved || best === null || session.state.bestScore === null) {
    session.stageFinished('final_scoring', best ?? 0, 'skipped', 'nothing to score on the final split');
    return;
  }
  if (ledger.summary().finalScore !== null) {
    // A resumed run that had scored it before its process died: the final split is scored once.
    session.stageFinished('final_scoring', best, 'skipped', 'already scored');
    return;
  }
  const file = path.join(runDir, 'predictions', `step-${best}-final.csv`);
  if (!fs.existsSync(file)) {
    session.stageFinished(
      'final_scoring',
      best,
      'fail',
      `no final-split predictions were kept for step ${best}`,
    );
    return;
  }
  const scored = await score(session, file, runData.paths.final.labels, path.dirname(file));
  emitScore(session, best, 'final', scored);
  ledger.setFinalScore(scored.ok ? scored.value : null);
  session.stageFinished(
    'final_scoring',
    best,
    scored.ok ? 'pass' : 'fail',
    scored.ok ? `${metric.name} ${scored.value}` : scored.message,
  );
}

/** Commits the research log entries of reverted steps that came after the last kept one. */
export async function commitJournal(session: RunSession): Promise<void> {
  await commitWorkspace(session.workspace, 'research log');
}

interface UsageMark {
  cost: number;
  prompt: number;
  completion: number;
  unknown: number;
}
const usageMark = (s: RunSession): UsageMark => ({
  cost: s.totalCost(),
  prompt: s.tokens.prompt,
  completion: s.tokens.completion,
  unknown: s.tokens.unknownCostCalls,
});
function usageSince(s: RunSession, m: UsageMark, startedAt: Date) {
  const now = new Date();
  return {
    endedAt: now.toISOString(),
    durationMs: now.getTime() - startedAt.getTime(),
    promptTokens: s.tokens.prompt - m.prompt,
    completionTokens: s.tokens.completion - m.completion,
    costUsd: Math.max(0, s.totalCost() - m.cost),
    unknownCostCalls: s.tokens.unknownCostCalls - m.unknown,
  };
}

function blankExperiment(
  step: number,
  parentStep: number | null,
  hypothesis: string,
  proposal: string,
  startedAt: Date,
): Experiment {
  return {
    step,
    parentStep,
    hypothesis,
    proposal,
    tag: null,
    outcome: 'failed',
    score: null,
    selfReportedScore: null,
    note: null,
    commitSha: null,
    startedAt: startedAt.toISOString(),
    endedAt: null,
    durationMs: null,
    promptTokens: 0,
    completionTokens: 0,
    costUsd: 0,
    unknownCostCalls: 0,
  };
}

const GENERATED = /^(logs|checkpoints|__pycache__|\.pytest_cache)\/|(^|\/)__pycache__\/|\.pyc$/;
const isUserFile = (p: string) => !GENERATED.test(p);
const network = (s: RunSession) => s.input.config.sandbox.network === 'bridge';
const firstLine = (text: string) =>
  text
    .split('\n')
    .find((l) => l.trim())
    ?.slice(0, 300) ?? text.slice(0, 300);
const formatMaybe = (v: number | null) => (v === null ? 'none' : String(v));
