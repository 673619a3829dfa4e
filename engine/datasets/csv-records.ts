import fs from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { CsvError, parse } from 'csv-parse';
import { LoopSlice } from './loop-slice';

/**
 * Streaming CSV reading with the line numbers people need in an error message. A multi-gigabyte file is never
 * held in memory: records arrive one by one, and the raw bytes can be tapped on the way (to hash them).
 */

export interface CsvRecord {
  fields: string[];
  /** 1-based line where the record starts (a quoted field may span several lines). */
  line: number;
  /** 0-based index among the records, the header being record 0. */
  index: number;
}

export interface CsvReadOptions {
  delimiter: string;
  /** Sees every chunk of raw bytes, in order (e.g. a hash). */
  onBytes?: (chunk: Buffer) => void;
  signal?: AbortSignal;
  /**
   * Read from this already opened file instead of opening `file` by name (which then only names it in
   * messages): a caller that checked what it opened reads exactly that. The caller closes it.
   */
  handle?: FileHandle;
}

/** A problem that stops the parse (a quote never closed, a record beyond the size limit). */
export class CsvSyntaxError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly detail: string,
  ) {
    super(`${file} line ${line}: ${detail}`);
    this.name = 'CsvSyntaxError';
  }
}

// A text field of a few megabytes is legitimate (documents in a CSV); far beyond that it is a wrong quote
// swallowing the rest of the file, and an error beats running out of memory.
const MAX_RECORD_CHARS = 32 * 1024 * 1024;

/** Records of a CSV file, header included; throws CsvSyntaxError where the file cannot be parsed on. */
export async function* readCsvRecords(file: string, options: CsvReadOptions): AsyncGenerator<CsvRecord> {
  const input = options.handle
    ? options.handle.createReadStream({ start: 0, autoClose: false })
    : fs.createReadStream(file);
  if (options.onBytes) input.on('data', (chunk) => options.onBytes?.(chunk as Buffer));
  const parser = parse({
    bom: true,
    delimiter: options.delimiter,
    // Mixed line endings happen (a file edited on two systems); every one of them ends a record.
    record_delimiter: ['\r\n', '\n', '\r'],
    // Ragged rows are reported with their lines by the caller, not thrown at the first one.
    relax_column_count: true,
    // A quote inside an unquoted value (5" screen) is kept as text, as pandas reads it.
    relax_quotes: true,
    skip_empty_lines: true,
    info: true,
    max_record_size: MAX_RECORD_CHARS,
  });
  input.on('error', (err) => parser.destroy(err));
  input.pipe(parser);
  let previousEnd = 0;
  let previousEmpty = 0;
  let index = 0;
  const slice = new LoopSlice();
  try {
    for await (const item of parser as AsyncIterable<{
      record: string[];
      info: { lines: number; empty_lines: number };
    }>) {
      if (options.signal?.aborted) throw options.signal.reason ?? new Error('aborted');
      // info.lines is where the record ends; it starts after the previous one and any empty lines between.
      const line = previousEnd + 1 + (item.info.empty_lines - previousEmpty);
      previousEnd = item.info.lines;
      previousEmpty = item.info.empty_lines;
      yield { fields: item.record, line, index };
      index += 1;
      // Buffered records would otherwise be consumed in one unbroken chain of microtasks (loop-slice.ts).
      if (slice.due()) await slice.pause();
    }
  } catch (err) {
    if (err instanceof CsvError)
      throw new CsvSyntaxError(file, csvErrorLine(err, previousEnd), explainCsvError(err));
    throw err;
  } finally {
    input.destroy();
    parser.destroy();
  }
}

function csvErrorLine(err: CsvError, fallback: number): number {
  const lines = (err as CsvError & { lines?: number }).lines;
  return typeof lines === 'number' && lines > 0 ? lines : fallback + 1;
}

function explainCsvError(err: CsvError): string {
  switch (err.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted field starts here and is never closed: look for a stray double quote (a quote inside a field is written as two: "").';
    case 'INVALID_OPENING_QUOTE':
      return 'a double quote appears inside an unquoted field: quote the whole field and double the inner quote ("5"" screen").';
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'text follows the closing quote of a field: a quote inside a quoted field must be doubled ("").';
    case 'CSV_MAX_RECORD_SIZE':
      return `a record is longer than ${MAX_RECORD_CHARS / 1024 / 1024} MB: most likely a quote is never closed, or the delimiter is not the one detected.`;
    default:
      return `the CSV cannot be parsed here (${err.message}).`;
  }
}

const DELIMITER_CANDIDATES = [',', ';', '\t', '|'];

/**
 * The delimiter, guessed from the header line: the candidate that splits it into the most fields outside
 * quotes. `.tsv` files are tab-separated whatever the header says.
 */
export function sniffDelimiter(file: string): string {
  if (path.extname(file).toLowerCase() === '.tsv') return '\t';
  const fd = fs.openSync(file, 'r');
  let head: string;
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const n = fs.readSync(fd, buffer, 0, buffer.length, 0);
    head = buffer.subarray(0, n).toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
  const firstLine = head.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/, 1)[0] ?? '';
  let best = ',';
  let bestCount = 0;
  for (const candidate of DELIMITER_CANDIDATES) {
    const count = countOutsideQuotes(firstLine, candidate);
    if (count > bestCount) {
      best = candidate;
      bestCount = count;
    }
  }
  return best;
}

function countOutsideQuotes(line: string, char: string): number {
  let inQuotes = false;
  let count = 0;
  for (const c of line) {
    if (c === '"') inQuotes = !inQuotes;
    else if (c === char && !inQuotes) count += 1;
  }
  return count;
}

/** One CSV field, quoted only when it must be (RFC 4180), so plain values stay readable. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) || value !== value.trim() ? `"${value.replace(/"/g, '""')}"` : value;
}

export function csvLine(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\n`;
}
