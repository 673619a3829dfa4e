import fs from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { loadPolicy } from '../../policy';
import { summarize, type BenchDefinition, type BenchRow } from '../bench/types';
import { connectDocker } from '../sandbox/docker-probe';
import { startDockerSandbox } from '../sandbox/docker-sandbox';
import { findSandboxImage } from '../sandbox/images';
import type { Sandbox } from '../sandbox/types';
import { EventBus } from '../api/event-bus';
import { openStore } from '../store/database';
import { RunRepository } from '../store/run-repository';
import { launchScript } from '../tools/launch';
import type { ToolContext } from '../tools/context';
import { storeLedger } from './ledger';
import { EventPublisher } from './publisher';

// Issue 8 section 4 figures: training output that floods (a loss line per batch) through the run's real output
// path (Docker exec, demux, line splitting, the bounded command log, SQLite in batches, the event bus), and a
// cancel in the middle of it. Figures only; flood.docker.test.ts asserts the bounds.

const FLOOD_PY = `import itertools\nfor i in itertools.count(1):\n    print(f"epoch 1 batch {i} loss {1.0 / i:.6f}")\n`;
const HANG_PY = `import time\nprint("waiting", flush=True)\ntime.sleep(600)\n`;
const skipped = (name: string, why: string): BenchRow => ({ name, n: 0, note: `skipped: ${why}` });
const round = (v: number) => Math.round(v * 10) / 10;

async function dockerReady(): Promise<string | null> {
  const connection = await connectDocker({ timeoutMs: 3000 });
  if (!connection.ok) return connection.error.message;
  const image = await findSandboxImage(connection.value.docker);
  return image.ok ? null : image.error.message;
}

interface Harness {
  sandbox: Sandbox;
  workspace: string;
  runDir: string;
  dbPath: string;
  repo: RunRepository;
  publisher: EventPublisher;
  close(): Promise<void>;
}

async function harness(tempDir: (name: string) => string): Promise<Harness> {
  const root = tempDir('flood');
  const workspace = path.join(root, 'ws');
  const runDir = path.join(root, 'run');
  fs.mkdirSync(workspace, { recursive: true, mode: 0o777 });
  fs.chmodSync(workspace, 0o777);
  fs.writeFileSync(path.join(workspace, 'flood.py'), FLOOD_PY);
  fs.writeFileSync(path.join(workspace, 'hang.py'), HANG_PY);
  const dbPath = path.join(root, 'bench.db');
  const store = openStore({ path: dbPath });
  const repo = new RunRepository(store.db);
  const publisher = new EventPublisher(repo, new EventBus());
  const started = await startDockerSandbox({
    runId: `bench-flood-${process.pid}`,
    workspaceDir: workspace,
    forceCpu: true,
  });
  if (!started.ok) {
    store.close();
    throw started.error;
  }
  return {
    sandbox: started.value,
    workspace: fs.realpathSync(workspace),
    runDir,
    dbPath,
    repo,
    publisher,
    async close() {
      await started.value.stop();
      store.close();
    },
  };
}

/** One launch of `script`, cancelled after `afterMs`: how long the cancel took, what the loop and the DB saw. */
async function cancelledLaunch(h: Harness, runId: string, script: string, afterMs: number) {
  h.repo.create({
    id: runId,
    name: null,
    mode: 'greenfield',
    task: 'bench',
    workspace: h.workspace,
    runDir: h.runDir,
    config: {},
    metric: { name: 'accuracy', direction: 'higher', target: null, trusted: true },
    maxSteps: 1,
    model: 'bench',
    sandbox: 'docker',
    ownerPid: process.pid,
    ownerHost: 'bench',
  });
  const ledger = storeLedger(runId, h.repo, h.publisher, h.runDir);
  const controller = new AbortController();
  const ctx: ToolContext = {
    sandbox: h.sandbox,
    policy: loadPolicy({ userPolicyPath: null }),
    workspaceDir: h.workspace,
    dataDir: null,
    timeouts: { shellMs: 60_000, pythonMs: 60_000, testsMs: 60_000, trainingMs: 120_000, evaluateMs: 60_000 },
    outputCapChars: 4000,
    network: false,
    signal: controller.signal,
    openLog: (source) => ledger.openLog('training', source, 0),
  };
  const dbBytes = () =>
    ['', '-wal'].reduce((n, s) => n + (fs.existsSync(h.dbPath + s) ? fs.statSync(h.dbPath + s).size : 0), 0);
  const before = dbBytes();
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();

  const launched = launchScript(ctx, {
    kind: 'training',
    scriptPath: script,
    args: [],
    logFile: `logs/${runId}.log`,
    timeoutMs: 120_000,
  }).then((result) => ({ result, doneAt: performance.now() }));
  await new Promise((r) => setTimeout(r, afterMs));
  loop.disable();
  const cancelledAt = performance.now();
  controller.abort();
  const { result, doneAt } = await launched;
  await ledger.closeLogs();
  const marker = h.repo
    .events(runId, { sinceSeq: 0, limit: 100_000 })
    .events.find((e) => e.body.type === 'log.omitted');
  const lines = marker?.body.type === 'log.omitted' ? marker.body.totalLines : 0;
  return {
    cancelMs: doneAt - cancelledAt,
    cancelled: result.cancelled,
    p99: loop.percentile(99) / 1e6,
    max: loop.max / 1e6,
    lines,
    dbGrowth: dbBytes() - before,
    floodMs: afterMs,
  };
}

export const benchmarks: BenchDefinition[] = [
  {
    name: 'runs.output-flood',
    describe:
      'a train.py printing a line per batch as fast as it can, through the run output path, then cancelled; and a quiet hang cancelled',
    async run(ctx) {
      const why = await dockerReady();
      if (why) return [skipped('runs.output-flood', why)];
      const h = await harness((n) => ctx.tempDir(n));
      const rows: BenchRow[] = [];
      try {
        const runs = Math.max(3, Math.round(ctx.runs / 5));
        const flood: Awaited<ReturnType<typeof cancelledLaunch>>[] = [];
        const quiet: number[] = [];
        for (let i = 0; i < runs; i++) {
          flood.push(await cancelledLaunch(h, `flood-${i}`, 'flood.py', 3000));
          quiet.push((await cancelledLaunch(h, `hang-${i}`, 'hang.py', 1000)).cancelMs);
        }
        const rate = flood.map((f) => f.lines / (f.floodMs / 1000));
        const meanRate = rate.reduce((a, b) => a + b, 0) / rate.length;
        rows.push(
          summarize(
            'cancel under a flood (exec returns)',
            flood.map((f) => f.cancelMs),
            {
              note: `~${Math.round(meanRate / 1000)}k lines/s for 3 s, then abort: the process tree killed, output drained`,
            },
          ),
          summarize('cancel of a quiet hang (exec returns)', quiet, { note: 'time.sleep(600), then abort' }),
          summarize(
            'event-loop delay p99 during a flood',
            flood.map((f) => f.p99),
            {
              note: `monitorEventLoopDelay over 3 s of flood; worst max ${round(Math.max(...flood.map((f) => f.max)))} ms`,
            },
          ),
        );
        const perMillion = flood.map((f) => (f.lines > 0 ? (f.dbGrowth / f.lines) * 1e6 : 0));
        const bytes = [...perMillion].sort((a, b) => a - b)[Math.floor(perMillion.length / 2)]!;
        rows.push({
          name: 'database bytes per million output lines',
          n: flood.length,
          note: `${Math.round(bytes).toLocaleString('en-US')} bytes (median; db + WAL growth / lines printed; the lines themselves go to runs/<id>/logs)`,
        });
      } finally {
        await h.close();
      }
      return rows;
    },
  },
];
