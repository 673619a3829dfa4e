// Values from vocabulary-values.ts, types from the schema modules: this fold runs on the renderer's first
// screen, before any schema is built (see client-core.ts).
import type { Experiment, ExperimentOutcome, RunEvent, RunSnapshot, RunSummary, StageRow } from './runs';
import type { LogSource, LogStream, ScoreSource, ScoreSplit } from './vocabulary';
import {
  isBetter,
  isTerminalStatus as isTerminal,
  meetsTarget,
  STAGES,
  type Direction,
  type StageName,
} from './vocabulary-values';

/**
 * The one fold of a run's events into what a UI shows of it: the renderer's Runs and Run detail pages and the
 * CLI's live progress all open a run with a snapshot (`runs.get`) and then fold its `run.event`s, in `seq`
 * order, into this view. Pure data and pure functions: no Node, no DOM, no clock of its own (callers pass
 * `nowMs`), so it runs the same in every process and in tests.
 *
 * Two kinds of effect, because a snapshot's summary is already the run's state as of `run.lastSeq`:
 * - state effects (status, stage rows, step, best score, cost, tokens, experiments) apply only to events newer
 *   than the summary (`seq > baseSeq`), so folding old events over a fresh summary never counts them twice;
 * - history effects (log lines, training metrics, scores) apply to every event not seen before (`seq > lastSeq`).
 * Events at or below `lastSeq` are duplicates and change nothing. An event after a hole (`seq > lastSeq + 1`) is
 * not applied: the fold reports the gap, and the client asks `runs.get` for the events after `lastSeq`.
 */

export interface LogLine {
  seq: number;
  at: string;
  stage: StageName | null;
  source: LogSource;
  stream: LogStream;
  text: string;
}

/** One line of the run's logs/metrics.jsonl, from the step (experiment) whose training wrote it. */
export interface MetricPoint {
  seq: number;
  step: number;
  values: Record<string, number>;
}

export interface ScorePoint {
  seq: number;
  step: number;
  split: ScoreSplit;
  value: number | null;
  source: ScoreSource;
  problems: string[];
}

export interface RunView {
  /** The run's summary, kept current by the events (status, step, best, cost, tokens, calls, final score). */
  run: RunSummary;
  /** The stage the pipeline is in (null before the first stage and after the end). */
  stage: StageName | null;
  attempt: number;
  /** One row per stage, in pipeline order, as the store keeps them. */
  stages: StageRow[];
  /** Every experiment recorded, by step ascending. */
  experiments: Experiment[];
  /** Every score the engine computed or read, in order. */
  scores: ScorePoint[];
  /** The newest log lines (at most `limits.logLines`); `logTotal` counts all seen. */
  logs: LogLine[];
  logTotal: number;
  /** Training metrics (at most `limits.metricPoints`, newest kept). */
  metrics: MetricPoint[];
  /** The run's time as the engine last reported it, and the caller's clock (ms) at that moment. */
  elapsedMs: number | null;
  elapsedAt: number;
  /** The summary is the run's state as of this sequence number. */
  baseSeq: number;
  /** The newest event folded (or the `sinceSeq` the snapshot was asked with). */
  lastSeq: number;
  /**
   * Events after `sinceSeq` and before this one are not folded yet: a view opened on the run's newest events
   * (a tail read) has its older history prepended by `prependEvents`. `sinceSeq + 1` when none are missing.
   */
  olderBefore: number;
  /** The `sinceSeq` the view was opened with: the history goes back to the event after it. */
  sinceSeq: number;
  limits: ViewLimits;
}

export interface ViewLimits {
  logLines: number;
  metricPoints: number;
}

export const DEFAULT_VIEW_LIMITS: ViewLimits = { logLines: 20_000, metricPoints: 20_000 };

/** What folding some events did: the view after them, and the gap to refetch when one was found. */
export interface FoldResult {
  view: RunView;
  /** Non-null: events are missing after `afterSeq`; call `runs.get` with `sinceSeq: afterSeq`. */
  gap: { afterSeq: number; nextSeq: number } | null;
  /** How many events changed the view (duplicates and other runs' events are not counted). */
  applied: number;
}

const byStep = (a: Experiment, b: Experiment) => a.step - b.step;

/** The active stage according to the store's stage rows: the most recently started one still going. */
function activeStage(stages: readonly StageRow[]): { stage: StageName | null; attempt: number } {
  let found: StageRow | null = null;
  for (const row of stages) {
    if (row.status !== 'active' && row.status !== 'retrying') continue;
    if (row.endedAt !== null && row.status !== 'retrying') continue;
    if (!found || (row.startedAt ?? '') >= (found.startedAt ?? '')) found = row;
  }
  return found ? { stage: found.stage, attempt: found.attempt } : { stage: null, attempt: 0 };
}

/**
 * The view of a run from a `runs.get` snapshot. `sinceSeq` is what the snapshot was asked with (its events
 * follow it). When `snapshot.nextSeq` is not null, more events are waiting: fold the next page with
 * `foldSnapshotPage`, or let the next live event's gap ask for them.
 */
export function initialRunView(
  snapshot: RunSnapshot,
  nowMs: number,
  options: { sinceSeq?: number; limits?: Partial<ViewLimits>; tail?: boolean } = {},
): FoldResult {
  const run = snapshot.run;
  const sinceSeq = options.sinceSeq ?? 0;
  // A tail read's events are the newest: the fold starts at its first one, the older ones come later.
  const from = options.tail && snapshot.events[0] ? snapshot.events[0].seq - 1 : sinceSeq;
  const current = isTerminal(run.status) ? { stage: null, attempt: 0 } : activeStage(snapshot.stages);
  const view: RunView = {
    run,
    stage: current.stage,
    attempt: current.attempt,
    stages: snapshot.stages,
    experiments: [...snapshot.experiments].sort(byStep),
    scores: [],
    logs: [],
    logTotal: 0,
    metrics: [],
    elapsedMs: null,
    elapsedAt: nowMs,
    baseSeq: run.lastSeq,
    lastSeq: from,
    // A tail read that held every event leaves nothing older to read.
    olderBefore: options.tail && snapshot.nextSeq !== null ? from + 1 : sinceSeq + 1,
    sinceSeq,
    limits: { ...DEFAULT_VIEW_LIMITS, ...options.limits },
  };
  return applyEvents(view, snapshot.events, nowMs);
}

/**
 * Folds a later `runs.get` page (asked with `sinceSeq: view.lastSeq`): its events, then its summary, stages and
 * experiments, which are at least as new as any event folded so far.
 */
export function foldSnapshotPage(view: RunView, snapshot: RunSnapshot, nowMs: number): FoldResult {
  const folded = applyEvents(view, snapshot.events, nowMs);
  if (folded.gap) return folded;
  const next = folded.view;
  // The store's figures are the record: take them when they are at least as new as what the events said.
  if (snapshot.run.lastSeq < next.baseSeq) return folded;
  const terminal = isTerminal(snapshot.run.status);
  const current = terminal ? { stage: null, attempt: 0 } : activeStage(snapshot.stages);
  return {
    ...folded,
    view: {
      ...next,
      run: snapshot.run,
      stages: snapshot.stages,
      experiments: [...snapshot.experiments].sort(byStep),
      stage: current.stage ?? (terminal ? null : next.stage),
      attempt: current.stage ? current.attempt : next.attempt,
      baseSeq: Math.max(next.baseSeq, snapshot.run.lastSeq),
    },
  };
}

/**
 * Folds a page of older events (ascending, all before `view.olderBefore`, as a tail cursor hands them over):
 * their history only (log lines, metrics, scores), put before what the view holds. Their state effects are
 * already in the summary the view opened with. The log and metric limits keep the newest: once full, older
 * lines are counted but not kept.
 */
export function prependEvents(view: RunView, events: readonly RunEvent[]): RunView {
  const mine = events.filter(
    (e) => e.runId === view.run.id && e.seq < view.olderBefore && e.seq > view.sinceSeq,
  );
  if (mine.length === 0) return view;
  mine.sort((a, b) => a.seq - b.seq);
  const d: Draft = {
    run: view.run,
    stage: view.stage,
    attempt: view.attempt,
    stages: null,
    experiments: null,
    scores: [],
    logs: [],
    logTotal: view.logTotal,
    metrics: [],
    elapsedMs: view.elapsedMs,
    elapsedAt: view.elapsedAt,
    lastSeq: view.lastSeq,
  };
  // The history effects append to the draft's (empty) arrays: the older part, put before the view's.
  const empty: RunView = { ...view, logs: [], metrics: [], scores: [] };
  let progress: RunEvent | null = null;
  for (const event of mine) {
    applyHistory(empty, d, event);
    if (event.body.type === 'progress') progress = event;
  }
  const keepOlder = (older: readonly LogLine[] | MetricPoint[], room: number) =>
    room <= 0 ? [] : older.length > room ? older.slice(older.length - room) : older;
  const logs = keepOlder(d.logs!, view.limits.logLines - view.logs.length) as LogLine[];
  const metrics = keepOlder(d.metrics!, view.limits.metricPoints - view.metrics.length) as MetricPoint[];
  // The view's time comes from the newest progress event: an older one only fills in when it had none.
  const elapsed =
    view.elapsedMs === null && progress?.body.type === 'progress'
      ? { elapsedMs: progress.body.elapsedMs, elapsedAt: Date.parse(progress.at) }
      : {};
  return {
    ...view,
    ...elapsed,
    logs: logs.length > 0 ? logs.concat(view.logs) : view.logs,
    logTotal: d.logTotal,
    metrics: metrics.length > 0 ? metrics.concat(view.metrics) : view.metrics,
    scores: d.scores!.length > 0 ? d.scores!.concat(view.scores) : view.scores,
    olderBefore: mine[0]!.seq,
  };
}

/** Folds one event; see `applyEvents`. */
export const applyEvent = (view: RunView, event: RunEvent, nowMs: number): FoldResult =>
  applyEvents(view, [event], nowMs);

/**
 * Folds events of this run in `seq` order (they may arrive out of order within a batch): duplicates are
 * skipped, other runs' events ignored, and the first hole stops the fold and is reported. Arrays are copied once
 * per call, so a batch of many events costs one copy: apply live events in batches (one per animation frame).
 */
export function applyEvents(view: RunView, events: readonly RunEvent[], nowMs: number): FoldResult {
  const mine = events.filter((e) => e.runId === view.run.id && e.seq > view.lastSeq);
  if (mine.length === 0) return { view, gap: null, applied: 0 };
  mine.sort((a, b) => a.seq - b.seq);

  const d: Draft = {
    run: { ...view.run },
    stage: view.stage,
    attempt: view.attempt,
    stages: null,
    experiments: null,
    scores: null,
    logs: null,
    logTotal: view.logTotal,
    metrics: null,
    elapsedMs: view.elapsedMs,
    elapsedAt: view.elapsedAt,
    lastSeq: view.lastSeq,
  };
  let gap: FoldResult['gap'] = null;
  let applied = 0;
  for (const event of mine) {
    if (event.seq <= d.lastSeq) continue; // the same event twice in one batch
    if (event.seq > d.lastSeq + 1) {
      gap = { afterSeq: d.lastSeq, nextSeq: event.seq };
      break;
    }
    const live = event.seq > view.baseSeq;
    applyHistory(view, d, event);
    if (event.body.type === 'progress') {
      // An old event's figure ages from when it was sent; a live one's from when it arrived here.
      d.elapsedMs = event.body.elapsedMs;
      d.elapsedAt = live ? nowMs : Date.parse(event.at);
    }
    if (live) applyState(view, d, event);
    d.lastSeq = event.seq;
    applied += 1;
  }
  if (applied === 0) return { view, gap, applied };

  const logs = d.logs ?? view.logs;
  const metrics = d.metrics ?? view.metrics;
  const next: RunView = {
    ...view,
    run: { ...d.run, lastSeq: Math.max(d.run.lastSeq, d.lastSeq) },
    stage: d.stage,
    attempt: d.attempt,
    stages: d.stages ?? view.stages,
    experiments: d.experiments ?? view.experiments,
    scores: d.scores ?? view.scores,
    logs: logs.length > view.limits.logLines ? logs.slice(logs.length - view.limits.logLines) : logs,
    logTotal: d.logTotal,
    metrics:
      metrics.length > view.limits.metricPoints
        ? metrics.slice(metrics.length - view.limits.metricPoints)
        : metrics,
    elapsedMs: d.elapsedMs,
    elapsedAt: d.elapsedAt,
    baseSeq: Math.max(view.baseSeq, d.lastSeq),
    lastSeq: d.lastSeq,
  };
  return { view: next, gap, applied };
}

/** The mutable working copy of one `applyEvents` call; arrays are copied on their first change. */
interface Draft {
  run: RunSummary;
  stage: StageName | null;
  attempt: number;
  stages: StageRow[] | null;
  experiments: Experiment[] | null;
  scores: ScorePoint[] | null;
  logs: LogLine[] | null;
  logTotal: number;
  metrics: MetricPoint[] | null;
  elapsedMs: number | null;
  elapsedAt: number;
  lastSeq: number;
}

function applyHistory(view: RunView, d: Draft, event: RunEvent): void {
  const body = event.body;
  switch (body.type) {
    case 'log':
      (d.logs ??= [...view.logs]).push({
        seq: event.seq,
        at: event.at,
        stage: body.stage,
        source: body.source,
        stream: body.stream,
        text: body.text,
      });
      d.logTotal += 1;
      return;
    case 'metrics':
      (d.metrics ??= [...view.metrics]).push({ seq: event.seq, step: body.step, values: body.values });
      return;
    case 'score':
      (d.scores ??= [...view.scores]).push({
        seq: event.seq,
        step: body.step,
        split: body.split,
        value: body.value,
        source: body.source,
        problems: body.problems,
      });
      return;
    default:
      return;
  }
}

function upsertStage(view: RunView, d: Draft, stage: StageName, patch: Partial<StageRow>): void {
  const rows = (d.stages ??= [...view.stages]);
  const i = rows.findIndex((r) => r.stage === stage);
  const base: StageRow =
    i >= 0
      ? rows[i]!
      : { stage, status: 'pending', attempt: 0, step: 0, startedAt: null, endedAt: null, message: null };
  const row = { ...base, ...patch };
  if (i >= 0) rows[i] = row;
  else {
    rows.push(row);
    rows.sort((a, b) => STAGE_INDEX[a.stage] - STAGE_INDEX[b.stage]);
  }
}

function applyState(view: RunView, d: Draft, event: RunEvent): void {
  const body = event.body;
  const run = d.run;
  switch (body.type) {
    case 'run.state':
      run.status = body.status;
      if (body.reason !== null) run.endReason = body.reason;
      if (body.message !== null) run.message = body.message;
      if (body.status === 'running' && run.startedAt === null) run.startedAt = event.at;
      if (isTerminal(body.status)) {
        run.endedAt = event.at;
        d.stage = null;
        d.attempt = 0;
      }
      return;
    case 'stage.started':
      // Mirrors the pipeline's stage rows (engine/pipeline/session.ts): one row per stage, upserted.
      upsertStage(view, d, body.stage, {
        status: body.attempt > 0 ? 'retrying' : 'active',
        attempt: body.attempt,
        step: body.step,
        startedAt: event.at,
        endedAt: null,
        message: null,
      });
      d.stage = body.stage;
      d.attempt = body.attempt;
      run.step = Math.max(run.step, body.step);
      return;
    case 'stage.finished':
      upsertStage(view, d, body.stage, {
        status: body.outcome === 'retry' ? 'retrying' : body.outcome,
        step: body.step,
        endedAt: event.at,
        message: body.message,
      });
      return;
    case 'llm.call':
      run.llmCalls += 1;
      run.promptTokens += body.usage.promptTokens;
      run.completionTokens += body.usage.completionTokens;
      if (body.usage.costUsd === null) run.unknownCostCalls += 1;
      else run.costUsd += body.usage.costUsd;
      return;
    case 'experiment': {
      const e = body.experiment;
      const rows = (d.experiments ??= [...view.experiments]);
      const i = rows.findIndex((x) => x.step === e.step);
      if (i >= 0) rows[i] = e;
      else {
        rows.push(e);
        rows.sort(byStep);
      }
      run.step = Math.max(run.step, e.step);
      if ((e.outcome === 'kept' || e.outcome === 'baseline') && e.score !== null) {
        if (isBetter(run.metric.direction, e.score, run.bestScore) || run.bestStep === e.step) {
          run.bestScore = e.score;
          run.bestStep = e.step;
          run.bestCommit = e.commitSha ?? run.bestCommit;
        }
      }
      return;
    }
    case 'score':
      if (body.split === 'final' && body.value !== null) run.finalScore = body.value;
      return;
    case 'progress':
      run.step = body.step;
      run.maxSteps = body.maxSteps;
      run.bestScore = body.bestScore ?? run.bestScore;
      // The engine's figure is the whole run's known cost; calls of unknown cost are counted from llm.call.
      run.costUsd = Math.max(body.costUsd, 0);
      return;
    default:
      return;
  }
}

const STAGE_INDEX = Object.fromEntries(STAGES.map((s, i) => [s, i])) as Record<StageName, number>;

// ---------------------------------------------------------------------------------------------------------
// Derived figures: what every view shows beside the raw fold.

export type OutcomeCounts = Record<ExperimentOutcome, number>;

export function outcomeCounts(experiments: readonly Experiment[]): OutcomeCounts {
  const counts: OutcomeCounts = { baseline: 0, kept: 0, reverted: 0, abandoned: 0, failed: 0 };
  for (const e of experiments) counts[e.outcome] += 1;
  return counts;
}

/** Whether the best score meets the target (null: no target or no score yet). */
export function targetReached(run: RunSummary): boolean | null {
  const { target, direction } = run.metric;
  if (target === null || run.bestScore === null) return null;
  return meetsTarget(direction, run.bestScore, target);
}

/**
 * The run's time now: from the engine's last progress figure plus the time since while it runs; from its start
 * and end times once it ended or when no progress was reported yet.
 */
export function elapsedNow(view: RunView, nowMs: number): number | null {
  const { run } = view;
  if (isTerminal(run.status)) {
    if (view.elapsedMs !== null) return view.elapsedMs;
    if (run.startedAt === null || run.endedAt === null) return null;
    return Math.max(0, Date.parse(run.endedAt) - Date.parse(run.startedAt));
  }
  if (run.status === 'paused' || run.status === 'pending') return view.elapsedMs;
  if (view.elapsedMs !== null) return view.elapsedMs + Math.max(0, nowMs - view.elapsedAt);
  if (run.startedAt === null) return null;
  return Math.max(0, nowMs - Date.parse(run.startedAt));
}

/** Each experiment's change against its parent's score (null when either has none). */
export function scoreDelta(experiments: readonly Experiment[], e: Experiment): number | null {
  if (e.parentStep === null || e.score === null) return null;
  const parent = experiments.find((x) => x.step === e.parentStep);
  return parent?.score == null ? null : e.score - parent.score;
}

/** The running best after each scored experiment (kept and baseline only move it). */
export function bestTrajectory(
  experiments: readonly Experiment[],
  direction: Direction,
): { step: number; score: number; best: number }[] {
  let best: number | null = null;
  const out: { step: number; score: number; best: number }[] = [];
  for (const e of experiments) {
    if (e.score === null) continue;
    if ((e.outcome === 'kept' || e.outcome === 'baseline') && isBetter(direction, e.score, best))
      best = e.score;
    out.push({ step: e.step, score: e.score, best: best ?? e.score });
  }
  return out;
}

/**
 * The training metrics of one step as chart series: x is the epoch where the lines have one, else the line's
 * index; one series per other metric name, in first-seen order, with null where a line lacks the metric.
 */
export function metricSeries(
  metrics: readonly MetricPoint[],
  step: number,
): { x: number[]; series: { name: string; values: (number | null)[] }[] } {
  const points = metrics.filter((m) => m.step === step);
  const names: string[] = [];
  for (const p of points)
    for (const k of Object.keys(p.values)) if (k !== 'epoch' && !names.includes(k)) names.push(k);
  const x = points.map((p, i) => p.values.epoch ?? i + 1);
  return { x, series: names.map((name) => ({ name, values: points.map((p) => p.values[name] ?? null) })) };
}

/** The steps that have training metrics, ascending. */
export function metricSteps(metrics: readonly MetricPoint[]): number[] {
  return [...new Set(metrics.map((m) => m.step))].sort((a, b) => a - b);
}
