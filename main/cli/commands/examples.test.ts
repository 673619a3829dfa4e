import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { captureOutput } from '../../../engine/testing/capture-output';
import { useTempDir } from '../../../engine/testing/temp-dir';
import { EXIT } from '../exit-codes';
import { main } from '../index';

const run = (...args: string[]) => main(['node', 'mle-beast', 'examples', ...args]);

describe('mle-beast examples', () => {
  const temp = useTempDir('mle-cli-examples-');
  afterEach(() => vi.restoreAllMocks());

  it('lists the four examples', async () => {
    const io = captureOutput();
    expect(await run('list')).toBe(EXIT.ok);
    for (const name of ['churn', 'house-prices', 'shapes', 'sentiment']) expect(io.out()).toContain(name);
  });

  it('creates an example in a new folder, and never writes into a non-empty one', async () => {
    const io = captureOutput();
    const dir = path.join(temp.dir, 'churn');
    expect(await run('create', 'churn', dir, '--size', '200', '--seed', '7')).toBe(EXIT.ok);
    expect(fs.readFileSync(path.join(dir, 'churn.csv'), 'utf8').trim().split('\n')).toHaveLength(201);
    expect(io.out()).toMatch(/churn/);

    const before = fs.readFileSync(path.join(dir, 'churn.csv'));
    expect(await run('create', 'churn', dir)).toBe(EXIT.badInput);
    expect(io.err()).toMatch(/not empty/);
    expect(fs.readFileSync(path.join(dir, 'churn.csv'))).toEqual(before);
  });

  it('explains an unknown example or a bad size (exit 2)', async () => {
    const io = captureOutput();
    expect(await run('create', 'mnist', path.join(temp.dir, 'x'))).toBe(EXIT.badInput);
    expect(io.err()).toMatch(/churn/);
    expect(await run('create', 'churn', path.join(temp.dir, 'y'), '--size', 'lots')).toBe(EXIT.badInput);
    expect(fs.existsSync(path.join(temp.dir, 'y'))).toBe(false);
  });
});
