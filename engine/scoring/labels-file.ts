import fs from 'node:fs/promises';
import { CsvSyntaxError, readCsvRecords } from '../datasets/csv-records';

/** The hidden labels of one holdout split (`labels/<split>.csv`, `id,label`), in file order. */
export interface HiddenLabels {
  ids: string[];
  labels: string[];
}

/** The engine wrote this file itself; a problem here is the engine's (or the disk's), never the agent's. */
export async function readHiddenLabels(
  file: string,
): Promise<{ ok: true; value: HiddenLabels } | { ok: false; message: string }> {
  try {
    await fs.access(file);
  } catch {
    return {
      ok: false,
      message: `the hidden labels file ${file} is missing: the run data folder is incomplete; prepare the run data again.`,
    };
  }
  const ids: string[] = [];
  const labels: string[] = [];
  try {
    for await (const record of readCsvRecords(file, { delimiter: ',' })) {
      if (record.index === 0) {
        if (record.fields[0] !== 'id' || record.fields[1] !== 'label' || record.fields.length !== 2) {
          return { ok: false, message: `${file} line 1: expected the header id,label; the file is damaged.` };
        }
        continue;
      }
      if (record.fields.length !== 2)
        return { ok: false, message: `${file} line ${record.line}: expected 2 fields; the file is damaged.` };
      ids.push(record.fields[0] as string);
      labels.push(record.fields[1] as string);
    }
  } catch (err) {
    if (err instanceof CsvSyntaxError) return { ok: false, message: err.message };
    const code = (err as NodeJS.ErrnoException | null)?.code ?? 'read error';
    return { ok: false, message: `the hidden labels file ${file} cannot be read (${code}).` };
  }
  if (ids.length === 0) return { ok: false, message: `${file} holds no labels: the holdout split is empty.` };
  return { ok: true, value: { ids, labels } };
}
