import { z } from 'zod';
import { DatasetKind, ScoreSplit, TaskType } from '../api/vocabulary';

// Shared words, declared in engine/api/vocabulary; re-exported for the datasets module's callers.
export { DatasetKind, TaskType } from '../api/vocabulary';

/**
 * The shapes that leave engine/datasets: the source a user (or project.yaml) describes, the summary the UI
 * previews, and the run data manifest recorded with a run. They cross the engine/api boundary later, so every
 * one is a zod schema first and a TypeScript type second.
 */

export const DatasetSource = z.object({
  kind: DatasetKind,
  /** A CSV / JSONL file, or a folder (class subfolders; or train.csv [+ test.csv]; or train/ + test/). */
  path: z.string().min(1),
  /** The user's own test split (same kind as `path`): its labels are hidden and it becomes the holdout. */
  testPath: z.string().min(1).optional(),
  /** Tabular only: the label column; inferred (with the reason shown) when absent. */
  labelColumn: z.string().min(1).optional(),
  /** Overrides the inferred task type. */
  taskType: TaskType.optional(),
  /** Image folders: check each file's first bytes against the image formats its extension claims. */
  validateImageHeaders: z.boolean().optional(),
});
export type DatasetSource = z.infer<typeof DatasetSource>;

// The summary shapes are part of the contract (engine/api/dataset-summary.ts); re-exported for the intake.
export {
  IssueSeverity,
  DatasetIssue,
  ColumnType,
  ValueCount,
  NumericStats,
  ColumnSummary,
  TargetStats,
  ClassCount,
  DataFile,
  Fingerprint,
  TextStats,
  DatasetSummary,
} from '../api/dataset-summary';
import { DatasetSummary } from '../api/dataset-summary';

export const HoldoutOptions = z.object({
  /** Share of the data carved out as the hidden holdout when no test split is given. */
  fraction: z.number().gt(0).max(0.9).default(0.2),
  /** Share of the holdout used for step-by-step selection; the rest is the final, scored-once split. */
  selectionShare: z.number().gt(0).lt(1).default(0.5),
  seed: z.number().int().min(0).max(0xffffffff).default(42),
});
export type HoldoutOptions = z.input<typeof HoldoutOptions>;

/** The hidden splits: the shared word (engine/api/vocabulary), under datasets' name for it. */
export const SplitName = ScoreSplit;
export type SplitName = ScoreSplit;

export const SplitFiles = z.object({
  /** The folder to mount read-only while predict.py runs; it holds the features and nothing else. */
  dir: z.string(),
  /** What predict.py reads (`--input`): a CSV / JSONL file, or (images) the same folder. */
  input: z.string(),
  /** `id,label`: the engine's alone; never mounted. */
  labels: z.string(),
  rows: z.number().int().nonnegative(),
});

export const SplitCounts = z.object({
  visible: z.number().int().nonnegative(),
  selection: z.number().int().nonnegative(),
  final: z.number().int().nonnegative(),
});

export const HoldoutRecord = z.object({
  source: z.enum(['test_split', 'carved']),
  seed: z.number().int(),
  /** The carve-out fraction (null when the user's test split is the holdout). */
  fraction: z.number().nullable(),
  selectionShare: z.number(),
  stratifiedBy: z.enum(['class', 'quantile_bins']),
  /** Regression: how many quantile bins stratified the split. */
  bins: z.number().int().positive().optional(),
  counts: SplitCounts,
  /** Classification: where each class's examples went. */
  classCounts: z.array(SplitCounts.extend({ label: z.string() })).optional(),
  /** Why the split is the way it is (e.g. a class with one example that stayed visible). */
  notes: z.array(z.string()),
  /**
   * `engine`: keyed-hash ids derived from the seed, whatever ids the data has (its own `id` column could encode
   * the row's position, and so its label). `column:id` (the data's own ids) is only ever read from manifests
   * written by earlier versions.
   */
  ids: z.enum(['engine', 'column:id']),
});
export type HoldoutRecord = z.infer<typeof HoldoutRecord>;

/**
 * `<runDataDir>/dataset.json`. Paths are relative to the run data folder, so the folder can move. The folder
 * itself and its `labels/` must never be mounted into a container: only `visible/` (for the whole run) and one
 * `holdout/<split>/` folder (for one predict command) may be.
 */
export const RunDataset = z.object({
  version: z.literal(1),
  summary: DatasetSummary,
  holdout: HoldoutRecord,
  task: TaskType,
  /** Classification: every class, sorted (numbers by value, then strings by code point). */
  classes: z.array(z.string()).optional(),
  paths: z.object({
    visible: z.string(),
    selection: SplitFiles,
    final: SplitFiles,
    /** `id,split,file,line,source_id`: where each holdout example came from, for the report. */
    sources: z.string(),
  }),
});
export type RunDataset = z.infer<typeof RunDataset>;
