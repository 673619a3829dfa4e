import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { StageName } from '../api/runs';
import type { ChatReply, ChatRequest, LlmClient, LlmResult } from '../llm';
import type { ToolContext } from '../tools';
import { hasOwnFilesystem } from '../sandbox/spec';
import { sandboxPathMappings, toSandboxText, type PathMapping } from '../tools/sandbox-text';
import { StopRun, type PipelineInput, type PipelineState } from './types';

/**
 * One run's working context for the stages: the inputs, the state, and the few things every stage does
 * (announce itself, call the model with accounting and budgets, build a tool context, check for a stop).
 */
export class RunSession {
  readonly startedAtMs = Date.now();
  private costUsd: number;
  /** Tokens spent by this process, for the per-experiment figures. */
  readonly tokens = { prompt: 0, completion: 0, unknownCostCalls: 0 };
  /** Model calls that failed in a row (each after its retries): past MAX_FAILED_CALLS the run fails. */
  private failedCalls = 0;
  private warnedUnknownCost = false;
  /** An experiment has begun and is not yet kept or reverted: a stop must revert it. */
  experimentOpen = false;
  state: PipelineState;
  /** Time spent paused (not counted against the wall-clock budget), and the start of a pause under way. */
  private pausedMs = 0;
  private pausedSince: number | null = null;
  private readonly wallWatch: NodeJS.Timeout | null;

  constructor(readonly input: PipelineInput) {
    this.state = { ...input.state };
    this.costUsd = input.ledger.summary().costUsd;
    const { maxWallMinutes } = input.limits;
    // Checked every second rather than one timer for the whole budget, so time paused does not count; a stop
    // from here kills whatever runs in the sandbox at that moment, as a cancel does.
    this.wallWatch =
      maxWallMinutes === null
        ? null
        : setInterval(() => {
            if (this.pausedSince === null && this.elapsedMs() >= maxWallMinutes * 60_000) {
              input.stop(
                new StopRun('max_wall_time', `the wall-clock budget of ${maxWallMinutes} min is used up`),
              );
            }
          }, 1000);
    this.wallWatch?.unref();
  }

  dispose(): void {
    if (this.wallWatch) clearInterval(this.wallWatch);
  }

  /** Waits while the run is paused (between steps); the pause is not counted as run time. */
  async pauseGate(): Promise<void> {
    this.pausedSince = Date.now();
    try {
      await this.input.whilePaused();
    } finally {
      this.pausedMs += Date.now() - this.pausedSince;
      this.pausedSince = null;
    }
  }

  get runId(): string {
    return this.input.runId;
  }
  get workspace(): string {
    return this.input.workspaceDir;
  }
  get device(): 'cpu' | 'cuda' {
    return this.input.sandbox.gpu && !this.input.config.sandbox.forceCpu ? 'cuda' : 'cpu';
  }
  /** Where code in the sandbox finds the visible data (null: no dataset). */
  get dataPath(): string | null {
    return this.input.dataDir ? this.input.sandbox.paths.data : null;
  }
  /** Run time: earlier processes' share, plus this one's, less the time spent paused. */
  elapsedMs(): number {
    const now = Date.now();
    const paused = this.pausedMs + (this.pausedSince === null ? 0 : now - this.pausedSince);
    return this.state.elapsedBeforeMs + (now - this.startedAtMs) - paused;
  }
  totalCost(): number {
    return this.costUsd;
  }

  /** Throws the StopRun the run was stopped with, or one for a budget that has run out. */
  checkStop(): void {
    const { signal, limits } = this.input;
    if (signal.aborted) throw stopOf(signal.reason);
    if (limits.maxCostUsd !== null && this.costUsd >= limits.maxCostUsd) {
      throw new StopRun(
        'max_cost',
        `the cost budget of $${limits.maxCostUsd.toFixed(2)} is spent ($${this.costUsd.toFixed(4)} so far)`,
      );
    }
    if (limits.maxWallMinutes !== null && this.elapsedMs() >= limits.maxWallMinutes * 60_000) {
      throw new StopRun('max_wall_time', `the wall-clock budget of ${limits.maxWallMinutes} min is used up`);
    }
  }

  saveState(patch: Partial<PipelineState> = {}): void {
    this.state = { ...this.state, ...patch, elapsedBeforeMs: this.state.elapsedBeforeMs };
    this.input.ledger.saveState({ ...this.state, elapsedBeforeMs: this.elapsedMs() });
  }

  stageStarted(stage: StageName, step: number, attempt = 0): void {
    this.input.ledger.stage(stage, {
      status: attempt > 0 ? 'retrying' : 'active',
      attempt,
      step,
      startedAt: new Date().toISOString(),
      endedAt: null,
      message: null,
    });
    this.input.ledger.emit({ type: 'stage.started', stage, step, attempt });
  }

  stageFinished(
    stage: StageName,
    step: number,
    outcome: 'pass' | 'fail' | 'retry' | 'skipped',
    message: string | null = null,
  ): void {
    const status = outcome === 'retry' ? 'retrying' : outcome;
    this.input.ledger.stage(stage, { status, step, endedAt: new Date().toISOString(), message });
    this.input.ledger.emit({ type: 'stage.finished', stage, step, outcome, message });
  }

  log(text: string, stream: 'info' | 'warning' | 'error' = 'info', stage: StageName | null = null): void {
    this.input.ledger.emit({ type: 'log', stage, source: 'engine', stream, text });
  }

  progress(): void {
    this.input.ledger.emit({
      type: 'progress',
      step: this.state.step,
      maxSteps: this.input.limits.maxSteps,
      bestScore: this.state.bestScore,
      costUsd: this.costUsd,
      elapsedMs: this.elapsedMs(),
    });
  }

  /** One model call with the run's headers, recorded with its usage; the budgets are checked after it. */
  async chat(
    who: 'actor' | 'critic',
    stage: StageName,
    step: number,
    request: Omit<ChatRequest, 'context' | 'signal'>,
  ): Promise<LlmResult<ChatReply>> {
    this.checkStop();
    const client: LlmClient = this.input.llm[who];
    // The boundary where text leaves for the model: every host path in it becomes the sandbox's.
    const messages = this.toSandboxMessages(request.messages);
    const result = await client.chat({
      ...request,
      messages,
      context: { runId: this.runId, stage },
      signal: this.input.signal,
    });
    if (!result.ok && this.input.signal.aborted) throw stopOf(this.input.signal.reason);
    const usage = result.ok
      ? result.value.usage
      : { promptTokens: 0, completionTokens: 0, reasoningTokens: 0, cachedTokens: 0, costUsd: 0 };
    const counted = {
      promptTokens: usage.promptTokens ?? 0,
      completionTokens: usage.completionTokens ?? 0,
      reasoningTokens: usage.reasoningTokens ?? 0,
      cachedTokens: usage.cachedTokens ?? 0,
      costUsd: usage.costUsd,
    };
    if (counted.costUsd !== null) this.costUsd += counted.costUsd;
    else if (result.ok) {
      this.tokens.unknownCostCalls += 1;
      if (this.input.limits.maxCostUsd !== null && !this.warnedUnknownCost) {
        this.warnedUnknownCost = true;
        this.log(
          `the cost of ${client.model}'s calls is unknown (no usage.cost from the provider, no price in its model list): the $${this.input.limits.maxCostUsd} budget counts only calls whose cost is known`,
          'warning',
          stage,
        );
      }
    }
    this.tokens.prompt += counted.promptTokens;
    this.tokens.completion += counted.completionTokens;
    this.input.ledger.recordLlmCall({
      stage,
      step,
      model: result.ok ? result.value.model : client.model,
      ok: result.ok,
      durationMs: result.ok ? result.value.durationMs : result.error.durationMs,
      attempts: result.ok ? result.value.attempts : result.error.attempts,
      error: result.ok ? null : result.error.message,
      usage: counted,
      messages: messages as unknown[],
      response: result.ok ? result.value.assistantMessage : null,
    });
    this.failedCalls = result.ok ? 0 : this.failedCalls + 1;
    if (!result.ok && this.failedCalls >= MAX_FAILED_CALLS) {
      // A model that cannot be reached at all would otherwise burn every step as a "failed experiment".
      throw new StopRun(
        'error',
        `the model did not answer ${this.failedCalls} calls in a row (each retried): ${result.error.message}`,
      );
    }
    return result;
  }

  private mappings: PathMapping[] | null = null;

  /** Host paths of this run (workspace, data, run folder, hidden splits) and what the model is told instead. */
  sandboxPathMappings(): PathMapping[] {
    const { input } = this;
    this.mappings ??= sandboxPathMappings({
      workspaceDir: input.workspaceDir,
      dataDir: input.dataDir,
      sandboxPaths: input.sandbox.paths,
      runDir: input.runDir,
      // Where predict.py sees a hidden split's features (its mount point in Docker and bubblewrap; see
      // evaluation.ts); where the sandbox shows host paths, the run folder's placeholder stands for them.
      mounts:
        input.runData && hasOwnFilesystem(input.sandbox)
          ? (['selection', 'final'] as const).map((split) => ({
              host: input.runData!.paths[split].dir,
              sandbox: `/holdout/${split}`,
            }))
          : [],
    });
    return this.mappings;
  }

  /** Text for the model, in sandbox paths (see tools/sandbox-text.ts). */
  toSandboxText(text: string): string {
    return toSandboxText(text, this.sandboxPathMappings());
  }

  /** The messages as the model gets them: system, user and tool text in sandbox paths; its own words as they were. */
  toSandboxMessages(messages: readonly Message[]): Message[] {
    return messages.map((m): Message => {
      if (m.role === 'assistant') return m;
      if (typeof m.content === 'string') return { ...m, content: this.toSandboxText(m.content) } as Message;
      if (Array.isArray(m.content)) {
        const parts = (m.content as { type: string; text?: string }[]).map((part) =>
          part.type === 'text' && typeof part.text === 'string'
            ? { ...part, text: this.toSandboxText(part.text) }
            : part,
        );
        return { ...m, content: parts } as Message;
      }
      return m;
    });
  }

  toolContext(stage: StageName): ToolContext {
    const { input } = this;
    const source =
      stage === 'training'
        ? 'training'
        : stage === 'evaluate'
          ? 'evaluate'
          : stage === 'scoring' || stage === 'final_scoring'
            ? 'predict'
            : 'tool';
    return {
      sandbox: input.sandbox,
      policy: input.policy,
      workspaceDir: input.workspaceDir,
      dataDir: input.dataDir,
      ...(input.privateDirs ? { privateDirs: input.privateDirs } : {}),
      timeouts: input.tuning.timeouts,
      outputCapChars: input.tuning.outputCapChars,
      network: input.config.sandbox.network === 'bridge',
      signal: input.signal,
      openLog: (from) => input.ledger.openLog(stage, from === 'tool' ? source : from, this.state.step),
      onMetrics: (values) => input.ledger.emit({ type: 'metrics', step: this.state.step, values }),
    };
  }
}

const MAX_FAILED_CALLS = 5;

/** The StopRun behind an abort (cancel is the default reason). */
export function stopOf(reason: unknown): StopRun {
  return reason instanceof StopRun ? reason : new StopRun('cancelled', 'the run was cancelled');
}

export type Message = ChatCompletionMessageParam;
