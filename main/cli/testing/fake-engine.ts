import type { CommandHandlers } from '../../../engine/api/dispatch';
import { EngineError } from '../../../engine/api/errors';
import type {
  Experiment,
  RunEvent,
  RunEventBody,
  RunSnapshot,
  RunStartInput,
  RunSummary,
  StageRow,
} from '../../../engine/api/runs';
import { listRunLogs, readRunLog } from '../../../engine/runs/run-logs';
import { EventBus } from '../../../engine/api/event-bus';
import { runSummary } from '../../../engine/api/testing/run-summary';
import type { Output } from '../engine-call';
import { isTerminalStatus } from '../../../engine/api/vocabulary';

// A stand-in for the engine's runs handlers, for the CLI's tests: runs live in memory, the test scripts their
// events, and every event is stored (with a sequence number) before it is fanned out, as the engine does.

/** The shared run-summary fixture with the CLI tests' id, task, sandbox and dates. */
export function fakeSummary(over: Partial<RunSummary> = {}): RunSummary {
  return runSummary({
    id: '1a2b3c4d-0000-4000-8000-000000000001',
    task: 'Predict whether a customer will churn.',
    sandbox: 'local',
    createdAt: '2026-11-26T17:00:00.000Z',
    startedAt: '2026-11-26T17:00:00.000Z',
    ...over,
  });
}

export function fakeExperiment(over: Partial<Experiment> = {}): Experiment {
  return {
    step: 0,
    parentStep: null,
    hypothesis: 'baseline',
    proposal: 'baseline',
    tag: null,
    outcome: 'baseline',
    score: 0.8,
    selfReportedScore: 0.81,
    note: null,
    commitSha: 'abcdef1234567890',
    startedAt: '2026-11-26T17:00:00.000Z',
    endedAt: '2026-11-26T17:01:00.000Z',
    durationMs: 60_000,
    promptTokens: 100,
    completionTokens: 50,
    costUsd: 0.001,
    unknownCostCalls: 0,
    ...over,
  };
}

interface FakeRun {
  summary: RunSummary;
  stages: StageRow[];
  experiments: Experiment[];
  events: RunEvent[];
}

export interface FakeEngineHooks {
  /** Called after runs.start created the run (before it returns): schedule events here. */
  onStart?: (engine: FakeEngine, run: RunSummary, input: RunStartInput) => void;
  onCancel?: (engine: FakeEngine, id: string) => void;
  onResume?: (engine: FakeEngine, id: string) => void;
}

export class FakeEngine {
  readonly events = new EventBus();
  readonly runs = new Map<string, FakeRun>();
  readonly calls: { name: string; input: unknown }[] = [];
  /** When false, events are stored but not fanned out (a run carried on by another process). */
  broadcast = true;
  hooks: FakeEngineHooks;

  constructor(hooks: FakeEngineHooks = {}) {
    this.hooks = hooks;
  }

  add(summary: RunSummary, extra: Partial<Omit<FakeRun, 'summary'>> = {}): RunSummary {
    this.runs.set(summary.id, { summary, stages: [], experiments: [], events: [], ...extra });
    return summary;
  }

  private run(id: string): FakeRun {
    const run = this.runs.get(id);
    if (!run) throw new EngineError('not_found', `no run ${id}`);
    return run;
  }

  /** Stores an event (updating the summary the way the engine would) and fans it out. */
  emit(id: string, body: RunEventBody): RunEvent {
    const run = this.run(id);
    const event: RunEvent = { runId: id, seq: run.events.length + 1, at: '2026-11-26T17:00:05.000Z', body };
    run.events.push(event);
    const s = { ...run.summary, lastSeq: event.seq };
    if (body.type === 'run.state') {
      s.status = body.status;
      s.endReason = body.reason;
      s.message = body.message;
      if (isTerminalStatus(body.status)) {
        s.endedAt = '2026-11-26T17:04:12.000Z';
      }
    } else if (body.type === 'experiment') {
      run.experiments.push(body.experiment);
      s.step = Math.max(s.step, body.experiment.step);
      if (['kept', 'baseline'].includes(body.experiment.outcome)) {
        s.bestScore = body.experiment.score;
        s.bestStep = body.experiment.step;
        s.bestCommit = body.experiment.commitSha;
      }
    } else if (body.type === 'progress') {
      s.step = body.step;
      s.costUsd = body.costUsd;
    }
    run.summary = s;
    if (this.broadcast) this.events.emit('run.event', event);
    return event;
  }

  /** Stores several events and fans them out as one `run.events` batch, as the engine does with output lines. */
  emitBatch(id: string, bodies: RunEventBody[]): RunEvent[] {
    const broadcast = this.broadcast;
    this.broadcast = false;
    let events: RunEvent[];
    try {
      events = bodies.map((body) => this.emit(id, body));
    } finally {
      this.broadcast = broadcast;
    }
    if (broadcast) this.events.emit('run.events', { runId: id, events });
    return events;
  }

  /** Where each run's folder is (its command logs), for runs.logs / runs.log. */
  readonly runDirs = new Map<string, string>();

  readonly handlers = {
    'runs.start': async (input: RunStartInput) => {
      this.calls.push({ name: 'runs.start', input });
      const summary = this.add(fakeSummary({ status: 'pending', task: input.task ?? 'from project.yaml' }));
      this.hooks.onStart?.(this, summary, input);
      return this.run(summary.id).summary;
    },
    'runs.get': async (input: { id: string; sinceSeq: number; limit: number }): Promise<RunSnapshot> => {
      this.calls.push({ name: 'runs.get', input });
      const run = this.run(input.id);
      const after = run.events.filter((e) => e.seq > input.sinceSeq);
      const page = after.slice(0, input.limit);
      return {
        run: run.summary,
        stages: run.stages,
        experiments: run.experiments,
        events: page,
        nextSeq: after.length > page.length ? (page[page.length - 1]?.seq ?? null) : null,
      };
    },
    'runs.list': async (input: { status?: string; limit: number; offset: number }) => {
      this.calls.push({ name: 'runs.list', input });
      const all = [...this.runs.values()]
        .map((r) => r.summary)
        .filter((s) => !input.status || s.status === input.status)
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
      return {
        runs: all.slice(input.offset, input.offset + input.limit),
        total: all.length,
        all: all.length,
      };
    },
    'runs.cancel': async (input: { id: string }) => {
      this.calls.push({ name: 'runs.cancel', input });
      this.run(input.id);
      this.hooks.onCancel?.(this, input.id);
      return this.run(input.id).summary;
    },
    'runs.logs': async (input: { id: string }) => {
      this.calls.push({ name: 'runs.logs', input });
      this.run(input.id);
      return { logs: listRunLogs(this.runDirs.get(input.id) ?? '/nonexistent') };
    },
    'runs.log': async (input: {
      id: string;
      name: string;
      offset?: number;
      tail?: number;
      maxBytes: number;
    }) => {
      this.calls.push({ name: 'runs.log', input });
      this.run(input.id);
      return readRunLog(this.runDirs.get(input.id) ?? '/nonexistent', input);
    },
    'runs.resume': async (input: { id: string }) => {
      this.calls.push({ name: 'runs.resume', input });
      const run = this.run(input.id);
      run.summary = { ...run.summary, status: 'running', endReason: null, endedAt: null };
      this.hooks.onResume?.(this, input.id);
      return this.run(input.id).summary;
    },
  } as unknown as CommandHandlers;

  /** A typical successful run's events: stages, a baseline, a kept and a reverted experiment, the end. */
  scriptSuccess(id: string, reason: 'target_reached' | 'max_steps' = 'target_reached'): void {
    this.emit(id, { type: 'run.state', status: 'running', reason: null, message: null });
    this.emit(id, { type: 'stage.started', stage: 'data_analysis', step: 0, attempt: 1 });
    this.emit(id, {
      type: 'llm.call',
      stage: 'data_analysis',
      step: 0,
      model: 'scripted model',
      ok: true,
      durationMs: 20,
      attempts: 1,
      error: null,
      usage: { promptTokens: 10, completionTokens: 5, reasoningTokens: 0, cachedTokens: 0, costUsd: null },
    });
    this.emit(id, { type: 'stage.started', stage: 'training', step: 0, attempt: 1 });
    this.emit(id, {
      type: 'log',
      stage: 'training',
      source: 'training',
      stream: 'stdout',
      text: 'epoch 1 loss 0.5',
    });
    this.emit(id, { type: 'experiment', experiment: fakeExperiment() });
    this.emit(id, {
      type: 'experiment',
      experiment: fakeExperiment({
        step: 1,
        parentStep: 0,
        hypothesis: 'Gradient boosting captures the interactions',
        tag: 'MODEL',
        outcome: 'kept',
        score: 0.846,
        commitSha: '1234567abcdef',
      }),
    });
    this.emit(id, {
      type: 'experiment',
      experiment: fakeExperiment({
        step: 2,
        parentStep: 1,
        hypothesis: 'Deeper trees',
        tag: 'HYPERPARAM',
        outcome: 'reverted',
        score: 0.84,
        note: 'no better than step 1',
        commitSha: null,
      }),
    });
    this.emit(id, {
      type: 'progress',
      step: 2,
      maxSteps: 6,
      bestScore: 0.846,
      costUsd: 0.0123,
      elapsedMs: 252_000,
    });
    this.emit(id, {
      type: 'run.state',
      status: 'completed',
      reason,
      message: reason === 'target_reached' ? 'accuracy 0.846 >= 0.82' : 'reached the step limit',
    });
  }
}

/** A stream that keeps what is written to it. */
export function fakeOutput(options: { isTTY?: boolean; columns?: number } = {}): Output & { text(): string } {
  const chunks: string[] = [];
  return {
    write: (text: string) => chunks.push(text),
    isTTY: options.isTTY ?? false,
    columns: options.columns ?? 0,
    text: () => chunks.join(''),
  };
}

export function fakeIO(options: { isTTY?: boolean; columns?: number } = {}) {
  return { out: fakeOutput(options), err: fakeOutput() };
}

/** Waits for queued microtasks and timers of 0 ms to run. */
export const tick = (ms = 0): Promise<void> => new Promise((r) => setTimeout(r, ms));
