import { z } from 'zod';
import { DatasetKind, TaskType } from './vocabulary';

/**
 * What the engine reports about a dataset (the intake preview and a run's data summary): declared in the
 * contract because the New run form and the run detail show it; engine/datasets produces it.
 */

export const IssueSeverity = z.enum(['error', 'warning']);

/** One problem found in a dataset. `message` is complete on its own: it names the file, the line and the fix. */
export const DatasetIssue = z.object({
  severity: IssueSeverity,
  /** Stable machine name, e.g. `ragged_row`, `empty_label`, `invalid_json`. */
  code: z.string(),
  message: z.string(),
  /** Absolute path of the file concerned, where there is one. */
  file: z.string().optional(),
  /** 1-based line of the first occurrence, where there is one. */
  line: z.number().int().positive().optional(),
});
export type DatasetIssue = z.infer<typeof DatasetIssue>;

export const ColumnType = z.enum(['numeric', 'categorical', 'text', 'boolean']);
export type ColumnType = z.infer<typeof ColumnType>;

export const ValueCount = z.object({ value: z.string(), count: z.number().int().nonnegative() });

export const NumericStats = z.object({
  min: z.number(),
  max: z.number(),
  mean: z.number(),
  /** Sample standard deviation (n - 1), as pandas' describe() shows it; 0 for one value. */
  std: z.number(),
});

export const ColumnSummary = z.object({
  name: z.string(),
  type: ColumnType,
  missing: z.number().int().nonnegative(),
  /** Distinct non-missing values, counted up to a cap (see `distinctCapped`). */
  distinct: z.number().int().nonnegative(),
  distinctCapped: z.boolean(),
  numeric: NumericStats.optional(),
  /** The most frequent values (categorical and boolean columns), most frequent first. */
  top: z.array(ValueCount).optional(),
  isLabel: z.boolean(),
});
export type ColumnSummary = z.infer<typeof ColumnSummary>;

export const TargetStats = NumericStats.extend({
  count: z.number().int().nonnegative(),
  p25: z.number(),
  median: z.number(),
  p75: z.number(),
});
export type TargetStats = z.infer<typeof TargetStats>;

export const ClassCount = z.object({ label: z.string(), count: z.number().int().nonnegative() });
export type ClassCount = z.infer<typeof ClassCount>;

export const DataFile = z.object({
  path: z.string(),
  role: z.enum(['train', 'test']),
  bytes: z.number().int().nonnegative(),
});

export const Fingerprint = z.object({
  algorithm: z.literal('sha256'),
  /**
   * sha256 of the lines `<sha256 of file>  <role>/<relative path>\n`, sorted by name (UTF-8 byte order): the
   * same text `sha256sum` prints, so anyone can recompute it.
   */
  value: z.string().regex(/^[0-9a-f]{64}$/),
  files: z.number().int().nonnegative(),
});
export type Fingerprint = z.infer<typeof Fingerprint>;

export const TextStats = z.object({
  meanChars: z.number(),
  minChars: z.number().int(),
  maxChars: z.number().int(),
  meanWords: z.number(),
  /** Other keys the lines carry besides text and label (kept in the visible data). */
  extraFields: z.array(z.string()),
});

export const DatasetSummary = z.object({
  kind: DatasetKind,
  paths: z.object({ train: z.string(), test: z.string().optional() }),
  /** Examples: rows, lines or images, over train and test. */
  rows: z.number().int().nonnegative(),
  rowsByRole: z.object({ train: z.number().int().nonnegative(), test: z.number().int().nonnegative() }),
  label: z.object({
    /** The label column (tabular), `label` (JSONL), or `(class folder)` for images. */
    name: z.string(),
    inferred: z.boolean(),
    reason: z.string(),
  }),
  task: z.object({ type: TaskType, inferred: z.boolean(), reason: z.string() }),
  /** Classification: classes by count, most frequent first. */
  classes: z.array(ClassCount).optional(),
  /** Regression: the target's distribution. */
  target: TargetStats.optional(),
  columns: z.array(ColumnSummary).optional(),
  text: TextStats.optional(),
  /** Image folders: files per lower-case extension. */
  extensions: z.record(z.string(), z.number().int().nonnegative()).optional(),
  files: z.object({
    count: z.number().int().nonnegative(),
    totalBytes: z.number().int().nonnegative(),
    /** The first files (all of them for CSV and JSONL), for the preview. */
    sample: z.array(DataFile),
  }),
  fingerprint: Fingerprint,
  warnings: z.array(DatasetIssue),
});
export type DatasetSummary = z.infer<typeof DatasetSummary>;
