import { describe, expect, it } from 'vitest';
import { closeMatches, didYouMean, editDistance } from './suggest';

describe('suggestions', () => {
  it('a swap of neighbours is one edit', () => {
    expect(editDistance('target_metirc', 'target_metric')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('forgives case and camelCase, refuses what is far', () => {
    expect(closeMatches('trainPath', ['train_path', 'test_path', 'target'])).toEqual(['train_path']);
    expect(closeMatches('DATASET', ['dataset', 'goals'])).toEqual(['dataset']);
    expect(closeMatches('xyz', ['dataset', 'goals'])).toEqual([]);
  });

  it('didYouMean', () => {
    expect(didYouMean('openruter', ['local', 'openrouter', 'openai'])).toBe(' Did you mean "openrouter"?');
    expect(didYouMean('zzz', ['local'])).toBe('');
  });
});
