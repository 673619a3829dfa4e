import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';

/**
 * Keeps an actor's conversation within a character budget: past it, the oldest tool results (and the large
 * arguments of old tool calls, such as whole files written) are cut to previews, oldest first. The system
 * prompt, the brief and the latest exchange are never cut, so the model always has its task and its last
 * result. Returns a new array; the messages given are not changed.
 */
const PREVIEW_CHARS = 500;
const KEEP_RECENT = 2;

export function trimConversation(
  messages: readonly ChatCompletionMessageParam[],
  budgetChars: number,
): ChatCompletionMessageParam[] {
  const out = messages.map((m) => ({ ...m })) as ChatCompletionMessageParam[];
  let total = out.reduce((n, m) => n + sizeOf(m), 0);
  for (let i = 2; i < out.length - KEEP_RECENT && total > budgetChars; i += 1) {
    const m = out[i] as ChatCompletionMessageParam;
    const before = sizeOf(m);
    const cut = shrink(m);
    if (!cut) continue;
    out[i] = cut;
    total -= before - sizeOf(cut);
  }
  return out;
}

function sizeOf(m: ChatCompletionMessageParam): number {
  let n = typeof m.content === 'string' ? m.content.length : JSON.stringify(m.content ?? '').length;
  if (m.role === 'assistant' && m.tool_calls) {
    for (const c of m.tool_calls) if (c.type === 'function') n += c.function.arguments.length;
  }
  return n;
}

const marker = (length: number) =>
  `\n... [cut to keep the conversation short: the original was ${length} chars] ...`;

function shrink(m: ChatCompletionMessageParam): ChatCompletionMessageParam | null {
  if ((m.role === 'tool' || m.role === 'user') && typeof m.content === 'string') {
    if (m.content.length <= PREVIEW_CHARS + 100) return null;
    return { ...m, content: m.content.slice(0, PREVIEW_CHARS) + marker(m.content.length) };
  }
  if (m.role === 'assistant' && m.tool_calls) {
    let changed = false;
    const calls = m.tool_calls.map((c) => {
      if (c.type !== 'function' || c.function.arguments.length <= PREVIEW_CHARS + 100) return c;
      changed = true;
      return { ...c, function: { ...c.function, arguments: shrinkArguments(c.function.arguments) } };
    });
    return changed ? { ...m, tool_calls: calls } : null;
  }
  return null;
}

/** Long string values become previews; the result is still a JSON object, as providers expect. */
function shrinkArguments(text: string): string {
  try {
    const value = JSON.parse(text) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        out[k] = typeof v === 'string' && v.length > 200 ? v.slice(0, 200) + marker(v.length) : v;
      }
      return JSON.stringify(out);
    }
  } catch {
    // not JSON: cut as text below
  }
  return JSON.stringify({ preview: text.slice(0, PREVIEW_CHARS) + marker(text.length) });
}
