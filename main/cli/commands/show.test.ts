import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunSnapshot } from '../../../engine/api/runs';
import { useTempDir } from '../../../engine/testing/temp-dir';
import { EXIT } from '../exit-codes';
import { FakeEngine, fakeExperiment, fakeIO, fakeSummary } from '../testing/fake-engine';
import { showCommand } from './show';

const temp = useTempDir('mle-cli-show-');

function engineWithRun(workspace: string, events = 3): FakeEngine {
  const engine = new FakeEngine();
  const run = engine.add(
    fakeSummary({
      status: 'completed',
      endReason: 'target_reached',
      message: 'accuracy 0.846 >= 0.82',
      workspace,
      bestScore: 0.846,
      bestStep: 1,
      bestCommit: '1234567abcdef',
      finalScore: 0.839,
      step: 2,
      costUsd: 0.0123,
      unknownCostCalls: 2,
      promptTokens: 12000,
      completionTokens: 345,
      llmCalls: 20,
      endedAt: '2026-11-26T17:04:12.000Z',
    }),
    {
      stages: [
        {
          stage: 'setup',
          status: 'pass',
          attempt: 1,
          step: 0,
          startedAt: '2026-11-26T17:00:00.000Z',
          endedAt: '2026-11-26T17:00:03.000Z',
          message: null,
        },
        {
          stage: 'testing',
          status: 'fail',
          attempt: 2,
          step: 0,
          startedAt: null,
          endedAt: null,
          message: 'pytest: 1 failed',
        },
      ],
      experiments: [
        fakeExperiment(),
        fakeExperiment({
          step: 1,
          parentStep: 0,
          tag: 'MODEL',
          outcome: 'kept',
          score: 0.846,
          hypothesis: 'Gradient boosting',
          commitSha: '1234567abcdef',
        }),
        fakeExperiment({
          step: 2,
          parentStep: 1,
          tag: 'HYPERPARAM',
          outcome: 'reverted',
          score: 0.84,
          hypothesis: 'Deeper trees',
          commitSha: null,
        }),
      ],
    },
  );
  engine.broadcast = false;
  for (let i = 0; i < events; i++) {
    engine.emit(run.id, {
      type: 'log',
      stage: null,
      source: 'engine',
      stream: 'info',
      text: `event ${i + 1}`,
    });
  }
  return engine;
}

describe('mle-beast show', () => {
  it('prints the summary, the stages and the experiments', async () => {
    const ws = path.join(temp.dir, 'ws');
    fs.mkdirSync(path.join(ws, '.git'), { recursive: true });
    fs.writeFileSync(path.join(ws, '.git', 'HEAD'), 'ref: refs/heads/mle-beast-20261126T170000Z\n');
    const io = fakeIO();
    expect(await showCommand(engineWithRun(ws), '1a2b', {}, io)).toBe(EXIT.ok);
    const out = io.out.text();
    expect(out).toMatch(/^status: {4}completed \(target reached\)$/m);
    expect(out).toMatch(/^message: {3}accuracy 0\.846 >= 0\.82$/m);
    expect(out).toMatch(new RegExp(`^workspace: ${ws.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
    expect(out).toMatch(/^branch: {4}mle-beast-20261126T170000Z$/m);
    expect(out).toMatch(/^metric: {4}accuracy >= 0\.82 \(scored by the engine on a hidden holdout\)$/m);
    expect(out).toMatch(/^best: {6}0\.8460 at step 1, commit 1234567$/m);
    expect(out).toMatch(/^final: {5}0\.8390 on unseen data$/m);
    expect(out).toMatch(/^cost: {6}\$0\.012 \+ 2 calls of unknown cost$/m);
    expect(out).toMatch(/^tokens: {4}12,000 prompt \+ 345 completion in 20 LLM calls$/m);
    expect(out).toMatch(/^setup\s+pass\s+0\s+1\s+3s$/m);
    expect(out).toMatch(/^testing\s+fail\s+0\s+2\s+-\s+pytest: 1 failed$/m);
    expect(out).toMatch(/^STEP\s+TAG\s+OUTCOME\s+SCORE\s+Δ\s+COMMIT\s+HYPOTHESIS$/m);
    expect(out).toMatch(/^\s+1\s+MODEL\s+kept\s+0\.8460\s+\+0\.0460\s+1234567\s+Gradient boosting$/m);
    expect(out).toMatch(/^\s+2\s+HYPERPARAM\s+reverted\s+0\.8400\s+-0\.0060\s+-\s+Deeper trees$/m);
    expect(out).not.toMatch(/Events/);
  });

  it('warns of a self-reported score far from the engine score, and only of that one', async () => {
    const engine = new FakeEngine();
    engine.add(fakeSummary({ status: 'completed', workspace: '/nowhere' }), {
      experiments: [
        fakeExperiment({ step: 0, score: 0.756, selfReportedScore: 0.999 }),
        fakeExperiment({ step: 1, parentStep: 0, outcome: 'kept', score: 0.8, selfReportedScore: 0.83 }),
      ],
    });
    const io = fakeIO();
    expect(await showCommand(engine, '1a2b', {}, io)).toBe(EXIT.ok);
    const out = io.out.text();
    expect(out).toMatch(
      /^Warnings\nwarning: step 0: evaluate\.py reported accuracy 0\.999 but the engine scored 0\.756 on the hidden holdout/m,
    );
    expect(out).not.toMatch(/step 1: evaluate\.py/);
  });

  it('--events pages through every event; --since starts later', async () => {
    const engine = engineWithRun('/nowhere', 2500);
    const io = fakeIO();
    expect(await showCommand(engine, '1a2b3c4d', { events: true }, io)).toBe(EXIT.ok);
    const lines = io.out
      .text()
      .split('\n')
      .filter((l) => /^#\d+ /.test(l));
    expect(lines).toHaveLength(2500);
    expect(lines[0]).toBe('#1 17:00:05 log engine/info: event 1');
    expect(lines[2499]).toMatch(/^#2500 /);

    const later = fakeIO();
    expect(await showCommand(engine, '1a2b3c4d', { since: 2498 }, later)).toBe(EXIT.ok);
    expect(later.out.text()).toMatch(/Events after #2498\n#2499 .*\n#2500 /);
  });

  it('--json prints the RunSnapshot, with every event merged when --events, else none', async () => {
    const engine = engineWithRun('/nowhere', 1200);
    const io = fakeIO();
    expect(await showCommand(engine, '1a2b', { json: true, events: true }, io)).toBe(EXIT.ok);
    const snap = RunSnapshot.parse(JSON.parse(io.out.text()));
    expect(snap.events).toHaveLength(1200);
    expect(snap.nextSeq).toBeNull();
    expect(snap.experiments).toHaveLength(3);

    const bare = fakeIO();
    expect(await showCommand(engine, '1a2b', { json: true }, bare)).toBe(EXIT.ok);
    expect(RunSnapshot.parse(JSON.parse(bare.out.text())).events).toEqual([]);
  });

  it('exits 2 for an unknown or ambiguous id', async () => {
    const engine = engineWithRun('/nowhere', 0);
    engine.add(fakeSummary({ id: '1a2b9999-other' }));
    const io = fakeIO();
    expect(await showCommand(engine, 'ffff', {}, io)).toBe(EXIT.badInput);
    expect(io.err.text()).toMatch(/no run has an id starting with 'ffff'/);
    expect(await showCommand(engine, '1a2b', {}, io)).toBe(EXIT.badInput);
    expect(io.err.text()).toMatch(/'1a2b' matches 2 runs/);
    expect(io.out.text()).toBe('');
  });

  describe('command logs', () => {
    function engineWithLogs(): FakeEngine {
      const engine = engineWithRun('/nowhere');
      const runDir = path.join(temp.dir, 'run');
      const logs = path.join(runDir, 'logs');
      fs.mkdirSync(logs, { recursive: true });
      const lines = Array.from(
        { length: 3000 },
        (_, i) => `epoch 1 batch ${i + 1} loss ${(1 / (i + 1)).toFixed(6)}`,
      );
      fs.writeFileSync(path.join(logs, 'step0-training.log.1'), `${lines.slice(0, 1000).join('\n')}\n`);
      fs.writeFileSync(path.join(logs, 'step0-training.log'), `${lines.slice(1000).join('\n')}\n`);
      fs.writeFileSync(path.join(logs, 'step0-testing-tests.log'), '3 passed\n');
      engine.runDirs.set('1a2b3c4d-0000-4000-8000-000000000001', runDir);
      return engine;
    }

    it('--logs lists them with their sizes', async () => {
      const io = fakeIO();
      expect(await showCommand(engineWithLogs(), '1a2b', { logs: true }, io)).toBe(EXIT.ok);
      const out = io.out.text();
      expect(out).toMatch(/^LOG\s+SIZE\s+MODIFIED$/m);
      expect(out).toMatch(/^step0-training\s+\d+\.\d KiB\s/m);
      expect(out).toMatch(/^step0-testing-tests\s+9 B\s/m);
    });

    it('--log prints one whole, the rotated part first; --tail N its last lines', async () => {
      const engine = engineWithLogs();
      const io = fakeIO();
      expect(await showCommand(engine, '1a2b', { log: 'step0-training' }, io)).toBe(EXIT.ok);
      const lines = io.out.text().trimEnd().split('\n');
      expect(lines).toHaveLength(3000);
      expect(lines[0]).toBe('epoch 1 batch 1 loss 1.000000');
      expect(lines[2999]).toMatch(/^epoch 1 batch 3000 loss /);
      expect(io.err.text()).toMatch(/start of step0-training was rotated away/);

      const tail = fakeIO();
      expect(await showCommand(engine, '1a2b', { log: 'step0-training', tail: 2 }, tail)).toBe(EXIT.ok);
      expect(tail.out.text()).toMatch(/^epoch 1 batch 2999 loss \S+\nepoch 1 batch 3000 loss \S+\n$/);
    });

    it('names the logs there are when the one asked for is not, and refuses --tail without --log', async () => {
      const io = fakeIO();
      expect(await showCommand(engineWithLogs(), '1a2b', { log: 'step9-training' }, io)).toBe(EXIT.badInput);
      expect(io.err.text()).toMatch(/no log step9-training; its logs: .*step0-training/);
      const bad = fakeIO();
      expect(await showCommand(engineWithLogs(), '1a2b', { tail: 5 }, bad)).toBe(EXIT.badInput);
      expect(bad.err.text()).toMatch(/--tail goes with --log NAME/);
    });
  });
});
