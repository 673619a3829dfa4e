import fs from 'node:fs/promises';
import path from 'node:path';
import {
  binCount,
  describeBin,
  describeClass,
  planHoldout,
  quantileBins,
  SELECTION,
  FINAL,
  VISIBLE,
} from './holdout-plan';
import { inspectImages } from './image-intake';
import type { Inspection } from './inspection';
import { describeIssues, issuesToText } from '../api/errors';
import { error, plural, warning, type IntakeResult } from './issues';
import { inspectJsonl } from './jsonl-intake';
import { sortClasses } from './label-collector';
import {
  featuresName,
  holdoutDir,
  labelsFile,
  MANIFEST_FILE,
  runDataPaths,
  SOURCES_FILE,
  VISIBLE_DIR,
  type RunDataPaths,
} from './run-data-layout';
import {
  DatasetSource,
  HoldoutOptions,
  RunDataset,
  type DatasetIssue,
  type DatasetSummary,
  type HoldoutRecord,
} from './schemas';
import { resolveSourcePaths } from './source-paths';
import { inspectTabular } from './tabular-intake';
import type { ScoreSplit } from '../api/vocabulary';

/** Below this many examples, a split's score moves by several points with one example. */
const SMALL_SPLIT = 30;

export interface PreparedRunData {
  manifest: RunDataset;
  paths: RunDataPaths;
}

/**
 * Reads and validates a dataset and summarises it, writing nothing: what the UI previews before a run.
 */
export async function inspectDataset(
  source: DatasetSource,
  options: { signal?: AbortSignal } = {},
): Promise<IntakeResult<DatasetSummary>> {
  const inspected = await inspect(source, options.signal);
  if (!inspected.ok) return inspected;
  return { ok: true, value: inspected.value.summary, warnings: inspected.warnings };
}

/**
 * The dataset intake of a run: validates the dataset, then writes the run data folder (see
 * run-data-layout.ts): the visible data the agent's container mounts, the holdout features predict.py reads,
 * the hidden labels only the engine reads, and `dataset.json`. Never touches the user's files. On failure,
 * nothing is left behind.
 */
export async function prepareRunData(options: {
  source: DatasetSource;
  /** A folder that does not exist yet, or is empty. Must be outside the dataset. */
  runDataDir: string;
  holdout?: HoldoutOptions;
  signal?: AbortSignal;
}): Promise<IntakeResult<PreparedRunData>> {
  const parsedHoldout = HoldoutOptions.safeParse(options.holdout ?? {}, { reportInput: true });
  if (!parsedHoldout.success) {
    return invalid(
      'invalid_holdout_options',
      `holdout options: ${issuesToText(describeIssues(parsedHoldout.error))}`,
    );
  }
  const holdout = parsedHoldout.data;
  const runDataDir = path.resolve(options.runDataDir);
  const place = await checkRunDataDir(runDataDir, options.source);
  if (!place.ok) return invalid('run_data_dir', place.message);

  const inspected = await inspect(options.source, options.signal);
  if (!inspected.ok) return inspected;
  const inspection = inspected.value;
  const warnings = [...inspected.warnings];

  const planned = plan(inspection, holdout);
  if (!planned.ok) return { ok: false, errors: [error('holdout_too_small', planned.message)], warnings };
  const { plan: split, strata, bins } = planned;

  const visibleDir = path.join(runDataDir, VISIBLE_DIR);
  try {
    await fs.mkdir(visibleDir, { recursive: true });
    const written = await inspection.materialize({
      runDataDir,
      visibleDir,
      assignment: split.assignment,
      seed: holdout.seed,
      fingerprint: inspection.summary.fingerprint.value,
      signal: options.signal,
    });
    if (!written.ok) {
      await undo(runDataDir, place.existed);
      return { ok: false, errors: written.errors, warnings: [...warnings, ...written.warnings] };
    }
    // Defence in depth for other local users; containers never see this folder at all.
    await fs.chmod(path.join(runDataDir, 'labels'), 0o700);

    for (const name of ['selection', 'final'] as const) {
      const rows = written.value.rows[name];
      if (rows < SMALL_SPLIT) {
        warnings.push(
          warning(
            'small_split',
            `the ${name} split holds ${plural(rows, 'example')}: its score moves by ${(100 / Math.max(1, rows)).toFixed(1)} points per example, so ${name === 'selection' ? 'keep/revert decisions' : 'the final figure'} will be noisy. A larger dataset or holdout fraction helps.`,
          ),
        );
      }
    }
    const task = inspection.task;
    const record: HoldoutRecord = {
      source: inspection.fromTest ? 'test_split' : 'carved',
      seed: holdout.seed,
      fraction: inspection.fromTest ? null : holdout.fraction,
      selectionShare: holdout.selectionShare,
      stratifiedBy: task === 'classification' ? 'class' : 'quantile_bins',
      ...(bins ? { bins } : {}),
      counts: split.counts,
      ...(task === 'classification' ? { classCounts: perClass(inspection, strata, split.assignment) } : {}),
      notes: split.notes,
      // Always the engine's: see run-data-layout.ts.
      ids: 'engine',
    };
    const kind = inspection.summary.kind;
    const splitFiles = (name: ScoreSplit) => ({
      dir: holdoutDir(name),
      input: `${holdoutDir(name)}/${featuresName(kind)}`,
      labels: labelsFile(name),
      rows: written.value.rows[name],
    });
    const manifest = RunDataset.parse({
      version: 1,
      summary: { ...inspection.summary, warnings },
      holdout: record,
      task,
      ...(task === 'classification' ? { classes: sortClasses(inspection.labels.classNames) } : {}),
      paths: {
        visible: VISIBLE_DIR,
        selection: splitFiles('selection'),
        final: splitFiles('final'),
        sources: SOURCES_FILE,
      },
    });
    await fs.writeFile(path.join(runDataDir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`, {
      flag: 'wx',
    });
    return { ok: true, value: { manifest, paths: runDataPaths(runDataDir, manifest) }, warnings };
  } catch (err) {
    await undo(runDataDir, place.existed);
    if (options.signal?.aborted)
      return { ok: false, errors: [error('cancelled', 'the dataset intake was cancelled.')], warnings };
    return { ok: false, errors: [ioError(err)], warnings };
  }
}

/** Loads `dataset.json` of a prepared run (a resumed run, the report), checked against its schema. */
export async function readRunDataset(runDataDir: string): Promise<IntakeResult<PreparedRunData>> {
  const file = path.join(path.resolve(runDataDir), MANIFEST_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (err) {
    return invalid('manifest_unreadable', `${file} cannot be read: ${(err as Error).message}`);
  }
  const parsed = RunDataset.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    return invalid(
      'manifest_invalid',
      `${file} is not a valid run dataset manifest: ${issuesToText(describeIssues(parsed.error))}`,
    );
  }
  return {
    ok: true,
    value: { manifest: parsed.data, paths: runDataPaths(runDataDir, parsed.data) },
    warnings: [],
  };
}

async function inspect(source: DatasetSource, signal?: AbortSignal): Promise<IntakeResult<Inspection>> {
  const parsed = DatasetSource.safeParse(source, { reportInput: true });
  if (!parsed.success)
    return invalid('invalid_source', `dataset: ${issuesToText(describeIssues(parsed.error))}`);
  try {
    const resolved = await resolveSourcePaths(parsed.data);
    if (!resolved.ok) return { ok: false, errors: [resolved.issue], warnings: [] };
    switch (parsed.data.kind) {
      case 'tabular':
        return await inspectTabular(resolved.paths, parsed.data, signal);
      case 'image_folder':
        return await inspectImages(resolved.paths, parsed.data, signal);
      case 'text_jsonl':
        return await inspectJsonl(resolved.paths, parsed.data, signal);
    }
  } catch (err) {
    if (signal?.aborted) return invalid('cancelled', 'the dataset intake was cancelled.');
    return { ok: false, errors: [ioError(err)], warnings: [] };
  }
}

function plan(inspection: Inspection, holdout: ReturnType<typeof HoldoutOptions.parse>) {
  const { labels, fromTest } = inspection;
  let strata: Int32Array;
  let bins: number | undefined;
  let describe: (s: number) => string;
  if (inspection.task === 'classification') {
    strata = labels.classCodes();
    describe = describeClass(labels.classNames);
  } else {
    const held = fromTest ? fromTest.reduce((a, b) => a + b, 0) : Math.round(labels.size * holdout.fraction);
    bins = binCount(held);
    strata = quantileBins(labels.numericValues(), bins, fromTest);
    describe = describeBin;
  }
  const outcome = planHoldout({
    strata,
    fromTest,
    fraction: holdout.fraction,
    selectionShare: holdout.selectionShare,
    seed: holdout.seed,
    describe,
  });
  return outcome.ok ? { ok: true as const, plan: outcome.plan, strata, bins } : outcome;
}

function perClass(inspection: Inspection, codes: Int32Array, assignment: Uint8Array) {
  const names = inspection.labels.classNames;
  const counts = names.map((label) => ({ label, visible: 0, selection: 0, final: 0 }));
  for (let i = 0; i < assignment.length; i += 1) {
    const entry = counts[codes[i] as number];
    if (!entry) continue;
    const d = assignment[i];
    if (d === SELECTION) entry.selection += 1;
    else if (d === FINAL) entry.final += 1;
    else if (d === VISIBLE) entry.visible += 1;
  }
  const order = sortClasses(names);
  return order.map((name) => counts[names.indexOf(name)] as (typeof counts)[number]);
}

async function checkRunDataDir(
  runDataDir: string,
  source: DatasetSource,
): Promise<{ ok: true; existed: boolean } | { ok: false; message: string }> {
  const inside = (child: string, parent: string) => {
    const rel = path.relative(parent, child);
    return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
  };
  for (const p of [source.path, source.testPath].filter((x): x is string => Boolean(x))) {
    const data = path.resolve(p);
    if (inside(data, runDataDir) || inside(runDataDir, data)) {
      return {
        ok: false,
        message: `the run data folder ${runDataDir} and the dataset ${data} overlap: the run data folder must be outside the dataset (and not contain it), so that the engine never writes into the user's data or reads its own output as data.`,
      };
    }
  }
  try {
    const entries = await fs.readdir(runDataDir);
    if (entries.length > 0) {
      return {
        ok: false,
        message: `the run data folder ${runDataDir} is not empty: the engine never writes over existing files. Use a new folder.`,
      };
    }
    return { ok: true, existed: true };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { ok: true, existed: false };
    return {
      ok: false,
      message: `the run data folder ${runDataDir} cannot be used: ${(err as Error).message}`,
    };
  }
}

/** Removes what a failed intake wrote: the folder if it created it, else only what it put inside. */
async function undo(runDataDir: string, existed: boolean): Promise<void> {
  if (!existed) {
    await fs.rm(runDataDir, { recursive: true, force: true });
    return;
  }
  for (const entry of await fs.readdir(runDataDir).catch(() => [] as string[])) {
    await fs.rm(path.join(runDataDir, entry), { recursive: true, force: true });
  }
}

function invalid<T>(code: string, message: string): IntakeResult<T> {
  return { ok: false, errors: [error(code, message)], warnings: [] };
}

/** A file system failure (permissions, a vanished file) as an issue naming the path, not a crash. */
function ioError(err: unknown): DatasetIssue {
  const e = err as NodeJS.ErrnoException;
  if (e?.code && e.path) {
    const hint =
      e.code === 'EACCES' || e.code === 'EPERM'
        ? 'check its permissions'
        : e.code === 'ENOENT'
          ? 'it disappeared while the dataset was read'
          : e.code === 'ENOSPC'
            ? 'the disk is full'
            : 'check the file';
    return error('io_error', `${e.path}: ${e.code} (${e.message}): ${hint}.`, { file: e.path });
  }
  return error('intake_failed', `the dataset intake failed: ${e?.message ?? String(err)}`);
}
