import { describe, expect, it } from 'vitest';
import {
  applyEvent,
  applyEvents,
  bestTrajectory,
  elapsedNow,
  foldSnapshotPage,
  initialRunView,
  metricSeries,
  metricSteps,
  outcomeCounts,
  prependEvents,
  scoreDelta,
  targetReached,
  type MetricPoint,
  type RunView,
} from './run-view';
import { RunEvent, RunSnapshot, type Experiment, type RunEventBody, type StageRow } from './runs';
import { runSummary } from './testing/run-summary';

const T0 = Date.parse('2026-12-07T10:00:00.000Z');
const iso = (ms: number) => new Date(T0 + ms).toISOString();

// The run's start is T0 in these tests.
const summary = runSummary;

function experiment(step: number, patch: Partial<Experiment> = {}): Experiment {
  return {
    step,
    parentStep: step === 0 ? null : 0,
    hypothesis: `idea ${step}`,
    proposal: `proposal ${step}`,
    tag: step === 0 ? null : 'MODEL',
    outcome: step === 0 ? 'baseline' : 'kept',
    score: 0.7,
    selfReportedScore: null,
    note: null,
    commitSha: `sha${step}`,
    startedAt: iso(step * 1000),
    endedAt: iso(step * 1000 + 500),
    durationMs: 500,
    promptTokens: 10,
    completionTokens: 5,
    costUsd: 0.01,
    unknownCostCalls: 0,
    ...patch,
  };
}

// Every event goes through the contract's schema, as it does on the wire: a fixture that drifts fails here.
const ev = (seq: number, body: RunEventBody, runId = 'run-1'): RunEvent =>
  RunEvent.parse({ runId, seq, at: iso(seq * 100), body });

const snapshot = (patch: Partial<RunSnapshot> = {}): RunSnapshot =>
  RunSnapshot.parse({ run: summary(), stages: [], experiments: [], events: [], nextSeq: null, ...patch });

const log = (text: string): RunEventBody => ({
  type: 'log',
  stage: 'training',
  source: 'training',
  stream: 'stdout',
  text,
});
const llm = (costUsd: number | null): RunEventBody => ({
  type: 'llm.call',
  stage: 'proposal',
  step: 1,
  model: 'm',
  ok: true,
  durationMs: 10,
  attempts: 1,
  error: null,
  usage: { promptTokens: 100, completionTokens: 20, reasoningTokens: 0, cachedTokens: 0, costUsd },
});

const open = (snap: RunSnapshot = snapshot()): RunView => initialRunView(snap, T0).view;

describe('initialRunView', () => {
  it('starts from the summary, stages and experiments of the snapshot', () => {
    const stages: StageRow[] = [
      {
        stage: 'setup',
        status: 'pass',
        attempt: 0,
        step: 0,
        startedAt: iso(0),
        endedAt: iso(10),
        message: null,
      },
      {
        stage: 'training',
        status: 'active',
        attempt: 0,
        step: 1,
        startedAt: iso(20),
        endedAt: null,
        message: null,
      },
    ];
    const view = open(
      snapshot({
        run: summary({ step: 1, bestScore: 0.7, lastSeq: 0 }),
        stages,
        experiments: [experiment(1), experiment(0)],
      }),
    );
    expect(view.run.bestScore).toBe(0.7);
    expect(view.stage).toBe('training');
    expect(view.experiments.map((e) => e.step)).toEqual([0, 1]);
    expect(view.lastSeq).toBe(0);
  });

  it('does not count the snapshot events the summary already includes, but keeps their logs and metrics', () => {
    // The summary is the state after seq 3: its cost and calls already include the llm.call at seq 2.
    const view = open(
      snapshot({
        run: summary({ costUsd: 0.5, llmCalls: 1, promptTokens: 100, lastSeq: 3 }),
        events: [
          ev(1, log('epoch 1')),
          ev(2, llm(0.5)),
          ev(3, { type: 'metrics', step: 0, values: { epoch: 1, loss: 0.9 } }),
        ],
      }),
    );
    expect(view.run.costUsd).toBe(0.5);
    expect(view.run.llmCalls).toBe(1);
    expect(view.run.promptTokens).toBe(100);
    expect(view.logs.map((l) => l.text)).toEqual(['epoch 1']);
    expect(view.metrics).toHaveLength(1);
    expect(view.lastSeq).toBe(3);
    // A live event after the summary counts.
    const next = applyEvent(view, ev(4, llm(0.25)), T0).view;
    expect(next.run.costUsd).toBe(0.75);
    expect(next.run.llmCalls).toBe(2);
    expect(next.run.promptTokens).toBe(200);
    expect(next.run.completionTokens).toBe(20);
  });

  it('starts after the sinceSeq the snapshot was asked with', () => {
    const { view, gap } = initialRunView(
      snapshot({ run: summary({ lastSeq: 12 }), events: [ev(11, log('a')), ev(12, log('b'))] }),
      T0,
      { sinceSeq: 10 },
    );
    expect(gap).toBeNull();
    expect(view.lastSeq).toBe(12);
    expect(view.logs.map((l) => l.text)).toEqual(['a', 'b']);
  });
});

describe('applyEvents: order, duplicates and gaps', () => {
  it('ignores duplicates (seq at or below the last seen) and changes nothing', () => {
    const view = applyEvents(open(), [ev(1, log('one')), ev(2, llm(0.1))], T0).view;
    const again = applyEvents(view, [ev(1, log('one')), ev(2, llm(0.1))], T0);
    expect(again.applied).toBe(0);
    expect(again.view).toBe(view);
    expect(again.view.logs).toHaveLength(1);
    expect(again.view.run.costUsd).toBeCloseTo(0.1);
  });

  it('ignores the same event twice in one batch', () => {
    const { view, applied } = applyEvents(open(), [ev(1, llm(0.1)), ev(1, llm(0.1))], T0);
    expect(applied).toBe(1);
    expect(view.run.llmCalls).toBe(1);
  });

  it('sorts a batch that arrived out of order', () => {
    const { view, gap } = applyEvents(open(), [ev(3, log('c')), ev(1, log('a')), ev(2, log('b'))], T0);
    expect(gap).toBeNull();
    expect(view.logs.map((l) => l.text)).toEqual(['a', 'b', 'c']);
  });

  it('stops at a hole and reports what to refetch; the refetched page fills it', () => {
    const first = applyEvents(open(), [ev(1, log('a')), ev(2, log('b')), ev(5, log('e'))], T0);
    expect(first.gap).toEqual({ afterSeq: 2, nextSeq: 5 });
    expect(first.view.lastSeq).toBe(2);
    expect(first.view.logs.map((l) => l.text)).toEqual(['a', 'b']);
    // The client asks runs.get with sinceSeq: 2 and folds the page.
    const page = snapshot({
      run: summary({ lastSeq: 5 }),
      events: [ev(3, log('c')), ev(4, log('d')), ev(5, log('e'))],
    });
    const filled = foldSnapshotPage(first.view, page, T0);
    expect(filled.gap).toBeNull();
    expect(filled.view.logs.map((l) => l.text)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(filled.view.lastSeq).toBe(5);
  });

  it('a lone event after a hole changes nothing', () => {
    const view = open();
    const result = applyEvent(view, ev(4, log('late')), T0);
    expect(result.gap).toEqual({ afterSeq: 0, nextSeq: 4 });
    expect(result.applied).toBe(0);
    expect(result.view).toBe(view);
  });

  it('ignores events of other runs', () => {
    const result = applyEvent(open(), ev(1, log('other'), 'run-2'), T0);
    expect(result.applied).toBe(0);
    expect(result.gap).toBeNull();
  });

  it('after a reconnect, events replayed from the store and live ones overlap without loss or duplicates', () => {
    let view = applyEvents(
      open(),
      [1, 2, 3].map((s) => ev(s, llm(0.01))),
      T0,
    ).view;
    // The socket dropped after 3; live events 6..7 arrive first (gap), then the store's page 4..7.
    const live = applyEvents(view, [ev(6, llm(0.01)), ev(7, llm(0.01))], T0);
    expect(live.gap).toEqual({ afterSeq: 3, nextSeq: 6 });
    view = foldSnapshotPage(
      live.view,
      snapshot({
        run: summary({ lastSeq: 7, llmCalls: 7, costUsd: 0.07 }),
        events: [4, 5, 6, 7].map((s) => ev(s, llm(0.01))),
      }),
      T0,
    ).view;
    view = applyEvents(view, [ev(7, llm(0.01)), ev(8, llm(0.01))], T0).view;
    expect(view.run.llmCalls).toBe(8);
    expect(view.run.costUsd).toBeCloseTo(0.08);
    expect(view.lastSeq).toBe(8);
  });
});

describe('applyEvents: what each event does', () => {
  it('run.state sets status, reason and message, ends the active stage and stamps the end', () => {
    let view = applyEvent(
      open(),
      ev(1, { type: 'stage.started', stage: 'training', step: 1, attempt: 0 }),
      T0,
    ).view;
    expect(view.stage).toBe('training');
    view = applyEvent(
      view,
      ev(2, { type: 'run.state', status: 'completed', reason: 'target_reached', message: 'reached' }),
      T0,
    ).view;
    expect(view.run.status).toBe('completed');
    expect(view.run.endReason).toBe('target_reached');
    expect(view.run.message).toBe('reached');
    expect(view.run.endedAt).toBe(iso(200));
    expect(view.stage).toBeNull();
  });

  it('stage events upsert one row per stage, as the store does, in pipeline order', () => {
    const view = applyEvents(
      open(),
      [
        ev(1, { type: 'stage.started', stage: 'training', step: 1, attempt: 0 }),
        ev(2, { type: 'stage.started', stage: 'setup', step: 0, attempt: 0 }),
        ev(3, { type: 'stage.finished', stage: 'setup', step: 0, outcome: 'pass', message: null }),
        ev(4, { type: 'stage.finished', stage: 'training', step: 1, outcome: 'retry', message: 'oom' }),
        ev(5, { type: 'stage.started', stage: 'training', step: 1, attempt: 1 }),
      ],
      T0,
    ).view;
    expect(view.stages.map((s) => [s.stage, s.status, s.attempt])).toEqual([
      ['setup', 'pass', 0],
      ['training', 'retrying', 1],
    ]);
    expect(view.stages[0]!.endedAt).toBe(iso(300));
    expect(view.stage).toBe('training');
    expect(view.attempt).toBe(1);
    expect(view.run.step).toBe(1);
  });

  it('llm.call with unknown cost counts the call apart', () => {
    const view = applyEvents(open(), [ev(1, llm(null)), ev(2, llm(0.2))], T0).view;
    expect(view.run.unknownCostCalls).toBe(1);
    expect(view.run.costUsd).toBeCloseTo(0.2);
    expect(view.run.llmCalls).toBe(2);
  });

  it('experiments replace by step; a better kept score moves the best, a reverted one does not', () => {
    const view = applyEvents(
      open(),
      [
        ev(1, { type: 'experiment', experiment: experiment(0, { score: 0.7 }) }),
        ev(2, { type: 'experiment', experiment: experiment(2, { outcome: 'reverted', score: 0.9 }) }),
        ev(3, { type: 'experiment', experiment: experiment(1, { outcome: 'kept', score: 0.8 }) }),
        ev(4, { type: 'experiment', experiment: experiment(1, { outcome: 'kept', score: 0.85 }) }),
      ],
      T0,
    ).view;
    expect(view.experiments.map((e) => [e.step, e.score])).toEqual([
      [0, 0.7],
      [1, 0.85],
      [2, 0.9],
    ]);
    expect(view.run.bestScore).toBe(0.85);
    expect(view.run.bestStep).toBe(1);
    expect(view.run.bestCommit).toBe('sha1');
    expect(view.run.step).toBe(2);
  });

  it('for a lower-is-better metric, lower scores are better', () => {
    const run = summary({ metric: { name: 'rmse', direction: 'lower', target: 10, trusted: true } });
    const view = applyEvents(
      open(snapshot({ run })),
      [
        ev(1, { type: 'experiment', experiment: experiment(0, { score: 20 }) }),
        ev(2, { type: 'experiment', experiment: experiment(1, { score: 25 }) }),
        ev(3, { type: 'experiment', experiment: experiment(2, { score: 9 }) }),
      ],
      T0,
    ).view;
    expect(view.run.bestScore).toBe(9);
    expect(targetReached(view.run)).toBe(true);
  });

  it('scores are kept in order and the final split sets the final score', () => {
    const view = applyEvents(
      open(),
      [
        ev(1, {
          type: 'score',
          step: 0,
          split: 'selection',
          metric: 'accuracy',
          value: 0.7,
          source: 'engine',
          problems: [],
        }),
        ev(2, {
          type: 'score',
          step: 3,
          split: 'final',
          metric: 'accuracy',
          value: 0.84,
          source: 'engine',
          problems: [],
        }),
      ],
      T0,
    ).view;
    expect(view.scores.map((s) => [s.split, s.value])).toEqual([
      ['selection', 0.7],
      ['final', 0.84],
    ]);
    expect(view.run.finalScore).toBe(0.84);
  });

  it('progress sets step, max, best, cost and the elapsed clock', () => {
    const view = applyEvent(
      open(),
      ev(1, { type: 'progress', step: 2, maxSteps: 9, bestScore: 0.8, costUsd: 1.5, elapsedMs: 60_000 }),
      T0 + 5000,
    ).view;
    expect([view.run.step, view.run.maxSteps, view.run.bestScore, view.run.costUsd]).toEqual([
      2, 9, 0.8, 1.5,
    ]);
    expect(elapsedNow(view, T0 + 5000)).toBe(60_000);
    expect(elapsedNow(view, T0 + 8000)).toBe(63_000);
  });

  it('keeps only the newest log lines and metric points, counting all', () => {
    let view = initialRunView(snapshot(), T0, { limits: { logLines: 3, metricPoints: 2 } }).view;
    view = applyEvents(
      view,
      [1, 2, 3, 4, 5].map((s) => ev(s, log(`line ${s}`))),
      T0,
    ).view;
    view = applyEvents(
      view,
      [6, 7, 8].map((s) => ev(s, { type: 'metrics', step: 1, values: { epoch: s - 5, loss: 1 / s } })),
      T0,
    ).view;
    expect(view.logs.map((l) => l.text)).toEqual(['line 3', 'line 4', 'line 5']);
    expect(view.logTotal).toBe(5);
    expect(view.metrics.map((m) => m.values.epoch)).toEqual([2, 3]);
  });

  it('does not mutate the view it was given', () => {
    const view = open();
    const frozen = JSON.stringify(view);
    applyEvents(
      view,
      [
        ev(1, log('x')),
        ev(2, llm(1)),
        ev(3, { type: 'experiment', experiment: experiment(0) }),
        ev(4, { type: 'stage.started', stage: 'setup', step: 0, attempt: 0 }),
      ],
      T0,
    );
    expect(JSON.stringify(view)).toBe(frozen);
  });
});

describe('a view opened on the tail, with older events prepended', () => {
  const run = summary({ lastSeq: 10 });
  const all = Array.from({ length: 10 }, (_, i) => ev(i + 1, log(`line ${i + 1}`)));

  it('folds the newest events first and prepends older pages into the same view as a full read', () => {
    const tail = initialRunView(snapshot({ run, events: all.slice(6), nextSeq: 7 }), T0, { tail: true }).view;
    expect(tail.logs.map((l) => l.seq)).toEqual([7, 8, 9, 10]);
    expect(tail.olderBefore).toBe(7);
    expect(tail.lastSeq).toBe(10);
    const middle = prependEvents(tail, all.slice(2, 6));
    expect(middle.olderBefore).toBe(3);
    // Already folded, other runs' and newer events change nothing.
    expect(prependEvents(middle, [all[5]!, ev(1, log('x'), 'run-2'), all[8]!])).toBe(middle);
    const done = prependEvents(middle, all.slice(0, 2));
    const full = open(snapshot({ run, events: all }));
    expect(done.logs).toEqual(full.logs);
    expect(done.logTotal).toBe(10);
    expect(done.run).toEqual(full.run);
  });

  it('keeps the newest lines within the limit and counts the older ones it drops', () => {
    const tail = initialRunView(snapshot({ run, events: all.slice(6), nextSeq: 7 }), T0, {
      tail: true,
      limits: { logLines: 6 },
    }).view;
    const done = prependEvents(tail, all.slice(0, 6));
    expect(done.logs.map((l) => l.seq)).toEqual([5, 6, 7, 8, 9, 10]);
    expect(done.logTotal).toBe(10);
    expect(prependEvents(done, []).logs).toHaveLength(6);
  });

  it('a tail read that held every event leaves nothing older', () => {
    const view = initialRunView(snapshot({ run, events: all, nextSeq: null }), T0, { tail: true }).view;
    expect(view.olderBefore).toBe(1);
    expect(view.logs).toHaveLength(10);
  });
});

describe('derived figures', () => {
  const exps = [
    experiment(0, { score: 0.7 }),
    experiment(1, { outcome: 'abandoned', score: null }),
    experiment(2, { outcome: 'reverted', score: 0.65 }),
    experiment(3, { outcome: 'kept', score: 0.84 }),
  ];

  it('counts outcomes', () => {
    expect(outcomeCounts(exps)).toEqual({ baseline: 1, kept: 1, reverted: 1, abandoned: 1, failed: 0 });
  });

  it('gives the change against the parent', () => {
    expect(scoreDelta(exps, exps[3]!)).toBeCloseTo(0.14);
    expect(scoreDelta(exps, exps[0]!)).toBeNull();
    expect(scoreDelta(exps, exps[1]!)).toBeNull();
  });

  it('traces the running best, moved only by kept experiments', () => {
    expect(bestTrajectory(exps, 'higher')).toEqual([
      { step: 0, score: 0.7, best: 0.7 },
      { step: 2, score: 0.65, best: 0.7 },
      { step: 3, score: 0.84, best: 0.84 },
    ]);
  });

  it('says whether the target is reached, and null without a target or score', () => {
    expect(targetReached(summary({ bestScore: 0.83 }))).toBe(true);
    expect(targetReached(summary({ bestScore: 0.8 }))).toBe(false);
    expect(targetReached(summary({ bestScore: null }))).toBeNull();
    expect(
      targetReached(
        summary({ bestScore: 0.9, metric: { name: 'a', direction: 'higher', target: null, trusted: true } }),
      ),
    ).toBeNull();
  });

  it('splits training metrics per step into chart series, epoch on x', () => {
    const points: MetricPoint[] = [
      { seq: 1, step: 1, values: { epoch: 1, loss: 0.9 } },
      { seq: 2, step: 2, values: { epoch: 1, loss: 0.8, val_accuracy: 0.6 } },
      { seq: 3, step: 2, values: { epoch: 2, loss: 0.5 } },
    ];
    expect(metricSteps(points)).toEqual([1, 2]);
    expect(metricSeries(points, 2)).toEqual({
      x: [1, 2],
      series: [
        { name: 'loss', values: [0.8, 0.5] },
        { name: 'val_accuracy', values: [0.6, null] },
      ],
    });
  });

  it('elapsed: from start and end once ended; frozen while paused', () => {
    const ended = open(snapshot({ run: summary({ status: 'completed', endedAt: iso(90_000) }) }));
    expect(elapsedNow(ended, T0 + 1e9)).toBe(90_000);
    const running = open(snapshot());
    expect(elapsedNow(running, T0 + 4000)).toBe(4000);
    const paused = applyEvent(
      open(snapshot({ run: summary({ status: 'paused' }) })),
      ev(1, { type: 'progress', step: 1, maxSteps: 6, bestScore: null, costUsd: 0, elapsedMs: 7000 }),
      T0,
    ).view;
    expect(elapsedNow(paused, T0 + 1e6)).toBe(7000);
  });
});
