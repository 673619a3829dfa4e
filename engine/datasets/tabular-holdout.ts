import path from 'node:path';
import { BufferedWriter } from './buffered-writer';
import { csvLine, readCsvRecords } from './csv-records';
import { StreamDigest } from './fingerprint';
import { SELECTION, VISIBLE } from './holdout-plan';
import { holdoutId } from './holdout-ids';
import { HoldoutSinks } from './holdout-sinks';
import { changedWhileReading, type MaterializeContext } from './inspection';
import { error, quote, type IntakeResult } from './issues';
import { featuresName } from './run-data-layout';
import type { TabularFile, TabularLayout } from './tabular-intake';

/**
 * The second pass over a CSV dataset: visible rows to `visible/<name>.csv` (same header, comma-separated,
 * source order), holdout rows to the features files (no label column, an `id` column, hash order) and their
 * labels to `labels/`. The content is hashed again on the way and must match the first pass.
 */
export async function materializeTabular(
  layout: TabularLayout,
  context: MaterializeContext,
): Promise<IntakeResult<{ rows: { selection: number; final: number } }>> {
  const { header, labelIndex, idIndex, files } = layout;
  const trainFile = files[0] as TabularFile;
  const visibleName = `${path.basename(trainFile.path, path.extname(trainFile.path))}.csv`;
  const visible = await BufferedWriter.create(path.join(context.visibleDir, visibleName));
  const useDataIds = idIndex >= 0;
  const featureColumns = header.filter((_, i) => i !== labelIndex);
  const featureHeader = csvLine(useDataIds ? featureColumns : ['id', ...featureColumns]);
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
        const id = useDataIds
          ? (fields[idIndex] as string)
          : holdoutId(context.seed, context.fingerprint, `${file.name}:${record.line}`);
        const features = fields.filter((_, i) => i !== labelIndex);
        await sinks.add(destination === SELECTION ? 'selection' : 'final', {
          id,
          featureText: csvLine(useDataIds ? features : [id, ...features]),
          label: fields[labelIndex] ?? '',
          source: file.name,
          line: record.line,
        });
      }
      if (digest.digest() !== file.sha256 || rows !== file.rows) {
        await sinks.abort();
        return { ok: false, errors: [changedWhileReading(file.path)], warnings: [] };
      }
    }
    const finished = await sinks.finish(featureHeader);
    if (!finished.ok) {
      const file = files.find((f) => f.role === 'test') ?? trainFile;
      return {
        ok: false,
        errors: [
          error(
            'duplicate_id',
            `${file.path}: the id ${quote(finished.duplicateId)} is used by two rows of the hidden holdout. The engine joins predictions on the 'id' column, so it must be unique: fix the ids, or rename the column if it is not an identifier.`,
            { file: file.path },
          ),
        ],
        warnings: [],
      };
    }
    return { ok: true, value: { rows: sinks.rows }, warnings: [] };
  } catch (err) {
    await sinks.abort();
    throw err;
  } finally {
    await visible.close();
  }
}
