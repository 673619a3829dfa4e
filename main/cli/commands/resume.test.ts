import { describe, expect, it } from 'vitest';
import { EXIT } from '../exit-codes';
import { FakeEngine, fakeIO, fakeSummary } from '../testing/fake-engine';
import { resumeCommand } from './resume';

describe('mle-beast resume', () => {
  it('resumes the run and follows only what happens from now on', async () => {
    const engine = new FakeEngine({
      onResume: (e, id) =>
        setTimeout(() => {
          e.emit(id, { type: 'run.state', status: 'running', reason: null, message: null });
          e.emit(id, { type: 'stage.started', stage: 'proposal', step: 3, attempt: 1 });
          e.emit(id, { type: 'run.state', status: 'completed', reason: 'target_reached', message: null });
        }, 2),
    });
    const run = engine.add(fakeSummary({ status: 'interrupted', endReason: 'interrupted' }));
    // Its history: an old end state that must not end the following.
    engine.emit(run.id, { type: 'stage.started', stage: 'baseline', step: 0, attempt: 1 });
    engine.emit(run.id, { type: 'run.state', status: 'interrupted', reason: 'interrupted', message: null });
    const io = fakeIO();
    expect(await resumeCommand(engine, '1a2b', { io, pollMs: 5, onInterrupt: () => () => undefined })).toBe(
      EXIT.ok,
    );
    const out = io.out.text();
    expect(out).toMatch(/^run 1a2b3c4d resumed:/m);
    expect(out).toMatch(/stage proposal started \(step 3\)/);
    expect(out).not.toMatch(/stage baseline/);
    expect(out).toMatch(/completed: target reached/);
  });

  it('exits 2 for an unknown id, and passes on what the engine refuses', async () => {
    const engine = new FakeEngine();
    const io = fakeIO();
    expect(await resumeCommand(engine, 'nope', { io })).toBe(EXIT.badInput);
    expect(io.err.text()).toMatch(/no run has an id starting with 'nope'/);
  });
});
