import fs from 'node:fs';
import path from 'node:path';
import { EngineError } from '../api/errors';
import type { RunLogInfo, RunLogPage } from '../api/runs';
import { logsDir } from './command-log';
import { logFileName, rotatedFileName } from '../tools/output-file';

/**
 * Reading a run's command logs (`<run folder>/logs/<name>.log`, with its rotated older part `<name>.log.1`) a
 * page at a time: the two files are read as one text, the older first. Never more than a page in memory.
 */

/** The logs of a run, oldest first. */
export function listRunLogs(runDir: string): RunLogInfo[] {
  const dir = logsDir(runDir);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const logs: RunLogInfo[] = [];
  for (const file of names) {
    if (!file.endsWith('.log')) continue;
    const name = file.slice(0, -'.log'.length);
    const parts = partsOf(runDir, name);
    if (parts.length === 0) continue;
    const modified = Math.max(...parts.map((p) => p.mtimeMs));
    logs.push({
      name,
      bytes: parts.reduce((n, p) => n + p.size, 0),
      modifiedAt: new Date(modified).toISOString(),
    });
  }
  return logs.sort((a, b) => a.modifiedAt.localeCompare(b.modifiedAt) || a.name.localeCompare(b.name));
}

interface Part {
  file: string;
  size: number;
  mtimeMs: number;
}

/** The files of a log, in order (rotated part first); regular files only, never through a link. */
function partsOf(runDir: string, name: string): Part[] {
  const dir = logsDir(runDir);
  const parts: Part[] = [];
  for (const file of [rotatedFileName(name), logFileName(name)]) {
    try {
      const st = fs.lstatSync(path.join(dir, file));
      if (st.isFile()) parts.push({ file: path.join(dir, file), size: st.size, mtimeMs: st.mtimeMs });
    } catch {
      // absent
    }
  }
  return parts;
}

/** A page of a log: from `offset` (bytes), or its last `tail` lines; whole lines where it can. */
export function readRunLog(
  runDir: string,
  query: { name: string; offset?: number; tail?: number; maxBytes: number },
): RunLogPage {
  const parts = partsOf(runDir, query.name);
  if (parts.length === 0) {
    const known = listRunLogs(runDir).map((l) => l.name);
    throw new EngineError(
      'not_found',
      `this run has no log ${query.name}${known.length > 0 ? `; its logs: ${known.slice(-20).join(', ')}` : ' (it has no logs yet)'}`,
    );
  }
  const size = parts.reduce((n, p) => n + p.size, 0);
  const rotated = parts.length > 1;
  if (query.tail !== undefined) return tailPage(parts, query.name, size, rotated, query.tail, query.maxBytes);
  const offset = Math.min(query.offset ?? 0, size);
  const want = Math.min(query.maxBytes, size - offset);
  let bytes = readRange(parts, offset, want);
  const atEnd = offset + bytes.length >= size;
  if (!atEnd) {
    // End the page on a line boundary; a single line longer than the page is cut.
    const nl = bytes.lastIndexOf(0x0a);
    if (nl >= 0) bytes = bytes.subarray(0, nl + 1);
  }
  const end = offset + bytes.length;
  return {
    name: query.name,
    text: bytes.toString('utf8'),
    offset,
    nextOffset: end >= size ? null : end,
    size,
    rotated,
  };
}

function tailPage(
  parts: Part[],
  name: string,
  size: number,
  rotated: boolean,
  lines: number,
  maxBytes: number,
): RunLogPage {
  const start = Math.max(0, size - maxBytes);
  const bytes = readRange(parts, start, size - start);
  // Count newlines back from the end (a final newline ends the last line, it does not start one).
  let cut = bytes.length;
  if (cut > 0 && bytes[cut - 1] === 0x0a) cut -= 1;
  let found = 0;
  let from = -1;
  for (let i = cut - 1; i >= 0; i--) {
    if (bytes[i] === 0x0a && ++found === lines) {
      from = i + 1;
      break;
    }
  }
  if (from === -1) {
    // Fewer lines than asked in the window: from its start, or its first whole line when it is not the file's.
    from = start === 0 ? 0 : bytes.indexOf(0x0a) + 1;
  }
  return {
    name,
    text: bytes.subarray(from).toString('utf8'),
    offset: start + from,
    nextOffset: null,
    size,
    rotated,
  };
}

/** `length` bytes from `offset` of the parts read as one. */
function readRange(parts: Part[], offset: number, length: number): Buffer {
  const out = Buffer.alloc(Math.max(0, length));
  let filled = 0;
  let base = 0;
  for (const part of parts) {
    if (filled >= length) break;
    const partEnd = base + part.size;
    const from = offset + filled;
    if (from < partEnd) {
      const n = Math.min(partEnd - from, length - filled);
      const fd = fs.openSync(part.file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
      try {
        filled += fs.readSync(fd, out, filled, n, from - base);
      } finally {
        fs.closeSync(fd);
      }
    }
    base = partEnd;
  }
  return out.subarray(0, filled);
}
