import { describe, expect, it } from 'vitest';
import { EXIT } from '../exit-codes';
import { FakeEngine, fakeIO, fakeSummary } from '../testing/fake-engine';
import { cancelCommand } from './cancel';

/** A clock that advances only when the command sleeps. */
function fakeClock() {
  let t = 0;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
    sleeps,
  };
}

describe('mle-beast cancel', () => {
  it('asks the engine, then waits for the run (in another process) to stop', async () => {
    let polls = 0;
    const engine = new FakeEngine();
    const run = engine.add(fakeSummary({ status: 'running', bestCommit: 'abcdef123' }));
    const get = engine.handlers['runs.get'];
    engine.handlers['runs.get'] = async (input) => {
      // The other process notices the request on the third look.
      if (engine.calls.some((c) => c.name === 'runs.cancel') && ++polls === 3) {
        engine.emit(run.id, { type: 'run.state', status: 'cancelled', reason: 'cancelled', message: null });
      }
      return get(input);
    };
    const clock = fakeClock();
    const io = fakeIO();
    expect(await cancelCommand(engine, '1a2b', { io, ...clock })).toBe(EXIT.ok);
    expect(io.out.text()).toBe('run 1a2b3c4d cancelled; workspace /tmp/ws at its best commit abcdef1\n');
    expect(clock.sleeps).toEqual([250, 250]);
  });

  it('exits 3 and says so when the run does not stop in time', async () => {
    const engine = new FakeEngine();
    engine.add(fakeSummary({ status: 'running' }));
    const clock = fakeClock();
    const io = fakeIO();
    expect(await cancelCommand(engine, '1a2b', { io, ...clock })).toBe(EXIT.failed);
    expect(io.err.text()).toMatch(/run 1a2b3c4d did not stop within 15s\. The request is recorded/);
    expect(clock.sleeps).toHaveLength(60);
    expect(engine.calls.filter((c) => c.name === 'runs.cancel')).toHaveLength(1);
  });

  it('reports a run that had already ended (0) and an unknown id (2)', async () => {
    const engine = new FakeEngine();
    engine.add(fakeSummary({ status: 'completed', endReason: 'max_steps' }));
    const io = fakeIO();
    expect(await cancelCommand(engine, '1a2b3c4d', { io, ...fakeClock() })).toBe(EXIT.ok);
    expect(io.out.text()).toBe('run 1a2b3c4d had already ended: completed (max_steps)\n');
    expect(engine.calls.filter((c) => c.name === 'runs.cancel')).toHaveLength(0);
    expect(await cancelCommand(engine, 'zzz', { io, ...fakeClock() })).toBe(EXIT.badInput);
    expect(io.err.text()).toMatch(/no run has an id starting with 'zzz'/);
  });

  it('is done at once when the engine cancels the run in this process', async () => {
    const engine = new FakeEngine({
      onCancel: (e, id) =>
        e.emit(id, { type: 'run.state', status: 'cancelled', reason: 'cancelled', message: null }),
    });
    engine.add(fakeSummary({ status: 'running' }));
    const clock = fakeClock();
    const io = fakeIO();
    expect(await cancelCommand(engine, '1a', { io, ...clock })).toBe(EXIT.ok);
    expect(clock.sleeps).toEqual([]);
    expect(io.out.text()).toMatch(/cancelled/);
  });
});
