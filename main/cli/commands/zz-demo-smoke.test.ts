import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it, vi } from 'vitest';
import { main } from '../index';

it('demo runs for real', async () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-smoke-'));
  vi.stubEnv('HOME', home);
  vi.stubEnv('MLE_BEAST_DB_PATH', path.join(home, 'db.sqlite'));
  const code = await main(['node', 'mle-beast', 'demo', 'churn', '--max-steps', '3']);
  console.error('EXIT', code);
  expect(code).toBeTypeOf('number');
}, 300_000);
