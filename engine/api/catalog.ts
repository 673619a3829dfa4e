import { z } from 'zod';
import { ProviderName } from './vocabulary';

/** What a host can ask of the model catalogs (the provider's live /models list) and the metric registry. */

export const ModelsListInput = z
  .object({
    /** The provider whose list to give; default: the one a run would use now (shell, .env, settings). */
    provider: ProviderName.optional(),
    /** Fetch the list now instead of using the cached one (kept a day). */
    refresh: z.boolean().optional(),
  })
  .strict();
export type ModelsListInput = z.input<typeof ModelsListInput>;

export const CatalogModelInfo = z.object({
  id: z.string(),
  name: z.string().nullable(),
  /** USD per 1M tokens; null when the provider does not say. */
  inputPricePerMillion: z.number().nullable(),
  outputPricePerMillion: z.number().nullable(),
  contextLength: z.number().nullable(),
  /** Native tool calls: null when the provider does not say. */
  supportsTools: z.boolean().nullable(),
});
export type CatalogModelInfo = z.infer<typeof CatalogModelInfo>;

export const ModelCatalogList = z.object({
  provider: ProviderName,
  /** The endpoint, with any credentials in it masked. */
  baseURL: z.string(),
  /** ISO time the list was fetched from the provider. */
  fetchedAt: z.string(),
  /** True when the list came from the cache, not a fetch just now. */
  fromCache: z.boolean(),
  /** Set when a stale cached list stood in for an unreachable provider: how old and why. */
  note: z.string().nullable(),
  models: z.array(CatalogModelInfo),
});
export type ModelCatalogList = z.infer<typeof ModelCatalogList>;

export const ModelsSuggestInput = z
  .object({
    name: z.string().trim().min(1, 'give a model name to look up'),
    provider: ProviderName.optional(),
  })
  .strict();
export type ModelsSuggestInput = z.input<typeof ModelsSuggestInput>;

export const ModelSuggestions = z.object({
  provider: ProviderName,
  /** The catalog's id the name stands for, when it does; null otherwise. */
  match: z.string().nullable(),
  /** How the name was read when it was not the id itself. */
  note: z.string().nullable(),
  /** Close ids, best first (empty on a match). */
  suggestions: z.array(z.string()),
  /** Why there is no match; null on a match. */
  message: z.string().nullable(),
});
export type ModelSuggestions = z.infer<typeof ModelSuggestions>;

export const MetricInfo = z.object({
  /** The canonical name (project.yaml `target_metric.name`). */
  name: z.string(),
  description: z.string(),
  direction: z.enum(['higher', 'lower']),
  task: z.enum(['classification', 'regression']),
  /** Dataset kinds it can be used with. */
  datasetKinds: z.array(z.enum(['tabular', 'image_folder', 'text_jsonl'])),
  /** Reads class probabilities from the predictions file, not only the predicted label. */
  needsProbabilities: z.boolean(),
  /** Needs exactly two classes (a positive one). */
  binaryOnly: z.boolean(),
  /** Other spellings it is known by (`auc`, `rmse`...). */
  aliases: z.array(z.string()),
});
export type MetricInfo = z.infer<typeof MetricInfo>;

export const MetricList = z.object({ metrics: z.array(MetricInfo) });
export type MetricList = z.infer<typeof MetricList>;
