import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { dispatch } from '../api/dispatch';
import type { RunSnapshot, RunSummary } from '../api/runs';
import { httpError, startScriptedServer, type ScriptedServer } from '../llm/scripted-server';
import { createEngine } from '../service/engine';
import { makeTempDir } from '../testing/temp-dir';
import { churnData } from './testing/engine-run';

// A model that answers /models but fails every chat call: the run ends `failed` with the reason, after a few
// calls, instead of spending every step on "failed experiments" (local sandbox: no Docker needed).

let server: ScriptedServer;
const temp = makeTempDir('mle-beast-model-down-');
beforeAll(async () => {
  server = await startScriptedServer(
    Array.from({ length: 100 }, () => httpError(500)),
    { models: ['m'] },
  );
});
afterAll(async () => {
  await server.close();
  temp.cleanup();
});

it('fails the run when the model does not answer call after call', async () => {
  const engine = createEngine({
    host: 'cli',
    databasePath: path.join(temp.dir, 'db.sqlite'),
    runs: { env: { LOCAL_LLM_BASE_URL: server.baseURL, MLE_BEAST_MODEL: 'm' } },
  });
  try {
    const data = await churnData(path.join(temp.dir, 'data'), 200);
    const started = await dispatch(engine.handlers, 'runs.start', {
      folder: data,
      task: 'predict churn',
      overrides: { sandbox: 'local' },
      cwd: temp.dir,
    });
    if (!started.ok) throw new Error(started.error.message);
    const id = (started.value as RunSummary).id;
    await engine.runs.whenDone(id);
    const got = await dispatch(engine.handlers, 'runs.get', { id, limit: 1 });
    if (!got.ok) throw new Error(got.error.message);
    const run = (got.value as RunSnapshot).run;
    expect(run).toMatchObject({ status: 'failed', endReason: 'error', llmCalls: 5 });
    expect(run.message).toMatch(/did not answer 5 calls in a row.*500/);
  } finally {
    await engine.close();
  }
}, 120_000);
