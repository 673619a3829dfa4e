import { describe, expect, it } from 'vitest';
import { startingBuild, withFinished, withProgress } from './build-view';

const progress = (buildId: string, percent: number | null, line = 'x') => ({
  buildId,
  phase: 'building' as const,
  percent,
  line,
});

describe('build view', () => {
  it('follows its build: percentages, a line without one keeps the last, then 100% at the end', () => {
    let view = { ...startingBuild('offline'), buildId: 'b1' };
    view = withProgress(view, progress('b1', 25, 'configuring apt'), 'offline')!;
    expect(view).toMatchObject({ percent: 25, line: 'configuring apt', phase: 'building' });
    view = withProgress(view, progress('b1', null, 'Get:1 http://deb'), 'offline')!;
    expect(view.percent).toBe(25);
    view = withFinished(
      view,
      { buildId: 'b1', ok: true, error: null, tag: 't', sizeBytes: 1, seconds: 9 },
      'offline',
    )!;
    expect(view).toMatchObject({ percent: 100, finished: { ok: true } });
  });

  it("ignores another build's events; takes up a build started elsewhere when it follows none", () => {
    const mine = { ...startingBuild('online'), buildId: 'b1' };
    expect(withProgress(mine, progress('b2', 50), 'offline')).toBe(mine);
    expect(withProgress(null, progress('b2', 50), 'offline')).toMatchObject({
      buildId: 'b2',
      variant: 'offline',
    });
    // Before sandbox.build answered with its id, the first events are taken as its own.
    expect(withProgress(startingBuild('online'), progress('b3', 5), 'offline')).toMatchObject({
      buildId: 'b3',
      variant: 'online',
    });
  });

  it('a failed build keeps its last percentage and carries the reason', () => {
    const view = withProgress({ ...startingBuild('offline'), buildId: 'b1' }, progress('b1', 40), 'offline');
    const failed = withFinished(
      view,
      { buildId: 'b1', ok: false, error: 'disk full: free 3 GB', tag: 't', sizeBytes: null, seconds: 3 },
      'offline',
    );
    expect(failed).toMatchObject({ percent: 40, finished: { ok: false, error: 'disk full: free 3 GB' } });
  });
});
