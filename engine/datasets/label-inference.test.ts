import { describe, expect, it } from 'vitest';
import { ColumnProfile } from './column-profile';
import { guessLabelColumn, suggestColumn } from './label-inference';

/** Profiles from columns of values. */
function table(columns: Record<string, string[]>): ColumnProfile[] {
  return Object.entries(columns).map(([name, values]) => {
    const p = new ColumnProfile(name);
    values.forEach((v, i) => p.add(v, 'f.csv', i + 2));
    return p;
  });
}

const rows = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i));

describe('guessLabelColumn', () => {
  it('takes a label-like last column and says why', () => {
    const guess = guessLabelColumn(
      table({
        age: rows(30, (i) => String(20 + i)),
        plan: rows(30, (i) => (i % 2 ? 'a' : 'b')),
        churned: rows(30, (i) => (i % 3 ? 'no' : 'yes')),
      }),
    );
    expect(guess).toMatchObject({ column: 'churned', byPositionOnly: false, alternatives: [] });
    expect(guess?.reason).toBe("last column 'churned' has 2 distinct values and a label-like name");
  });

  it('prefers a generic label name to a domain one, wherever it is', () => {
    const guess = guessLabelColumn(
      table({
        target: rows(10, (i) => String(i % 2)),
        price: rows(10, (i) => `${i}.5`),
        x: rows(10, String),
      }),
    );
    expect(guess?.column).toBe('target');
    expect(guess?.reason).toMatch(/^column 'target' has 2 distinct values and a label-like name$/);
    expect(guess?.alternatives).toEqual(['price']);
  });

  it('matches names whatever their case and separators', () => {
    expect(guessLabelColumn(table({ a: ['1'], 'Class Label': ['x'], b: ['2'] }))?.column).toBe('Class Label');
    expect(guessLabelColumn(table({ a: ['1'], SalePrice: ['100'], b: ['2'] }))?.column).toBe('SalePrice');
    expect(guessLabelColumn(table({ a: ['1'], species_label: ['x'], b: ['2'] }))?.column).toBe(
      'species_label',
    );
  });

  it('falls back to the last column, flagged as a guess by position', () => {
    const guess = guessLabelColumn(
      table({ f1: rows(10, String), f2: rows(10, String), outcome_code: rows(10, (i) => String(i % 3)) }),
    );
    expect(guess).toMatchObject({ column: 'outcome_code', byPositionOnly: true });
    expect(guess?.reason).toContain('no column has a label-like name');
  });

  it('never picks an identifier or free text by position', () => {
    expect(
      guessLabelColumn(table({ f1: rows(30, String), customer_id: rows(30, (i) => `c${i}`) })),
    ).toBeNull();
    const text = rows(30, (i) => `a long free text review with many words number ${i}`);
    expect(guessLabelColumn(table({ f1: rows(30, String), review: text }))).toBeNull();
    expect(guessLabelColumn(table({ f1: rows(30, String), key: rows(30, (i) => `k${i}`) }))).toBeNull();
  });

  it('skips a label-like name on an implausible column', () => {
    const guess = guessLabelColumn(
      table({ label: rows(30, () => ''), y: rows(30, (i) => String(i % 2)), z: rows(30, String) }),
    );
    expect(guess?.column).toBe('y');
  });

  it('suggests the column a misspelt label meant', () => {
    expect(suggestColumn('churn', ['age', 'Churn'])).toBe('Churn');
    expect(suggestColumn('sale price', ['SalePrice', 'x'])).toBeNull();
    expect(suggestColumn('sale price', ['sale_price', 'x'])).toBe('sale_price');
  });
});
