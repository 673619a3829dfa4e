import { describe, expect, it } from 'vitest';
import { resolveRunId } from './run-id';
import { FakeEngine, fakeSummary } from './testing/fake-engine';

function engineWith(ids: string[]): FakeEngine {
  const engine = new FakeEngine();
  ids.forEach((id, i) =>
    engine.add(fakeSummary({ id, createdAt: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString() })),
  );
  return engine;
}

describe('run id prefixes', () => {
  const engine = engineWith(['aaaa1111-x', 'aaaa2222-x', 'bbbb1111-x']);

  it('take an exact id or a unique prefix', async () => {
    expect(await resolveRunId(engine, 'aaaa2222-x')).toEqual({ ok: true, id: 'aaaa2222-x' });
    expect(await resolveRunId(engine, 'bb')).toEqual({ ok: true, id: 'bbbb1111-x' });
    expect(await resolveRunId(engine, ' aaaa1 ')).toEqual({ ok: true, id: 'aaaa1111-x' });
  });

  it('list the candidates of an ambiguous prefix', async () => {
    const r = await resolveRunId(engine, 'aaaa');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.message).toMatch(/'aaaa' matches 2 runs; give more of the id:/);
    expect(r.message).toContain('aaaa1111-x');
    expect(r.message).toContain('aaaa2222-x');
  });

  it('say so for an unknown id', async () => {
    expect(await resolveRunId(engine, 'cccc')).toEqual({
      ok: false,
      message: "no run has an id starting with 'cccc' (see `mle-beast runs`)",
    });
    expect((await resolveRunId(engine, '  ')).ok).toBe(false);
  });

  it('look through every page of the list', async () => {
    const many = engineWith([
      ...Array.from({ length: 600 }, (_, i) => `id-${String(i).padStart(4, '0')}`),
      'zz-last',
    ]);
    expect(await resolveRunId(many, 'zz')).toEqual({ ok: true, id: 'zz-last' });
    expect(await resolveRunId(many, 'id-0000')).toEqual({ ok: true, id: 'id-0000' });
    expect(many.calls.filter((c) => c.name === 'runs.list').length).toBeGreaterThanOrEqual(2);
  });
});
