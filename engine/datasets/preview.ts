import fs from 'node:fs';
import path from 'node:path';
import type { DatasetPreview } from '../api/project-form';
import { inferDatasetKind } from '../config/dataset-kind';
import { resolveUserPath } from '../config/paths';
import { closeMatches } from '../config/suggest';
import { sampleIfLarge } from './preview-sample';
import type { IntakeLauncher } from './intake-launcher';
import { inspectDatasetOffLoop } from './intake-off-loop';

/**
 * The intake preview the New run form shows as soon as a dataset path is valid: the kind and why, the
 * examples, columns and types, classes with counts, the label column guessed and why, and the problems a run
 * would refuse or warn about. It runs the run's own intake read-only (nothing of the user's is written), on the
 * head of big files (preview-sample.ts) and under a time limit, so a huge dataset cannot hold the form. A path that cannot be read at all is a value with the fix.
 */

/** Long enough for the example datasets and most real ones; a bigger dataset is checked again at start. */
export const PREVIEW_TIME_LIMIT_MS = 15_000;

export interface PreviewOptions {
  cwd?: string;
  home?: string;
  testPath?: string;
  labelColumn?: string;
  timeLimitMs?: number;
  /** How the intake's worker process is started (the host's; default Node's fork). */
  intakeLauncher?: IntakeLauncher;
}

export async function previewDataset(given: string, options: PreviewOptions = {}): Promise<DatasetPreview> {
  const cwd = options.cwd ?? process.cwd();
  if (given.trim() === '') {
    return {
      ok: false,
      path: '',
      code: 'empty',
      message: 'no dataset path given',
      fix: 'Type the path of a dataset folder or file, or create an example dataset.',
    };
  }
  const target = resolveUserPath(given.trim(), cwd, options.home);
  const unreadable = readProblem(target);
  if (unreadable) return unreadable;

  const inferred = inferDatasetKind(target);
  if (!inferred) return notFound(target);
  if (inferred.kind === 'other') {
    if (fs.statSync(target).isFile()) {
      return {
        ok: false,
        path: target,
        code: 'unknown_kind',
        message: inferred.reason,
        fix: 'Give a CSV file, a JSONL file of {"text", "label"} lines, or a folder of them or of class subfolders of images.',
      };
    }
    return {
      ok: true,
      path: target,
      kind: 'other',
      kindReason: inferred.reason,
      summary: null,
      sample: null,
      problems: [
        {
          severity: 'warning',
          code: 'other_kind',
          message: `${inferred.reason}. A run can use it, but the engine cannot score it: the agent's own figure is shown as self-reported.`,
        },
      ],
    };
  }

  const optional = (text: string | undefined) => (text && text.trim() !== '' ? text.trim() : undefined);
  const testGiven = optional(options.testPath);
  const testPath = testGiven ? resolveUserPath(testGiven, cwd, options.home) : undefined;
  const labelColumn = optional(options.labelColumn);
  const limitMs = options.timeLimitMs ?? PREVIEW_TIME_LIMIT_MS;
  const sample =
    inferred.kind === 'image_folder'
      ? null
      : await sampleIfLarge(inferred.kind, target, testPath).catch(() => null);
  try {
    const signal = AbortSignal.timeout(limitMs);
    const result = await inspectDatasetOffLoop(
      {
        kind: inferred.kind,
        path: sample?.path ?? target,
        ...(testPath ? { testPath: sample?.testPath ?? testPath } : {}),
        ...(labelColumn && inferred.kind === 'tabular' ? { labelColumn } : {}),
      },
      { signal, ...(options.intakeLauncher ? { launch: options.intakeLauncher } : {}) },
    );
    // Messages and file lists name the user's files, not the sampled copies.
    const back = (text: string): string =>
      sample
        ? text
            .split(sample.path)
            .join(target)
            .split(sample.testPath ?? '\u0000')
            .join(testPath ?? '')
        : text;
    const original = <T extends { message: string; file?: string }>(issue: T): T =>
      sample
        ? { ...issue, message: back(issue.message), ...(issue.file ? { file: back(issue.file) } : {}) }
        : issue;
    const sampled = sample
      ? [
          {
            severity: 'warning' as const,
            code: 'preview_sample',
            message: `The preview read the first ${mib(sample.bytesRead)} of ${mib(sample.totalBytes)}: counts are of that part. A run reads all of it.`,
          },
        ]
      : [];
    const base = {
      ok: true as const,
      path: target,
      kind: inferred.kind,
      kindReason: inferred.reason,
      sample: sample ? { bytesRead: sample.bytesRead, totalBytes: sample.totalBytes } : null,
    };
    if (signal.aborted) {
      return {
        ...base,
        summary: null,
        problems: [
          {
            severity: 'warning',
            code: 'preview_time_limit',
            message: `the dataset is too big to preview within ${Math.round(limitMs / 1000)} s; it is read in full when the run starts.`,
          },
        ],
      };
    }
    if (!result.ok) {
      return {
        ...base,
        summary: null,
        problems: [...result.errors, ...result.warnings, ...sampled].map(original),
      };
    }
    const summary = {
      ...result.value,
      paths: { train: target, ...(testPath ? { test: testPath } : {}) },
      files: {
        ...result.value.files,
        sample: result.value.files.sample.map((f) => ({ ...f, path: back(f.path) })),
      },
      warnings: result.value.warnings.map(original),
    };
    return {
      ...base,
      summary,
      problems: dedupe([...sampled, ...result.value.warnings, ...result.warnings].map(original)),
    };
  } finally {
    await sample?.cleanup();
  }
}

const mib = (bytes: number): string =>
  `${(bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MiB`;

/** Missing, not a file or folder, or not readable: the user's fix differs for each. */
function readProblem(target: string): DatasetPreview | null {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') return noAccess(target);
    if (code === 'ENOTDIR') {
      return {
        ok: false,
        path: target,
        code: 'not_a_folder',
        message: `a part of ${target} is a file, not a folder`,
        fix: 'Check the path: every part before the last must be a folder.',
      };
    }
    return notFound(target);
  }
  if (!stat.isFile() && !stat.isDirectory()) {
    return {
      ok: false,
      path: target,
      code: 'not_a_folder',
      message: `${target} is neither a folder nor a file`,
      fix: 'Give the folder that holds the data, or a CSV or JSONL file.',
    };
  }
  try {
    if (stat.isDirectory()) fs.readdirSync(target);
    else fs.accessSync(target, fs.constants.R_OK);
  } catch {
    return noAccess(target);
  }
  return null;
}

function noAccess(target: string): DatasetPreview {
  return {
    ok: false,
    path: target,
    code: 'unreadable',
    message: `${target} cannot be read by this user`,
    fix: 'Give this user read access to it (chmod / chown), or copy the data somewhere readable.',
  };
}

function notFound(target: string): DatasetPreview {
  const parent = path.dirname(target);
  let near: string[] = [];
  try {
    near = closeMatches(path.basename(target), fs.readdirSync(parent), 3);
  } catch {
    // The parent is missing too: no names to suggest.
  }
  return {
    ok: false,
    path: target,
    code: 'not_found',
    message: `${target} does not exist`,
    fix:
      near.length > 0
        ? `Check the spelling: ${parent} has ${near.map((n) => JSON.stringify(n)).join(', ')}.`
        : 'Check the spelling, or create an example dataset.',
  };
}

function dedupe<T extends { code: string; message: string }>(issues: T[]): T[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.code}\u0000${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
