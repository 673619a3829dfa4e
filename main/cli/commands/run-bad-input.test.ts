import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { makeTempDir } from '../../../engine/testing/temp-dir';

// The built `mle-beast run` with input it must refuse: exit 2, the engine's message, nothing created.

const CLI = path.resolve('bin/mle-beast.js');
const temp = makeTempDir('mle-beast-bad-run-');
afterAll(() => temp.cleanup());

function run(args: string[], env: Record<string, string> = {}) {
  const home = fs.mkdtempSync(path.join(temp.dir, 'home-'));
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(MLE_BEAST_|LOCAL_LLM_|OPENROUTER_|OPENAI_)/.test(k)),
  );
  const result = spawnSync(process.execPath, [CLI, 'run', ...args], {
    cwd: temp.dir,
    env: { ...clean, MLE_BEAST_DB_PATH: path.join(home, 'mle_beast.db'), ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  const created = fs.readdirSync(home).filter((f) => !f.startsWith('mle_beast.db'));
  return { ...result, created };
}

it('malformed YAML: exit 2 with the file and line, nothing created', () => {
  expect(fs.existsSync(path.resolve('out/cli/entry.js')), 'run `npm run build` first').toBe(true);
  const file = path.join(temp.dir, 'broken.yaml');
  fs.writeFileSync(file, 'goals:\n  task_description: [unclosed\n');
  const r = run([file]);
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(/broken\.yaml:\d+:\d+/);
  expect(r.created).toEqual([]);
});

it('no provider configured: exit 2 saying which variables to set, nothing created', () => {
  const data = path.join(temp.dir, 'data');
  fs.mkdirSync(data, { recursive: true });
  fs.writeFileSync(path.join(data, 'train.csv'), 'x,y\n1,a\n2,b\n3,a\n4,b\n');
  const r = run([data, 'predict y']);
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(/OPENROUTER_API_KEY|OPENAI_API_KEY|LOCAL_LLM_BASE_URL/);
  expect(r.created).toEqual([]);
});
