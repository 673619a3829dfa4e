import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { makeTempDir } from '../../../engine/testing/temp-dir';

// The built `mle-beast serve` stopped by a signal: it says which signal stopped it (a dashboard that stops
// answering is then explained by serve's own output) and exits cleanly once its engine has closed.

const CLI = path.resolve('bin/mle-beast.js');
const temp = makeTempDir('mle-beast-serve-signals-');
afterAll(() => temp.cleanup());

it('says which signal stopped it, then closes and exits 0', async () => {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--no-browser'], {
    cwd: temp.dir,
    env: { ...process.env, MLE_BEAST_DB_PATH: path.join(temp.dir, 'serve.db') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    await expect
      .poll(() => output, { timeout: 30_000 })
      .toMatch(/mle-beast dashboard: http:\/\/127\.0\.0\.1:\d+/);
    child.kill('SIGTERM');
    expect(await exited, output).toBe(0);
    expect(output).toContain('stopping (SIGTERM)');
  } finally {
    child.kill('SIGKILL');
  }
}, 60_000);
