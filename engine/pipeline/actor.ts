import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { StageName } from '../api/runs';
import { jsonModeInstructions, parseJsonModeAnswer, parseSingleToolCall, type ToolSet } from '../llm';
import { executeTool } from '../tools';
import { trimConversation } from './context-trim';
import type { RunSession } from './session';

/**
 * An actor: the model chooses exactly one tool per turn from its role's tools until it calls mark_complete
 * or runs out of turns. An invalid call (unknown tool, bad arguments, prose instead of a call, several calls)
 * goes back to the model as an error to correct; a tool's failure goes back as its result. Neither ends the
 * stage. A model that cannot be reached after the client's retries ends the stage, not the run.
 */
export interface ActorRequest {
  stage: StageName;
  step: number;
  tools: ToolSet;
  system: string;
  user: string;
  maxTurns: number;
  /**
   * A text answer (no tool call) that this accepts counts as mark_complete with the text as its summary: the
   * proposal stage takes a proposal written out in prose rather than arguing with the model about the form.
   */
  acceptsText?: (text: string) => boolean;
}

export interface ActorResult {
  completed: boolean;
  /** mark_complete's summary. */
  summary: string | null;
  turns: number;
  /** Why it ended without mark_complete. */
  failure: string | null;
}

const PREVIEW = 300;

export async function runActor(session: RunSession, request: ActorRequest): Promise<ActorResult> {
  const jsonMode = session.input.llm.jsonMode;
  const system = jsonMode ? `${request.system}\n\n${jsonModeInstructions(request.tools)}` : request.system;
  let messages: ChatCompletionMessageParam[] = [
    { role: 'system', content: system },
    { role: 'user', content: request.user },
  ];
  let invalidInARow = 0;
  for (let turn = 0; turn < request.maxTurns; turn += 1) {
    session.checkStop();
    messages = trimConversation(messages, session.input.tuning.contextBudgetChars);
    const result = await session.chat('actor', request.stage, request.step, {
      messages,
      ...(jsonMode ? { jsonMode: true } : { tools: request.tools, requireTool: true }),
    });
    if (!result.ok) {
      return {
        completed: false,
        summary: null,
        turns: turn + 1,
        failure: `the model could not be reached: ${result.error.message}`,
      };
    }
    const reply = result.value;
    const prose = reply.toolCalls.length === 0 ? (reply.content ?? '').trim() : '';
    if (prose && request.acceptsText?.(prose)) {
      return { completed: true, summary: prose, turns: turn + 1, failure: null };
    }
    const parsed = jsonMode
      ? parseJsonModeAnswer(reply.content, request.tools)
      : reply.toolCalls.length === 0 && reply.content
        ? // Some models answer with the JSON of a call in the text: accept it rather than argue.
          fallbackToJson(reply.content, request.tools)
        : parseSingleToolCall(reply.toolCalls, request.tools, reply.content);
    messages.push(reply.assistantMessage);

    if (!parsed.ok) {
      invalidInARow += 1;
      const error = `ERROR: ${parsed.error}`;
      session.input.ledger.emit({
        type: 'tool.call',
        stage: request.stage,
        step: request.step,
        tool: reply.toolCalls[0]?.name ?? '(none)',
        args: {},
        ok: false,
        preview: error.slice(0, PREVIEW),
        durationMs: 0,
      });
      answerCalls(messages, reply.toolCalls, error, jsonMode);
      if (invalidInARow >= 5) {
        return {
          completed: false,
          summary: null,
          turns: turn + 1,
          failure: `five invalid tool calls in a row: ${parsed.error}`,
        };
      }
      continue;
    }
    invalidInARow = 0;
    const call = parsed.value;
    const outcome = await executeTool(call, session.toolContext(request.stage));
    session.checkStop();
    session.input.ledger.emit({
      type: 'tool.call',
      stage: request.stage,
      step: request.step,
      tool: call.name,
      args: previewArgs(call.args),
      ok: outcome.ok,
      preview: outcome.text.slice(0, PREVIEW),
      durationMs: outcome.durationMs,
    });
    answerCalls(messages, reply.toolCalls, outcome.text, jsonMode);
    if (outcome.complete) {
      return { completed: true, summary: outcome.complete.summary, turns: turn + 1, failure: null };
    }
  }
  return {
    completed: false,
    summary: null,
    turns: request.maxTurns,
    failure: `no mark_complete within ${request.maxTurns} turns`,
  };
}

function fallbackToJson(content: string, tools: ToolSet) {
  const json = parseJsonModeAnswer(content, tools);
  return json.ok ? json : parseSingleToolCall([], tools, content);
}

/** Every tool call id needs an answer (providers reject a conversation otherwise); text replies get a user turn. */
function answerCalls(
  messages: ChatCompletionMessageParam[],
  calls: readonly { id: string | null }[],
  text: string,
  jsonMode: boolean,
): void {
  const withIds = calls.filter((c) => c.id);
  if (jsonMode || withIds.length === 0) {
    messages.push({ role: 'user', content: `Tool result:\n${text}` });
    return;
  }
  withIds.forEach((c, i) =>
    messages.push({
      role: 'tool',
      tool_call_id: c.id as string,
      content: i === 0 ? text : 'ERROR: only the first tool call of a turn is run; call one tool per turn.',
    }),
  );
}

function previewArgs(args: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args)) {
    out[k] = typeof v === 'string' && v.length > 200 ? `${v.slice(0, 200)}… (${v.length} chars)` : v;
  }
  return out;
}
