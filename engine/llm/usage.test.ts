import { describe, expect, it } from 'vitest';
import { extractUsage } from './usage';

describe('extractUsage', () => {
  const prices = { 'm/priced': { prompt: 1e-6, completion: 4e-6, cachedPrompt: 0.25e-6 } };

  it('takes the provider-reported cost first', () => {
    const u = extractUsage(
      { prompt_tokens: 100, completion_tokens: 10, total_tokens: 110, cost: 0.5 } as never,
      'm/priced',
      prices,
    );
    expect(u).toEqual({
      promptTokens: 100,
      completionTokens: 10,
      reasoningTokens: null,
      cachedTokens: null,
      costUsd: 0.5,
      costSource: 'provider',
    });
  });

  it('computes cost from the price table, cached tokens at their price', () => {
    const u = extractUsage(
      {
        prompt_tokens: 1000,
        completion_tokens: 200,
        total_tokens: 1200,
        prompt_tokens_details: { cached_tokens: 400 },
        completion_tokens_details: { reasoning_tokens: 50 },
      },
      'm/priced',
      prices,
    );
    expect(u.costSource).toBe('price_table');
    expect(u.costUsd).toBeCloseTo(600e-6 + 400 * 0.25e-6 + 200 * 4e-6, 12);
    expect(u.reasoningTokens).toBe(50);
    expect(u.cachedTokens).toBe(400);
  });

  it('says unknown (null), never zero, without a cost or a price', () => {
    const u = extractUsage({ prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 }, 'm/unpriced', prices);
    expect(u.costUsd).toBeNull();
    expect(u.costSource).toBeNull();
    expect(extractUsage(undefined, 'm/priced', prices)).toEqual({
      promptTokens: null,
      completionTokens: null,
      reasoningTokens: null,
      cachedTokens: null,
      costUsd: null,
      costSource: null,
    });
  });
});
