import { describe, expect, it } from 'vitest';
import { Direction, RunMode, RunStatus, SandboxKind, StageStatus } from '../../api/vocabulary';
import runs from './003_runs';

/**
 * Released migrations are history and never edited, so their CHECK constraints spell the enum values out.
 * This keeps them equal to the shared vocabulary: a word added there and not to a new migration fails here,
 * not on a user's first insert.
 */
const checkValues = (sql: string, table: string, column: string): string[] => {
  const body = new RegExp(`CREATE TABLE ${table} \\(([\\s\\S]*?)\\n\\)`).exec(sql)?.[1];
  if (!body) throw new Error(`no CREATE TABLE ${table} in the migration`);
  const check = new RegExp(`\\n\\s*${column}\\s+TEXT[^\\n]*CHECK \\(${column} IN\\s*\\(([^)]*)\\)`).exec(
    body,
  )?.[1];
  if (!check) throw new Error(`no CHECK on ${table}.${column}`);
  return [...check.matchAll(/'([^']*)'/g)].map((m) => m[1]!);
};

describe('the runs migration checks the vocabulary', () => {
  it.each([
    ['runs', 'status', RunStatus.options],
    ['runs', 'mode', RunMode.options],
    ['runs', 'direction', Direction.options],
    ['runs', 'sandbox', SandboxKind.options],
    ['stages', 'status', StageStatus.options],
  ] as const)('%s.%s', (table, column, words) => {
    expect(checkValues(runs.sql, table, column)).toEqual([...words]);
  });
});
