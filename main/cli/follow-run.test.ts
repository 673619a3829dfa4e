import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { Experiment, RunSummary } from '../../engine/api/runs';
import { call } from './engine-call';
import { EXIT } from './exit-codes';
import { createInterruptHandler, startAndFollow } from './follow-run';
import { FakeEngine, fakeIO, tick } from './testing/fake-engine';

const ESC = '\x1b';

function start(engine: FakeEngine) {
  return () =>
    call(engine.handlers, 'runs.start', { folder: './data', task: 'Predict whether a customer will churn.' });
}

const noSignals = () => () => undefined;

describe('following a run', () => {
  it('prints plain lines, one per notable event, when stdout is not a terminal, and exits 0 on the target', async () => {
    const engine = new FakeEngine({ onStart: (e, run) => setTimeout(() => e.scriptSuccess(run.id), 5) });
    const io = fakeIO();
    const code = await startAndFollow(engine, start(engine), { io, onInterrupt: noSignals });
    expect(code).toBe(EXIT.ok);
    const out = io.out.text();
    // eslint-disable-next-line no-control-regex
    expect(out).not.toMatch(/[\x00-\x09\x0b-\x1f]/);
    expect(out).not.toContain(ESC);
    expect(out).toMatch(/^run 1a2b3c4d started: Predict whether/m);
    expect(out).toMatch(/^stage data_analysis started \(step 0\)$/m);
    expect(out).toMatch(
      /^step 1 \[MODEL\] kept: accuracy 0\.8460 \(\+0\.0460 vs step 0\) - Gradient boosting/m,
    );
    expect(out).toMatch(
      /^step 2 \[HYPERPARAM\] reverted: accuracy 0\.8400 \(-0\.0060 vs step 1\) - Deeper trees - no better/m,
    );
    expect(out).toMatch(/^run 1a2b3c4d completed: target reached$/m);
    expect(out).toMatch(/best accuracy 0\.8460 at step 1 \(target accuracy >= 0\.82\), commit 1234567/);
    // Training logs only with --verbose.
    expect(out).not.toContain('epoch 1 loss');
    expect(io.err.text()).toBe('');
  });

  it('unpacks a batch of events in order, with the omitted-lines marker', async () => {
    const engine = new FakeEngine({
      onStart: (e, run) =>
        setTimeout(() => {
          const line = (text: string) =>
            ({ type: 'log', stage: 'training', source: 'training', stream: 'stdout', text }) as const;
          e.emitBatch(run.id, [
            line('batch 1 loss 0.9'),
            line('batch 2 loss 0.8'),
            {
              type: 'log.omitted',
              stage: 'training',
              source: 'training',
              log: 'step0-training',
              omittedLines: 99_000,
              totalLines: 100_000,
            },
            line('batch 100000 loss 0.1'),
          ]);
          e.scriptSuccess(run.id);
        }, 5),
    });
    const io = fakeIO();
    expect(await startAndFollow(engine, start(engine), { io, verbose: true, onInterrupt: noSignals })).toBe(
      EXIT.ok,
    );
    const out = io.out.text();
    const at = (text: string) => out.indexOf(text);
    expect(at('training: batch 1 loss 0.9')).toBeGreaterThan(-1);
    expect(at('training: batch 2 loss 0.8')).toBeGreaterThan(at('training: batch 1 loss 0.9'));
    expect(out).toMatch(
      /^training: 99,000 of 100,000 lines not stored here; the whole output is in log step0-training \(mle-beast show <run> --log step0-training\)$/m,
    );
    expect(at('training: batch 100000 loss 0.1')).toBeGreaterThan(at('99,000 of 100,000'));
    expect(at('run 1a2b3c4d completed')).toBeGreaterThan(at('batch 100000'));
  });

  it('shows training logs and LLM calls with --verbose', async () => {
    const engine = new FakeEngine({ onStart: (e, run) => setTimeout(() => e.scriptSuccess(run.id), 5) });
    const io = fakeIO();
    await startAndFollow(engine, start(engine), { io, verbose: true, onInterrupt: noSignals });
    expect(io.out.text()).toMatch(/^training: epoch 1 loss 0\.5$/m);
    expect(io.out.text()).toMatch(
      /^llm scripted model \(data_analysis, step 0\) 10\+5 tokens, cost unknown/m,
    );
  });

  it('redraws one status line in place on a terminal, with events printed above it', async () => {
    const engine = new FakeEngine({ onStart: (e, run) => setTimeout(() => e.scriptSuccess(run.id), 5) });
    const io = fakeIO({ isTTY: true, columns: 200 });
    expect(await startAndFollow(engine, start(engine), { io, onInterrupt: noSignals })).toBe(EXIT.ok);
    const out = io.out.text();
    expect(out).toContain(`\r${ESC}[2K`);
    expect(out).toMatch(
      /\[training\] \| step 0\/6 \| best accuracy 0\.8000 \(target >= 0\.82\) \| \$0 \+ 1 call of unknown cost/,
    );
    expect(out).toMatch(
      /step 2\/6 \| best accuracy 0\.8460 \(target >= 0\.82\) \| \$0\.012 \+ 1 call of unknown cost \| 4m 12s/,
    );
    // The final summary is the last thing, with the status line cleared before it.
    expect(out.trimEnd().split('\n').at(-1)).toMatch(/workspace: \/tmp\/ws$/);
    expect(out).toMatch(new RegExp(`${ESC}\\[2Krun 1a2b3c4d completed: target reached`));
  });

  it('exits 1 when the run completes without the target, 3 when it fails', async () => {
    const engine = new FakeEngine({
      onStart: (e, run) => setTimeout(() => e.scriptSuccess(run.id, 'max_steps'), 5),
    });
    expect(await startAndFollow(engine, start(engine), { io: fakeIO(), onInterrupt: noSignals })).toBe(
      EXIT.targetNotReached,
    );
    const failing = new FakeEngine({
      onStart: (e, run) =>
        setTimeout(
          () =>
            e.emit(run.id, { type: 'run.state', status: 'failed', reason: 'error', message: 'sandbox died' }),
          5,
        ),
    });
    const io = fakeIO();
    expect(await startAndFollow(failing, start(failing), { io, onInterrupt: noSignals })).toBe(EXIT.failed);
    expect(io.out.text()).toMatch(/run 1a2b3c4d failed: stopped by an error\n {2}sandbox died/);
  });

  it('misses no event emitted before runs.start returns', async () => {
    const engine = new FakeEngine({ onStart: (e, run) => e.scriptSuccess(run.id) });
    const io = fakeIO();
    expect(await startAndFollow(engine, start(engine), { io, onInterrupt: noSignals })).toBe(EXIT.ok);
    expect(io.out.text()).toMatch(/stage data_analysis started/);
    expect(io.out.text()).toMatch(/step 1 \[MODEL\] kept/);
  });

  it('finds the end through the store when no event arrives (a run carried on elsewhere)', async () => {
    const engine = new FakeEngine({
      onStart: (e, run) => {
        e.broadcast = false;
        e.scriptSuccess(run.id);
      },
    });
    const io = fakeIO();
    expect(
      await startAndFollow(engine, start(engine), { io, pollMs: 10, fromSeq: 0, onInterrupt: noSignals }),
    ).toBe(EXIT.ok);
    expect(io.out.text()).toMatch(/step 1 \[MODEL\] kept/);
  });

  it('--json: nothing on stdout while it runs, then one document { run, experiments }', async () => {
    const engine = new FakeEngine({ onStart: (e, run) => setTimeout(() => e.scriptSuccess(run.id), 5) });
    const io = fakeIO({ isTTY: true });
    expect(await startAndFollow(engine, start(engine), { io, json: true, onInterrupt: noSignals })).toBe(
      EXIT.ok,
    );
    const doc = z
      .object({ run: RunSummary, experiments: z.array(Experiment) })
      .strict()
      .parse(JSON.parse(io.out.text()));
    expect(doc.run.status).toBe('completed');
    expect(doc.run.endReason).toBe('target_reached');
    expect(doc.experiments.map((e) => e.outcome)).toEqual(['baseline', 'kept', 'reverted']);
    expect(io.out.text()).not.toContain(ESC);
  });

  it('prints a config error as the engine wrote it and exits 2', async () => {
    const engine = new FakeEngine();
    const io = fakeIO();
    const code = await startAndFollow(
      engine,
      async () => ({
        ok: false,
        error: {
          code: 'invalid_input',
          message: 'project.yaml:4:3: unknown metric "acc". Close names: accuracy.',
        },
      }),
      { io, onInterrupt: noSignals },
    );
    expect(code).toBe(EXIT.badInput);
    expect(io.err.text()).toBe('mle-beast: project.yaml:4:3: unknown metric "acc". Close names: accuracy.\n');
    expect(io.out.text()).toBe('');
  });

  it('Ctrl-C: the first cancels the run and waits for it to stop (130), a second quits at once', async () => {
    let interrupt: () => void = () => undefined;
    const exit = vi.fn();
    const engine = new FakeEngine({
      onStart: (e, run) =>
        setTimeout(() => {
          e.emit(run.id, { type: 'run.state', status: 'running', reason: null, message: null });
          e.emit(run.id, { type: 'stage.started', stage: 'training', step: 0, attempt: 1 });
        }, 1),
      onCancel: (e, id) =>
        setTimeout(
          () =>
            e.emit(id, {
              type: 'run.state',
              status: 'cancelled',
              reason: 'cancelled',
              message: 'cancelled by the user',
            }),
          20,
        ),
    });
    const io = fakeIO();
    let removed = false;
    const following = startAndFollow(engine, start(engine), {
      io,
      exit,
      onInterrupt: (handler) => {
        interrupt = handler;
        return () => (removed = true);
      },
    });
    await tick(10);
    interrupt();
    expect(io.err.text()).toMatch(/^cancelling…/);
    await tick(1);
    expect(engine.calls.filter((c) => c.name === 'runs.cancel')).toHaveLength(1);
    interrupt();
    expect(exit).toHaveBeenCalledWith(EXIT.cancelled);
    expect(await following).toBe(EXIT.cancelled);
    expect(removed).toBe(true);
    expect(io.out.text()).toMatch(/run 1a2b3c4d cancelled/);
  });
});

describe('the interrupt handler', () => {
  it('cancels once, then exits 130', () => {
    const cancel = vi.fn(async () => undefined);
    const notify = vi.fn();
    const exit = vi.fn();
    const handler = createInterruptHandler({ cancel, notify, exit });
    handler();
    expect(cancel).toHaveBeenCalledTimes(1);
    expect(exit).not.toHaveBeenCalled();
    expect(notify.mock.calls[0]?.[0]).toMatch(/^cancelling…/);
    handler();
    expect(cancel).toHaveBeenCalledTimes(1);
    expect(exit).toHaveBeenCalledWith(130);
  });
});
