import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { captureOutput } from '../../../engine/testing/capture-output';
import { makeTempDir } from '../../../engine/testing/temp-dir';
import { EXIT } from '../exit-codes';
import { main } from '../index';

// `mle-beast bench` and `bench compare` on bad input: exit 2 with a line saying what to fix, before any
// database is opened or any run started.

describe('mle-beast bench: bad input', () => {
  const temp = makeTempDir('mle-beast-bench-input-');
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  it.each([
    [['--tasks', 'digits,mnist'], /unknown bench task 'mnist': choose from digits, digits-logloss/],
    [['--seeds', '0'], /--seeds must be a whole number from 1 to 100, got "0"/],
    [['--parallel', 'two'], /--parallel must be a whole number from 1 to 32, got "two"/],
    [['--sandbox', 'vm'], /--sandbox must be one of docker, local, local-unisolated/],
    [['--provider', 'anthropic'], /--provider must be one of local, openrouter, openai, got "anthropic"/],
  ])('bench %j exits 2 and opens no database', async (args, message) => {
    const db = path.join(temp.dir, 'never', 'mle_beast.db');
    vi.stubEnv('MLE_BEAST_DB_PATH', db);
    const io = captureOutput();
    expect(await main(['node', 'mle-beast', 'bench', ...args])).toBe(EXIT.badInput);
    expect(io.err()).toMatch(message);
    expect(fs.existsSync(path.dirname(db))).toBe(false);
  });

  it('compare: a missing file, a non-JSON file, a JSON that is not a scoreboard, another version', async () => {
    const notJson = path.join(temp.dir, 'a.json');
    fs.writeFileSync(notJson, 'scores: high');
    const notBoard = path.join(temp.dir, 'b.json');
    fs.writeFileSync(notBoard, JSON.stringify({ version: 1, tasks: [] }));
    const future = path.join(temp.dir, 'c.json');
    fs.writeFileSync(future, JSON.stringify({ version: 2 }));
    const cases: [string, RegExp][] = [
      [path.join(temp.dir, 'none.json'), /none\.json: no such file \(give a scoreboard\.json/],
      [notJson, /a\.json: not JSON/],
      [notBoard, /b\.json: not a scoreboard: product: /],
      [future, /c\.json: scoreboard version 2; this mle-beast reads version 1/],
    ];
    for (const [file, message] of cases) {
      const io = captureOutput();
      expect(await main(['node', 'mle-beast', 'bench', 'compare', file, file])).toBe(EXIT.badInput);
      expect(io.err()).toMatch(message);
      vi.restoreAllMocks();
    }
  });
});
