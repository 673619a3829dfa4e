import fs from 'node:fs';
import { ELECTRON_SKIP_REASON, findElectronBinary } from './electron/electron-binary';

export default function globalSetup(): void {
  if (!fs.existsSync('out/cli/entry.js') || !fs.existsSync('out/renderer/index.html')) {
    throw new Error('e2e tests run against the build: run `npm run build` first (npm run test:e2e does).');
  }
  if (!findElectronBinary()) console.log(`[electron e2e] skipped: ${ELECTRON_SKIP_REASON}`);
}
