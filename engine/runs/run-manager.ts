import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EngineError } from '../api/errors';
import {
  isTerminalStatus,
  RunGetQuery,
  RunListQuery,
  RunLogQuery,
  type RunEventBody,
  type RunList,
  type RunLogList,
  type RunLogPage,
  type RunSnapshot,
  type RunStartInput,
  type RunStatus,
  type RunSummary,
} from '../api/runs';
import type { z } from 'zod';
import type { EventBus } from '../api/event-bus';
import type { RunRepository } from '../store/run-repository';
import type { Settings } from '../api/settings';
import { StopRun, type RunTuning } from '../pipeline';
import { sandboxKindOf } from '../sandbox/kinds';
import { executeRun, type ExecuteDeps, type LaunchContext } from './execute';
import { prepareRun, type PrepareDeps } from './prepare';
import { EventPublisher } from './publisher';
import { listRunLogs, readRunLog } from './run-logs';
import { relaunchContext } from './relaunch';
import { removeDeadSandboxes, revokeSandboxAccess, settleWorkspace } from './settle';

/**
 * The run lifecycle (issue 4 section 5): start, pause, resume, cancel, delete, and recovery of runs whose
 * process died. Runs execute in this process, several at once, each in its own sandbox. A run owned by
 * another process (the CLI in a terminal while the app is open) is controlled through its row: this
 * manager writes the request, the owner polls for it.
 */
export interface RunManagerDeps extends Omit<PrepareDeps, 'settings'>, Omit<ExecuteDeps, 'publisher'> {
  repo: RunRepository;
  /** The database cannot be written: runs whose process died are shown as recorded, not marked. */
  readOnlyStore?: boolean;
  /** Runs a write at once if the database's write lock is free: false (nothing written) when it is not. */
  withoutWaiting?: (write: () => void) => boolean;
  bus: EventBus;
  settings: () => PrepareDeps['settings'];
}

interface LiveRun {
  id: string;
  controller: AbortController;
  paused: boolean;
  /** Resolvers of a pipeline waiting while paused. */
  waiters: (() => void)[];
  done: Promise<void>;
}

const POLL_MS = 250;
const CANCEL_WAIT_MS = 10_000;
const HOST = os.hostname();

export class RunManager {
  private readonly live = new Map<string, LiveRun>();
  private poller: NodeJS.Timeout | null = null;
  /** Removal of the containers of runs found interrupted, awaited by close() so a short command finishes it. */
  private cleanup: Promise<unknown> = Promise.resolve();
  /** Stores and fans out every event of this process's runs, coalescing output lines. */
  private readonly publisher: EventPublisher;

  constructor(private readonly deps: RunManagerDeps) {
    this.publisher = new EventPublisher(deps.repo, deps.bus);
    this.markInterrupted();
  }

  async start(input: RunStartInput): Promise<RunSummary> {
    const id = randomUUID();
    const prepared = await prepareRun(id, input, { ...this.deps, settings: this.deps.settings() });
    const { config, metric } = prepared;
    this.deps.repo.create({
      id,
      name: config.name,
      mode: config.mode,
      task: config.task,
      workspace: prepared.workspace.root,
      runDir: prepared.runDir,
      config,
      metric: {
        name: metric.name,
        direction: metric.direction,
        target: metric.target,
        trusted: metric.resolved !== null,
      },
      maxSteps: config.limits.maxSteps,
      model: prepared.models.actor,
      sandbox: sandboxKindOf(config.sandbox.kind),
      ownerPid: process.pid,
      ownerHost: HOST,
    });
    const notes = [
      { text: prepared.workspace.message, stream: 'info' as const },
      ...prepared.warnings.map((text) => ({ text, stream: 'warning' as const })),
    ];
    this.launch(
      id,
      {
        config,
        provider: prepared.provider,
        models: prepared.models,
        jsonMode: prepared.jsonMode,
        prices: prepared.prices,
        workspaceDir: prepared.workspace.root,
        runDir: prepared.runDir,
        runData: prepared.runData,
        metric,
        notes,
        resumed: false,
      },
      null,
    );
    return this.summary(id);
  }

  list(query: z.input<typeof RunListQuery>): RunList {
    this.markInterrupted();
    return this.deps.repo.list(RunListQuery.parse(query));
  }

  get(query: z.input<typeof RunGetQuery>): RunSnapshot {
    const q = RunGetQuery.parse(query);
    this.markInterrupted();
    const run = this.summary(q.id);
    const { events, nextSeq } = q.tail
      ? this.deps.repo.eventsTail(q.id, { sinceSeq: q.sinceSeq, limit: q.limit, beforeSeq: q.beforeSeq })
      : this.deps.repo.events(q.id, { sinceSeq: q.sinceSeq, limit: q.limit });
    return {
      run,
      stages: this.deps.repo.stages(q.id),
      experiments: this.deps.repo.experiments(q.id),
      events,
      nextSeq,
    };
  }

  /** The full output logs of a run's commands (in its run folder). */
  logs(id: string): RunLogList {
    return { logs: listRunLogs(this.runDir(id)) };
  }

  /** A page of one of a run's logs. */
  log(query: z.input<typeof RunLogQuery>): RunLogPage {
    const q = RunLogQuery.parse(query);
    return readRunLog(this.runDir(q.id), q);
  }

  private runDir(id: string): string {
    const record = this.deps.repo.get(id);
    if (!record) throw new EngineError('not_found', `no run ${id}: list runs with \`mle-beast runs\``);
    return record.runDir;
  }

  async cancel(id: string): Promise<RunSummary> {
    this.markInterrupted();
    const run = this.summary(id);
    const live = this.live.get(id);
    if (live) {
      this.stop(live, new StopRun('cancelled', 'cancelled by the user'));
      await Promise.race([live.done, sleep(CANCEL_WAIT_MS)]);
      return this.summary(id);
    }
    if (run.status === 'interrupted') {
      // Nobody runs it: this process leaves its workspace as an ended run's and records the cancel.
      await this.settleDeadRun(id);
      this.finish(id, 'cancelled', 'cancelled', 'cancelled by the user (the run was interrupted)');
      return this.summary(id);
    }
    if (run.status === 'running' || run.status === 'paused' || run.status === 'pending') {
      // Another process runs it: it polls its row and stops the run itself.
      this.deps.repo.requestControl(id, 'cancel');
      return this.summary(id);
    }
    if (run.status === 'cancelled') return run;
    throw new EngineError(
      'conflict',
      `run ${id} has already ended (${run.status}); there is nothing to cancel`,
    );
  }

  pause(id: string): RunSummary {
    this.markInterrupted();
    const run = this.summary(id);
    if (run.status !== 'running' && run.status !== 'pending' && run.status !== 'paused') {
      throw new EngineError('conflict', `run ${id} is ${run.status}: only a running run can be paused`);
    }
    this.deps.repo.requestControl(id, 'pause');
    const live = this.live.get(id);
    if (live) live.paused = true;
    return this.summary(id);
  }

  async resume(id: string): Promise<RunSummary> {
    this.markInterrupted();
    const run = this.summary(id);
    if (run.status === 'running' || run.status === 'paused' || run.status === 'pending') {
      if (run.status !== 'paused' && this.deps.repo.readControl(id) !== 'pause') {
        throw new EngineError('conflict', `run ${id} is ${run.status}, not paused`);
      }
      this.deps.repo.requestControl(id, null);
      const live = this.live.get(id);
      if (live) this.unpause(live);
      return this.summary(id);
    }
    if (run.status !== 'interrupted') {
      throw new EngineError(
        'conflict',
        `run ${id} is ${run.status}: only a paused or interrupted run can be resumed (start a new run instead)`,
      );
    }
    // Claimed before anything slow: of two resumes at once, exactly one goes on.
    if (!this.deps.repo.claim(id, 'interrupted', 'pending', { pid: process.pid, host: HOST })) {
      throw new EngineError('conflict', `run ${id} is being resumed elsewhere`);
    }
    const record = this.deps.repo.get(id);
    if (!record) throw new EngineError('not_found', `no run ${id}`);
    let context: LaunchContext;
    try {
      // The dead process's container first: a training still running there would write into the workspace.
      if (record.summary.sandbox === 'docker') await removeDeadSandboxes(this.live.keys());
      context = await relaunchContext(record, { ...this.deps, settings: this.deps.settings() });
    } catch (error) {
      this.deps.repo.update(id, { status: 'interrupted' });
      throw error;
    }
    this.deps.repo.update(id, { endReason: null, message: null, endedAt: null });
    this.launch(id, context, record.state);
    return this.summary(id);
  }

  async delete(id: string): Promise<{ deleted: true }> {
    this.markInterrupted();
    const record = this.deps.repo.get(id);
    if (!record) throw new EngineError('not_found', `no run ${id}`);
    const status = record.summary.status;
    if (this.live.has(id) || ((status === 'running' || status === 'paused') && this.ownerAlive(id))) {
      throw new EngineError('conflict', `run ${id} is ${status}: cancel it before deleting it`);
    }
    if (status === 'interrupted') await this.settleDeadRun(id);
    this.deps.repo.delete(id);
    // The run's own folder (hidden labels, predictions) goes; the workspace is the user's and stays.
    if (record.runDir.startsWith(path.join(this.deps.home, 'runs')))
      fs.rmSync(record.runDir, { recursive: true, force: true });
    return { deleted: true };
  }

  /** The runs this process carries now (a host asks before quitting: they stop with it). */
  liveIds(): string[] {
    return [...this.live.keys()];
  }

  /** Resolves when the run, if it lives in this process, has ended. */
  async whenDone(id: string): Promise<void> {
    await this.live.get(id)?.done;
  }

  /** Stops every run of this process, leaving each resumable (interrupted). */
  async close(): Promise<void> {
    const runs = [...this.live.values()];
    for (const live of runs) {
      this.stop(
        live,
        new StopRun('interrupted', 'the app was closed while the run was going; resume it to go on'),
      );
    }
    await Promise.race([Promise.all([...runs.map((r) => r.done), this.cleanup]), sleep(CANCEL_WAIT_MS)]);
    this.publisher.flushAll();
    if (this.poller) clearInterval(this.poller);
    this.poller = null;
  }

  private launch(id: string, context: LaunchContext, state: unknown): void {
    const live: LiveRun = {
      id,
      controller: new AbortController(),
      paused: false,
      waiters: [],
      done: Promise.resolve(),
    };
    this.live.set(id, live);
    this.ensurePolling();
    live.done = executeRun(id, context, state, {
      ...this.deps,
      publisher: this.publisher,
      tuning: {
        ...this.deps.tuning,
        timeouts: { ...timeoutsFrom(this.deps.settings()), ...this.deps.tuning?.timeouts },
      },
      signal: live.controller.signal,
      abort: (reason) => this.stop(live, reason),
      whilePaused: () => this.whilePaused(live),
      setStatus: (status, message) => this.setStatus(id, status, message),
      finish: (status, reason, message) => this.finish(id, status, reason, message),
    })
      .catch((error) =>
        this.finish(id, 'failed', 'error', `internal error: ${(error as Error)?.message ?? error}`),
      )
      .finally(() => {
        this.live.delete(id);
        if (this.live.size === 0 && this.poller) {
          clearInterval(this.poller);
          this.poller = null;
        }
      });
  }

  private async whilePaused(live: LiveRun): Promise<void> {
    if (!live.paused || live.controller.signal.aborted) return;
    this.setStatus(live.id, 'paused', 'paused between steps; resume to go on');
    while (live.paused && !live.controller.signal.aborted) {
      await new Promise<void>((resolve) => live.waiters.push(resolve));
    }
    if (!live.controller.signal.aborted) this.setStatus(live.id, 'running', null);
  }

  /** Stops a run of this process now: its sandbox command is killed; a paused run wakes up to end. */
  private stop(live: LiveRun, reason: StopRun): void {
    if (!live.controller.signal.aborted) live.controller.abort(reason);
    wakeUp(live);
  }

  /** An interrupted run that will not be resumed: its container removed, its workspace settled. */
  private async settleDeadRun(id: string): Promise<void> {
    const record = this.deps.repo.get(id);
    if (!record) return;
    if (record.summary.sandbox === 'docker') await removeDeadSandboxes(this.live.keys());
    const emit = (body: RunEventBody) => this.publisher.publish(id, body);
    // The dead process could not take back what it granted the sandbox uid on the user's files.
    await revokeSandboxAccess(record.runDir, emit);
    await settleWorkspace(record.summary.workspace, record.summary.mode, emit);
  }

  private unpause(live: LiveRun): void {
    live.paused = false;
    wakeUp(live);
  }

  /** Applies what other processes asked of this process's runs. */
  private ensurePolling(): void {
    if (this.poller) return;
    this.poller = setInterval(() => {
      for (const live of this.live.values()) {
        let control: 'cancel' | 'pause' | null;
        try {
          control = this.deps.repo.readControl(live.id);
        } catch {
          continue;
        }
        if (control === 'cancel' && !live.controller.signal.aborted) {
          this.stop(live, new StopRun('cancelled', 'cancelled by the user'));
        } else if (control === 'pause') live.paused = true;
        else if (control === null && live.paused) this.unpause(live);
      }
    }, POLL_MS);
    this.poller.unref();
  }

  private setStatus(id: string, status: RunStatus, message: string | null): void {
    const now = new Date().toISOString();
    this.deps.repo.update(id, {
      status,
      message,
      ...(status === 'running' ? { startedAt: this.deps.repo.summary(id)?.startedAt ?? now } : {}),
    });
    this.publisher.publish(id, { type: 'run.state', status, reason: null, message });
  }

  private finish(id: string, status: RunStatus, reason: RunSummary['endReason'], message: string): void {
    this.deps.repo.update(id, {
      status,
      endReason: reason,
      message,
      endedAt: new Date().toISOString(),
      control: null,
      ...(status === 'interrupted' ? {} : { ownerPid: null }),
    });
    this.publisher.publish(id, { type: 'run.state', status, reason, message });
  }

  private summary(id: string): RunSummary {
    const s = this.deps.repo.summary(id);
    if (!s) throw new EngineError('not_found', `no run ${id}: list runs with \`mle-beast runs\``);
    return s;
  }

  private ownerAlive(id: string): boolean {
    const record = this.deps.repo.get(id);
    if (!record?.ownerPid) return false;
    if (record.ownerHost !== HOST) return true; // another machine's process: assume it lives
    return processAlive(record.ownerPid);
  }

  /**
   * Runs left running by a process of this machine that has died are interrupted: resumable, not lost.
   * Checked at start-up and again whenever runs are listed or controlled, so a terminal run killed while the
   * app is open shows up as interrupted there too.
   */
  private markInterrupted(): void {
    if (this.deps.readOnlyStore) return;
    let found = false;
    for (const record of this.deps.repo.liveRuns()) {
      if (record.ownerHost !== HOST && record.ownerHost !== null) continue;
      // This process's own runs are live here (or being started or resumed): never interrupted by ourselves.
      if (record.ownerPid === process.pid) continue;
      if (record.ownerPid !== null && processAlive(record.ownerPid)) continue;
      const s = record.summary;
      if (isTerminalStatus(s.status)) continue;
      const message = `the process running it${record.ownerPid ? ` (pid ${record.ownerPid})` : ''} ended without finishing it; \`mle-beast resume ${s.id}\` continues from the best commit`;
      // Housekeeping: when another process holds the write lock it waits for the next command, so listing
      // or showing runs never waits for, or fails for want of, a write.
      const mark = () => this.finish(s.id, 'interrupted', 'interrupted', message);
      if (this.deps.withoutWaiting) {
        if (!this.deps.withoutWaiting(mark)) break;
      } else mark();
      found = true;
    }
    // Their containers may still be training (on a GPU, say): removed in the background.
    if (found) this.cleanup = this.cleanup.then(() => removeDeadSandboxes(this.live.keys()));
  }
}

/** The per-tool time limits saved in the settings, as the pipeline takes them. */
function timeoutsFrom(settings: Settings): RunTuning['timeouts'] {
  return {
    shellMs: settings.shellTimeoutSeconds * 1000,
    pythonMs: settings.pythonTimeoutSeconds * 1000,
    testsMs: settings.testTimeoutSeconds * 1000,
    trainingMs: settings.trainingTimeoutMinutes * 60_000,
    evaluateMs: settings.evaluateTimeoutMinutes * 60_000,
  };
}

/** Lets a pipeline waiting while paused look again (it goes on, or ends when it was stopped). */
function wakeUp(live: LiveRun): void {
  for (const wake of live.waiters.splice(0)) wake();
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
