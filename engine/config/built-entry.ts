import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where a host's build put one of the engine's extra entry files (a worker process or thread needs a file,
 * not a module): beside the bundle's code that asks (`callerUrl`, its import.meta.url) or one folder up.
 * out/cli/ holds the CLI's chunks and entries side by side; Electron main's build keeps index.js and the
 * entries in out/main/ and shared code in out/main/chunks/. An environment variable, when set, wins: tests
 * running the engine from its TypeScript source set it to a bundle their global setup made.
 */
export function findBuiltEntry(
  file: string,
  envVar: string,
  callerUrl: string,
): { ok: true; path: string } | { ok: false; message: string } {
  const given = process.env[envVar];
  if (given) {
    return fs.existsSync(given)
      ? { ok: true, path: given }
      : {
          ok: false,
          message: `${envVar} names ${given}, which does not exist: unset it, or build the file there.`,
        };
  }
  const here = path.dirname(fileURLToPath(callerUrl));
  const candidates = [path.join(here, file), path.join(here, '..', file)];
  const found = candidates.find((candidate) => fs.existsSync(candidate));
  return found
    ? { ok: true, path: found }
    : {
        ok: false,
        message: `${file} is not beside the engine (looked in ${candidates.join(', ')}): run \`npm run build\`, or set ${envVar} to the built file.`,
      };
}
