import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { dispatch } from '../api/dispatch';
import type { RunSnapshot, RunSummary } from '../api/runs';
import { reply, startScriptedServer, type ScriptedServer } from '../llm/scripted-server';
import { createEngine } from '../service/engine';
import { makeTempDir } from '../testing/temp-dir';
import { churnData } from './testing/engine-run';

// `--python` naming an interpreter without the workspace's packages: the run fails in setup, before any
// model call, with a message that names the interpreter, the missing packages, the import error and the fix.

let server: ScriptedServer;
const temp = makeTempDir('mle-beast-python-probe-');
let bare: string;
beforeAll(async () => {
  server = await startScriptedServer([reply({ content: 'never asked' })], { models: ['m'] });
  await execa('python3', ['-m', 'venv', '--without-pip', path.join(temp.dir, 'bare')]);
  bare = path.join(temp.dir, 'bare', 'bin', 'python');
});
afterAll(async () => {
  await server.close();
  temp.cleanup();
});

it('a run whose Python lacks pandas & co. fails in setup, before any model call, saying what to do', async () => {
  const engine = createEngine({
    host: 'cli',
    databasePath: path.join(temp.dir, 'home', 'db.sqlite'),
    runs: { env: { LOCAL_LLM_BASE_URL: server.baseURL, MLE_BEAST_MODEL: 'm' } },
  });
  try {
    const data = await churnData(path.join(temp.dir, 'data'), 200);
    const started = await dispatch(engine.handlers, 'runs.start', {
      folder: data,
      task: 'predict churn',
      overrides: { sandbox: 'local', python: bare },
      cwd: temp.dir,
    });
    if (!started.ok) throw new Error(started.error.message);
    const id = (started.value as RunSummary).id;
    await engine.runs.whenDone(id);
    const got = await dispatch(engine.handlers, 'runs.get', { id, limit: 500 });
    if (!got.ok) throw new Error(got.error.message);
    const snapshot = got.value as RunSnapshot;
    expect(snapshot.run).toMatchObject({ status: 'failed', endReason: 'error', llmCalls: 0 });
    expect(snapshot.run.message).toContain(bare);
    expect(snapshot.run.message).toContain("ModuleNotFoundError: No module named 'pandas'");
    expect(snapshot.run.message).toMatch(/cannot import numpy, pandas, scikit-learn, pytest/);
    expect(snapshot.run.message).toMatch(/--python PATH/);
    expect(snapshot.stages.find((s) => s.stage === 'setup')).toMatchObject({ status: 'fail' });
    expect(server.requests.filter((r) => r.path.endsWith('/chat/completions'))).toEqual([]);
    expect(fs.existsSync(path.join(temp.dir, 'home', 'runs', id))).toBe(true);
  } finally {
    await engine.close();
  }
}, 120_000);
