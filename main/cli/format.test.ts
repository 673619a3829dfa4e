import { describe, expect, it } from 'vitest';
import {
  cleanText,
  cut,
  formatCost,
  formatDelta,
  formatDuration,
  formatScore,
  formatTime,
  meetsTarget,
  renderTable,
  targetText,
} from './format';

describe('formatting', () => {
  it('scores, changes and targets', () => {
    expect(formatScore(0.84612)).toBe('0.8461');
    expect(formatScore(12.3456)).toBe('12.346');
    expect(formatScore(123456.7)).toBe('123457');
    expect(formatScore(null)).toBe('-');
    expect(formatDelta(0.85, 0.8)).toBe('+0.0500');
    expect(formatDelta(0.8, 0.85)).toBe('-0.0500');
    expect(formatDelta(0.8, null)).toBe('-');
    expect(targetText({ name: 'rmse', direction: 'lower', target: 3.5 })).toBe('rmse <= 3.5');
    expect(targetText({ name: 'accuracy', direction: 'higher', target: null })).toBe('accuracy (no target)');
    expect(meetsTarget(0.9, { direction: 'higher', target: 0.85 })).toBe(true);
    expect(meetsTarget(4, { direction: 'lower', target: 3.5 })).toBe(false);
  });

  it('costs, with calls of unknown cost', () => {
    expect(formatCost(0)).toBe('$0');
    expect(formatCost(0.0042)).toBe('$0.0042');
    expect(formatCost(0.0123)).toBe('$0.012');
    expect(formatCost(0.5)).toBe('$0.50');
    expect(formatCost(1.234, 1)).toBe('$1.23 + 1 call of unknown cost');
    expect(formatCost(0, 3)).toBe('$0 + 3 calls of unknown cost');
  });

  it('durations and times', () => {
    expect(formatDuration(850)).toBe('850ms');
    expect(formatDuration(12_400)).toBe('12s');
    expect(formatDuration(245_000)).toBe('4m 05s');
    expect(formatDuration(7_380_000)).toBe('2h 03m');
    expect(formatDuration(null)).toBe('-');
    expect(formatTime('2026-11-26T17:12:19.123Z')).toBe('2026-11-26 17:12Z');
    expect(formatTime(null)).toBe('-');
  });

  it('text: cut to one line, control characters out', () => {
    expect(cut('a  long\n text', 20)).toBe('a long text');
    expect(cut('abcdefghij', 5)).toBe('abcd…');
    expect(cleanText('\x1b[1mbold\x1b[0m\r\nnext\x00')).toBe('bold\nnext');
  });

  it('tables', () => {
    expect(
      renderTable(
        [{ header: 'A' }, { header: 'N', align: 'right' }],
        [
          ['xx', '1'],
          ['y', '100'],
        ],
      ),
    ).toEqual(['A     N', 'xx    1', 'y   100']);
  });
});
