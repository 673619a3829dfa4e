import { describe, expect, it } from 'vitest';
import { RunSummary } from './runs';
import { Settings } from './settings';
import {
  Direction,
  EXPERIMENT_TAGS,
  ExperimentTag,
  NetworkMode,
  RunMode,
  RunStatus,
  SandboxChoice,
  SandboxKind,
  StageName,
  TERMINAL_STATUSES,
  comparisonOperator,
  isBetter,
  isTerminalStatus,
  meetsTarget,
  sandboxKindOf,
} from './vocabulary';

describe('isBetter', () => {
  it('higher is better: a larger score improves, a smaller or equal one does not', () => {
    expect(isBetter('higher', 0.81, 0.8)).toBe(true);
    expect(isBetter('higher', 0.79, 0.8)).toBe(false);
    expect(isBetter('higher', 0.8, 0.8)).toBe(false);
  });

  it('lower is better: a smaller score improves, a larger or equal one does not', () => {
    expect(isBetter('lower', 2.9, 3)).toBe(true);
    expect(isBetter('lower', 3.1, 3)).toBe(false);
    expect(isBetter('lower', 3, 3)).toBe(false);
  });

  it('any finite score beats no best yet, in either direction', () => {
    expect(isBetter('higher', -1e9, null)).toBe(true);
    expect(isBetter('lower', 1e9, null)).toBe(true);
    expect(isBetter('higher', 0, Number.NaN)).toBe(true);
  });

  it('a broken score (NaN, Infinity) never improves', () => {
    expect(isBetter('higher', Number.NaN, null)).toBe(false);
    expect(isBetter('higher', Number.POSITIVE_INFINITY, 0.5)).toBe(false);
    expect(isBetter('lower', Number.NEGATIVE_INFINITY, 0.5)).toBe(false);
  });
});

describe('meetsTarget', () => {
  it('uses >= for higher and <= for lower, the target itself included', () => {
    expect(meetsTarget('higher', 0.85, 0.85)).toBe(true);
    expect(meetsTarget('higher', 0.84, 0.85)).toBe(false);
    expect(meetsTarget('lower', 3.2, 3.2)).toBe(true);
    expect(meetsTarget('lower', 3.3, 3.2)).toBe(false);
  });

  it('is false without a target, without a score, or for a broken score', () => {
    expect(meetsTarget('higher', 0.9, null)).toBe(false);
    expect(meetsTarget('higher', null, 0.5)).toBe(false);
    expect(meetsTarget('lower', Number.NaN, 1)).toBe(false);
  });

  it('writes the comparison the way a target is read', () => {
    expect(comparisonOperator('higher')).toBe('>=');
    expect(comparisonOperator('lower')).toBe('<=');
  });
});

describe('the enums', () => {
  it.each([
    [Direction, 'higher', 'up'],
    [RunMode, 'brownfield', 'existing'],
    [SandboxKind, 'docker', 'local-unisolated'],
    [SandboxChoice, 'local-unisolated', 'podman'],
    [NetworkMode, 'bridge', 'host'],
    [StageName, 'hillclimb_test', 'hillclimb'],
    [RunStatus, 'interrupted', 'done'],
    [ExperimentTag, 'ENSEMBLE', 'model'],
  ] as const)('%#: accept %s, reject %s', (schema, good, bad) => {
    expect(schema.safeParse(good).success).toBe(true);
    expect(schema.safeParse(bad).success).toBe(false);
  });

  it('every sandbox choice starts one of the sandbox kinds', () => {
    expect(SandboxChoice.options.map(sandboxKindOf)).toEqual(['docker', 'local', 'local']);
  });

  it('terminal statuses are statuses, and a running run is not terminal', () => {
    for (const s of TERMINAL_STATUSES) expect(RunStatus.options).toContain(s);
    expect(isTerminalStatus('running')).toBe(false);
    expect(isTerminalStatus('interrupted')).toBe(true);
  });

  it('the contract schemas use these words, not copies of them', () => {
    expect(Settings.shape.defaultSandbox.options).toEqual(SandboxChoice.options);
    expect(Settings.shape.defaultNetwork.options).toEqual(NetworkMode.options);
    expect(RunSummary.shape.mode.options).toEqual(RunMode.options);
    expect(RunSummary.shape.metric.shape.direction.options).toEqual(Direction.options);
    expect(ExperimentTag.options).toEqual([...EXPERIMENT_TAGS]);
  });
});
