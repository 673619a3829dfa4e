import { describe, expect, it } from 'vitest';
import { RunList } from '../../../engine/api/runs';
import { EXIT } from '../exit-codes';
import { FakeEngine, fakeIO, fakeSummary } from '../testing/fake-engine';
import { runsCommand } from './runs';

function engineWithRuns(n: number): FakeEngine {
  const engine = new FakeEngine();
  for (let i = 0; i < n; i++) {
    engine.add(
      fakeSummary({
        id: `run${String(i).padStart(5, '0')}-aaaa-bbbb`,
        status: i % 2 === 0 ? 'completed' : 'failed',
        task:
          i === n - 1
            ? 'A very long task description that will not fit in the table column at all'
            : `task ${i}`,
        bestScore: i === 0 ? null : 0.8 + i / 100,
        finalScore: i === 1 ? 0.79 : null,
        step: i,
        costUsd: i / 10,
        unknownCostCalls: i === 2 ? 1 : 0,
        createdAt: new Date(Date.UTC(2026, 10, 1 + i, 9, 30)).toISOString(),
      }),
    );
  }
  return engine;
}

describe('mle-beast runs', () => {
  it('prints a table, newest first', async () => {
    const io = fakeIO();
    expect(await runsCommand(engineWithRuns(3), {}, io)).toBe(EXIT.ok);
    const lines = io.out.text().trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+STATUS\s+TASK\s+BEST\/TARGET\s+FINAL\s+STEPS\s+COST\s+CREATED$/);
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(
      /^run00002\s+completed\s+A very long task description that will…\s+accuracy 0\.8200\/>=0\.82\s+-\s+2\/6\s+\$0\.20\+\?\s+2026-11-03 09:30Z$/,
    );
    expect(lines[2]).toMatch(
      /^run00001\s+failed\s+task 1\s+accuracy 0\.8100\/>=0\.82\s+0\.7900\s+1\/6\s+\$0\.10/,
    );
    expect(lines[3]).toMatch(/^run00000 .* accuracy -\/>=0\.82 /);
    expect(io.out.text()).not.toMatch(/showing/);
  });

  it('says which part of the list a page is', async () => {
    const io = fakeIO();
    expect(await runsCommand(engineWithRuns(7), { limit: 3, offset: 3 }, io)).toBe(EXIT.ok);
    expect(io.out.text()).toMatch(/showing 4-6 of 7/);
    expect(io.out.text().trimEnd().split('\n')[1]).toMatch(/^run00003/);
  });

  it('filters by status, and --json prints the RunList', async () => {
    const io = fakeIO();
    expect(await runsCommand(engineWithRuns(5), { status: 'failed', json: true }, io)).toBe(EXIT.ok);
    const list = RunList.parse(JSON.parse(io.out.text()));
    expect(list.total).toBe(2);
    expect(list.runs.map((r) => r.status)).toEqual(['failed', 'failed']);
  });

  it('explains an empty list and a bad status', async () => {
    const io = fakeIO();
    expect(await runsCommand(new FakeEngine(), {}, io)).toBe(EXIT.ok);
    expect(io.out.text()).toMatch(/no runs yet/);
    expect(await runsCommand(new FakeEngine(), { status: 'happy' }, io)).toBe(EXIT.badInput);
    expect(io.err.text()).toMatch(/runs\.list: status/);
  });
});
