import { z } from 'zod';
import { Experiment, RunSummary, StageRow } from '../api/runs';
import { TraceCall } from '../api/run-details';

/**
 * The rows of migration 003 as better-sqlite3 returns them, and their mapping to and from the contract's
 * schemas (engine/api/runs.ts). Reads go through the schemas, so a row another version wrote that no longer
 * fits is reported rather than handed on.
 */

export type RunControl = 'cancel' | 'pause';

export interface RunRow {
  id: string;
  name: string | null;
  status: string;
  end_reason: string | null;
  message: string | null;
  mode: string;
  task: string;
  workspace: string;
  run_dir: string;
  config_json: string;
  metric_name: string;
  direction: string;
  target: number | null;
  trusted: number;
  step: number;
  max_steps: number;
  best_score: number | null;
  best_step: number | null;
  best_commit: string | null;
  final_score: number | null;
  cost_usd: number;
  unknown_cost_calls: number;
  prompt_tokens: number;
  completion_tokens: number;
  reasoning_tokens: number;
  cached_tokens: number;
  llm_calls: number;
  model: string;
  sandbox: string;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
  last_seq: number;
  owner_pid: number | null;
  owner_host: string | null;
  control: string | null;
  state_json: string | null;
}

export interface StageDbRow {
  stage: string;
  status: string;
  attempt: number;
  step: number;
  started_at: string | null;
  ended_at: string | null;
  message: string | null;
}

export interface ExperimentDbRow {
  step: number;
  parent_step: number | null;
  hypothesis: string;
  proposal: string;
  tag: string | null;
  outcome: string;
  score: number | null;
  self_reported_score: number | null;
  note: string | null;
  commit_sha: string | null;
  started_at: string;
  ended_at: string | null;
  duration_ms: number | null;
  prompt_tokens: number;
  completion_tokens: number;
  cost_usd: number;
  unknown_cost_calls: number;
}

export interface EventDbRow {
  seq: number;
  at: string;
  body_json: string;
}

export interface LlmCallDbRow {
  id: number;
  run_id: string;
  seq: number | null;
  stage: string;
  step: number;
  model: string;
  at: string;
  duration_ms: number;
  attempts: number;
  ok: number;
  error: string | null;
  prompt_tokens: number;
  completion_tokens: number;
  reasoning_tokens: number;
  cached_tokens: number;
  cost_usd: number | null;
  request_json: string;
  response_json: string | null;
}

export const LlmUsage = z.object({
  promptTokens: z.number().int(),
  completionTokens: z.number().int(),
  reasoningTokens: z.number().int(),
  cachedTokens: z.number().int(),
  /** USD; null when neither the provider nor the catalog said. */
  costUsd: z.number().nullable(),
});
export type LlmUsage = z.infer<typeof LlmUsage>;

/** One stored LLM request and its answer (messages capped, see `capMessage`). */
// The contract's trace call, with the run it belongs to and the usage as the store keeps it (one object)
// instead of the trace's flat tokens and cost.
export const LlmCallRow = TraceCall.omit({
  promptTokens: true,
  completionTokens: true,
  costUsd: true,
}).extend({
  runId: z.string(),
  usage: LlmUsage,
});
export type LlmCallRow = z.infer<typeof LlmCallRow>;

export const toSummary = (row: RunRow) =>
  RunSummary.safeParse({
    id: row.id,
    name: row.name,
    status: row.status,
    endReason: row.end_reason,
    message: row.message,
    mode: row.mode,
    task: row.task,
    workspace: row.workspace,
    metric: {
      name: row.metric_name,
      direction: row.direction,
      target: row.target,
      trusted: row.trusted === 1,
    },
    step: row.step,
    maxSteps: row.max_steps,
    bestScore: row.best_score,
    bestStep: row.best_step,
    bestCommit: row.best_commit,
    finalScore: row.final_score,
    costUsd: row.cost_usd,
    unknownCostCalls: row.unknown_cost_calls,
    promptTokens: row.prompt_tokens,
    completionTokens: row.completion_tokens,
    llmCalls: row.llm_calls,
    model: row.model,
    sandbox: sandboxChoice(row),
    createdAt: row.created_at,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    lastSeq: row.last_seq,
  });

export const toStage = (row: StageDbRow) =>
  StageRow.safeParse({
    stage: row.stage,
    status: row.status,
    attempt: row.attempt,
    step: row.step,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    message: row.message,
  });

export const toExperiment = (row: ExperimentDbRow) =>
  Experiment.safeParse({
    step: row.step,
    parentStep: row.parent_step,
    hypothesis: row.hypothesis,
    proposal: row.proposal,
    tag: row.tag,
    outcome: row.outcome,
    score: row.score,
    selfReportedScore: row.self_reported_score,
    note: row.note,
    commitSha: row.commit_sha,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    durationMs: row.duration_ms,
    promptTokens: row.prompt_tokens,
    completionTokens: row.completion_tokens,
    costUsd: row.cost_usd,
    unknownCostCalls: row.unknown_cost_calls,
  });

/** The experiment's columns, in the order of the repository's upsert. */
export const experimentParams = (runId: string, e: Experiment): unknown[] => [
  runId,
  e.step,
  e.parentStep,
  e.hypothesis,
  e.proposal,
  e.tag,
  e.outcome,
  e.score,
  e.selfReportedScore,
  e.note,
  e.commitSha,
  e.startedAt,
  e.endedAt,
  e.durationMs,
  e.promptTokens,
  e.completionTokens,
  e.costUsd,
  e.unknownCostCalls,
];

export const toLlmCall = (row: LlmCallDbRow) => {
  let messages: unknown;
  let response: unknown;
  try {
    messages = JSON.parse(row.request_json);
    response = row.response_json === null ? null : JSON.parse(row.response_json);
  } catch {
    messages = undefined; // fails the schema below
  }
  return LlmCallRow.safeParse({
    id: row.id,
    runId: row.run_id,
    seq: row.seq,
    stage: row.stage,
    step: row.step,
    model: row.model,
    at: row.at,
    durationMs: row.duration_ms,
    attempts: row.attempts,
    ok: row.ok === 1,
    error: row.error,
    usage: {
      promptTokens: row.prompt_tokens,
      completionTokens: row.completion_tokens,
      reasoningTokens: row.reasoning_tokens,
      cachedTokens: row.cached_tokens,
      costUsd: row.cost_usd,
    },
    messages,
    response,
  });
};

/** JSON for a nullable opaque value: `null` stays SQL NULL. */
export const jsonOrNull = (value: unknown): string | null =>
  value === null || value === undefined ? null : JSON.stringify(value);

export const parseJsonOrNull = (text: string | null): unknown => (text === null ? null : JSON.parse(text));

/** The most characters of one message's content kept in the store. */
export const MESSAGE_CONTENT_CAP = 50_000;

/** `text` cut to `cap` characters (never inside a surrogate pair) with a marker saying how much was cut. */
export function capText(text: string, cap = MESSAGE_CONTENT_CAP): string {
  if (text.length <= cap) return text;
  let keep = cap;
  const last = text.charCodeAt(keep - 1);
  if (last >= 0xd800 && last <= 0xdbff) keep -= 1; // do not split a surrogate pair
  const cut = text.length - keep;
  return `${text.slice(0, keep)}\n[… mle-beast cut ${cut} of ${text.length} characters here]`;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A chat message with its content capped: a string content, each text part of an array content, and each
 * tool call's arguments. Anything else is kept as it is (the message is stored, not interpreted).
 */
export function capMessage(message: unknown, cap = MESSAGE_CONTENT_CAP): unknown {
  if (!isRecord(message)) return typeof message === 'string' ? capText(message, cap) : message;
  const out: Record<string, unknown> = { ...message };
  if (typeof out.content === 'string') out.content = capText(out.content, cap);
  else if (Array.isArray(out.content)) {
    out.content = out.content.map((part: unknown) =>
      isRecord(part) && typeof part.text === 'string' ? { ...part, text: capText(part.text, cap) } : part,
    );
  }
  if (Array.isArray(out.tool_calls)) {
    out.tool_calls = out.tool_calls.map((call: unknown) => {
      if (!isRecord(call) || !isRecord(call.function) || typeof call.function.arguments !== 'string')
        return call;
      return { ...call, function: { ...call.function, arguments: capText(call.function.arguments, cap) } };
    });
  }
  return out;
}

/**
 * The sandbox the run chose. The column holds the kind (docker, local); a local run that chose to go without
 * an OS sandbox says so in its stored config, and is shown as such.
 */
function sandboxChoice(row: { sandbox: string; config_json: string }): string {
  if (row.sandbox !== 'local') return row.sandbox;
  try {
    const config = JSON.parse(row.config_json) as { sandbox?: { kind?: unknown } } | null;
    return config?.sandbox?.kind === 'local-unisolated' ? 'local-unisolated' : 'local';
  } catch {
    return 'local';
  }
}
