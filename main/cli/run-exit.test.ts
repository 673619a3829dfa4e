import { describe, expect, it } from 'vitest';
import { EndReason, RunStatus } from '../../engine/api/runs';
import { EXIT } from './exit-codes';
import { exitCodeForRun } from './run-exit';

describe('exit code of a run', () => {
  it('is 0 only for a completed run that reached its target', () => {
    for (const reason of EndReason.options) {
      expect(exitCodeForRun({ status: 'completed', endReason: reason })).toBe(
        reason === 'target_reached' ? EXIT.ok : EXIT.targetNotReached,
      );
    }
    expect(exitCodeForRun({ status: 'completed', endReason: null })).toBe(1);
  });

  it('is 3 for failed or interrupted, 130 for cancelled, whatever the reason', () => {
    for (const reason of [...EndReason.options, null]) {
      expect(exitCodeForRun({ status: 'failed', endReason: reason })).toBe(3);
      expect(exitCodeForRun({ status: 'interrupted', endReason: reason })).toBe(3);
      expect(exitCodeForRun({ status: 'cancelled', endReason: reason })).toBe(130);
    }
  });

  it('covers every status', () => {
    const codes = Object.fromEntries(
      RunStatus.options.map((s) => [s, exitCodeForRun({ status: s, endReason: null })]),
    );
    expect(codes).toEqual({
      pending: 3,
      running: 3,
      paused: 3,
      completed: 1,
      failed: 3,
      cancelled: 130,
      interrupted: 3,
    });
  });
});
