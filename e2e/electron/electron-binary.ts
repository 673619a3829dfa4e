import fs from 'node:fs';
import path from 'node:path';

/**
 * The Electron executable, without triggering the `electron` package's download-on-first-use
 * (requiring 'electron' from Node would try to fetch it). Null when no binary is installed.
 */
export function findElectronBinary(root = process.cwd()): string | null {
  const pkg = path.join(root, 'node_modules', 'electron');
  const pathFile = path.join(pkg, 'path.txt');
  const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? path.join(pkg, 'dist');
  if (!fs.existsSync(pathFile)) return null;
  const binary = path.join(dist, fs.readFileSync(pathFile, 'utf8').trim());
  return fs.existsSync(binary) ? binary : null;
}

export const ELECTRON_SKIP_REASON =
  'no Electron binary installed (node_modules/electron/dist is empty; the binary downloads from GitHub on first ' +
  'launch, which this machine cannot reach): desktop e2e skipped; the same flow ran in Chromium through mle-beast serve';
