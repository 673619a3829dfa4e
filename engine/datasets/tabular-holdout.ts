import path from 'node:path';
import { BufferedWriter } from './buffered-writer';
import { csvLine, readCsvRecords } from './csv-records';
import { StreamDigest } from './fingerprint';
import { SELECTION, VISIBLE } from './holdout-plan';
import { holdoutId } from './holdout-ids';
import { HoldoutSinks } from './holdout-sinks';
import { changedWhileReading, type MaterializeContext } from './inspection';
import type { IntakeResult } from './issues';
import { featuresName } from './run-data-layout';

export interface TabularFile {
  role: 'train' | 'test';
  path: string;
  /** Name in the fingerprint and the sources file: `train/churn.csv`. */
  name: string;
  delimiter: string;
  sha256: string;
  bytes: number;
  rows: number;
  /** For each train column, the index of the same column in this file (test files may order them otherwise). */
  order: number[] | null;
}

export interface TabularLayout {
  header: string[];
  labelIndex: number;
  /**
   * The data's own id columns (named `id` in any case): their values never reach the holdout features, where
   * they hold the engine id instead (see run-data-layout.ts).
   */
  idColumns: number[];
  /** The one whose value sources.csv records as `source_id` (`id` itself first); -1 when there is none. */
  idIndex: number;
  files: TabularFile[];
  /** The class a label text is counted under ('1.0' may be the class '1'): what the labels files hold. */
  canonicalLabel: (label: string) => string;
}

/**
 * The second pass over a CSV dataset: visible rows to `visible/<name>.csv` (same header, comma-separated,
 * source order), holdout rows to the features files (no label column, an `id` column, hash order) and their
 * labels to `labels/`. The content is hashed again on the way and must match the first pass.
 *
 * A holdout row's id is always the engine's. The data's own id columns keep their place and name in the
 * features but hold that engine id: their values are often row numbers, and in a file sorted by label the
 * nearest visible id would give the label away. Without a column named exactly `id`, one is put first.
 */
export async function materializeTabular(
  layout: TabularLayout,
  context: MaterializeContext,
): Promise<IntakeResult<{ rows: { selection: number; final: number } }>> {
  const { header, labelIndex, idColumns, idIndex, files } = layout;
  const trainFile = files[0] as TabularFile;
  const visibleName = `${path.basename(trainFile.path, path.extname(trainFile.path))}.csv`;
  const visible = await BufferedWriter.create(path.join(context.visibleDir, visibleName));
  const replaced = new Set(idColumns);
  const hasIdColumn = header.some((h, i) => h === 'id' && replaced.has(i));
  const featureColumns = header.filter((_, i) => i !== labelIndex);
  const featureHeader = csvLine(hasIdColumn ? featureColumns : ['id', ...featureColumns]);
  const sinks = await HoldoutSinks.open({
    runDataDir: context.runDataDir,
    seed: context.seed,
    fingerprint: context.fingerprint,
    featuresFile: featuresName('tabular'),
    expectedBytes: files.filter((f) => f.role === 'test').length
      ? files.reduce((a, f) => a + (f.role === 'test' ? f.bytes : 0), 0)
      : trainFile.bytes,
  });
  let example = 0;
  try {
    await visible.write(csvLine(header));
    for (const file of files) {
      const digest = new StreamDigest();
      let rows = 0;
      for await (const record of readCsvRecords(file.path, {
        delimiter: file.delimiter,
        onBytes: digest.update,
        signal: context.signal,
      })) {
        if (record.index === 0) continue;
        rows += 1;
        const fields = file.order ? file.order.map((j) => record.fields[j] ?? '') : record.fields;
        const destination = context.assignment[example];
        example += 1;
        if (destination === VISIBLE || destination === undefined) {
          await visible.write(csvLine(fields));
          continue;
        }
        const id = holdoutId(context.seed, context.fingerprint, `${file.name}:${record.line}`);
        const features: string[] = hasIdColumn ? [] : [id];
        for (let i = 0; i < fields.length; i += 1) {
          if (i !== labelIndex) features.push(replaced.has(i) ? id : (fields[i] as string));
        }
        await sinks.add(destination === SELECTION ? 'selection' : 'final', {
          id,
          featureText: csvLine(features),
          label: layout.canonicalLabel(fields[labelIndex] ?? ''),
          source: file.name,
          line: record.line,
          sourceId: idIndex >= 0 ? (fields[idIndex] ?? '') : null,
        });
      }
      if (digest.digest() !== file.sha256 || rows !== file.rows) {
        await sinks.abort();
        return { ok: false, errors: [changedWhileReading(file.path)], warnings: [] };
      }
    }
    return { ok: true, value: await sinks.complete(featureHeader), warnings: [] };
  } catch (err) {
    await sinks.abort();
    throw err;
  } finally {
    await visible.close();
  }
}
