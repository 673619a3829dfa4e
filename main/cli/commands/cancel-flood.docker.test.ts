import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../../engine/api/dispatch';
import type { RunList, RunSnapshot } from '../../../engine/api/runs';
import { daemon, dockerSuiteTitle } from '../../../engine/testing/docker';
import { startScenarioModel, type ScenarioModel } from '../../../engine/demo';
import { churnData, FLOOD_STARTS, floodingScenario } from '../../../engine/runs/testing/engine-run';
import { createEngine, type Engine } from '../../../engine/service/engine';
import { makeTempDir } from '../../../engine/testing/temp-dir';
import { EXIT } from '../exit-codes';

// Issue 8 section 4 as a user meets it: `mle-beast run --verbose` in one process, its train.py flooding, and a
// cancel from another process (what `mle-beast cancel` does: it asks through the shared database). The built
// CLI (node scripts/build-node.mjs), the real Docker sandbox.

const CLI = path.resolve('bin/mle-beast.js');
const BUILT = fs.existsSync(path.resolve('out/cli/entry.js'));
const run$ = promisify(execFile);

async function trainingAlive(runId: string): Promise<boolean> {
  const { stdout } = await run$('docker', ['ps', '-q', '--filter', `name=mle-beast-${runId}`]);
  const container = stdout.trim().split('\n')[0];
  if (!container) return false;
  try {
    return /train\.py/.test((await run$('docker', ['top', container, '-eo', 'pid,args'])).stdout);
  } catch {
    return false;
  }
}

describe.skipIf(!daemon.available)(
  dockerSuiteTitle('mle-beast run under a flood, cancelled elsewhere'),
  () => {
    const temp = makeTempDir('mle-beast-cancel-flood-');
    let model: ScenarioModel;
    let engine: Engine | null = null;
    beforeAll(async () => {
      model = await startScenarioModel(floodingScenario());
    });
    afterAll(async () => {
      await engine?.close();
      await model?.close();
      temp.cleanup();
    });

    it('the sandbox process is gone within 2 s and the run cancelled within 3 s', async () => {
      expect(BUILT, 'the CLI is not built: run `node scripts/build-node.mjs` first').toBe(true);
      const dbPath = path.join(temp.dir, 'home', 'mle_beast.db');
      const env = {
        ...process.env,
        MLE_BEAST_DB_PATH: dbPath,
        LOCAL_LLM_BASE_URL: model.baseURL,
        MLE_BEAST_MODEL: model.model,
        MLE_BEAST_PROVIDER: 'local',
      };
      const data = await churnData(path.join(temp.dir, 'data'));
      const child = spawn(
        process.execPath,
        [
          CLI,
          'run',
          data,
          'predict churn',
          '--metric',
          'accuracy',
          '--target',
          '0.82',
          '--max-steps',
          '6',
          '--verbose',
        ],
        { cwd: temp.dir, env, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let printed = 0;
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (printed += d.length));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

      // Another engine on the same database: the way `mle-beast cancel` reaches a run of another process.
      engine = createEngine({ host: 'cli', databasePath: dbPath });
      const handlers = engine.handlers;
      let id: string | null = null;
      const until = Date.now() + 240_000;
      for (;;) {
        expect(child.exitCode, `mle-beast run ended early: ${stderr}`).toBeNull();
        expect(Date.now() < until, 'the flood never started').toBe(true);
        if (!id) {
          const listed = await dispatch(handlers, 'runs.list', {});
          id = listed.ok ? ((listed.value as RunList).runs[0]?.id ?? null) : null;
        }
        if (id) {
          const snap = await dispatch(handlers, 'runs.get', { id, sinceSeq: 0, limit: 5000 });
          const events = snap.ok ? (snap.value as RunSnapshot).events : [];
          if (events.some((e) => e.body.type === 'log' && e.body.text === FLOOD_STARTS)) break;
        }
        await new Promise((r) => setTimeout(r, 250));
      }
      await new Promise((r) => setTimeout(r, 3000)); // the flood goes on a while

      const t0 = performance.now();
      const requested = await dispatch(handlers, 'runs.cancel', { id });
      expect(requested.ok).toBe(true);
      let goneMs: number | null = null;
      let cancelledMs: number | null = null;
      while ((goneMs === null || cancelledMs === null) && performance.now() - t0 < 15_000) {
        if (goneMs === null && !(await trainingAlive(id))) goneMs = performance.now() - t0;
        if (cancelledMs === null) {
          const got = await dispatch(handlers, 'runs.get', { id, limit: 1 });
          if (got.ok && (got.value as RunSnapshot).run.status === 'cancelled')
            cancelledMs = performance.now() - t0;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      console.log(
        `cancel from another process under a flood: train.py gone after ${Math.round(goneMs ?? -1)} ms, run cancelled after ${Math.round(cancelledMs ?? -1)} ms; the CLI printed ${printed} bytes`,
      );
      expect(goneMs).not.toBeNull();
      expect(goneMs!).toBeLessThanOrEqual(2000);
      expect(cancelledMs).not.toBeNull();
      expect(cancelledMs!).toBeLessThanOrEqual(3000);
      expect(await exited, stderr).toBe(EXIT.cancelled);
    }, 400_000);
  },
);
