import { constants } from 'node:fs';
import fs, { type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { CsvSyntaxError, readCsvRecords } from '../datasets/csv-records';
import { cappedList, plural } from '../datasets/issues';
import { parseNumber } from '../datasets/values';
import type { ClassMatcher } from './class-matcher';
import type { PredictionProblem } from './schemas';

/**
 * Reads the predictions predict.py wrote (`id,prediction[,proba_<class>...]`) against the holdout's ids.
 * Everything the agent can get wrong is a problem with a precise message (which ids, which lines), collected
 * rather than thrown, so one failed evaluation tells the agent all it must fix.
 */

/** Ids and lines a message lists before "and N more". */
const ID_CAP = 10;
/** Characters of one value of the agent's file a message quotes, at most. */
const EXCERPT_CHARS = 40;
/** Header columns a message quotes, at most. */
const HEADER_CAP = 5;
const CONTRACT =
  'predict.py must write a CSV with the header id,prediction (plus proba_<class> columns for probability metrics) and one row per holdout id';

export interface ProbabilityColumn {
  header: string;
  /** The class the column is for; null when its suffix is no class of the dataset. */
  classCode: number | null;
  /** Aligned with the holdout ids; NaN where the cell is not a number. */
  values: Float64Array;
  invalid: { count: number; examples: string[] };
  outOfRange: { count: number; examples: string[] };
}

export interface PredictionTable {
  file: string;
  n: number;
  /** Line of each holdout example's row. */
  lines: Int32Array;
  /** Text of the prediction cell, aligned with the holdout ids. */
  prediction: string[];
  probabilities: ProbabilityColumn[];
  notes: string[];
}

type Read = { ok: true; table: PredictionTable } | { ok: false; problems: PredictionProblem[] };

export async function readPredictions(
  file: string,
  ids: readonly string[],
  matcher: ClassMatcher | null,
  options: { root?: string } = {},
): Promise<Read> {
  const problem = (code: string, message: string): Read => ({ ok: false, problems: [{ code, message }] });
  const opened = await openPredictions(file, options.root);
  if (!opened.ok) return problem(opened.code, opened.message);
  try {
    return await readOpened(file, opened.handle, ids, matcher);
  } catch (err) {
    return problem('unreadable', `${file} cannot be read (${errorCode(err)}). ${CONTRACT}.`);
  } finally {
    await opened.handle.close().catch(() => undefined);
  }
}

type Opened = { ok: true; handle: FileHandle } | { ok: false; code: string; message: string };

/**
 * Opens the predictions file only if it is what predict.py should have written: a regular file, not a
 * symbolic link (which, resolved on the host, could point at any file the engine can read), a folder, a FIFO
 * or a device. The file is opened without following a link and checked again once open (the same inode as
 * the one inspected), so it cannot be swapped in between. With `root`, every link on the way resolved, the
 * file must still lie inside that folder.
 */
async function openPredictions(file: string, root: string | undefined): Promise<Opened> {
  const refuse = (code: string, message: string): Opened => ({ ok: false, code, message });
  const notAFile = (what: string) =>
    refuse(
      'not_a_file',
      `${file} is ${what}, not a regular file; it is not read. predict.py must write the predictions file itself (open(path, 'w') or DataFrame.to_csv(path)) at that path. ${CONTRACT}.`,
    );
  let before: Awaited<ReturnType<typeof fs.lstat>>;
  try {
    before = await fs.lstat(file);
  } catch (err) {
    const code = errorCode(err);
    if (code === 'ENOENT' || code === 'ENOTDIR')
      return refuse('no_file', `${file}: no predictions file. ${CONTRACT}.`);
    return refuse('unreadable', `${file} cannot be read (${code}). ${CONTRACT}.`);
  }
  const kind = fileKind(before);
  if (kind !== null) return notAFile(kind);
  if (before.size === 0) return refuse('empty_file', `${file} is empty. ${CONTRACT}.`);

  let handle: FileHandle;
  try {
    // O_NOFOLLOW: a link put there after the check is not followed either; O_NONBLOCK: nor does a FIFO
    // put there block the engine. Both are 0 where the platform lacks them.
    handle = await fs.open(
      file,
      constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0),
    );
  } catch (err) {
    const code = errorCode(err);
    if (code === 'ELOOP') return notAFile('a symbolic link');
    if (code === 'ENOENT') return refuse('no_file', `${file}: no predictions file. ${CONTRACT}.`);
    return refuse('unreadable', `${file} cannot be read (${code}). ${CONTRACT}.`);
  }
  const fail = async (outcome: Opened): Promise<Opened> => {
    await handle.close().catch(() => undefined);
    return outcome;
  };
  try {
    const opened = await handle.stat();
    const openedKind = fileKind(opened);
    if (openedKind !== null) return await fail(notAFile(openedKind));
    if (opened.ino !== before.ino || opened.dev !== before.dev) {
      return await fail(
        refuse('changed', `${file} was replaced while the engine opened it; it is not read. ${CONTRACT}.`),
      );
    }
    if (root !== undefined) {
      const real = await fs.realpath(file);
      const realRoot = await fs.realpath(root);
      const relative = path.relative(realRoot, real);
      const at = await fs.stat(real);
      if (
        relative === '' ||
        relative.startsWith('..') ||
        path.isAbsolute(relative) ||
        at.ino !== opened.ino ||
        at.dev !== opened.dev
      ) {
        return await fail(
          refuse(
            'not_a_file',
            `${file} resolves to a file outside ${root} (a folder on the way is a symbolic link); it is not read. Write the predictions into the workspace itself. ${CONTRACT}.`,
          ),
        );
      }
    }
    return { ok: true, handle };
  } catch (err) {
    return fail(refuse('unreadable', `${file} cannot be read (${errorCode(err)}). ${CONTRACT}.`));
  }
}

/** What a path is when it is not a regular file (a folder, a link...); null for a regular file. */
function fileKind(stats: {
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
  isBlockDevice(): boolean;
  isCharacterDevice(): boolean;
}): string | null {
  if (stats.isSymbolicLink()) return 'a symbolic link';
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isBlockDevice() || stats.isCharacterDevice()) return 'a device';
  return stats.isFile() ? null : 'not a regular file';
}

function errorCode(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && /^[A-Z0-9_]{1,32}$/.test(code) ? code : 'read error';
}

/**
 * A value of the agent's file as a message may quote it: control, format and line-separator characters
 * (terminal escapes, bidirectional overrides, NULs) become '?', and anything beyond `max` characters is cut.
 * The agent wrote the file, but a message is read by people and stored, and must stay short.
 */
export function excerpt(text: string, max = EXCERPT_CHARS): string {
  const clean = text.replace(/[\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Zl}\p{Zp}]/gu, '?');
  const chars = [...clean];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : clean;
}

const quoted = (text: string) => `'${excerpt(text)}'`;

async function readOpened(
  file: string,
  handle: FileHandle,
  ids: readonly string[],
  matcher: ClassMatcher | null,
): Promise<Read> {
  const problem = (code: string, message: string): Read => ({ ok: false, problems: [{ code, message }] });
  const index = new Map(ids.map((id, i) => [id, i]));
  const byNumber = numericIdIndex(ids);
  let matchedByNumber = 0;
  const n = ids.length;
  const lines = new Int32Array(n);
  const prediction: string[] = new Array<string>(n).fill('');
  const problems: PredictionProblem[] = [];
  const notes: string[] = [];
  let idColumn = -1;
  let predictionColumn = -1;
  let width = 0;
  let probabilities: (ProbabilityColumn & { column: number })[] = [];
  const ragged: number[] = [];
  let raggedCount = 0;
  const emptyIds: number[] = [];
  let emptyIdCount = 0;
  const duplicates = new Map<string, number[]>();
  const unknown: string[] = [];
  let unknownCount = 0;
  let rows = 0;
  try {
    for await (const record of readCsvRecords(file, { delimiter: ',', handle })) {
      if (record.index === 0) {
        const header = record.fields.map((h) => h.trim());
        width = header.length;
        const find = (name: string) => header.findIndex((h) => h.toLowerCase() === name);
        idColumn = find('id');
        predictionColumn = find('prediction');
        const missing = [idColumn < 0 ? "'id'" : '', predictionColumn < 0 ? "'prediction'" : ''].filter(
          Boolean,
        );
        if (missing.length > 0) {
          return problem(
            'missing_column',
            `${file} line 1: no ${missing.join(' or ')} column (${describeHeader(header)}). ${CONTRACT}.`,
          );
        }
        const seen = new Set<string>();
        for (const h of header) {
          if (seen.has(h))
            return problem(
              'duplicate_column',
              `${file} line 1: the column ${quoted(h)} appears twice. Each column name must be unique.`,
            );
          seen.add(h);
        }
        probabilities = header
          .map((h, column) => ({ h, column }))
          .filter(({ h }) => h.toLowerCase().startsWith('proba_'))
          .map(({ h, column }) => ({
            header: h,
            column,
            classCode: matcher ? matcher.match(h.slice('proba_'.length)) : null,
            values: new Float64Array(n).fill(Number.NaN),
            invalid: { count: 0, examples: [] },
            outOfRange: { count: 0, examples: [] },
          }));
        const ignored = header.filter(
          (h, i) => i !== idColumn && i !== predictionColumn && !probabilities.some((p) => p.column === i),
        );
        if (ignored.length > 0)
          notes.push(
            `ignored columns: ${cappedList(ignored.slice(0, ID_CAP).map(quoted), ignored.length, ID_CAP)}`,
          );
        continue;
      }
      rows += 1;
      const line = record.line;
      if (record.fields.length !== width) {
        raggedCount += 1;
        if (ragged.length < ID_CAP) ragged.push(line);
        continue;
      }
      const id = (record.fields[idColumn] as string).trim();
      if (id === '') {
        emptyIdCount += 1;
        if (emptyIds.length < ID_CAP) emptyIds.push(line);
        continue;
      }
      let at = index.get(id);
      if (at === undefined && byNumber) {
        const number = parseNumber(id);
        at = number === null ? undefined : byNumber.get(number);
        if (at !== undefined) matchedByNumber += 1;
      }
      if (at === undefined) {
        unknownCount += 1;
        if (unknown.length < ID_CAP) unknown.push(`${excerpt(id)} (line ${line})`);
        continue;
      }
      if (lines[at] !== 0) {
        const seenLines = duplicates.get(id) ?? [lines[at] as number];
        seenLines.push(line);
        duplicates.set(id, seenLines);
        continue;
      }
      lines[at] = line;
      prediction[at] = record.fields[predictionColumn] as string;
      for (const column of probabilities) {
        const text = record.fields[column.column] as string;
        const value = parseNumber(text);
        if (value === null) {
          column.invalid.count += 1;
          if (column.invalid.examples.length < ID_CAP)
            column.invalid.examples.push(`line ${line} (${text.trim() === '' ? 'empty' : quoted(text)})`);
        } else {
          column.values[at] = value;
          if (value < 0 || value > 1) {
            column.outOfRange.count += 1;
            if (column.outOfRange.examples.length < ID_CAP)
              column.outOfRange.examples.push(`line ${line} (${excerpt(text)})`);
          }
        }
      }
    }
  } catch (err) {
    if (err instanceof CsvSyntaxError)
      return problem('csv_syntax', `${file} line ${err.line}: ${excerpt(err.detail, 300)} ${CONTRACT}.`);
    throw err;
  }
  if (idColumn < 0) return problem('empty_file', `${file} holds only blank lines. ${CONTRACT}.`);
  if (matchedByNumber > 0) {
    notes.push(
      `${plural(matchedByNumber, 'id')} matched by numeric value (e.g. '7' for '007', '7.0' for '7')`,
    );
  }

  if (raggedCount > 0) {
    problems.push({
      code: 'ragged_rows',
      message: `${plural(raggedCount, 'row')} with a different number of fields than the header's ${width} (${cappedList(
        ragged.map((l) => `line ${l}`),
        raggedCount,
        ID_CAP,
      )}): quote values that contain commas.`,
    });
  }
  if (emptyIdCount > 0) {
    problems.push({
      code: 'empty_ids',
      message: `${plural(emptyIdCount, 'row')} without an id (${cappedList(
        emptyIds.map((l) => `line ${l}`),
        emptyIdCount,
        ID_CAP,
      )}).`,
    });
  }
  if (duplicates.size > 0) {
    const listed = [...duplicates.entries()]
      .slice(0, ID_CAP)
      .map(([id, at]) => `${excerpt(id)} (lines ${cappedList(at, at.length, ID_CAP)})`);
    problems.push({
      code: 'duplicate_ids',
      message: `${plural(duplicates.size, 'id')} ${duplicates.size === 1 ? 'appears' : 'appear'} more than once: ${cappedList(listed, duplicates.size, ID_CAP)}. Write one row per id.`,
    });
  }
  if (unknownCount > 0) {
    problems.push({
      code: 'unknown_ids',
      message: `${plural(unknownCount, 'id')} ${unknownCount === 1 ? 'is' : 'are'} not in the holdout: ${cappedList(unknown, unknownCount, ID_CAP)}. Take the ids from the input's id column (or, for images, the file names without extension).`,
    });
  }
  const missing: string[] = [];
  let missingCount = 0;
  for (let i = 0; i < n; i += 1) {
    if (lines[i] !== 0) continue;
    missingCount += 1;
    if (missing.length < ID_CAP) missing.push(ids[i] as string);
  }
  if (missingCount > 0) {
    problems.push({
      code: 'missing_ids',
      message: `${plural(missingCount, 'id')} missing: ${cappedList(missing, missingCount, ID_CAP)}. Predict every example of the input.`,
    });
  }
  if (rows !== n && problems.length > 0) {
    problems.unshift({
      code: 'row_count',
      message: `${file} has ${plural(rows, 'row')}; the holdout has ${plural(n, 'example')}.`,
    });
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    table: {
      file,
      n,
      lines,
      prediction,
      probabilities: probabilities.map(({ column: _column, ...rest }) => rest),
      notes,
    },
  };
}

/** The predicted class of each example; every prediction must be one of the dataset's classes. */
export function predictedClasses(
  table: PredictionTable,
  matcher: ClassMatcher,
): { ok: true; codes: Int32Array } | { ok: false; problems: PredictionProblem[] } {
  const codes = new Int32Array(table.n);
  const empty: string[] = [];
  let emptyCount = 0;
  const unknown = new Map<string, { count: number; line: number }>();
  let unknownCount = 0;
  for (let i = 0; i < table.n; i += 1) {
    const text = table.prediction[i] as string;
    if (text.trim() === '') {
      emptyCount += 1;
      if (empty.length < ID_CAP) empty.push(`line ${table.lines[i]}`);
      continue;
    }
    const code = matcher.match(text);
    if (code === null) {
      unknownCount += 1;
      const seen = unknown.get(text);
      if (seen) seen.count += 1;
      else unknown.set(text, { count: 1, line: table.lines[i] as number });
      continue;
    }
    codes[i] = code;
  }
  const problems: PredictionProblem[] = [];
  if (emptyCount > 0) {
    problems.push({
      code: 'empty_predictions',
      message: `${plural(emptyCount, 'prediction')} ${emptyCount === 1 ? 'is' : 'are'} empty (${cappedList(empty, emptyCount, ID_CAP)}).`,
    });
  }
  if (unknownCount > 0) {
    const listed = [...unknown.entries()].map(
      ([text, { count, line }]) =>
        `${quoted(text)} (${count === 1 ? `line ${line}` : `${count} rows, first on line ${line}`})`,
    );
    problems.push({
      code: 'unknown_class',
      message: `${plural(unknownCount, 'prediction')} ${unknownCount === 1 ? 'is' : 'are'} not a class of this dataset: ${cappedList(listed, listed.length, ID_CAP)}. Classes: ${cappedList(
        matcher.classes.map((c) => `'${c}'`),
        matcher.classes.length,
        20,
      )}.`,
    });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, codes };
}

/** The predicted number of each example; every prediction must be a finite number. */
export function predictedNumbers(
  table: PredictionTable,
): { ok: true; values: Float64Array } | { ok: false; problems: PredictionProblem[] } {
  const values = new Float64Array(table.n);
  const bad: string[] = [];
  let badCount = 0;
  for (let i = 0; i < table.n; i += 1) {
    const text = table.prediction[i] as string;
    const value = parseNumber(text);
    if (value === null) {
      badCount += 1;
      if (bad.length < ID_CAP)
        bad.push(`line ${table.lines[i]} (${text.trim() === '' ? 'empty' : quoted(text)})`);
      continue;
    }
    values[i] = value;
  }
  if (badCount === 0) return { ok: true, values };
  return {
    ok: false,
    problems: [
      {
        code: 'invalid_predictions',
        message: `${plural(badCount, 'prediction')} ${badCount === 1 ? 'is' : 'are'} not a finite number: ${cappedList(bad, badCount, ID_CAP)}. Replace NaN and infinite values before writing.`,
      },
    ],
  };
}

/**
 * The probability columns a metric needs, by class code (null where a class has none and `optional` allows
 * it). Columns naming no class of the dataset, or two columns for one class, are problems too: a misnamed
 * column is usually a misaligned one.
 */
export function probabilityColumns(
  table: PredictionTable,
  classes: readonly string[],
  needed: readonly number[],
  metricTitle: string,
): { ok: true; columns: (Float64Array | null)[] } | { ok: false; problems: PredictionProblem[] } {
  const problems: PredictionProblem[] = [];
  const byClass: (ProbabilityColumn | null)[] = classes.map(() => null);
  const strays = table.probabilities.filter((c) => c.classCode === null).map((c) => quoted(c.header));
  if (strays.length > 0) {
    problems.push({
      code: 'unknown_probability_column',
      message: `${cappedList(strays, strays.length, ID_CAP)} ${strays.length === 1 ? 'names' : 'name'} no class of this dataset (classes: ${cappedList(
        classes.map((c) => `'${c}'`),
        classes.length,
        20,
      )}). Name probability columns proba_<class>.`,
    });
  }
  for (const column of table.probabilities) {
    if (column.classCode === null) continue;
    const existing = byClass[column.classCode];
    if (existing) {
      problems.push({
        code: 'duplicate_probability_column',
        message: `${quoted(existing.header)} and ${quoted(column.header)} are both for class '${classes[column.classCode]}'. Write one column per class.`,
      });
    } else byClass[column.classCode] = column;
  }
  const missing = needed.filter((c) => !byClass[c]).map((c) => `proba_${classes[c]}`);
  if (missing.length > 0) {
    problems.push({
      code: 'missing_probability_columns',
      message: `${metricTitle} needs the predicted probability of ${needed.length === 1 ? 'the class' : 'each class'}; ${missing.length === 1 ? 'this column is' : 'these columns are'} missing: ${cappedList(missing, missing.length, ID_CAP)}.`,
    });
  }
  for (const c of needed) {
    const column = byClass[c];
    if (!column) continue;
    if (column.invalid.count > 0) {
      problems.push({
        code: 'invalid_probabilities',
        message: `${quoted(column.header)} is not a number on ${plural(column.invalid.count, 'row')}: ${cappedList(column.invalid.examples, column.invalid.count, ID_CAP)}.`,
      });
    }
    if (column.outOfRange.count > 0) {
      problems.push({
        code: 'probability_out_of_range',
        message: `${quoted(column.header)} is outside [0, 1] on ${plural(column.outOfRange.count, 'row')}: ${cappedList(column.outOfRange.examples, column.outOfRange.count, ID_CAP)}. Write probabilities (e.g. a softmax), not scores or logits.`,
      });
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, columns: byClass.map((c) => c?.values ?? null) };
}

/** `the header is 'ID_','prediction'`, at most HEADER_CAP columns, each excerpted. */
function describeHeader(header: readonly string[]): string {
  const shown = header.slice(0, HEADER_CAP).map(quoted).join(',');
  return header.length > HEADER_CAP
    ? `the header begins ${shown} (${plural(header.length, 'column')})`
    : `the header is ${shown}`;
}

/**
 * Where every holdout id is a number and no two are the same number, ids are also matched by value: pandas
 * reads an id column of digits as integers, so '007' comes back as '7' (or '7.0' beside a missing value), and
 * that is the same example, not a wrong prediction.
 */
function numericIdIndex(ids: readonly string[]): Map<number, number> | null {
  const byNumber = new Map<number, number>();
  for (let i = 0; i < ids.length; i += 1) {
    const value = parseNumber(ids[i] as string);
    if (value === null || byNumber.has(value)) return null;
    byNumber.set(value, i);
  }
  return byNumber;
}
