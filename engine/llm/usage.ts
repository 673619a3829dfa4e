import type { CompletionUsage } from 'openai/resources/completions';

/** USD per token for one model (OpenRouter's /models `pricing`, parsed to numbers). */
export interface ModelPrice {
  prompt: number;
  completion: number;
  /** Price of a cached prompt token; the prompt price when absent. */
  cachedPrompt?: number;
}
/** Model id → price. The model catalog fills it later. */
export type PriceTable = Readonly<Record<string, ModelPrice>>;

/**
 * One call's usage. A count the provider did not report is null, not 0. Reasoning tokens are part of
 * `completionTokens` (as OpenAI and OpenRouter count them), cached tokens part of `promptTokens`.
 */
export interface CallUsage {
  promptTokens: number | null;
  completionTokens: number | null;
  reasoningTokens: number | null;
  cachedTokens: number | null;
  /** USD; null when unknown (no reported cost and no price for the model). */
  costUsd: number | null;
  costSource: 'provider' | 'price_table' | null;
}

const count = (v: unknown): number | null =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : null;

/**
 * Usage from a response: cost from the provider's `usage.cost` (OpenRouter) when present, else computed from
 * the price table for `model`, else null.
 */
export function extractUsage(
  usage: CompletionUsage | undefined | null,
  model: string,
  prices?: PriceTable,
): CallUsage {
  const raw = (usage ?? {}) as CompletionUsage & { cost?: unknown };
  const promptTokens = count(raw.prompt_tokens);
  const completionTokens = count(raw.completion_tokens);
  const reasoningTokens = count(raw.completion_tokens_details?.reasoning_tokens);
  const cachedTokens = count(raw.prompt_tokens_details?.cached_tokens);
  const reported = count(raw.cost);
  if (reported !== null) {
    return {
      promptTokens,
      completionTokens,
      reasoningTokens,
      cachedTokens,
      costUsd: reported,
      costSource: 'provider',
    };
  }
  const price = prices && Object.hasOwn(prices, model) ? prices[model] : undefined;
  if (price && promptTokens !== null && completionTokens !== null) {
    const cached = Math.min(cachedTokens ?? 0, promptTokens);
    const costUsd =
      (promptTokens - cached) * price.prompt +
      cached * (price.cachedPrompt ?? price.prompt) +
      completionTokens * price.completion;
    return {
      promptTokens,
      completionTokens,
      reasoningTokens,
      cachedTokens,
      costUsd,
      costSource: 'price_table',
    };
  }
  return { promptTokens, completionTokens, reasoningTokens, cachedTokens, costUsd: null, costSource: null };
}
