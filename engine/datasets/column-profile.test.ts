import { describe, expect, it } from 'vitest';
import { ColumnProfile, DISTINCT_CAP } from './column-profile';
import { isBooleanSet, isMissing, parseNumber } from './values';

function profile(values: string[]): ColumnProfile {
  const p = new ColumnProfile('c');
  values.forEach((v, i) => p.add(v, 'f.csv', i + 2));
  return p;
}

describe('cell values', () => {
  it('reads missing values the way pandas does by default', () => {
    for (const v of ['', ' ', 'NA', 'N/A', 'nan', 'NaN', 'null', 'None', '#N/A', '<NA>'])
      expect(isMissing(v)).toBe(true);
    for (const v of ['0', 'none of them', 'n', 'Nan-ish']) expect(isMissing(v)).toBe(false);
  });

  it('parses plain decimal numbers only', () => {
    expect(parseNumber('3')).toBe(3);
    expect(parseNumber(' -0.5 ')).toBe(-0.5);
    expect(parseNumber('.5')).toBe(0.5);
    expect(parseNumber('1e-3')).toBe(0.001);
    expect(parseNumber('+2')).toBe(2);
    for (const v of ['0x10', 'Infinity', '1,000', '', '1.2.3', 'nan', '1e400'])
      expect(parseNumber(v)).toBeNull();
  });

  it('recognises boolean pairs, including 0/1 written as floats', () => {
    expect(isBooleanSet(['yes', 'no'])).toBe(true);
    expect(isBooleanSet(['True', 'False'])).toBe(true);
    expect(isBooleanSet(['1.0', '0.0'])).toBe(true);
    expect(isBooleanSet(['yes'])).toBe(true);
    expect(isBooleanSet(['yes', 'false'])).toBe(false);
    expect(isBooleanSet(['0', '1', '2'])).toBe(false);
    expect(isBooleanSet([])).toBe(false);
  });
});

describe('ColumnProfile', () => {
  it('infers numeric columns with their statistics and missing count', () => {
    const p = profile(['1', '2', '', '3', 'NA', '6']);
    const s = p.summary(false);
    expect(s.type).toBe('numeric');
    expect(s.missing).toBe(2);
    expect(s.distinct).toBe(4);
    expect(s.numeric?.min).toBe(1);
    expect(s.numeric?.max).toBe(6);
    expect(s.numeric?.mean).toBe(3);
    // sample standard deviation of 1,2,3,6: sqrt(14/3)
    expect(s.numeric?.std).toBeCloseTo(Math.sqrt(14 / 3), 12);
  });

  it('infers boolean and categorical columns with their top values', () => {
    expect(profile(['yes', 'no', 'no']).summary(true)).toMatchObject({
      type: 'boolean',
      isLabel: true,
      top: [
        { value: 'no', count: 2 },
        { value: 'yes', count: 1 },
      ],
    });
    expect(profile(['red', 'green', 'red', 'blue']).type).toBe('categorical');
  });

  it('tells free text from categories', () => {
    const reviews = Array.from({ length: 30 }, (_, i) => `this product was great number ${i}`);
    expect(profile(reviews).type).toBe('text');
    const long = ['x'.repeat(50), 'y'.repeat(60)];
    expect(profile(long).type).toBe('text');
    expect(profile(['New York', 'Paris', 'New York', 'Paris']).type).toBe('categorical');
  });

  it('keeps the first non-numeric value of a mostly numeric column, with file and line', () => {
    const p = profile(['1', '2', 'unknown', '4']);
    expect(p.type).toBe('categorical');
    expect(p.firstNonNumeric).toEqual({ value: 'unknown', file: 'f.csv', line: 4 });
  });

  it('caps distinct values and says so', () => {
    const p = profile(Array.from({ length: DISTINCT_CAP + 5 }, (_, i) => `v${i}`));
    expect(p.summary(false)).toMatchObject({ distinct: DISTINCT_CAP, distinctCapped: true });
  });

  it('an all-missing column is categorical with every row missing', () => {
    expect(profile(['', 'NA']).summary(false)).toMatchObject({
      type: 'categorical',
      missing: 2,
      distinct: 0,
    });
  });
});
