import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { ConfigResult } from '../errors';
import { formatConfigError } from '../errors';

/** Tests only: writes `files` (path → content; a trailing `/` makes a folder) under `root`. */
export function writeTree(root: string, files: Record<string, string>): void {
  for (const [name, content] of Object.entries(files)) {
    const full = path.join(root, name);
    if (name.endsWith('/')) fs.mkdirSync(full, { recursive: true });
    else {
      fs.mkdirSync(path.dirname(full), { recursive: true });
      fs.writeFileSync(full, content);
    }
  }
}

/** Tests only: the value of a successful result, failing the test with the formatted errors otherwise. */
export function expectOk<T>(result: ConfigResult<T>): T {
  if (!result.ok) expect.fail(`expected success, got:\n${result.errors.map(formatConfigError).join('\n')}`);
  return result.value;
}

/** Tests only: the formatted errors of a failed result. */
export function expectErrors<T>(result: ConfigResult<T>): string[] {
  if (result.ok) expect.fail('expected errors, got a config');
  return result.errors.map(formatConfigError);
}
