import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeTempDir } from '../../engine/testing/temp-dir';
import { PRODUCT } from '../../engine/version';
import { EXIT } from './exit-codes';
import { main } from './index';
import { captureOutput } from '../../engine/testing/capture-output';

const capture = captureOutput;

describe('mle-beast command', () => {
  afterEach(() => vi.restoreAllMocks());

  it('--version prints the package version and exits 0', async () => {
    const io = capture();
    expect(await main(['node', 'mle-beast', '--version'])).toBe(EXIT.ok);
    expect(io.out().trim()).toBe(PRODUCT.version);
  });

  it('--help lists serve and exits 0', async () => {
    const io = capture();
    expect(await main(['node', 'mle-beast', '--help'])).toBe(EXIT.ok);
    expect(io.out()).toMatch(/serve \[options\]/);
    expect(io.out()).toMatch(/init \[options\] +set up a folder for mle-beast/);
    expect(io.out()).toMatch(/doctor \[options\] +check what runs need/);
  });

  it('bad input exits 2 with a message', async () => {
    const io = capture();
    expect(await main(['node', 'mle-beast', 'serve', '--port', '99999'])).toBe(EXIT.badInput);
    expect(io.err()).toMatch(/--port.*0 to 65535/);
    expect(await main(['node', 'mle-beast', 'frobnicate'])).toBe(EXIT.badInput);
    expect(io.err()).toMatch(/unknown command 'frobnicate'/);
  });

  it('refuses a non-loopback host without --allow-remote (exit 2) before creating anything', async () => {
    const io = capture();
    const temp = makeTempDir();
    const dbDir = path.join(temp.dir, 'not-yet');
    vi.stubEnv('MLE_BEAST_DB_PATH', path.join(dbDir, 'db.sqlite'));
    expect(await main(['node', 'mle-beast', 'serve', '--host', '0.0.0.0', '--no-browser'])).toBe(
      EXIT.badInput,
    );
    expect(io.err()).toMatch(/not a loopback address/);
    expect(fs.existsSync(dbDir)).toBe(false);
    vi.unstubAllEnvs();
    temp.cleanup();
  });
});
