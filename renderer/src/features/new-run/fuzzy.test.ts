import { describe, expect, it } from 'vitest';
import { fuzzyScore } from './fuzzy';

describe('fuzzyScore', () => {
  const ids = ['openai/gpt-4o-mini', 'openai/gpt-4o', 'anthropic/claude-sonnet-4', 'meta-llama/llama-3.1-8b'];
  const rank = (q: string) =>
    ids
      .map((id) => ({ id, s: fuzzyScore(q, id) }))
      .filter((x) => x.s >= 0)
      .sort((a, b) => b.s - a.s)
      .map((x) => x.id);

  it('finds letters in order, ranking a direct substring first', () => {
    expect(rank('gpt4mini')).toEqual(['openai/gpt-4o-mini']);
    expect(rank('gpt-4o')[0]).toBe('openai/gpt-4o');
    expect(rank('sonnet')).toEqual(['anthropic/claude-sonnet-4']);
    expect(rank('Llama 3.1')).toEqual(['meta-llama/llama-3.1-8b']);
  });

  it('matches everything on an empty query and nothing on letters that are not there', () => {
    expect(rank('')).toHaveLength(ids.length);
    expect(rank('zzz')).toEqual([]);
  });
});
