import { describe, expect, it } from 'vitest';
import { RunListQuery } from '../../../../engine/api';
import { DEFAULT_QUERY, listInput, nextSort, pageCount, type RunsQuery } from './history';

const q = (patch: Partial<RunsQuery> = {}): RunsQuery => ({ ...DEFAULT_QUERY, ...patch });

describe('history query', () => {
  it('asks runs.list for exactly the page shown, in a shape the contract accepts', () => {
    const input = listInput(q({ page: 3, pageSize: 50, sort: 'costUsd', dir: 'asc' }));
    expect(input).toEqual({ sort: 'costUsd', dir: 'asc', limit: 50, offset: 150 });
    expect(RunListQuery.parse(input)).toMatchObject(input);
  });

  it('sends the search trimmed, and neither a blank search nor the "all" status', () => {
    expect(listInput(q({ search: '  churn ', status: 'failed' }))).toMatchObject({
      search: 'churn',
      status: 'failed',
    });
    const blank = listInput(q({ search: '   ' }));
    expect('search' in blank || 'status' in blank).toBe(false);
  });

  it('counts pages, one at least', () => {
    expect(pageCount(0, 20)).toBe(1);
    expect(pageCount(20, 20)).toBe(1);
    expect(pageCount(21, 20)).toBe(2);
    expect(pageCount(1000, 20)).toBe(50);
  });

  it('sorts a new column descending first and flips the current one', () => {
    expect(nextSort(q(), 'bestScore')).toEqual({ sort: 'bestScore', dir: 'desc' });
    expect(nextSort(q({ sort: 'bestScore', dir: 'desc' }), 'bestScore')).toEqual({
      sort: 'bestScore',
      dir: 'asc',
    });
    expect(nextSort(q({ sort: 'bestScore', dir: 'asc' }), 'bestScore').dir).toBe('desc');
  });
});
