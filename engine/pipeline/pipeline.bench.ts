import fs from 'node:fs';
import path from 'node:path';
import type { RunEvent, RunEventBody } from '../api/runs';
import { dispatch } from '../api/dispatch';
import { runEventsOf } from '../api/contract';
import { summarize, type BenchContext, type BenchDefinition, type BenchRow } from '../bench/types';
import { startScenarioModel } from '../demo/scenario';
import { generateExample } from '../examples/generate';
import { LocalSandbox } from '../sandbox/local-sandbox';
import type { ExecRequest, ExecResult } from '../sandbox/types';
import { createEngine } from '../service/engine';
import { benchScenario } from './testing/bench-scenario';

/**
 * Pipeline benchmarks (issue 4 section 8): one whole run of STEPS hill-climb steps with a zero-latency
 * scripted model (bench-scenario.ts) and trivial scripts, in the local sandbox, played once and shared by
 * both definitions below.
 */
const STEPS = 30;
const ROWS = 200;
/** The interpreter the local sandbox puts first on PATH (needs pytest; the scripts use the stdlib only). */
const PYTHON = process.env.MLE_BENCH_PYTHON ?? '/usr/bin/python3';
/** The run gives up past this (a hung run must not hang `npm run bench`). */
const MAX_WALL_MINUTES = 15;
/** Tools whose time is a sandbox command (the others work on the host's files, engine time). */
const SANDBOX_TOOLS = new Set([
  'run_tests',
  'run_shell_command',
  'run_python_file',
  'launch_training',
  'launch_evaluate',
]);
/** Stages that are a sandbox command and little else (the test critic, train, evaluate, predict + score). */
const SANDBOX_STAGES = new Set(['hillclimb_test', 'training', 'evaluate', 'scoring']);

interface Timed {
  t: number;
  event: RunEvent;
}

interface StepFigures {
  step: number;
  wallMs: number;
  /** Time inside LocalSandbox.exec during the step (exact: the method is wrapped). */
  sandboxMs: number;
  /** The brief's estimate from events: sandbox tools' durations and the sandbox stages' spans. */
  eventSandboxMs: number;
  llmMs: number;
  llmCalls: number;
  /** proposal_critic finished to implement started: beginExperiment (the git snapshot). */
  beginMs: number;
  /** The last stage finished to the experiment recorded: revert or keep (git), the research log. */
  closeMs: number;
  outcome: string;
}

interface PromptAt {
  step: number;
  tokens: number;
  chars: number;
}

interface PromptFigures {
  stage: string;
  first: PromptAt | null;
  last: PromptAt | null;
  /** Steps 10, 20, ... in between: whether the size levels off. */
  between: PromptAt[];
}

interface Measured {
  steps: StepFigures[];
  prompts: PromptFigures[];
  endReason: string | null;
  status: string;
  totalMs: number;
  criticRetries: number;
}

let shared: Promise<Measured> | null = null;
const measure = (ctx: BenchContext): Promise<Measured> => (shared ??= playRun(ctx.tempDir('pipeline-bench')));

async function playRun(root: string): Promise<Measured> {
  const data = await generateExample('churn', path.join(root, 'data'), { size: ROWS });
  if (!data.ok) throw new Error(`generateExample: ${data.error.message}`);
  const project = path.join(root, 'project.yaml');
  fs.writeFileSync(
    project,
    [
      'project: { name: "pipeline-bench" }',
      'goals:',
      `  task_description: ${JSON.stringify('Predict whether a customer will churn.')}`,
      // No target: the run never stops early.
      '  target_metric: { name: accuracy }',
      'dataset:',
      '  type: tabular',
      `  train_path: ${JSON.stringify(data.value.dataPath)}`,
      '  target: churned',
      // Every step scores the same (a constant class), so none is kept: no limit on failures in a row.
      `limits: { max_steps: ${STEPS}, max_consecutive_failures: 1000, max_wall_minutes: ${MAX_WALL_MINUTES} }`,
      '',
    ].join('\n'),
  );

  const model = await startScenarioModel(benchScenario());
  const python = fs.existsSync(PYTHON) ? PYTHON : null;
  const baseEnv = python
    ? { ...process.env, PATH: [path.dirname(python), process.env.PATH ?? ''].join(path.delimiter) }
    : process.env;
  const engine = createEngine({
    host: 'cli',
    databasePath: path.join(root, 'engine.db'),
    runs: {
      env: { LOCAL_LLM_BASE_URL: model.baseURL, MLE_BEAST_MODEL: model.model },
      sandboxOptions: { local: { baseEnv } },
    },
  });

  // Every sandbox command's span, by wrapping the local sandbox's exec (the only way commands run).
  const spans: [number, number][] = [];
  const exec = Object.getOwnPropertyDescriptor(LocalSandbox.prototype, 'exec')?.value as (
    this: LocalSandbox,
    request: ExecRequest,
  ) => Promise<ExecResult>;
  LocalSandbox.prototype.exec = async function timedExec(this: LocalSandbox, request: ExecRequest) {
    const t0 = performance.now();
    try {
      return await exec.call(this, request);
    } finally {
      spans.push([t0, performance.now()]);
    }
  };
  // Events as the bus delivers them (synchronously, as they are stored): sub-millisecond times.
  const events: Timed[] = [];
  const unsubscribe = engine.events.subscribe((message) => {
    const t = performance.now();
    for (const event of runEventsOf(message)) events.push({ t, event });
  });

  try {
    const t0 = performance.now();
    const started = await dispatch(engine.handlers, 'runs.start', {
      project,
      overrides: { sandbox: 'local', maxSteps: STEPS },
      cwd: root,
    });
    if (!started.ok) throw new Error(`runs.start: ${started.error.message}`);
    const id = (started.value as { id: string }).id;
    await engine.runs.whenDone(id);
    const totalMs = performance.now() - t0;
    const run = engine.runs.get({ id, limit: 1 }).run;
    const mine = events.filter((e) => e.event.runId === id);
    const steps = perStep(mine, spans);
    if (steps.length === 0) {
      throw new Error(
        `the run ended (${run.status}, ${run.endReason ?? '-'}) before step 1: ${run.message ?? ''}`,
      );
    }
    return {
      steps,
      prompts: ['implement', 'proposal'].map((stage) => promptsOf(engine.store.db, id, stage, steps)),
      endReason: run.endReason,
      status: run.status,
      totalMs,
      criticRetries: mine.filter(
        ({ event: { body } }) =>
          body.type === 'stage.finished' && body.stage === 'proposal_critic' && body.outcome !== 'pass',
      ).length,
    };
  } finally {
    LocalSandbox.prototype.exec = exec;
    unsubscribe();
    await engine.close();
    await model.close();
  }
}

/**
 * Each hill-climb step spans from its first `progress` event (the loop starting it) to its second (the
 * experiment recorded): proposal, critic, implement, tests, train, evaluate, predict, score, keep or revert.
 */
function perStep(events: Timed[], spans: [number, number][]): StepFigures[] {
  const progress = new Map<number, number[]>();
  for (const { t, event } of events) {
    if (event.body.type === 'progress' && event.body.step > 0) {
      progress.set(event.body.step, [...(progress.get(event.body.step) ?? []), t]);
    }
  }
  const out: StepFigures[] = [];
  for (const [step, times] of [...progress].sort((a, b) => a[0] - b[0])) {
    const [start, end] = times;
    if (start === undefined || end === undefined) continue; // the run stopped mid-step
    const inside = events.filter((e) => e.t >= start && e.t <= end);
    const bodies = inside.map((e) => e.event.body);
    let eventSandboxMs = 0;
    for (const b of bodies)
      if (b.type === 'tool.call' && SANDBOX_TOOLS.has(b.tool)) eventSandboxMs += b.durationMs;
    const open = new Map<string, number>();
    for (const { t, event } of inside) {
      const b = event.body;
      if (b.type === 'stage.started' && SANDBOX_STAGES.has(b.stage)) open.set(b.stage, t);
      if (b.type === 'stage.finished' && open.has(b.stage)) {
        eventSandboxMs += t - (open.get(b.stage) as number);
        open.delete(b.stage);
      }
    }
    const llm = bodies.filter((b): b is Extract<RunEventBody, { type: 'llm.call' }> => b.type === 'llm.call');
    const experimentAt = inside.find((e) => e.event.body.type === 'experiment');
    const experiment = experimentAt?.event.body;
    const timeOf = (pick: (b: RunEventBody) => boolean, last = false) =>
      (last ? inside.findLast((e) => pick(e.event.body)) : inside.find((e) => pick(e.event.body)))?.t;
    const criticDone = timeOf((b) => b.type === 'stage.finished' && b.stage === 'proposal_critic', true);
    const implementStarted = timeOf((b) => b.type === 'stage.started' && b.stage === 'implement');
    const lastStageDone = timeOf((b) => b.type === 'stage.finished', true);
    const span = (a: number | undefined, b: number | undefined) =>
      a !== undefined && b !== undefined && b >= a ? b - a : 0;
    out.push({
      step,
      wallMs: end - start,
      sandboxMs: spans.reduce((sum, [a, b]) => sum + Math.max(0, Math.min(b, end) - Math.max(a, start)), 0),
      eventSandboxMs,
      llmMs: llm.reduce((sum, b) => sum + b.durationMs, 0),
      llmCalls: llm.length,
      beginMs: span(criticDone, implementStarted),
      closeMs: span(lastStageDone, experimentAt?.t),
      outcome: experiment?.type === 'experiment' ? experiment.experiment.outcome : '?',
    });
  }
  return out;
}

/** The first call of a stage in the first and the last step: prompt tokens and the messages' characters. */
function promptsOf(
  db: ReturnType<typeof createEngine>['store']['db'],
  runId: string,
  stage: string,
  steps: StepFigures[],
): PromptFigures {
  const at = (step: number | undefined): PromptAt | null => {
    if (step === undefined) return null;
    const row = db
      .prepare(
        'SELECT step, prompt_tokens, request_json FROM llm_calls WHERE run_id = ? AND stage = ? AND step = ? ORDER BY id LIMIT 1',
      )
      .get(runId, stage, step) as { step: number; prompt_tokens: number; request_json: string } | undefined;
    if (!row) return null;
    return { step: row.step, tokens: row.prompt_tokens, chars: messageChars(row.request_json) };
  };
  const first = steps[0]?.step;
  const last = steps.at(-1)?.step;
  const between = steps
    .map((s) => s.step)
    .filter((n) => n % 10 === 0 && n !== first && n !== last)
    .map(at)
    .filter((p): p is PromptAt => p !== null);
  return { stage, first: at(first), last: at(last), between };
}

/** Characters of the messages' text (contents and tool-call arguments), as the model reads them. */
function messageChars(requestJson: string): number {
  let messages: unknown;
  try {
    messages = JSON.parse(requestJson);
  } catch {
    return requestJson.length;
  }
  if (!Array.isArray(messages)) return requestJson.length;
  let n = 0;
  for (const m of messages as { content?: unknown; tool_calls?: { function?: { arguments?: string } }[] }[]) {
    if (typeof m.content === 'string') n += m.content.length;
    else if (m.content != null) n += JSON.stringify(m.content).length;
    for (const call of m.tool_calls ?? []) n += call.function?.arguments?.length ?? 0;
  }
  return n;
}

const median = (xs: number[]): number => summarize('', xs).median_ms ?? 0;
const ms = (v: number) => `${v.toFixed(0)} ms`;

function runNote(m: Measured): string {
  const outcomes = new Map<string, number>();
  for (const s of m.steps) outcomes.set(s.outcome, (outcomes.get(s.outcome) ?? 0) + 1);
  const tally = [...outcomes].map(([o, n]) => `${n} ${o}`).join(', ');
  const short = m.steps.length < STEPS ? `; ONLY ${m.steps.length} of ${STEPS} steps` : '';
  return `run ${m.status} (${m.endReason ?? '-'}) in ${(m.totalMs / 1000).toFixed(1)} s; steps ${tally}${short}; proposal critic retries ${m.criticRetries}`;
}

function promptRow(p: PromptFigures): BenchRow {
  const name = `pipeline.prompt-growth (${p.stage})`;
  if (!p.first || !p.last)
    return { name, n: 0, note: `no ${p.stage} call recorded in the first or the last step` };
  const points = [p.first, ...p.between, p.last];
  return {
    name,
    n: points.length,
    ratio: Math.round((p.last.tokens / p.first.tokens) * 1000) / 1000,
    note:
      `prompt tokens (scripted model's estimate: request JSON chars / 4) at steps ${points.map((x) => x.step).join('/')}: ` +
      `${points.map((x) => x.tokens).join('/')}; message chars ${points.map((x) => x.chars).join('/')} ` +
      `(x${(p.last.chars / p.first.chars).toFixed(3)}); first call of the step`,
  };
}

export const benchmarks: BenchDefinition[] = [
  {
    name: 'pipeline.iteration-overhead',
    describe:
      `engine time per hill-climb step, ms: a ${STEPS}-step run (churn, ${ROWS} rows, local sandbox) with a zero-latency ` +
      'scripted model and trivial stdlib scripts. Per step (first to second `progress` event of the step): wall time ' +
      'minus the time inside sandbox commands (LocalSandbox.exec wrapped for the run: pytest, train.py, evaluate.py, ' +
      'predict.py). The rest is the engine: model calls over loopback, tools, git, policy screening, scoring, the store.',
    async run(ctx) {
      const m = await measure(ctx);
      const overhead = m.steps.map((s) => s.wallMs - s.sandboxMs);
      const byEvents = m.steps.map((s) => s.wallMs - s.eventSandboxMs);
      return [
        summarize('pipeline.iteration-overhead', overhead, {
          note:
            `wall - sandbox exec; ${runNote(m)}; by events (sandbox tools + test/train/eval/score stage spans) median ` +
            `${ms(median(byEvents))}; model calls median ${ms(median(m.steps.map((s) => s.llmMs)))} over ` +
            `${median(m.steps.map((s) => s.llmCalls))} calls/step; begin experiment (git snapshot) median ` +
            `${ms(median(m.steps.map((s) => s.beginMs)))}; revert/keep + research log median ${ms(median(m.steps.map((s) => s.closeMs)))}`,
        }),
        summarize(
          'pipeline.iteration-wall',
          m.steps.map((s) => s.wallMs),
          {
            note: `whole step; of it in sandbox commands median ${ms(median(m.steps.map((s) => s.sandboxMs)))}`,
          },
        ),
      ];
    },
  },
  {
    name: 'pipeline.prompt-growth',
    describe:
      `prompt size of the first model call of a stage at step 1 and at step ${STEPS} of the same run (llm_calls rows), ` +
      'and their ratio (step 30 / step 1): the design goal is bounded prompts. Implement is the figure asked for; ' +
      'proposal carries the journal, so it is shown too.',
    async run(ctx) {
      const m = await measure(ctx);
      return m.prompts.map(promptRow);
    },
  },
];
