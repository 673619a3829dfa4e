import fs from 'node:fs/promises';
import path from 'node:path';
import { BufferedWriter } from './buffered-writer';
import { combineDigests, StreamDigest } from './fingerprint';
import { holdoutId } from './holdout-ids';
import { SELECTION, VISIBLE } from './holdout-plan';
import { HoldoutSinks } from './holdout-sinks';
import { changedWhileReading, type Inspection, type MaterializeContext } from './inspection';
import { error, IssueTally, warning, type IntakeResult, failedIntake, ignoredFileWarnings } from './issues';
import { parseJsonlRecord, readLines } from './jsonl-lines';
import { classCounts, decideTask, LabelCollector, spellingWarnings, targetStats } from './label-collector';
import { featuresName } from './run-data-layout';
import type { DatasetIssue, DatasetSource, DatasetSummary } from './schemas';
import type { SourcePaths } from './source-paths';
import { classWarnings } from './class-warnings';

const EXAMPLE = '{"text": "...", "label": "..."}';

interface JsonlFile {
  role: 'train' | 'test';
  path: string;
  name: string;
  sha256: string;
  bytes: number;
  examples: number;
}

class TextStatsAccumulator {
  count = 0;
  chars = 0;
  words = 0;
  min = Infinity;
  max = 0;
  readonly extra = new Set<string>();

  add(text: string, extra: string[]): void {
    this.count += 1;
    this.chars += text.length;
    this.words += text.split(/\s+/).filter(Boolean).length;
    this.min = Math.min(this.min, text.length);
    this.max = Math.max(this.max, text.length);
    for (const key of extra) if (this.extra.size < 20) this.extra.add(key);
  }
}

export async function inspectJsonl(
  paths: SourcePaths,
  source: DatasetSource,
  signal?: AbortSignal,
): Promise<IntakeResult<Inspection>> {
  const issues: DatasetIssue[] = ignoredFileWarnings(paths.ignored);
  const fail = (): IntakeResult<Inspection> => failedIntake(issues);
  const labels = new LabelCollector();
  const stats = new TextStatsAccumulator();
  const files: JsonlFile[] = [];
  let testPath = paths.test;
  if (testPath && paths.testByConvention && !(await firstLineHasLabel(testPath))) {
    issues.push(
      warning(
        'test_without_labels',
        `${testPath} has no "label" on its first line, so it cannot be scored; it is not used, and the hidden holdout is carved from ${path.basename(paths.train)}.`,
        { file: testPath, line: 1 },
      ),
    );
    testPath = undefined;
  }
  const parts: ['train' | 'test', string][] = [['train', paths.train]];
  if (testPath) parts.push(['test', testPath]);
  for (const [role, file] of parts) {
    const scanned = await scanJsonl(role, file, labels, stats, signal);
    issues.push(...scanned.issues);
    files.push(scanned.file);
  }
  for (const file of files) {
    if (file.examples === 0 && !issues.some((i) => i.severity === 'error' && i.file === file.path)) {
      issues.push(
        error('no_rows', `${file.path} holds no examples: write one JSON object per line, like ${EXAMPLE}.`, {
          file: file.path,
        }),
      );
    }
  }
  if (issues.some((i) => i.severity === 'error')) return fail();

  issues.push(...spellingWarnings(labels.mergeNumericSpellings(), 'label'));
  const decision = decideTask(labels, 'label', source.taskType);
  if (!decision.ok) {
    issues.push(error('task_mismatch', decision.message, { file: decision.file, line: decision.line }));
    return fail();
  }
  const task = decision.task;
  const trainFile = files[0] as JsonlFile;
  const testFile = files.find((f) => f.role === 'test');
  const summary: DatasetSummary = {
    kind: 'text_jsonl',
    paths: { train: paths.train, ...(testFile ? { test: testFile.path } : {}) },
    rows: labels.size,
    rowsByRole: { train: trainFile.examples, test: testFile?.examples ?? 0 },
    label: { name: 'label', inferred: false, reason: 'the "label" field of each line' },
    task,
    ...(task.type === 'classification'
      ? { classes: classCounts(labels) }
      : { target: targetStats(labels.numericValues()) }),
    text: {
      meanChars: stats.chars / Math.max(1, stats.count),
      minChars: stats.count ? stats.min : 0,
      maxChars: stats.max,
      meanWords: stats.words / Math.max(1, stats.count),
      extraFields: [...stats.extra].sort(),
    },
    files: {
      count: files.length,
      totalBytes: files.reduce((a, f) => a + f.bytes, 0),
      sample: files.map((f) => ({ path: f.path, role: f.role, bytes: f.bytes })),
    },
    fingerprint: combineDigests(files),
    warnings: [],
  };
  issues.push(...classWarnings(summary));
  summary.warnings = issues.filter((i) => i.severity === 'warning');
  return {
    ok: true,
    warnings: summary.warnings,
    value: {
      summary,
      task: task.type,
      labels,
      fromTest: testFile ? new Uint8Array(labels.size).fill(1, trainFile.examples) : null,
      dataBytes: summary.files.totalBytes,
      materialize: (context) => materializeJsonl(files, context, (label) => labels.canonical(label)),
    },
  };
}

async function firstLineHasLabel(file: string): Promise<boolean> {
  for await (const { text } of readLines(file)) {
    if (text.trim() === '') continue;
    try {
      const value = JSON.parse(text) as unknown;
      return typeof value === 'object' && value !== null && 'label' in value;
    } catch {
      return true; // a broken line is reported by the full scan, with its number
    }
  }
  return true;
}

async function scanJsonl(
  role: 'train' | 'test',
  file: string,
  labels: LabelCollector,
  stats: TextStatsAccumulator,
  signal?: AbortSignal,
): Promise<{ issues: DatasetIssue[]; file: JsonlFile }> {
  const digest = new StreamDigest();
  const tallies = new Map<string, IssueTally>();
  const size = (await fs.stat(file)).size;
  let examples = 0;
  for await (const { text, line } of readLines(file, { onBytes: digest.update, signal })) {
    if (text.trim() === '') continue;
    const record = parseJsonlRecord(text);
    if (!record.ok) {
      let tally = tallies.get(record.code);
      if (!tally) tallies.set(record.code, (tally = new IssueTally('error', record.code, file)));
      tally.add(line, record.detail);
      continue;
    }
    examples += 1;
    labels.add(record.label, file, line);
    stats.add(record.text, record.extra);
  }
  const issues: DatasetIssue[] = [];
  if (size === 0) {
    issues.push(
      error('empty_file', `${file} is empty: write one JSON object per line, like ${EXAMPLE}.`, { file }),
    );
  }
  for (const tally of tallies.values()) {
    const found = tally.toIssue(
      (n, _lines, first) =>
        `${first}${n > 1 ? ` (and ${n - 1} more ${n - 1 === 1 ? 'line' : 'lines'} like it)` : ''}. Each line must be one JSON object with a non-empty "text" string and a "label", like ${EXAMPLE}.`,
    );
    if (found) issues.push(found);
  }
  const name = `${role}/${path.basename(file)}`;
  return { issues, file: { role, path: file, name, sha256: digest.digest(), bytes: digest.bytes, examples } };
}

/**
 * Visible lines are copied verbatim to `visible/<name>.jsonl` (extra fields included); holdout lines become
 * `{"id", "text"}` only in the features file, in hash order, with their labels under `labels/`. The id is the
 * engine's: a line's own `id` field (often its position, and so its label in a file sorted by label) is not
 * copied, and only sources.csv keeps it, for the report.
 */
async function materializeJsonl(
  files: readonly JsonlFile[],
  context: MaterializeContext,
  canonicalLabel: (label: string) => string,
): Promise<IntakeResult<{ rows: { selection: number; final: number } }>> {
  const trainFile = files[0] as JsonlFile;
  const visible = await BufferedWriter.create(path.join(context.visibleDir, path.basename(trainFile.path)));
  const testBytes = files.find((f) => f.role === 'test')?.bytes;
  const sinks = await HoldoutSinks.open({
    runDataDir: context.runDataDir,
    seed: context.seed,
    fingerprint: context.fingerprint,
    featuresFile: featuresName('text_jsonl'),
    expectedBytes: testBytes ?? trainFile.bytes,
  });
  let example = 0;
  try {
    for (const file of files) {
      const digest = new StreamDigest();
      let examples = 0;
      for await (const { text, line } of readLines(file.path, {
        onBytes: digest.update,
        signal: context.signal,
      })) {
        if (text.trim() === '') continue;
        const destination = context.assignment[example];
        example += 1;
        examples += 1;
        if (destination === VISIBLE || destination === undefined) {
          await visible.write(`${text}\n`);
          continue;
        }
        const record = parseJsonlRecord(text);
        if (!record.ok) break; // the file changed since the first pass; the digest check below says so
        const id = holdoutId(context.seed, context.fingerprint, `${file.name}:${line}`);
        await sinks.add(destination === SELECTION ? 'selection' : 'final', {
          id,
          featureText: `${JSON.stringify({ id, text: record.text })}\n`,
          label: canonicalLabel(record.label),
          source: file.name,
          line,
          sourceId: record.id,
        });
      }
      if (digest.digest() !== file.sha256 || examples !== file.examples) {
        await sinks.abort();
        return { ok: false, errors: [changedWhileReading(file.path)], warnings: [] };
      }
    }
    return { ok: true, value: await sinks.complete(''), warnings: [] };
  } catch (err) {
    await sinks.abort();
    throw err;
  } finally {
    await visible.close();
  }
}
