import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { vi } from 'vitest';

// For the doctor and init tests (tests only): an engine of their own, and the Docker truth to hold them against.

/** A fresh database and home, and no provider from the machine's environment. */
export function isolateEnv(dir: string): void {
  const home = path.join(dir, 'home');
  fs.mkdirSync(home, { recursive: true });
  vi.stubEnv('HOME', home);
  vi.stubEnv('MLE_BEAST_DB_PATH', path.join(home, 'db.sqlite'));
  for (const name of [
    'OPENROUTER_API_KEY',
    'OPENAI_API_KEY',
    'LOCAL_LLM_BASE_URL',
    'LOCAL_LLM_API_KEY',
    'MLE_BEAST_PROVIDER',
    'MLE_BEAST_MODEL',
  ])
    vi.stubEnv(name, undefined);
}

/** Whether the Docker CLI sees a daemon with the sandbox image: what doctor must agree with. */
export function dockerReady(): boolean {
  try {
    const images = execFileSync('docker', ['images', '--format', '{{.Repository}}:{{.Tag}}'], {
      encoding: 'utf8',
      stdio: 'pipe',
      timeout: 10_000,
    });
    return /^mle-beast-sandbox:/m.test(images);
  } catch {
    return false;
  }
}
