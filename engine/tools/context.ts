import type { Policy } from '../../policy';
import type { Sandbox } from '../sandbox/types';
import type { LogSource as RunLogSource, OutputStream } from '../api/vocabulary';

/** Where a tool runs and what it may do: built by the pipeline for each run. */
export interface ToolContext {
  /** Where commands run. */
  sandbox: Sandbox;
  policy: Policy;
  /** Host path of the workspace, absolute (realpath'd). */
  workspaceDir: string;
  /** Host path of the visible (read-only) data, readable by read_file and list_files; null when none. */
  dataDir: string | null;
  /**
   * Host folders the safety policy lets no command read or write: the app's data folder (database, run
   * folders with hidden labels, other workspaces). Undefined: the policy's default (~/.mle-beast).
   */
  privateDirs?: readonly string[];
  /**
   * Settings values (ms) that replace a timeout the model left at its schema default; an explicit value from
   * the model is kept but capped at 4x the setting.
   */
  timeouts: ToolTimeouts;
  /** How many characters of output go back to the model (head and tail, with a marker). Default 4000. */
  outputCapChars: number;
  /** Whether download_url is allowed. */
  network: boolean;
  /** Cancel: kills the running command at once. */
  signal: AbortSignal;
  /** Each output line, when `openLog` is not given (tests). */
  onLog?: (source: LogSource, stream: OutputStream, line: string) => void;
  /**
   * Opens the log of one command, as it starts: the run keeps its whole output in a file and a bounded part as
   * events. Called once per command; `close()` when the command has ended (whatever way).
   */
  openLog?: (source: LogSource) => CommandLog;
  /** The numeric fields of each new line of logs/metrics.jsonl, while launch_training runs. */
  onMetrics?: (values: Record<string, number>) => void;
}

/** The log sources a tool's command writes under (the engine and predict.py log elsewhere). */
export type LogSource = Extract<RunLogSource, 'training' | 'evaluate' | 'tests' | 'tool'>;

/** One command's output as the run keeps it. Every method is cheap and never blocks on I/O. */
export interface CommandLog {
  /** Output as it arrives (decoded, lines may be split), for the whole log. */
  chunk(stream: OutputStream, text: string): void;
  /** One whole line (a progress bar's last state). */
  line(stream: OutputStream, text: string): void;
  /** The command has ended: what is kept of its last lines is stored, its file closed. Safe to call twice. */
  close(): void;
}

export interface ToolTimeouts {
  shellMs: number;
  pythonMs: number;
  testsMs: number;
  trainingMs: number;
  evaluateMs: number;
}

/** What a tool call gives back. `text` goes to the model; failures start with `ERROR: `. */
export interface ToolOutcome {
  ok: boolean;
  text: string;
  /** Set by mark_complete: the stage's loop ends. */
  complete?: { summary: string };
  durationMs: number;
}

export const DEFAULT_OUTPUT_CAP_CHARS = 4000;

/** An error whose message is meant for the model as is (after `ERROR: `). */
export class ToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolError';
  }
}

/**
 * The timeout to use: the setting when the model left the schema default, else the model's value capped at 4x
 * the setting. `seconds` is the model's value, `schemaDefault` the schema's default (both seconds).
 */
export function effectiveTimeoutMs(seconds: number, schemaDefault: number, settingMs: number): number {
  if (seconds === schemaDefault) return settingMs;
  return Math.min(Math.round(seconds * 1000), settingMs * 4);
}
