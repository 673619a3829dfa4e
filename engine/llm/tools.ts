import { z } from 'zod';
import type { ChatCompletionFunctionTool } from 'openai/resources/chat/completions';
import { describeZodIssues } from '../config/zod-issues';

/**
 * A role's tools: name → description and zod schema of the arguments. The same map generates the function
 * definitions sent to the model and validates what comes back, so they cannot drift apart.
 */
export interface ToolSpec {
  description: string;
  args: z.ZodObject;
}
export type ToolSet = Record<string, ToolSpec>;

/** A tool call as the model sent it, before validation. */
export interface RawToolCall {
  id: string | null;
  name: string;
  /** The JSON text of the arguments. */
  arguments: string;
}

/** A validated tool call: `args` is the schema's output (defaults applied). */
export interface ParsedToolCall {
  id: string | null;
  name: string;
  args: Record<string, unknown>;
}

/** Either the call, or a message meant for the model so it can correct itself. */
export type ToolCallResult = { ok: true; value: ParsedToolCall } | { ok: false; error: string };

/** One function per tool; parameters from `z.toJSONSchema` of the input side (fields with defaults optional). */
export function toOpenAITools(tools: ToolSet): ChatCompletionFunctionTool[] {
  return Object.entries(tools).map(([name, spec]) => {
    const { $schema: _ignored, ...parameters } = z.toJSONSchema(spec.args, { io: 'input' }) as Record<
      string,
      unknown
    >;
    return { type: 'function', function: { name, description: spec.description, parameters } };
  });
}

const toolList = (tools: ToolSet): string => Object.keys(tools).join(', ');

/** Validates one call's name and arguments against the role's tools. */
export function validateToolCall(call: RawToolCall, tools: ToolSet): ToolCallResult {
  const spec = Object.hasOwn(tools, call.name) ? tools[call.name] : undefined;
  if (!spec) {
    return {
      ok: false,
      error: `unknown tool ${JSON.stringify(call.name)}: use one of ${toolList(tools)}`,
    };
  }
  let args: unknown;
  try {
    args = call.arguments.trim() === '' ? {} : JSON.parse(call.arguments);
  } catch (e) {
    return {
      ok: false,
      error: `${call.name}: the arguments are not valid JSON (${(e as Error).message}); send one JSON object`,
    };
  }
  return validateArgs(call.id, call.name, args, spec);
}

function validateArgs(id: string | null, name: string, args: unknown, spec: ToolSpec): ToolCallResult {
  if (typeof args !== 'object' || args === null || Array.isArray(args)) {
    return { ok: false, error: `${name}: the arguments must be a JSON object, got ${describeValue(args)}` };
  }
  const parsed = spec.args.safeParse(args, { reportInput: true });
  if (!parsed.success) {
    const lines = describeZodIssues(parsed.error.issues, spec.args).map((issue) =>
      issue.path.length > 0
        ? `${name}: ${issue.path.join('.')}: ${issue.message}`
        : `${name}: ${issue.message}`,
    );
    return { ok: false, error: lines.join('\n') };
  }
  return { ok: true, value: { id, name, args: parsed.data as Record<string, unknown> } };
}

/**
 * The turn's tool calls when exactly one is required: none, or more than one, is an error for the model.
 * `content` is the assistant's text, quoted (shortened) when it answered in prose instead of calling a tool.
 */
export function parseSingleToolCall(
  calls: readonly RawToolCall[],
  tools: ToolSet,
  content: string | null = null,
): ToolCallResult {
  if (calls.length === 0) {
    const said = content?.trim()
      ? ` (you answered with text: ${JSON.stringify(shorten(content.trim(), 200))})`
      : '';
    return { ok: false, error: `no tool call${said}: call exactly one tool, one of ${toolList(tools)}` };
  }
  if (calls.length > 1) {
    return {
      ok: false,
      error: `${calls.length} tool calls (${calls.map((c) => c.name).join(', ')}): call exactly one tool per turn`,
    };
  }
  return validateToolCall(calls[0] as RawToolCall, tools);
}

/**
 * JSON-object mode, for providers without tool calling: the answer is `{"tool": name, "args": {...}}` (also
 * `{"call": {"tool": ..., "args": ...}}`), possibly inside a ```json fence. Validated against the same tools.
 */
export function parseJsonModeAnswer(text: string | null, tools: ToolSet): ToolCallResult {
  const expected = `answer with one JSON object {"tool": <one of ${toolList(tools)}>, "args": {...}}`;
  const body = (text ?? '').trim();
  if (!body) return { ok: false, error: `empty answer: ${expected}` };
  const fenced = /^```(?:json)?\s*([\s\S]*?)\s*```$/i.exec(body);
  let value: unknown;
  try {
    value = JSON.parse(fenced ? (fenced[1] ?? '') : body);
  } catch (e) {
    return { ok: false, error: `the answer is not valid JSON (${(e as Error).message}): ${expected}` };
  }
  if (isObject(value) && isObject(value.call)) value = value.call;
  if (!isObject(value) || typeof value.tool !== 'string') {
    return { ok: false, error: `no "tool" name in the answer: ${expected}` };
  }
  const name = value.tool;
  const spec = Object.hasOwn(tools, name) ? tools[name] : undefined;
  if (!spec)
    return { ok: false, error: `unknown tool ${JSON.stringify(name)}: use one of ${toolList(tools)}` };
  return validateArgs(null, name, value.args ?? {}, spec);
}

/**
 * The instructions for JSON-object mode, for the system prompt: the answer format and each tool's argument
 * schema (the same JSON schemas native tool calling sends).
 */
export function jsonModeInstructions(tools: ToolSet): string {
  const lines = [
    'Answer with exactly one JSON object and nothing else: {"tool": "<tool name>", "args": {<arguments>}}.',
    'Tools:',
  ];
  for (const def of toOpenAITools(tools)) {
    lines.push(`- ${def.function.name}: ${def.function.description ?? ''}`);
    lines.push(`  args schema: ${JSON.stringify(def.function.parameters)}`);
  }
  return lines.join('\n');
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describeValue(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  return shorten(JSON.stringify(v) ?? String(v), 60);
}

function shorten(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max)}...` : s;
}
