import fs from 'node:fs';
import path from 'node:path';

/** Test helpers: small datasets written to a temporary folder. Tests only. */

export function write(root: string, relative: string, content: string | Buffer): string {
  const file = path.join(root, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

/** Bytes that pass the PNG header check (the signature, then filler). */
export function pngBytes(seed = 0): Buffer {
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    Buffer.from(`png-${seed}`),
  ]);
}

export function jpegBytes(seed = 0): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from(`jpeg-${seed}`)]);
}

/** Every file under a folder, relative, sorted, with forward slashes. */
export function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, rel: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const r = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path.join(dir, entry.name), r);
      else out.push(r);
    }
  };
  if (fs.existsSync(root)) walk(root, '');
  return out.sort();
}

/** Parses a CSV this module wrote (no multi-line fields in the fixtures). */
export function readSimpleCsv(file: string): { header: string[]; rows: string[][] } {
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
  const split = (line: string) => line.split(',');
  return { header: split(lines[0] ?? ''), rows: lines.slice(1).map(split) };
}

/** A CSV from a header and rows (values must not need quoting). */
export function csv(header: string[], rows: (string | number)[][]): string {
  return [header.join(','), ...rows.map((r) => r.join(','))].join('\n') + '\n';
}
