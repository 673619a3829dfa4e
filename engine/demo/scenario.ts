import { createHash } from 'node:crypto';
import {
  delay,
  httpError,
  startScriptedServer,
  type RecordedRequest,
  type ReplyStep,
  type ScriptStep,
  type ScriptUsage,
} from '../llm/scripted-server';

/**
 * A stage-aware scripted model: an OpenAI-compatible server on loopback (engine/llm/scripted-server.ts)
 * whose answers are computed per request from the `X-Mle-Run-Id` and `X-Mle-Stage` headers and the shape of
 * the conversation, so one scenario plays whole runs (tests, `mle-beast demo`) without a real model.
 *
 * Conversations: a request with no assistant message starts a new conversation of its stage, unless it is
 * the client's retry of the request just answered with a fault (429, 500, a dropped or slow answer); the
 * turn is the number of assistant messages. State is kept per run id, so one server serves several runs and
 * a resumed run (same id) carries on where it stopped.
 */

/** The model name scripted replies carry and `/v1/models` lists. */
export const SCRIPTED_MODEL = 'scripted model';

/** Stages that call the model (README "Stages"); others get a reply saying no call was expected. */
export type ScenarioStage =
  | 'data_analysis'
  | 'data_analysis_critic'
  | 'baseline'
  | 'testing'
  | 'proposal'
  | 'proposal_critic'
  | 'implement'
  | 'hillclimb_test';

export interface ScenarioMessage {
  role: string;
  content?: unknown;
  tool_calls?: { id?: string; type?: string; function?: { name?: string; arguments?: string } }[];
  tool_call_id?: string;
}

/** Scratch state of one run, shared by the scenario's handlers (kept for the server's lifetime). */
export interface RunMemory {
  runId: string;
  /** Free for handlers: what was proposed, which experiment is being implemented, ... */
  values: Record<string, unknown>;
}

export interface ScenarioCall {
  runId: string;
  stage: string;
  /** How many conversations this stage had before this one in this run (0-based). */
  conversationIndex: number;
  /** Assistant messages in the request. */
  turn: number;
  /**
   * The turn less the assistant messages that were injected faults (a malformed tool call the engine sent
   * back as an error): where the handler's own script stands. Equal to `turn` without faults.
   */
  step: number;
  messages: ScenarioMessage[];
  /** Names of the tools offered (empty for critics). */
  tools: string[];
  /** Text of the last message (a tool result, or the user's brief). */
  lastText: string;
  /** Every message's text, joined: to look things up in the brief. */
  text: string;
  run: RunMemory;
  request: RecordedRequest;
}

export type StageHandler = (call: ScenarioCall) => ScriptStep | undefined | Promise<ScriptStep | undefined>;

export interface Scenario {
  name: string;
  description?: string;
  stages: Partial<Record<string, StageHandler>>;
}

export interface ScenarioModel {
  /** `http://127.0.0.1:<port>/v1` */
  baseURL: string;
  model: string;
  /** Every request the server got, in order, with the step it played. */
  requests: RecordedRequest[];
  /** How many conversations each stage of a run had so far. */
  conversations(runId: string): Record<string, number>;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------------
// Replies

/** A reply with exactly one tool call. */
export function toolCall(name: string, args: Record<string, unknown> | string): ReplyStep {
  return { kind: 'reply', toolCalls: [{ name, arguments: args }] };
}

/** A plain text reply (critics' feedback). */
export function say(content: string): ReplyStep {
  return { kind: 'reply', content };
}

/**
 * The usage a reply reports when its handler gave none: about four characters a token, priced like a
 * mid-range hosted model ($3 per million prompt tokens, $15 per million completion tokens), with `cost` the
 * way OpenRouter reports it.
 */
export function estimateUsage(messages: unknown, step: ReplyStep): ScriptUsage {
  const prompt = Math.max(1, Math.ceil(JSON.stringify(messages ?? []).length / 4));
  const replyText = (step.content ?? '') + JSON.stringify(step.toolCalls ?? []);
  const completion = Math.max(1, Math.ceil(replyText.length / 4) + 8);
  const cost = Number((prompt * 3e-6 + completion * 15e-6).toFixed(8));
  return { prompt_tokens: prompt, completion_tokens: completion, cost };
}

// ---------------------------------------------------------------------------------------------------------
// Faults

const FAULT_ID_PREFIX = 'call_fault_';

/** Ready-made fault steps for `withFaults`. */
export const faults = {
  /** 429 with `Retry-After: 0`: the client retries at once. */
  rateLimited: (): ScriptStep => httpError(429, { retryAfter: '0' }),
  serverError: (status = 500): ScriptStep => httpError(status),
  /** A tool call whose arguments are not JSON (cut off mid-way). */
  malformedArguments: (tool = 'write_file'): ScriptStep => ({
    kind: 'reply',
    toolCalls: [{ name: tool, arguments: '{"file_path": "model.py", "content": "import num' }],
  }),
  /** A call of a tool no role has. */
  unknownTool: (tool = 'write_files'): ScriptStep => ({
    kind: 'reply',
    toolCalls: [{ name: tool, arguments: { path: 'model.py' } }],
  }),
  /** The scenario's own answer, `ms` late (with no `then`: the delay wraps whatever the handler answers). */
  slow: (ms: number): ScriptStep => delay(ms),
};

export interface FaultSpec {
  stage: string;
  /** Only in this conversation of the stage (0-based); any when absent. */
  conversation?: number;
  /** Only at this step of the conversation (see `ScenarioCall.step`); any when absent. */
  turn?: number;
  fault: ScriptStep;
  /** How many times it fires per run (default 1): the first times a matching request comes. */
  times?: number;
}

/**
 * The scenario with faults injected: each fault replaces the scenario's answer the first `times` times a
 * matching request comes in a run; after that the scenario answers as usual (so a retried request, or the
 * turn after a malformed call, gets the real answer). A `delay` fault without `then` delays the real answer.
 */
export function withFaults(scenario: Scenario, specs: FaultSpec[]): Scenario {
  const stages: Partial<Record<string, StageHandler>> = { ...scenario.stages };
  const involved = new Set(specs.map((s) => s.stage));
  for (const stage of involved) {
    const inner = scenario.stages[stage];
    stages[stage] = async (call) => {
      const fired = (call.run.values.__faultsFired ??= {}) as Record<number, number>;
      for (const [index, spec] of specs.entries()) {
        if (spec.stage !== stage) continue;
        if (spec.conversation !== undefined && spec.conversation !== call.conversationIndex) continue;
        if (spec.turn !== undefined && spec.turn !== call.step) continue;
        if ((fired[index] ?? 0) >= (spec.times ?? 1)) continue;
        fired[index] = (fired[index] ?? 0) + 1;
        if (spec.fault.kind === 'delay' && !spec.fault.then) {
          const real = inner ? await inner(call) : undefined;
          const then = real && (real.kind === 'reply' || real.kind === 'error') ? real : undefined;
          return { kind: 'delay', ms: spec.fault.ms, ...(then ? { then } : {}) };
        }
        return markFault(spec.fault, call.run);
      }
      return inner ? inner(call) : undefined;
    };
  }
  return { ...scenario, name: `${scenario.name} (with faults)`, stages };
}

/** Fault replies get tool call ids (and content) the server recognises later, so `step` skips them. */
function markFault(step: ScriptStep, run: RunMemory): ScriptStep {
  if (step.kind !== 'reply') return step;
  const n = ((run.values.__faultReplies as number | undefined) ?? 0) + 1;
  run.values.__faultReplies = n;
  if (step.toolCalls?.length) {
    return {
      ...step,
      toolCalls: step.toolCalls.map((tc, i) => ({ ...tc, id: `${FAULT_ID_PREFIX}${n}_${i}` })),
    };
  }
  const contents = (run.values.__faultContents ??= []) as string[];
  if (step.content) contents.push(step.content);
  return step;
}

// ---------------------------------------------------------------------------------------------------------
// The server

interface StageTrack {
  conversations: number;
  /** The last request of the stage: its messages' hash, and until when the same request is its retry. */
  lastSignature: string | null;
  /**
   * After an error, a drop or a raw answer the client retries whenever it does (Infinity); after a slow
   * answer only a request that comes before the answer was due is a retry (the client gave up waiting).
   */
  retryUntil: number;
}

interface RunState {
  memory: RunMemory;
  stages: Map<string, StageTrack>;
}

export function messageText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part) =>
        typeof part === 'string'
          ? part
          : part && typeof part === 'object' && 'text' in part
            ? String((part as { text: unknown }).text)
            : '',
      )
      .join('');
  }
  return content == null ? '' : JSON.stringify(content);
}

/**
 * Starts the scripted model for `scenario` on 127.0.0.1 (a free port). Give the engine `baseURL` and `model`
 * as a local OpenAI-compatible provider (any API key).
 */
export async function startScenarioModel(
  scenario: Scenario,
  options: { model?: string } = {},
): Promise<ScenarioModel> {
  const model = options.model ?? SCRIPTED_MODEL;
  const runs = new Map<string, RunState>();

  const runState = (runId: string): RunState => {
    let state = runs.get(runId);
    if (!state) {
      state = { memory: { runId, values: {} }, stages: new Map() };
      runs.set(runId, state);
    }
    return state;
  };

  const respond = async (request: RecordedRequest): Promise<ScriptStep> => {
    const runId = request.headers['x-mle-run-id'] ?? '(no run id)';
    const stage = request.headers['x-mle-stage'] ?? '';
    const body = request.body ?? {};
    const messages = (Array.isArray(body.messages) ? body.messages : []) as ScenarioMessage[];
    const tools = (Array.isArray(body.tools) ? body.tools : [])
      .map((t) => (t as { function?: { name?: unknown } }).function?.name)
      .filter((n): n is string => typeof n === 'string');
    const state = runState(runId);

    const turn = messages.filter((m) => m.role === 'assistant').length;
    const faultContents = (state.memory.values.__faultContents ?? []) as string[];
    const faultTurns = messages.filter(
      (m) =>
        m.role === 'assistant' &&
        ((m.tool_calls ?? []).some((tc) => tc.id?.startsWith(FAULT_ID_PREFIX)) ||
          (!m.tool_calls?.length && faultContents.includes(messageText(m.content)))),
    ).length;

    let track = state.stages.get(stage);
    if (!track) {
      track = { conversations: 0, lastSignature: null, retryUntil: 0 };
      state.stages.set(stage, track);
    }
    const signature = createHash('sha256').update(JSON.stringify(messages)).digest('hex');
    const isRetry = track.lastSignature === signature && request.at < track.retryUntil;
    if (turn === 0 && !isRetry) track.conversations += 1;
    // A first request without a fresh start (a resumed run mid-conversation) still counts as a conversation.
    if (track.conversations === 0) track.conversations = 1;
    const conversationIndex = track.conversations - 1;

    const call: ScenarioCall = {
      runId,
      stage,
      conversationIndex,
      turn,
      step: turn - faultTurns,
      messages,
      tools,
      lastText: messageText(messages.at(-1)?.content),
      text: messages.map((m) => messageText(m.content)).join('\n'),
      run: state.memory,
      request,
    };

    const where = `run ${runId}, stage "${stage || '(no X-Mle-Stage header)'}", conversation ${conversationIndex}, turn ${turn}`;
    const handler = stage ? scenario.stages[stage] : undefined;
    let step: ScriptStep | undefined;
    if (!handler) {
      step = say(
        `scripted model (scenario "${scenario.name}"): no script for this call (${where}). ` +
          `The scenario scripts the stages ${Object.keys(scenario.stages).join(', ')}; this stage was not expected to call the model.`,
      );
    } else {
      try {
        step = await handler(call);
      } catch (err) {
        step = say(
          `scripted model (scenario "${scenario.name}"): the script failed (${where}): ${err instanceof Error ? err.message : String(err)}`,
        );
      }
      step ??= say(
        `scripted model (scenario "${scenario.name}"): the script has nothing more for this call (${where}).`,
      );
    }

    track.lastSignature = signature;
    track.retryUntil =
      step.kind === 'reply' ? 0 : step.kind === 'delay' ? Date.now() + step.ms : Number.POSITIVE_INFINITY;
    return finish(step, messages, model);
  };

  const server = await startScriptedServer([], { models: [model], respond });
  return {
    baseURL: server.baseURL,
    model,
    requests: server.requests,
    conversations: (runId) =>
      Object.fromEntries(
        [...(runs.get(runId)?.stages ?? new Map<string, StageTrack>())].map(([s, t]) => [s, t.conversations]),
      ),
    close: () => server.close(),
  };
}

/** Every reply gets usage and the scenario's model name. */
function finish(step: ScriptStep, messages: ScenarioMessage[], model: string): ScriptStep {
  if (step.kind === 'reply') {
    return { ...step, model: step.model ?? model, usage: step.usage ?? estimateUsage(messages, step) };
  }
  if (step.kind === 'delay' && step.then) {
    const then = finish(step.then, messages, model) as ReplyStep;
    return { ...step, then };
  }
  return step;
}

/**
 * An actor script: one function per step (`ScenarioCall.step`); past the end the last one is repeated (an
 * actor whose `mark_complete` was refused asks again).
 */
export function actorScript(...steps: ((call: ScenarioCall) => ScriptStep)[]): StageHandler {
  return (call) => {
    if (steps.length === 0) return undefined;
    const index = Math.min(call.step, steps.length - 1);
    return (steps[index] as (c: ScenarioCall) => ScriptStep)(call);
  };
}
