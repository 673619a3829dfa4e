import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';

/**
 * The desktop app's own small files in userData (window bounds, what was said once): read through a zod
 * schema, so a file edited by hand or written by another version falls back to the default instead of
 * breaking start-up; written whole to a temporary file and renamed, so a crash never leaves half a file.
 */
export function readJsonFile<S extends z.ZodType>(
  file: string,
  schema: S,
  warn: (message: string) => void = (m) => console.warn(m),
): z.output<S> | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return null; // not written yet
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    warn(`${file} is not JSON; using the defaults (the file is rewritten when the app next saves it)`);
    return null;
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  warn(`${file} does not hold what the app expects (${parsed.error.issues[0]?.message}); using the defaults`);
  return null;
}

export function writeJsonFile(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`);
  fs.renameSync(temporary, file);
}
