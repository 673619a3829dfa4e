import { describe, expect, it } from 'vitest';
import type { RunEvent, RunEventBody } from '../../../engine/api/runs';
import { fakeExperiment, fakeSummary } from '../testing/fake-engine';
import { describeEvent, eventLines, finalLines, startLines, statusLine } from './render';
import { applyEvent } from '../../../engine/api/run-view';
import { initialProgress, type ProgressState } from './state';

const run = fakeSummary();
const at = (seq: number, body: RunEventBody): RunEvent => ({
  runId: run.id,
  seq,
  at: '2026-11-26T17:00:05.000Z',
  body,
});

function fold(bodies: RunEventBody[], now = 1000): ProgressState {
  return bodies.reduce((s, b, i) => applyEvent(s, at(i + 1, b), now).view, initialProgress(run, 0));
}

const llm = (costUsd: number | null): RunEventBody => ({
  type: 'llm.call',
  stage: 'proposal',
  step: 3,
  model: 'm',
  ok: true,
  durationMs: 10,
  attempts: 1,
  error: null,
  usage: { promptTokens: 1, completionTokens: 1, reasoningTokens: 0, cachedTokens: 0, costUsd },
});

describe('the status line', () => {
  it('shows stage, step, best vs target with the metric, cost with unknown calls, elapsed', () => {
    const state = fold([
      { type: 'stage.started', stage: 'implement', step: 3, attempt: 2 },
      { type: 'progress', step: 3, maxSteps: 6, bestScore: 0.8123, costUsd: 0.5, elapsedMs: 60_000 },
      llm(0.25),
      llm(null),
      llm(null),
    ]);
    expect(statusLine(state, 1000 + 5000)).toBe(
      '[implement #2] | step 3/6 | best accuracy 0.8123 (target >= 0.82) | $0.75 + 2 calls of unknown cost | 1m 05s',
    );
  });

  it('before any event shows the run state, and is cut to the terminal width', () => {
    const state = initialProgress(
      fakeSummary({
        status: 'pending',
        metric: { ...run.metric, direction: 'lower', name: 'rmse', target: 3 },
      }),
      0,
    );
    expect(statusLine(state, 0)).toBe('[pending] | step 0/6 | best rmse - (target <= 3) | $0 | 0s');
    const cutLine = statusLine(state, 0, 20);
    expect(cutLine).toHaveLength(19);
    expect(cutLine.endsWith('…')).toBe(true);
  });
});

describe('event lines', () => {
  it('prints notable events and keeps the rest for --verbose', () => {
    const s = fold([]);
    const lines = (body: RunEventBody, verbose = false) => eventLines(s, at(99, body), verbose);
    expect(lines({ type: 'stage.started', stage: 'baseline', step: 0, attempt: 1 })).toEqual([
      'stage baseline started (step 0)',
    ]);
    expect(
      lines({
        type: 'stage.finished',
        stage: 'testing',
        step: 0,
        outcome: 'fail',
        message: 'pytest: 2 failed',
      }),
    ).toEqual(['stage testing failed: pytest: 2 failed']);
    expect(
      lines({ type: 'stage.finished', stage: 'testing', step: 0, outcome: 'pass', message: null }),
    ).toEqual([]);
    expect(
      lines({ type: 'log', stage: 'training', source: 'training', stream: 'stdout', text: 'epoch 1' }),
    ).toEqual([]);
    expect(
      lines({ type: 'log', stage: 'training', source: 'training', stream: 'stdout', text: 'epoch 1' }, true),
    ).toEqual(['training: epoch 1']);
    expect(
      lines({ type: 'log', stage: null, source: 'engine', stream: 'warning', text: 'no GPU: using the CPU' }),
    ).toEqual(['warning: no GPU: using the CPU']);
    expect(
      lines({
        type: 'log',
        stage: 'training',
        source: 'training',
        stream: 'error',
        text: 'CUDA OOM\nretrying',
      }),
    ).toEqual(['error: (training) CUDA OOM', 'error: (training) retrying']);
    expect(
      lines({
        ...(llm(null) as Extract<RunEventBody, { type: 'llm.call' }>),
        ok: false,
        attempts: 3,
        error: 'HTTP 429',
      }),
    ).toEqual(['warning: LLM call failed (proposal, 3 attempts): HTTP 429']);
    expect(lines(llm(0.1))).toEqual([]);
    expect(
      lines({ type: 'progress', step: 1, maxSteps: 6, bestScore: null, costUsd: 0, elapsedMs: 1 }, true),
    ).toEqual([]);
    expect(
      lines({
        type: 'score',
        step: 4,
        split: 'final',
        metric: 'accuracy',
        value: 0.83,
        source: 'engine',
        problems: [],
      }),
    ).toEqual(['final score on unseen data: accuracy 0.8300']);
    expect(
      lines({
        type: 'score',
        step: 4,
        split: 'selection',
        metric: 'accuracy',
        value: null,
        source: 'engine',
        problems: ['predict.py wrote 3 rows, expected 400'],
      }),
    ).toEqual(['warning: scoring step 4: predict.py wrote 3 rows, expected 400']);
  });

  it('always prints a score disagreement as a warning', () => {
    const body: RunEventBody = {
      type: 'score.disagreement',
      step: 3,
      metric: 'accuracy',
      selfReported: 0.999,
      engine: 0.756,
      message: 'evaluate.py reported accuracy 0.999 but the engine scored 0.756',
    };
    expect(eventLines(fold([body]), at(1, body), false)).toEqual([
      'warning: step 3: evaluate.py reported accuracy 0.999 but the engine scored 0.756',
    ]);
  });

  it('gives experiments their outcome, score, change vs parent and why', () => {
    const s = fold([{ type: 'experiment', experiment: fakeExperiment({ step: 0, score: 0.8 }) }]);
    const abandoned = fakeExperiment({
      step: 1,
      parentStep: 0,
      tag: 'FEATURE',
      outcome: 'abandoned',
      score: null,
      hypothesis: 'Add tenure buckets',
      note: 'tests failed 3 times',
    });
    expect(eventLines(s, at(5, { type: 'experiment', experiment: abandoned }), false)).toEqual([
      'step 1 [FEATURE] abandoned - Add tenure buckets - tests failed 3 times',
    ]);
  });

  it('strips terminal escapes and carriage-return redraws from log text', () => {
    const s = fold([]);
    expect(
      eventLines(
        s,
        at(1, {
          type: 'log',
          stage: 'training',
          source: 'training',
          stream: 'stdout',
          text: '\x1b[32m 10%\r 50%\r100%\x1b[0m done\x07',
        }),
        true,
      ),
    ).toEqual(['training: 100% done']);
  });

  it('describes every event type on one line for `show --events`', () => {
    const bodies: RunEventBody[] = [
      { type: 'run.state', status: 'completed', reason: 'max_steps', message: 'limit' },
      { type: 'stage.started', stage: 'setup', step: 0, attempt: 1 },
      { type: 'stage.finished', stage: 'setup', step: 0, outcome: 'pass', message: null },
      llm(0.001),
      {
        type: 'tool.call',
        stage: 'baseline',
        step: 0,
        tool: 'write_file',
        args: { path: 'model.py' },
        ok: true,
        preview: 'wrote\n12 lines',
        durationMs: 4,
      },
      { type: 'log', stage: null, source: 'engine', stream: 'info', text: 'hello' },
      { type: 'metrics', step: 1, values: { epoch: 3, val_accuracy: 0.87 } },
      {
        type: 'score',
        step: 1,
        split: 'selection',
        metric: 'accuracy',
        value: 0.8,
        source: 'self_reported',
        problems: [],
      },
      { type: 'experiment', experiment: fakeExperiment() },
      { type: 'progress', step: 1, maxSteps: 6, bestScore: 0.8, costUsd: 0.02, elapsedMs: 3000 },
      {
        type: 'score.disagreement',
        step: 2,
        metric: 'accuracy',
        selfReported: 0.999,
        engine: 0.756,
        message: 'evaluate.py reported accuracy 0.999 but the engine scored 0.756',
      },
    ];
    const lines = bodies.map(describeEvent);
    expect(lines[10]).toBe(
      'score disagreement step 2: evaluate.py reported accuracy 0.999 but the engine scored 0.756',
    );
    for (const line of lines) expect(line).not.toMatch(/\n/);
    expect(lines[0]).toBe('run completed (max_steps): limit');
    expect(lines[4]).toBe('tool write_file ok (baseline, 4ms): wrote 12 lines');
    expect(lines[6]).toBe('metrics step 1: epoch 3.000, val_accuracy 0.8700');
    expect(lines[7]).toMatch(/self-reported/);
  });
});

describe('the final summary', () => {
  it('says how it ended, the best and final scores, steps, cost, tokens and the workspace', () => {
    const ended = fakeSummary({
      status: 'completed',
      endReason: 'max_cost',
      message: 'spent $2.00 of $2.00',
      bestScore: 0.81,
      bestStep: 4,
      bestCommit: 'abcdef123456',
      finalScore: 0.805,
      step: 5,
      costUsd: 2,
      unknownCostCalls: 1,
      promptTokens: 10_000,
      completionTokens: 2345,
      llmCalls: 31,
      endedAt: '2026-11-26T18:02:03.000Z',
    });
    expect(finalLines(ended, [fakeExperiment(), fakeExperiment({ step: 1, outcome: 'kept' })])).toEqual([
      'run 1a2b3c4d completed: cost budget spent',
      '  spent $2.00 of $2.00',
      '  best accuracy 0.8100 at step 4 (target accuracy >= 0.82), commit abcdef1',
      '  final score on unseen data: 0.8050',
      '  5/6 steps (1 baseline, 1 kept); $2.00 + 1 call of unknown cost; 12,345 tokens in 31 LLM calls; 1h 02m',
      '  workspace: /tmp/ws',
    ]);
  });
});

describe('the start lines name the sandbox and whether it is isolated', () => {
  it('docker and OS-isolated local runs as such; local-unisolated as not isolated, in red on a terminal', () => {
    expect(startLines(fakeSummary({ sandbox: 'docker' }))[1]).toMatch(/; docker sandbox; /);
    expect(startLines(fakeSummary({ sandbox: 'local' }))[1]).toMatch(/; local sandbox \(OS-isolated\); /);
    const plain = startLines(fakeSummary({ sandbox: 'local-unisolated' }))[1];
    expect(plain).toMatch(/; local sandbox \(not isolated\); /);
    expect(plain).not.toContain('\x1b[');
    const colored = startLines(fakeSummary({ sandbox: 'local-unisolated' }), 'started', true)[1];
    expect(colored).toContain('\x1b[31m(not isolated)\x1b[0m');
  });
});
