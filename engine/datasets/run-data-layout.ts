import path from 'node:path';
import type { DatasetKind, RunDataset, SplitName } from './schemas';

/**
 * The run data folder the engine owns for one run:
 *
 *   <runDataDir>/
 *     dataset.json               summary, fingerprint, split record        engine only
 *     visible/                   the data the agent sees                    mounted read-only for the whole run
 *     holdout/selection/         features of the selection split            mounted read-only for one predict command
 *     holdout/final/             features of the final split                mounted read-only for one predict command
 *     labels/selection.csv       id,label                                   engine only, NEVER mounted
 *     labels/final.csv           id,label                                   engine only, NEVER mounted
 *     labels/sources.csv         id,split,file,line,source_id               engine only, NEVER mounted
 *
 * Callers must never mount the run data folder itself, nor `labels/`: a mount of either hands the agent the
 * answers. `holdout/<split>/` holds nothing but features (file names are ids, rows carry no label).
 *
 * Holdout examples are always identified by engine ids (holdout-ids.ts), never by the data's own: an `id`
 * column numbered in file order would give a CSV sorted by label away. In the tabular features the data's
 * `id` column (any case) holds the engine id instead of its value; `source_id` in sources.csv keeps the
 * original for the report.
 */
export const MANIFEST_FILE = 'dataset.json';
export const VISIBLE_DIR = 'visible';
export const LABELS_DIR = 'labels';
export const TEMP_DIR = '.intake-tmp';

export const holdoutDir = (split: SplitName): string => `holdout/${split}`;
export const labelsFile = (split: SplitName): string => `${LABELS_DIR}/${split}.csv`;
export const SOURCES_FILE = `${LABELS_DIR}/sources.csv`;

/** What predict.py reads, inside `holdout/<split>/`. */
export function featuresName(kind: DatasetKind): string {
  return kind === 'tabular' ? 'features.csv' : kind === 'text_jsonl' ? 'features.jsonl' : 'features';
}

export interface SplitPaths {
  /** Mount this folder (read-only) while predict.py runs on the split. */
  dir: string;
  /** `--input` for predict.py, on the host; inside the sandbox it is `<mount point>/<basename(input)>`. */
  input: string;
  /** Hidden labels: the scorer's input, never a container's. */
  labels: string;
  rows: number;
}

export interface RunDataPaths {
  root: string;
  manifest: string;
  visible: string;
  selection: SplitPaths;
  final: SplitPaths;
  sources: string;
}

/** The manifest's relative paths made absolute against the run data folder. */
export function runDataPaths(runDataDir: string, manifest: RunDataset): RunDataPaths {
  const root = path.resolve(runDataDir);
  const abs = (p: string) => path.join(root, p);
  const split = (s: RunDataset['paths']['selection']): SplitPaths => ({
    dir: abs(s.dir),
    input: abs(s.input),
    labels: abs(s.labels),
    rows: s.rows,
  });
  return {
    root,
    manifest: abs(MANIFEST_FILE),
    visible: abs(manifest.paths.visible),
    selection: split(manifest.paths.selection),
    final: split(manifest.paths.final),
    sources: abs(manifest.paths.sources),
  };
}
