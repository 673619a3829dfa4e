import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { mountPathOf } from '../sandbox/spec';
import { scoreDisagreement } from '../api/score-check';
import { scorePredictions, type ScoreResult } from '../scoring';
import type { SplitPaths } from '../datasets';
import { endingNote, launchScript, logStreams, makeFolder } from '../tools';
import { ENGINE_OUTPUTS } from '../workspace';
import type { RunSession } from './session';
import type { ScoreSplit } from '../api/vocabulary';

/**
 * The engine's own train → evaluate → predict → score, run in the sandbox after the tests pass. The agent
 * never reports its own score for decisions: predict.py's predictions on the hidden selection split are
 * scored here. Stale outputs (eval_results.json, old predictions) are removed before each run, so a failed
 * step can never re-report the previous figure.
 */
export type TrainOutcome =
  | { ok: true; score: number | null; selfReported: number | null; notes: string[] }
  | { ok: false; failure: string; selfReported: number | null };

const EvalResults = z.object({
  metric_name: z.string().optional(),
  value: z.number().refine(Number.isFinite, 'must be a finite number'),
});

const PREDICTIONS_DIR = ENGINE_OUTPUTS.predictionsDir;
const TAIL_LINES = 25;

export async function trainAndScore(session: RunSession, step: number): Promise<TrainOutcome> {
  const { tuning } = session.input;
  const data = session.dataPath;
  const common = [...(data ? ['--data-path', data] : []), '--device', session.device];

  session.stageStarted('training', step);
  const trained = await launchScript(session.toolContext('training'), {
    kind: 'training',
    scriptPath: 'train.py',
    args: [...common, '--epochs', String(tuning.epochs), '--checkpoint-dir', 'checkpoints'],
    // train.py writes logs/training.log itself (the contract); the engine keeps the console apart.
    logFile: ENGINE_OUTPUTS.trainConsole,
    timeoutMs: tuning.timeouts.trainingMs,
  });
  session.checkStop();
  const trainFailure = scriptFailure('train.py', trained, tuning.timeouts.trainingMs);
  session.stageFinished('training', step, trainFailure ? 'fail' : 'pass', trainFailure);
  if (trainFailure) return { ok: false, failure: trainFailure, selfReported: null };

  session.stageStarted('evaluate', step);
  const resultsFile = path.join(session.workspace, ENGINE_OUTPUTS.evalResults);
  fs.rmSync(resultsFile, { force: true });
  const evaluated = await launchScript(session.toolContext('evaluate'), {
    kind: 'evaluate',
    scriptPath: 'evaluate.py',
    args: [...common, '--checkpoint-dir', 'checkpoints'],
    logFile: ENGINE_OUTPUTS.evalConsole,
    timeoutMs: tuning.timeouts.evaluateMs,
  });
  session.checkStop();
  const evalFailure = scriptFailure('evaluate.py', evaluated, tuning.timeouts.evaluateMs);
  const read = evalFailure ? null : readEvalResults(resultsFile);
  const evalNote = evalFailure ?? (read && !read.ok ? read.message : null);
  session.stageFinished('evaluate', step, evalNote ? 'fail' : 'pass', evalNote);
  const self = read?.ok ? read.value : null;

  if (!session.input.metric.resolved || !session.input.runData) {
    // No hidden holdout: the agent's own figure is all there is, shown as self-reported.
    if (self === null) return { ok: false, failure: evalNote ?? 'no score', selfReported: null };
    session.input.ledger.emit({
      type: 'score',
      step,
      split: 'selection',
      metric: session.input.metric.name,
      value: self,
      source: 'self_reported',
      problems: [],
    });
    return { ok: true, score: self, selfReported: self, notes: [] };
  }
  if (evalNote)
    session.log(`evaluate.py: ${evalNote} (the engine's own score decides)`, 'warning', 'evaluate');

  session.stageStarted('scoring', step);
  const scored = await predictAndScore(session, 'selection', session.input.runData.paths.selection);
  session.checkStop();
  if (!scored.ok) {
    session.stageFinished('scoring', step, 'fail', scored.failure);
    return { ok: false, failure: scored.failure, selfReported: self };
  }
  session.stageFinished('scoring', step, 'pass', null);
  warnIfFarApart(session, step, self, scored.value);
  return { ok: true, score: scored.value, selfReported: self, notes: scored.notes };
}

/** Records a warning when evaluate.py's own figure is far from the engine's score (see api/score-check.ts). */
function warnIfFarApart(session: RunSession, step: number, self: number | null, engine: number): void {
  const { metric } = session.input;
  const far = scoreDisagreement(metric.resolved?.name ?? metric.name, self, engine);
  if (!far) return;
  session.input.ledger.emit({
    type: 'score.disagreement',
    step,
    metric: metric.name,
    selfReported: far.selfReported,
    engine: far.engine,
    message: far.message,
  });
}

/** Runs predict.py on a hidden split's features and writes its predictions; returns their host path. */
export async function predictSplit(
  session: RunSession,
  split: ScoreSplit,
  paths: SplitPaths,
): Promise<{ ok: true; file: string } | { ok: false; failure: string }> {
  const { sandbox, tuning } = session.input;
  const ctx = session.toolContext('scoring');
  let hostOut: string;
  try {
    // Confined like the agent's own writes: a `logs` the agent turned into a link out of the workspace is
    // refused, not followed. Group-writable: predict.py may write here as another uid.
    hostOut = path.join(makeFolder(ctx, PREDICTIONS_DIR).real, `${split}.csv`);
  } catch (error) {
    return { ok: false, failure: `cannot prepare ${PREDICTIONS_DIR}/: ${(error as Error).message}` };
  }
  fs.rmSync(hostOut, { force: true });
  // Only this split's folder, only for this command: the OS-isolated local sandbox, like Docker, shows it at
  // /holdout/<split>; where a sandbox cannot move folders the command reads the host path.
  const mount = { hostPath: paths.dir, sandboxPath: `/holdout/${split}` };
  const input =
    mountPathOf(sandbox, mount) === mount.sandboxPath
      ? path.posix.join(mount.sandboxPath, path.basename(paths.input))
      : paths.input;
  const log = logStreams(ctx, 'tool');
  const result = await sandbox
    .exec({
      argv: ['python3', 'predict.py', '--input', input, '--output', `${PREDICTIONS_DIR}/${split}.csv`],
      timeoutMs: tuning.timeouts.evaluateMs,
      signal: session.input.signal,
      outputCapBytes: 256 * 1024,
      env: { PYTHONPATH: sandbox.paths.workspace, MPLBACKEND: 'Agg' },
      mounts: [mount],
      onOutput: log.onOutput,
    })
    .finally(log.flush);
  session.checkStop();
  if (result.exitCode !== 0) {
    const why = failureWhy(result, tuning.timeouts.evaluateMs);
    return { ok: false, failure: `predict.py failed: ${why}\n${tail(result.stderr || result.stdout)}` };
  }
  return { ok: true, file: hostOut };
}

async function predictAndScore(
  session: RunSession,
  split: 'selection',
  paths: SplitPaths,
): Promise<{ ok: true; value: number; notes: string[] } | { ok: false; failure: string }> {
  const predicted = await predictSplit(session, split, paths);
  if (!predicted.ok) return predicted;
  const scored = await score(session, predicted.file, paths.labels, session.workspace);
  emitScore(session, session.state.step, split, scored);
  if (!scored.ok) {
    return { ok: false, failure: `the predictions could not be scored: ${problemsOf(scored).join('; ')}` };
  }
  return { ok: true, value: scored.value, notes: scored.notes };
}

/** Scores a predictions file inside `root` against hidden labels (the run must have a resolved metric). */
export async function score(
  session: RunSession,
  predictionsPath: string,
  labelsPath: string,
  root: string,
): Promise<ScoreResult> {
  const metric = session.input.metric;
  if (!metric.resolved) throw new Error('score() needs a run with trusted scoring');
  return scorePredictions({
    predictionsPath,
    predictionsRoot: root,
    labelsPath,
    metric: metric.resolved,
    ...(metric.classes ? { classes: metric.classes } : {}),
  });
}

export function emitScore(session: RunSession, step: number, split: ScoreSplit, scored: ScoreResult): void {
  session.input.ledger.emit({
    type: 'score',
    step,
    split,
    metric: session.input.metric.name,
    value: scored.ok ? scored.value : null,
    source: 'engine',
    problems: problemsOf(scored),
  });
}

export function problemsOf(scored: ScoreResult): string[] {
  if (scored.ok) return [];
  return scored.problems.length ? scored.problems.map((p) => p.message) : [scored.message];
}

function readEvalResults(file: string): { ok: true; value: number } | { ok: false; message: string } {
  let text: string;
  try {
    const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    try {
      text = fs.readFileSync(fd, 'utf8').slice(0, 100_000);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return { ok: false, message: 'evaluate.py wrote no eval_results.json' };
  }
  try {
    const parsed = EvalResults.safeParse(JSON.parse(text));
    if (parsed.success) return { ok: true, value: parsed.data.value };
    return { ok: false, message: 'eval_results.json has no finite numeric "value"' };
  } catch {
    return { ok: false, message: 'eval_results.json is not valid JSON' };
  }
}

function scriptFailure(
  name: string,
  r: { exitCode: number | null; timedOut: boolean; cancelled: boolean; oomKilled: boolean; tail: string[] },
  timeoutMs: number,
): string | null {
  if (r.exitCode === 0 && !r.timedOut && !r.cancelled) return null;
  return `${name} failed: ${failureWhy(r, timeoutMs)}\nLast lines:\n${r.tail.slice(-TAIL_LINES).join('\n')}`;
}

/** How a script ended, in the words the tools use for the model's own commands. */
function failureWhy(
  r: { exitCode: number | null; timedOut: boolean; cancelled: boolean; oomKilled: boolean },
  timeoutMs: number,
): string {
  return endingNote(r, timeoutMs) ?? `exit code ${r.exitCode}`;
}

const tail = (text: string) => text.split('\n').slice(-TAIL_LINES).join('\n');
