import fs from 'node:fs/promises';
import path from 'node:path';
import {
  Scoreboard,
  SCOREBOARD_VERSION,
  type BaselinesFile,
  type BenchRunResult,
  type BenchTask,
} from '../api/agent-bench';
import type { CommandHandlers } from '../api/dispatch';
import { dispatch } from '../api/dispatch';
import { RunSnapshot, type RunSummary } from '../api/runs';
import { isTerminalStatus, type SandboxChoice } from '../api/vocabulary';
import { PRODUCT } from '../version';
import { makeTaskData, projectYaml, type TaskData } from './data';
import { overallOf, summarizeTask, thresholdsOf, tierFor } from './score';

/**
 * Runs the suite: for each task and seed, one run started through the contract (`runs.start` with a written
 * project.yaml, as `mle-beast run project.yaml` starts one: the provider resolved by the engine from the
 * environment, .env and settings), followed until it ends, then scored from the run's own final-holdout score
 * (`finalScore`: the best commit scored once by the engine on the final hidden split). Nothing the agent
 * reports about itself is read.
 */

export interface SuiteOptions {
  handlers: CommandHandlers;
  tasks: readonly BenchTask[];
  baselines: BaselinesFile;
  seeds: number;
  parallel: number;
  /** Where the data, the project files, the workspaces and the scoreboard go. */
  outDir: string;
  sandbox: SandboxChoice;
  python?: string;
  /** Caps every task's step budget (a smoke run); recorded in the scoreboard. */
  maxSteps?: number | null;
  provider: string | null;
  model: string | null;
  /** One line per event worth telling the user (a run started, a run ended with its tier). */
  onProgress?: (line: string) => void;
  signal?: AbortSignal;
  /** How often a running run is looked at (ms). */
  pollMs?: number;
  now?: () => Date;
}

interface Job {
  task: BenchTask;
  seed: number;
}

const minutesBetween = (a: string | null, b: string | null): number =>
  a && b ? Math.max(0, (Date.parse(b) - Date.parse(a)) / 60_000) : 0;

export async function runSuite(options: SuiteOptions): Promise<Scoreboard> {
  const now = options.now ?? (() => new Date());
  const startedAt = now().toISOString();
  const say = options.onProgress ?? (() => undefined);
  const outDir = path.resolve(options.outDir);
  await fs.mkdir(outDir, { recursive: true });

  // The data once per task, shared by its seeds (a run copies it into its own run folder at intake).
  const data = new Map<string, { ok: true; value: TaskData } | { ok: false; message: string }>();
  for (const task of options.tasks) {
    const dir = path.join(outDir, 'data', task.name);
    await fs.rm(dir, { recursive: true, force: true });
    const made = await makeTaskData(task, dir, {
      sandbox: options.sandbox,
      ...(options.python ? { python: options.python } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    data.set(task.name, made.ok ? made : { ok: false, message: made.error.message });
    if (!made.ok) say(`${task.name}: ${made.error.message}`);
  }

  const jobs: Job[] = [];
  for (let seed = 1; seed <= options.seeds; seed += 1)
    for (const task of options.tasks) jobs.push({ task, seed });
  const results: BenchRunResult[] = new Array(jobs.length);
  const seenModels: (string | null)[] = new Array(jobs.length).fill(null);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length && !options.signal?.aborted) {
      const index = next;
      next += 1;
      const job = jobs[index] as Job;
      results[index] = await runOne(job, data.get(job.task.name), options, outDir, say, (model) => {
        seenModels[index] = model;
      });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.parallel, jobs.length)) }, worker));
  const runs = results.filter((r): r is BenchRunResult => r !== undefined);
  const models = [...new Set(results.map((_, i) => seenModels[i]).filter((m): m is string => !!m))];

  return Scoreboard.parse({
    version: SCOREBOARD_VERSION,
    product: { name: PRODUCT.name, version: PRODUCT.version },
    startedAt,
    endedAt: now().toISOString(),
    provider: options.provider,
    // The model the engine resolved for the runs (what they really used), else the one asked for.
    model: models.length > 0 ? models.join(', ') : options.model,
    sandbox: options.sandbox,
    seeds: options.seeds,
    maxStepsCap: options.maxSteps ?? null,
    baselinesMeasuredAt: options.baselines.measuredAt,
    tasks: options.tasks.map((t) => summarizeTask(t, baselinesOf(options.baselines, t), runs)),
    runs,
    overall: overallOf(runs),
  });
}

export function baselinesOf(file: BaselinesFile, task: BenchTask) {
  const b = file.tasks[task.name];
  if (!b)
    throw new Error(
      `baselines.json has no baselines for ${task.name}: measure them (engine/agent-bench/testing/measure-baselines.ts)`,
    );
  return b;
}

async function runOne(
  job: Job,
  data: { ok: true; value: TaskData } | { ok: false; message: string } | undefined,
  options: SuiteOptions,
  outDir: string,
  say: (line: string) => void,
  onModel: (model: string) => void,
): Promise<BenchRunResult> {
  const { task, seed } = job;
  const label = `${task.name} seed ${seed}`;
  const empty = (error: string): BenchRunResult => ({
    task: task.name,
    seed,
    runId: null,
    status: null,
    endReason: null,
    finalScore: null,
    tier: 'none',
    steps: 0,
    costUsd: 0,
    minutes: 0,
    error,
  });
  if (!data?.ok) return empty(data?.message ?? 'no data');
  const dir = path.join(outDir, 'runs', `${task.name}-seed${seed}`);
  await fs.rm(dir, { recursive: true, force: true });
  await fs.mkdir(dir, { recursive: true });
  const project = path.join(dir, 'project.yaml');
  await fs.writeFile(
    project,
    projectYaml(task, data.value.dataPath, { seed, maxSteps: options.maxSteps ?? null }),
  );
  const started = await dispatch(options.handlers, 'runs.start', {
    project,
    overrides: {
      sandbox: options.sandbox,
      workspace: path.join(dir, 'workspace'),
      ...(options.python ? { python: options.python } : {}),
    },
    cwd: dir,
  });
  if (!started.ok) {
    say(`${label}: did not start: ${started.error.message}`);
    return empty(`the run did not start: ${started.error.message}`);
  }
  const id = (started.value as RunSummary).id;
  say(`${label}: run ${id.slice(0, 8)} started`);
  const run = await waitForEnd(options, id);
  if (!run.ok) return { ...empty(run.message), runId: id };
  const summary = run.value;
  onModel(summary.model);
  const baselines = baselinesOf(options.baselines, task);
  const tier = tierFor(summary.finalScore, thresholdsOf(baselines));
  const result: BenchRunResult = {
    task: task.name,
    seed,
    runId: id,
    status: summary.status,
    endReason: summary.endReason,
    finalScore: summary.finalScore,
    tier,
    steps: summary.step,
    costUsd: summary.costUsd,
    minutes: minutesBetween(summary.startedAt, summary.endedAt),
    error:
      summary.finalScore === null
        ? `no final-holdout score (${summary.status}${summary.message ? `: ${summary.message}` : ''})`
        : null,
  };
  say(
    `${label}: ${summary.status}, final ${task.metric.name} ${summary.finalScore === null ? 'none' : summary.finalScore.toFixed(4)} (${tier}), ${summary.step} steps, $${summary.costUsd.toFixed(2)}, ${result.minutes.toFixed(1)} min`,
  );
  return result;
}

async function waitForEnd(
  options: SuiteOptions,
  id: string,
): Promise<{ ok: true; value: RunSummary } | { ok: false; message: string }> {
  let cancelled = false;
  for (;;) {
    if (options.signal?.aborted && !cancelled) {
      cancelled = true;
      await dispatch(options.handlers, 'runs.cancel', { id });
    }
    const got = await dispatch(options.handlers, 'runs.get', { id, limit: 1 });
    if (!got.ok) return { ok: false, message: `the run could not be read: ${got.error.message}` };
    const run = RunSnapshot.shape.run.parse((got.value as RunSnapshot).run);
    if (isTerminalStatus(run.status)) return { ok: true, value: run };
    await new Promise((r) => setTimeout(r, options.pollMs ?? 500));
  }
}
