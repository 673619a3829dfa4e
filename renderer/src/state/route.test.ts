import { describe, expect, it } from 'vitest';
import { parseRoute, runHash } from './route';

describe('parseRoute', () => {
  it('reads the top-level pages, defaulting to the runs', () => {
    expect(parseRoute('#/settings')).toEqual({ id: 'settings', runId: null });
    expect(parseRoute('#/new')).toEqual({ id: 'new', runId: null });
    expect(parseRoute('')).toEqual({ id: 'runs', runId: null });
    expect(parseRoute('#/nowhere')).toEqual({ id: 'runs', runId: null });
    expect(parseRoute('#/setup')).toEqual({ id: 'setup', runId: null });
  });

  it('reads a run id, and round-trips one that needs escaping', () => {
    expect(parseRoute('#/runs/abc-123')).toEqual({ id: 'run', runId: 'abc-123' });
    expect(parseRoute(runHash('a b/c'))).toEqual({ id: 'run', runId: 'a b/c' });
    expect(parseRoute('#/runs/%E0%A4%A')).toEqual({ id: 'runs', runId: null });
  });
});
