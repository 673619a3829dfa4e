/**
 * The vocabulary's plain values and predicates (vocabulary.ts re-exports them all and builds its enums from
 * these lists). No zod here: the renderer's first screen (the Runs page, a run's header) uses these before it
 * has loaded a single schema.
 */

/** Which way a metric is better. Fixed per run (ARCHITECTURE.md section 6), never guessed per step. */
export const DIRECTIONS = ['higher', 'lower'] as const;
export type Direction = (typeof DIRECTIONS)[number];

/**
 * Whether score `a` improves on the best so far `b`: strictly (a tie is not an improvement), in the
 * metric's direction. No best yet (null, or a non-finite figure) is beaten by any finite score; a non-finite
 * score (NaN, Infinity from a broken evaluation) never improves anything.
 */
export function isBetter(direction: Direction, a: number, b: number | null): boolean {
  if (!Number.isFinite(a)) return false;
  if (b === null || !Number.isFinite(b)) return true;
  return direction === 'higher' ? a > b : a < b;
}

/** The comparison a target is written with: `accuracy >= 0.85`, `rmse <= 3.2`. */
export const comparisonOperator = (direction: Direction): '>=' | '<=' =>
  direction === 'higher' ? '>=' : '<=';

/** Whether a score meets a target: `>=` for higher-is-better metrics, `<=` for lower. No target, no score: no. */
export function meetsTarget(direction: Direction, value: number | null, target: number | null): boolean {
  if (value === null || target === null || !Number.isFinite(value)) return false;
  return direction === 'higher' ? value >= target : value <= target;
}

/** The states of a run. */
export const RUN_STATUSES = [
  'pending',
  'running',
  'paused',
  'completed',
  'failed',
  'cancelled',
  'interrupted',
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
/** States a run never leaves on its own (interrupted can be resumed by the user). */
export const TERMINAL_STATUSES = [
  'completed',
  'failed',
  'cancelled',
  'interrupted',
] as const satisfies readonly RunStatus[];
export type TerminalStatus = (typeof TERMINAL_STATUSES)[number];
export const isTerminalStatus = (s: RunStatus): s is TerminalStatus =>
  (TERMINAL_STATUSES as readonly RunStatus[]).includes(s);

/**
 * The pipeline's stages, in order (README "Stages"). They name the `X-Mle-Stage` header of every LLM
 * request, the stage rows in the store, and the steps in the UI.
 */
export const STAGES = [
  'setup',
  'data_analysis',
  'data_analysis_critic',
  'baseline',
  'testing',
  'training',
  'evaluate',
  'scoring',
  'proposal',
  'proposal_critic',
  'implement',
  'hillclimb_test',
  'final_scoring',
] as const;
export type StageName = (typeof STAGES)[number];

/** Why a run ended: the machine-readable reason beside the human message. */
export const END_REASONS = [
  'target_reached',
  'max_steps',
  'max_consecutive_failures',
  'max_cost',
  'max_wall_time',
  'cancelled',
  'error',
  'interrupted',
] as const;
export type EndReason = (typeof END_REASONS)[number];

/**
 * Why a run stopped, in a few words: the one wording the CLI's summary, the run header, the end notice and the
 * report all show (each adds its own sentence around it).
 */
export const END_REASON_TEXT: Record<EndReason, string> = {
  target_reached: 'target reached',
  max_steps: 'step limit reached',
  max_consecutive_failures: 'too many failed experiments in a row',
  max_cost: 'cost budget spent',
  max_wall_time: 'time budget spent',
  cancelled: 'cancelled',
  error: 'stopped by an error',
  interrupted: 'interrupted',
};
