import path from 'node:path';
import { _electron as electron, type ElectronApplication } from '@playwright/test';

/**
 * Starts the built desktop app (out/main) on a fresh profile and database in `dataDir`, with no single-instance
 * lock between tests. `env` is the environment it starts from (default: this process's); `extra` adds to it.
 */
export function launchDesktop(
  binary: string,
  dataDir: string,
  options: { env?: NodeJS.ProcessEnv; extra?: Record<string, string> } = {},
): Promise<ElectronApplication> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(options.env ?? process.env))
    if (value !== undefined) env[key] = value;
  return electron.launch({
    executablePath: binary,
    // Root cannot use Chromium's sandbox; the GPU process is pointless in a headless test.
    args: ['out/main/index.js', ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), '--disable-gpu'],
    env: {
      ...env,
      MLE_BEAST_DB_PATH: path.join(dataDir, 'mle_beast.db'),
      MLE_BEAST_USER_DATA: path.join(dataDir, 'user-data'),
      MLE_BEAST_DISABLE_SINGLE_INSTANCE: '1',
      ...options.extra,
    },
  });
}
