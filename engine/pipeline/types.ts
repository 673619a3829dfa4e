import type { EndReason, Experiment, RunEventBody, RunSummary, StageName, StageRow } from '../api/runs';
import type { ProjectConfig } from '../config';
import type { PreparedRunData } from '../datasets';
import type { LlmClient } from '../llm';
import type { Policy } from '../../policy';
import type { Sandbox } from '../sandbox';
import type { CommandLog } from '../tools';
import type { ResolvedMetric } from '../scoring';
import type { Direction } from '../api/vocabulary';

/** The run's metric, fixed once: the engine's resolved metric when a hidden holdout scores, else a name. */
export interface RunMetric {
  name: string;
  direction: Direction;
  target: number | null;
  /** Null when nothing is scored by the engine (dataset kind `other`, or no dataset): self-reported. */
  resolved: ResolvedMetric | null;
  classes: readonly string[] | undefined;
}

export interface RunLimits {
  maxSteps: number;
  maxConsecutiveFailures: number;
  maxCostUsd: number | null;
  maxWallMinutes: number | null;
}

/** Per-run knobs with sensible defaults (the original's, where it had them). */
export interface RunTuning {
  turns: { data_analysis: number; baseline: number; implement: number; proposal: number };
  /** Attempts of the data-analysis actor before the run goes on with a warning. */
  dataAnalysisAttempts: number;
  /** Attempts to get the tests passing (baseline and each experiment) before giving up. */
  testAttempts: number;
  proposalAttempts: number;
  timeouts: { shellMs: number; pythonMs: number; testsMs: number; trainingMs: number; evaluateMs: number };
  /** `--epochs` given to train.py. */
  epochs: number;
  /** What a tool result may put in the model's context. */
  outputCapChars: number;
  /** Past this many characters, the oldest tool results in an actor's conversation are cut to previews. */
  contextBudgetChars: number;
}

export const DEFAULT_TUNING: RunTuning = {
  turns: { data_analysis: 25, baseline: 40, implement: 40, proposal: 15 },
  dataAnalysisAttempts: 3,
  testAttempts: 3,
  proposalAttempts: 3,
  // The settings' defaults (engine/api/settings.ts); a run takes the saved settings' values.
  timeouts: {
    shellMs: 120_000,
    pythonMs: 300_000,
    testsMs: 300_000,
    trainingMs: 30 * 60_000,
    evaluateMs: 10 * 60_000,
  },
  epochs: 15,
  outputCapChars: 4000,
  contextBudgetChars: 40_000,
};

/** What the pipeline keeps between steps, saved after every transition so a new process can resume. */
export interface PipelineState {
  phase: 'data_analysis' | 'baseline' | 'loop' | 'finalize' | 'done';
  /** The last step started (0 = baseline). */
  step: number;
  bestStep: number | null;
  bestScore: number | null;
  bestCommit: string | null;
  consecutiveFailures: number;
  /** Milliseconds of run time before this process took the run over (the wall-clock budget counts them). */
  elapsedBeforeMs: number;
  /** Why the run is ending, saved before the final scoring so a resume during it ends the same way. */
  ending: { reason: EndReason; message: string } | null;
}

export const INITIAL_STATE: PipelineState = {
  phase: 'data_analysis',
  step: 0,
  bestStep: null,
  bestScore: null,
  bestCommit: null,
  consecutiveFailures: 0,
  elapsedBeforeMs: 0,
  ending: null,
};

export interface LlmCallRecord {
  stage: StageName;
  step: number;
  model: string;
  ok: boolean;
  durationMs: number;
  attempts: number;
  error: string | null;
  usage: {
    promptTokens: number;
    completionTokens: number;
    reasoningTokens: number;
    cachedTokens: number;
    costUsd: number | null;
  };
  messages: unknown[];
  response: unknown | null;
}

/**
 * Where the pipeline writes what happens: events (stored, then fanned out), usage, stages, experiments, and
 * its state. engine/runs implements it over the store and the event bus.
 */
export interface RunLedger {
  emit(body: RunEventBody): void;
  /**
   * Opens the log of one command the run starts: its whole output to a file in the run folder, a bounded part
   * of it as `log` events (stored and sent in batches).
   */
  openLog(
    stage: StageName | null,
    source: Extract<RunEventBody, { type: 'log' }>['source'],
    step: number,
  ): CommandLog;
  recordLlmCall(call: LlmCallRecord): void;
  stage(stage: StageName, patch: Partial<Omit<StageRow, 'stage'>>): void;
  recordExperiment(e: Experiment): void;
  experiments(): Experiment[];
  /** Saves the state for a resume and mirrors step / best score / best commit into the run's row. */
  saveState(state: PipelineState): void;
  setFinalScore(value: number | null): void;
  summary(): RunSummary;
}

/** Ends the run early: a budget ran out, the user cancelled. Thrown through the stages, caught by the loop. */
export class StopRun extends Error {
  constructor(
    readonly reason: EndReason,
    message: string,
  ) {
    super(message);
    this.name = 'StopRun';
  }
}

export interface PipelineInput {
  runId: string;
  config: ProjectConfig;
  /** Host path of the workspace (a git repository on the run's branch). */
  workspaceDir: string;
  /** The engine's folder for this run (predictions of kept steps live here). */
  runDir: string;
  runData: PreparedRunData | null;
  /** Host path of the data the sandbox mounts read-only (the visible part, or an `other` dataset); null: none. */
  dataDir: string | null;
  /** Host folders no command may read or write (the app's data folder); undefined: the policy's default. */
  privateDirs?: readonly string[];
  metric: RunMetric;
  sandbox: Sandbox;
  policy: Policy;
  llm: { actor: LlmClient; critic: LlmClient; jsonMode: boolean };
  ledger: RunLedger;
  limits: RunLimits;
  tuning: RunTuning;
  /** Aborted with a StopRun as its reason when the run must end now. */
  signal: AbortSignal;
  /** Resolves when the run may go on (not paused); rejects with StopRun when it was stopped meanwhile. */
  whilePaused(): Promise<void>;
  /** Ends the run now (aborts `signal` with this reason): the wall-clock budget uses it. */
  stop(reason: StopRun): void;
  state: PipelineState;
}
