import fs from 'node:fs';
import readline from 'node:readline';
import { LoopSlice } from './loop-slice';

/** Streams the lines of a text file with their 1-based numbers; a file of any size, read once. */
export async function* readLines(
  file: string,
  options: { onBytes?: (chunk: Buffer) => void; signal?: AbortSignal } = {},
): AsyncGenerator<{ text: string; line: number }> {
  const input = fs.createReadStream(file);
  if (options.onBytes) input.on('data', (chunk) => options.onBytes?.(chunk as Buffer));
  const lines = readline.createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  const slice = new LoopSlice();
  try {
    for await (const text of lines) {
      if (options.signal?.aborted) throw options.signal.reason ?? new Error('aborted');
      line += 1;
      yield { text: line === 1 ? text.replace(/^\uFEFF/, '') : text, line };
      if (slice.due()) await slice.pause();
    }
  } finally {
    lines.close();
    input.destroy();
  }
}

export type JsonlRecord =
  | {
      ok: true;
      text: string;
      label: string;
      labelIsNumber: boolean;
      extra: string[];
      /** The line's own `id` field (a string or a number), for the report only; null when there is none. */
      id: string | null;
    }
  | { ok: false; code: string; detail: string };

/**
 * One `{"text": ..., "label": ...}` line, checked. Labels may be strings, numbers or booleans (people write
 * `"label": 1`); they become the text a CSV of labels holds: `1`, `true`, `positive`.
 */
export function parseJsonlRecord(text: string): JsonlRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, code: 'invalid_json', detail: `invalid JSON (${(err as Error).message})` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, code: 'not_an_object', detail: 'the line is JSON but not an object' };
  }
  const record = value as Record<string, unknown>;
  if (!('text' in record)) return { ok: false, code: 'missing_text', detail: 'no "text" field' };
  if (typeof record.text !== 'string') {
    return { ok: false, code: 'missing_text', detail: `"text" is ${describe(record.text)}, not a string` };
  }
  if (record.text.trim() === '') return { ok: false, code: 'empty_text', detail: '"text" is empty' };
  if (!('label' in record) || record.label === null) {
    return { ok: false, code: 'missing_label', detail: 'no "label" field (or it is null)' };
  }
  const label = record.label;
  let labelText: string;
  if (typeof label === 'string') labelText = label;
  else if (typeof label === 'number' && Number.isFinite(label)) labelText = String(label);
  else if (typeof label === 'boolean') labelText = String(label);
  else
    return {
      ok: false,
      code: 'bad_label',
      detail: `"label" is ${describe(label)}; it must be a string, a number or a boolean`,
    };
  if (labelText.trim() === '') return { ok: false, code: 'empty_label', detail: '"label" is empty' };
  return {
    ok: true,
    text: record.text,
    label: labelText,
    labelIsNumber: typeof label === 'number',
    extra: Object.keys(record).filter((k) => k !== 'text' && k !== 'label'),
    id:
      typeof record.id === 'string' || (typeof record.id === 'number' && Number.isFinite(record.id))
        ? String(record.id)
        : null,
  };
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
