import { RunStatus, STAGES, type Experiment, type RunEventBody, type StageName } from '../../api/runs';
import { openStore } from '../database';
import { RunRepository, type NewRun } from '../run-repository';

/**
 * Databases with many runs, or one run with many events, written through the real repository: for the
 * runs-list tests and for the dashboard benchmarks (scripts/bench-ui.mjs). Test scaffolding: product code
 * never imports it.
 */

export interface SeededRun {
  id: string;
  /** Insertion order: the rowid order the list breaks ties with. */
  index: number;
  name: string | null;
  task: string;
  dataset: string;
  status: RunStatus;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  step: number;
  bestScore: number | null;
  costUsd: number;
}

/** A database file (created and migrated when new) and its repository, for a seeding script. */
export function openSeeded(file: string): { repo: RunRepository; close(): void } {
  const store = openStore({ path: file });
  return { repo: new RunRepository(store.db), close: () => store.close() };
}

export const SEED_TASKS = [
  'Predict house PRICES',
  'classify churn',
  'detect fraud_50% of cases',
  'Segment images',
  'forecast sales',
];
const DATASETS = ['houses', 'churn', 'fraud', 'images', 'sales'];
const BASE = Date.parse('2026-01-01T00:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

function newRun(id: string, i: number, createdAt: string, dataset: string): NewRun {
  return {
    id,
    name: i % 10 === 0 ? null : `experiment ${i}`,
    mode: i % 3 === 0 ? 'brownfield' : 'greenfield',
    task: SEED_TASKS[i % SEED_TASKS.length]!,
    workspace: `/ws/${id}`,
    runDir: `/runs/${id}`,
    config: { dataset: { trainPath: dataset } },
    metric: { name: 'accuracy', direction: 'higher', target: 0.9, trusted: true },
    maxSteps: 10,
    model: 'gpt-bench',
    sandbox: 'docker',
    ownerPid: null,
    ownerHost: null,
    createdAt,
  };
}

/**
 * `count` runs with every sortable figure spread out, ties included (pairs share a created_at, costs and
 * durations repeat), some figures missing (no score, never started, not ended), every status, and task text
 * holding LIKE's wildcards. Times are whole seconds so durations compare exactly.
 */
export function seedRuns(
  repo: RunRepository,
  count: number,
  /** The statuses to cycle through (default: every status). */
  statuses: readonly RunStatus[] = RunStatus.options,
): SeededRun[] {
  const db = repoDb(repo);
  const seeded: SeededRun[] = [];
  const write = db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const id = `run-${String(i).padStart(4, '0')}`;
      const status = statuses[i % statuses.length]!;
      const created = BASE + Math.floor(((i * 37) % count) / 2) * 60_000;
      const startedAt = status === 'pending' ? null : iso(created + 1000);
      const ended = ['completed', 'failed', 'cancelled', 'interrupted'].includes(status);
      const endedAt = ended && startedAt ? iso(created + 1000 + ((i * 13) % 500) * 1000) : null;
      const bestScore = i % 4 === 0 ? null : ((i * 31) % 1000) / 1000;
      const costUsd = ((i * 17) % 500) / 100;
      const dataset = `/data/${DATASETS[i % DATASETS.length]}_v${i % 3}.csv`;
      const run = newRun(id, i, iso(created), dataset);
      repo.create(run);
      repo.update(id, { status, startedAt, endedAt, step: i % 11, bestScore });
      repo.addUsage(id, {
        promptTokens: 100,
        completionTokens: 10,
        reasoningTokens: 0,
        cachedTokens: 0,
        costUsd,
      });
      seeded.push({
        id,
        index: i,
        name: run.name,
        task: run.task,
        dataset,
        status,
        createdAt: run.createdAt!,
        startedAt,
        endedAt,
        step: i % 11,
        bestScore,
        costUsd,
      });
    }
  });
  write();
  return seeded;
}

// The repository keeps its connection private; the seeders need it only for one transaction around many writes.
function repoDb(repo: RunRepository) {
  return (repo as unknown as { db: import('better-sqlite3').Database }).db;
}

const LLM_USAGE = {
  promptTokens: 4000,
  completionTokens: 600,
  reasoningTokens: 0,
  cachedTokens: 0,
  costUsd: 0.01,
};

const STAGE_CYCLE: StageName[] = ['training', 'evaluate', 'proposal', 'implement', 'hillclimb_test'];

/** Appends log events now, as a run's process does (the benchmark of live events writes through this). */
export function appendLogs(repo: RunRepository, id: string, texts: readonly string[]): void {
  repo.appendEvents(
    id,
    texts.map((text) => ({ type: 'log', stage: 'training', source: 'training', stream: 'stdout', text })),
  );
}

/** The line the big run's output ends with: a benchmark waits for it to be on screen. */
export const lastLineOf = (events: number) => `bench line ${events}: training finished`;

/**
 * One ended run holding `events` events in the mix a long run produces: mostly training output (batches of
 * log lines), then metrics, tool calls, LLM calls, stages, scores and experiments. Its last event is a log line
 * reading `lastLineOf(events)`. Written through appendEvents in chunks, as the engine does.
 */
export function seedBigRun(
  repo: RunRepository,
  {
    id,
    events,
    status = 'completed',
    owner = null,
  }: {
    id: string;
    events: number;
    /** `running` with the owner of a live process: a run another process is carrying now. */
    status?: RunStatus;
    owner?: { pid: number; host: string } | null;
  },
): void {
  const db = repoDb(repo);
  const created = Date.now() - 3_600_000;
  repo.create({
    ...newRun(id, 1, iso(created), '/data/houses_v1.csv'),
    ownerPid: owner?.pid ?? null,
    ownerHost: owner?.host ?? null,
  });
  repo.update(id, { status: 'running', startedAt: iso(created + 1000) });
  const bodies: RunEventBody[] = [];
  let step = 0;
  let experiments = 0;
  let llmCalls = 0;
  const flush = () => {
    db.transaction(() => repo.appendEvents(id, bodies.splice(0), new Date(created + 2000)))();
  };
  for (let n = 1; n <= events; n++) {
    const stage = STAGE_CYCLE[step % STAGE_CYCLE.length]!;
    const k = n % 100;
    let body: RunEventBody;
    if (n === 1) {
      body = { type: 'run.state', status: 'running', reason: null, message: null };
    } else if (n === events) {
      body = { type: 'log', stage, source: 'training', stream: 'stdout', text: lastLineOf(events) };
    } else if (k === 0) {
      step += 1;
      body = { type: 'stage.started', stage, step, attempt: 1 };
    } else if (k === 1) {
      body = { type: 'stage.finished', stage, step, outcome: 'pass', message: null };
    } else if (k < 8) {
      body = {
        type: 'metrics',
        step,
        values: { epoch: n % 50, loss: 1 / (1 + n / 1000), acc: (n % 97) / 97 },
      };
    } else if (k < 11) {
      body = {
        type: 'tool.call',
        stage,
        step,
        tool: 'run_command',
        args: { command: `python train.py --seed ${n}` },
        ok: n % 13 !== 0,
        preview: 'epoch 3/10 loss 0.412 acc 0.861\n'.repeat(3),
        durationMs: 1200,
      };
    } else if (k === 11) {
      body = {
        type: 'llm.call',
        stage,
        step,
        model: 'gpt-bench',
        ok: true,
        durationMs: 2300,
        attempts: 1,
        error: null,
        usage: LLM_USAGE,
      };
      llmCalls += 1;
    } else if (k === 12 && step % 5 === 0 && experiments < step) {
      experiments = step;
      repo.recordExperiment(id, experiment(step));
      body = { type: 'experiment', experiment: experiment(step) };
    } else if (k === 13) {
      body = {
        type: 'score',
        step,
        split: 'selection',
        metric: 'accuracy',
        value: 0.7 + (step % 20) / 100,
        source: 'engine',
        problems: [],
      };
    } else {
      body = {
        type: 'log',
        stage,
        source: 'training',
        stream: n % 29 === 0 ? 'stderr' : 'stdout',
        text:
          `epoch ${n % 50} batch ${n} loss ${(1 / (1 + n / 1000)).toFixed(4)}` +
          (n % 5 === 0
            ? `\n  lr ${(0.001 / (1 + n / 5000)).toExponential(2)} grad-norm ${(n % 7) + 0.5}`
            : ''),
      };
    }
    bodies.push(body);
    if (bodies.length === 1000) flush();
  }
  if (bodies.length) flush();
  // The run's own rows agree with its events: stages passed, usage summed, as many steps as it took.
  db.transaction(() => {
    for (const stage of STAGES) {
      const current = status === 'running' && stage === 'training';
      repo.upsertStage(id, stage, { status: current ? 'active' : 'pass', attempt: 1, step });
    }
    for (let c = 0; c < llmCalls; c++) repo.addUsage(id, LLM_USAGE);
  })();
  repo.update(id, {
    status,
    step,
    maxSteps: Math.max(step, 10),
    bestScore: 0.89,
    bestStep: step,
    endedAt: status === 'running' ? null : iso(created + 3_000_000),
  });
}

function experiment(step: number): Experiment {
  return {
    step,
    parentStep: step <= 5 ? null : step - 5,
    hypothesis: `gradient boosting with ${step} more trees`,
    proposal: `Try ${step} more trees.`,
    tag: 'HYPERPARAM',
    outcome: step % 10 === 0 ? 'reverted' : 'kept',
    score: 0.7 + (step % 20) / 100,
    selfReportedScore: null,
    note: null,
    commitSha: `c0ffee${step}`,
    startedAt: new Date().toISOString(),
    endedAt: new Date().toISOString(),
    durationMs: 60_000,
    promptTokens: 1000,
    completionTokens: 100,
    costUsd: 0.02,
    unknownCostCalls: 0,
  };
}
