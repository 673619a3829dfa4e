import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { loadPolicy } from '../../policy';
import { dispatch } from '../api/dispatch';
import { prepareRunData } from '../datasets';
import { storeLedger } from '../runs/ledger';
import { EventPublisher } from '../runs/publisher';
import { startLocalSandbox } from '../sandbox';
import { resolveMetric, scorePredictions } from '../scoring';
import { createEngine } from '../service';
import { RunRepository } from '../store/run-repository';
import type { ToolContext } from '../tools/context';
import { launchScript } from '../tools/launch';
import { currentSha, openGreenfield } from '../workspace';
import { runGit } from '../workspace/git';

/**
 * The desktop main process, stood in for by a plain Node process (there is no Electron binary here): the
 * engine created as main/electron/index.ts creates it, commands arriving as structured-clone messages over a
 * real process boundary (`fork` with `serialization: 'advanced'`, as ipcMain's are) and answered through the
 * contract's `dispatch`, events sent back the way main sends them to the renderer. On `load`, it takes in a
 * big CSV (the datasets.inspect preview, then runs.start's intake into a run data folder: hashing, holdout
 * split, writing splits), scores the hidden split, and streams a run's flooding output (log file, SQLite
 * batches, events), all at once, while monitorEventLoopDelay watches its loop. mainloop.bench.ts drives it.
 */

type Incoming =
  { type: 'call'; id: number; name: string; input: unknown } | { type: 'load'; csv: string; dir: string };

const send = (message: unknown) => process.send?.(message);

const FLOOD_PY = `import itertools, time\nend = time.time() + float(__import__('sys').argv[1])\nfor i in itertools.count(1):\n    print(f"epoch 1 batch {i} loss {1.0 / i:.6f}")\n    if i % 1000 == 0 and time.time() > end:\n        break\n`;

async function main() {
  const home = process.env.MLE_BEAST_BENCH_HOME;
  if (!home) throw new Error('MLE_BEAST_BENCH_HOME is not set: this process is started by mainloop.bench.ts');
  const engine = await createEngine({ host: 'electron', databasePath: path.join(home, 'main.db') });
  // What main does with every event: hand it to the page (webContents.send), here the parent process.
  engine.events.subscribe((message) => send({ type: 'event', name: message.name }));

  process.on('message', (raw: Incoming) => {
    if (raw.type === 'call') {
      void dispatch(engine.handlers, raw.name, raw.input).then((reply) =>
        send({ type: 'reply', id: raw.id, reply }),
      );
    } else if (raw.type === 'load') {
      void load(engine, raw).then(
        (result) => send({ type: 'loaded', result }),
        (error: Error) => send({ type: 'loaded', error: error.stack ?? String(error) }),
      );
    }
  });
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready' });
}

async function load(engine: Awaited<ReturnType<typeof createEngine>>, request: { csv: string; dir: string }) {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const t0 = performance.now();
  const phases: Record<string, number> = {};
  const timed = async <T>(name: string, work: Promise<T>): Promise<T> => {
    const value = await work;
    phases[name] = Math.round(performance.now() - t0);
    return value;
  };

  // MLE_BEAST_BENCH_PARTS=intake or =run measures one load alone (to tell which one blocks).
  const parts = process.env.MLE_BEAST_BENCH_PARTS ?? 'intake,run';
  const intake = (async () => {
    if (!parts.includes('intake')) {
      await new Promise((resolve) => setTimeout(resolve, 20_000));
      return { rows: 0, score: null, scoreNote: 'intake left out' };
    }
    const preview = await timed(
      'datasets.inspect',
      dispatch(engine.handlers, 'datasets.inspect', { path: request.csv }),
    );
    if (!preview.ok) throw new Error(`datasets.inspect: ${preview.error.message}`);
    const prepared = await timed(
      'runs.start intake',
      prepareRunData({
        source: { kind: 'tabular', path: request.csv, labelColumn: 'label' },
        runDataDir: path.join(request.dir, 'run', 'data'),
      }),
    );
    if (!prepared.ok) throw new Error(`intake: ${prepared.errors.map((e) => e.message).join('; ')}`);
    // A submission scored against the hidden final split, every example predicted as class 'a'. The agent
    // writes it in the sandbox, not main: awk writes it here, in its own process.
    const { paths, manifest } = prepared.value;
    const predictions = path.join(request.dir, 'predictions.csv');
    await run(
      'awk',
      ['-F,', `NR==1{print "id,prediction"; next}{print $1",a"}`, paths.final.labels],
      predictions,
    );
    const metric = resolveMetric('accuracy', { task: 'classification', classes: manifest.classes ?? [] });
    if (!metric.ok) throw new Error(metric.message);
    const score = await timed(
      'scoring',
      scorePredictions({
        predictionsPath: predictions,
        labelsPath: paths.final.labels,
        metric: metric.metric,
      }),
    );
    return {
      rows: manifest.summary.rows,
      score: score.ok ? score.value : null,
      scoreNote: score.ok ? '' : score.message,
    };
  })();

  // The run streams output for as long as the intake lasts, then is cancelled (the cancel path runs too).
  const stopRun = new AbortController();
  const flood = parts.includes('run')
    ? timed('run output', streamRun(engine, request, stopRun.signal))
    : Promise.resolve({ lines: 0, commits: 0 });
  const taken = await intake.finally(() => stopRun.abort());
  const streamed = await flood;
  loop.disable();
  return {
    p50: loop.percentile(50) / 1e6,
    p99: loop.percentile(99) / 1e6,
    max: loop.max / 1e6,
    totalMs: Math.round(performance.now() - t0),
    phases,
    ...taken,
    ...streamed,
  };
}

/** A training script flooding its output through the run's real output path, with a local sandbox. */
async function streamRun(
  engine: Awaited<ReturnType<typeof createEngine>>,
  request: { dir: string },
  signal: AbortSignal,
): Promise<{ lines: number; commits: number }> {
  const workspace = path.join(request.dir, 'ws');
  const runDir = path.join(request.dir, 'run');
  // The run's workspace as the engine opens one (git init, its branch and ignores), then commits meanwhile.
  await openGreenfield(workspace);
  fs.writeFileSync(path.join(workspace, 'flood.py'), FLOOD_PY);
  const commits = commitWhileRunning(workspace, signal);
  let commitCount: number;
  const repo = new RunRepository(engine.store.db);
  const publisher = new EventPublisher(repo, engine.events);
  const runId = `bench-mainloop-${process.pid}`;
  repo.create({
    id: runId,
    name: null,
    mode: 'greenfield',
    task: 'bench',
    workspace,
    runDir,
    config: {},
    metric: { name: 'accuracy', direction: 'higher', target: null, trusted: true },
    maxSteps: 1,
    model: 'bench',
    sandbox: 'local',
    ownerPid: process.pid,
    ownerHost: 'bench',
  });
  const started = await startLocalSandbox({ runId, workspaceDir: workspace }, { unisolated: true });
  if (!started.ok) throw started.error;
  const ledger = storeLedger(runId, repo, publisher, runDir);
  const ctx: ToolContext = {
    sandbox: started.value,
    policy: loadPolicy({ userPolicyPath: null }),
    workspaceDir: workspace,
    dataDir: null,
    timeouts: { shellMs: 60_000, pythonMs: 60_000, testsMs: 60_000, trainingMs: 120_000, evaluateMs: 60_000 },
    outputCapChars: 4000,
    network: false,
    signal,
    openLog: (source) => ledger.openLog('training', source, 0),
  };
  try {
    const result = await launchScript(ctx, {
      kind: 'training',
      scriptPath: 'flood.py',
      args: ['600'],
      logFile: `logs/${runId}.log`,
      timeoutMs: 120_000,
    });
    if (result.error && !result.cancelled) throw new Error(`flood.py: ${result.error}`);
  } finally {
    await ledger.closeLogs();
    await started.value.stop();
    commitCount = await commits;
  }
  const marker = repo
    .events(runId, { sinceSeq: 0, limit: 100_000 })
    .events.find((e) => e.body.type === 'log.omitted');
  return { lines: marker?.body.type === 'log.omitted' ? marker.body.totalLines : 0, commits: commitCount };
}

/** An experiment's commit every second, as the search loop makes them, until the run ends. */
async function commitWhileRunning(workspace: string, signal: AbortSignal): Promise<number> {
  let n = 0;
  while (!signal.aborted) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    n += 1;
    await fs.promises.writeFile(path.join(workspace, 'train.py'), `# experiment ${n}\nprint(${n})\n`);
    await runGit(workspace, ['add', '-A']);
    await runGit(workspace, ['commit', '-q', '-m', `experiment ${n}`]);
    await currentSha(workspace);
  }
  return n;
}

/** Runs a command with its standard output to `outFile`. */
function run(command: string, args: string[], outFile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const out = fs.openSync(outFile, 'w');
    const child = spawn(command, args, { stdio: ['ignore', out, 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code) => {
      fs.closeSync(out);
      if (code === 0) resolve();
      else reject(new Error(`${command} exited with ${code}`));
    });
  });
}

main().catch((error: Error) => {
  process.stderr.write(`bench main stand-in: ${error.stack ?? String(error)}\n`);
  process.exit(1);
});
