import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type {
  ChatCompletionAssistantMessageParam,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import { maskSecret, safeUrl, type ProviderName, type ResolvedProvider } from '../config/provider';
import { toOpenAITools, type RawToolCall, type ToolSet } from './tools';
import { extractUsage, type CallUsage, type PriceTable } from './usage';

/**
 * The one way the engine talks to a model: Chat Completions through the official `openai` SDK, with our own
 * retry policy (the SDK's is off), cancellation, a timeout, usage and cost per call, and errors as values that
 * never contain the API key. See engine/llm/README.md.
 */

export type LlmProvider = Pick<ResolvedProvider, 'provider' | 'baseURL' | 'apiKey' | 'model'>;

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** First backoff; doubles each retry, with jitter (a random 50 to 100 % of it). */
  baseDelayMs: number;
  /** Cap on one wait, Retry-After included. */
  maxDelayMs: number;
}
/**
 * The retry policy of every model call of a run (three attempts in all: the original's llm_call_retries); past
 * it the stage fails and the run goes on. engine/llm/README.md quotes these figures: client.test.ts holds the two
 * together.
 */
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 60_000 };
/** A slow model writing a large file can take minutes; a hung connection must not take forever. */
export const DEFAULT_TIMEOUT_MS = 180_000;
export const APP_URL = 'https://github.com/mle-beast/mle-beast-desktop';
export const APP_TITLE = 'mle-beast';

export interface LlmClientOptions {
  retry?: Partial<RetryPolicy>;
  /** Per attempt; default DEFAULT_TIMEOUT_MS. */
  timeoutMs?: number;
  /** Prices for computing cost when the provider does not report it. */
  prices?: PriceTable;
  /** For tests: the jitter source (default Math.random). */
  random?: () => number;
}

/** Which run and stage a call belongs to; sent as X-Mle-Run-Id and X-Mle-Stage. */
export interface CallContext {
  runId: string;
  stage: string;
}

export interface ChatRequest {
  context: CallContext;
  messages: ChatCompletionMessageParam[];
  /** Native tool calling with these tools. */
  tools?: ToolSet;
  /** With tools: make the model call a tool (`tool_choice: 'required'`). Default true. */
  requireTool?: boolean;
  /** Ask for a JSON object answer (`response_format: json_object`), for providers without tool calling. */
  jsonMode?: boolean;
  /** Default: the provider's model. */
  model?: string;
  maxTokens?: number;
  temperature?: number;
  signal?: AbortSignal;
  /** Per attempt; default the client's. */
  timeoutMs?: number;
}

export interface ChatReply {
  content: string | null;
  toolCalls: RawToolCall[];
  finishReason: string | null;
  /** The model that answered, as the server names it. */
  model: string;
  responseId: string | null;
  usage: CallUsage;
  /** From the first attempt's start to the answer, retries and waits included. */
  durationMs: number;
  attempts: number;
  /** The answer as a message, to append to the conversation. */
  assistantMessage: ChatCompletionAssistantMessageParam;
}

export type LlmErrorKind =
  | 'cancelled'
  | 'timeout'
  | 'rate_limited'
  | 'server_error'
  | 'connection'
  | 'auth'
  | 'not_found'
  | 'bad_request'
  | 'invalid_response';

export interface LlmError {
  kind: LlmErrorKind;
  provider: ProviderName;
  /** The last HTTP status; null when there was no answer. */
  status: number | null;
  /** What happened and what to do; safe to show and log (no key). */
  message: string;
  attempts: number;
  durationMs: number;
}

export type LlmResult<T> = { ok: true; value: T } | { ok: false; error: LlmError };

export interface LlmClient {
  readonly provider: ProviderName;
  readonly model: string;
  chat(request: ChatRequest): Promise<LlmResult<ChatReply>>;
  /** Model ids from `GET /models` (one attempt). */
  listModels(options?: { signal?: AbortSignal; context?: CallContext }): Promise<LlmResult<string[]>>;
  /** The raw entries of `GET /models` (one attempt), every field kept, for the model catalog. */
  listModelEntries(options?: {
    signal?: AbortSignal;
    context?: CallContext;
  }): Promise<LlmResult<Record<string, unknown>[]>>;
}

const KEY_VARIABLE: Record<ProviderName, string> = {
  openrouter: 'OPENROUTER_API_KEY',
  openai: 'OPENAI_API_KEY',
  local: 'LOCAL_LLM_API_KEY',
};

export function createLlmClient(provider: LlmProvider, options: LlmClientOptions = {}): LlmClient {
  const retry: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const random = options.random ?? Math.random;
  const sdk = new OpenAI({
    apiKey: provider.apiKey,
    baseURL: provider.baseURL,
    maxRetries: 0,
    timeout: timeoutMs,
    defaultHeaders:
      provider.provider === 'openrouter' ? { 'HTTP-Referer': APP_URL, 'X-Title': APP_TITLE } : {},
  });
  const redact = (text: string): string =>
    provider.apiKey.length >= 4 ? text.split(provider.apiKey).join(maskSecret(provider.apiKey)) : text;
  const headersFor = (context?: CallContext): Record<string, string> =>
    context ? { 'X-Mle-Run-Id': context.runId, 'X-Mle-Stage': context.stage } : {};

  const fail = (
    kind: LlmErrorKind,
    status: number | null,
    message: string,
    attempts: number,
    started: number,
  ): { ok: false; error: LlmError } => ({
    ok: false,
    error: {
      kind,
      provider: provider.provider,
      status,
      message: redact(message),
      attempts,
      durationMs: Date.now() - started,
    },
  });

  async function chat(request: ChatRequest): Promise<LlmResult<ChatReply>> {
    const model = request.model ?? provider.model;
    const body: ChatCompletionCreateParamsNonStreaming & Record<string, unknown> = {
      model,
      messages: request.messages,
    };
    if (request.tools && Object.keys(request.tools).length > 0) {
      body.tools = toOpenAITools(request.tools);
      body.tool_choice = request.requireTool === false ? 'auto' : 'required';
      // OpenRouter: route only to upstreams that support tools.
      if (provider.provider === 'openrouter') body.provider = { require_parameters: true };
    }
    if (request.jsonMode) body.response_format = { type: 'json_object' };
    if (request.maxTokens !== undefined) {
      if (provider.provider === 'openai') body.max_completion_tokens = request.maxTokens;
      else body.max_tokens = request.maxTokens;
    }
    if (request.temperature !== undefined) body.temperature = request.temperature;

    const started = Date.now();
    const signal = request.signal;
    let attempt = 0;
    for (;;) {
      attempt += 1;
      if (signal?.aborted)
        return fail('cancelled', null, 'cancelled before the answer came', attempt - 1, started);
      try {
        const completion = await sdk.chat.completions.create(body, {
          headers: headersFor(request.context),
          signal,
          timeout: request.timeoutMs ?? timeoutMs,
          maxRetries: 0,
        });
        const choice = completion.choices?.[0];
        if (!choice?.message) {
          // OpenRouter can answer 200 with an error object instead of choices when an upstream fails.
          const upstream = (completion as { error?: { message?: unknown } }).error?.message;
          throw new NoChoicesError(typeof upstream === 'string' ? upstream.slice(0, 300) : 'no choices');
        }
        const toolCalls: RawToolCall[] = (choice.message.tool_calls ?? []).flatMap((tc) =>
          tc.type === 'function'
            ? [{ id: tc.id ?? null, name: tc.function.name, arguments: tc.function.arguments ?? '' }]
            : [],
        );
        const content = choice.message.content ?? null;
        const assistantMessage: ChatCompletionAssistantMessageParam = { role: 'assistant', content };
        if (toolCalls.length > 0) {
          assistantMessage.tool_calls = toolCalls.map((tc, i) => ({
            id: tc.id ?? `call_${i}`,
            type: 'function',
            function: { name: tc.name, arguments: tc.arguments },
          }));
        }
        return {
          ok: true,
          value: {
            content,
            toolCalls,
            finishReason: choice.finish_reason ?? null,
            model: completion.model ?? model,
            responseId: completion.id ?? null,
            usage: extractUsage(completion.usage, model, options.prices),
            durationMs: Date.now() - started,
            attempts: attempt,
            assistantMessage,
          },
        };
      } catch (e) {
        const failure = classify(e, signal);
        if (failure.kind === 'cancelled') {
          return fail('cancelled', null, 'cancelled before the answer came', attempt, started);
        }
        const explained = explain(
          failure,
          provider,
          `model ${JSON.stringify(model)}`,
          request.timeoutMs ?? timeoutMs,
        );
        if (!failure.retryable || attempt >= retry.maxAttempts) {
          const tries = failure.retryable ? ` after ${attempt} attempt${attempt === 1 ? '' : 's'}` : '';
          return fail(failure.kind, failure.status, explained.replace('{tries}', tries), attempt, started);
        }
        const wait = backoffMs(attempt, retry, random, failure.retryAfterMs);
        await sleep(wait, signal);
        if (signal?.aborted)
          return fail('cancelled', null, 'cancelled before the answer came', attempt, started);
      }
    }
  }

  async function listModels(
    o: { signal?: AbortSignal; context?: CallContext } = {},
  ): Promise<LlmResult<string[]>> {
    const entries = await listModelEntries(o);
    if (!entries.ok) return entries;
    return {
      ok: true,
      value: entries.value.flatMap((m) => (typeof m.id === 'string' ? [m.id] : [])),
    };
  }

  async function listModelEntries(
    o: { signal?: AbortSignal; context?: CallContext } = {},
  ): Promise<LlmResult<Record<string, unknown>[]>> {
    const started = Date.now();
    try {
      const page = await sdk.models.list({ headers: headersFor(o.context), signal: o.signal, maxRetries: 0 });
      const entries = (page.data as unknown[]).filter(
        (m): m is Record<string, unknown> => typeof m === 'object' && m !== null && !Array.isArray(m),
      );
      return { ok: true, value: entries };
    } catch (e) {
      const failure = classify(e, o.signal);
      if (failure.kind === 'cancelled') return fail('cancelled', null, 'cancelled', 1, started);
      return fail(
        failure.kind,
        failure.status,
        explain(failure, provider, 'the model list (GET /models)', timeoutMs).replace('{tries}', ''),
        1,
        started,
      );
    }
  }

  return { provider: provider.provider, model: provider.model, chat, listModels, listModelEntries };
}

/** A 200 answer without a message: retried like a server error. */
class NoChoicesError extends Error {}

interface Failure {
  kind: LlmErrorKind;
  status: number | null;
  retryable: boolean;
  retryAfterMs: number | null;
  /** The server's own words, shortened. */
  detail: string;
}

function classify(e: unknown, signal: AbortSignal | undefined): Failure {
  const base = { status: null, retryAfterMs: null, detail: '' };
  if (signal?.aborted || e instanceof APIUserAbortError)
    return { ...base, kind: 'cancelled', retryable: false };
  if (e instanceof NoChoicesError)
    return { ...base, kind: 'invalid_response', retryable: true, detail: e.message };
  if (e instanceof APIConnectionTimeoutError) return { ...base, kind: 'timeout', retryable: true };
  if (e instanceof APIConnectionError) {
    return { ...base, kind: 'connection', retryable: true, detail: causeText(e) };
  }
  if (e instanceof APIError && typeof e.status === 'number') {
    const status = e.status;
    const detail = serverMessage(e);
    const retryAfterMs = parseRetryAfter(e.headers);
    if (status === 429) return { kind: 'rate_limited', status, retryable: true, retryAfterMs, detail };
    if (status >= 500 || status === 408)
      return { kind: 'server_error', status, retryable: true, retryAfterMs, detail };
    if (status === 401 || status === 403)
      return { kind: 'auth', status, retryable: false, retryAfterMs, detail };
    if (status === 404) return { kind: 'not_found', status, retryable: false, retryAfterMs, detail };
    return { kind: 'bad_request', status, retryable: false, retryAfterMs, detail };
  }
  return {
    ...base,
    kind: 'invalid_response',
    retryable: false,
    detail: e instanceof Error ? e.message : String(e),
  };
}

const LABEL: Record<ProviderName, string> = {
  openrouter: 'OpenRouter',
  openai: 'OpenAI',
  local: 'The local server',
};

/** The failure in words: who, what (`{tries}` is filled in by the caller), and what to do. */
function explain(f: Failure, provider: LlmProvider, target: string, timeoutMs: number): string {
  const name = LABEL[provider.provider];
  const said = f.detail ? ` (${f.detail})` : '';
  const within = timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`;
  switch (f.kind) {
    case 'timeout':
      return `${name} did not answer within ${within}{tries}: the model may be overloaded or slow; try again, choose a faster model, or raise the timeout`;
    case 'connection':
      return `Could not reach ${provider.provider === 'local' ? 'the local server' : name} at ${safeUrl(provider.baseURL)}{tries}${said}: check the network${provider.provider === 'local' ? ' and that the server is running (LOCAL_LLM_BASE_URL)' : ''}`;
    case 'rate_limited':
      return `${name} returned HTTP 429 (rate limited){tries}${said}: wait a few minutes, lower the request rate, or choose another model`;
    case 'server_error':
      return `${name} returned HTTP ${f.status ?? '?'} (server error){tries}${said}: the provider is having trouble; try again later or choose another model`;
    case 'auth':
      return `${name} refused the API key (HTTP ${f.status ?? '?'})${said}: check ${KEY_VARIABLE[provider.provider]} (shell, .env or the app's Settings)`;
    case 'not_found':
      return `${name} returned HTTP 404 for ${target}${said}: check the model name (MLE_BEAST_MODEL) and the base URL`;
    case 'bad_request':
      return `${name} rejected the request (HTTP ${f.status ?? '?'})${said}: the model may not support this request (tools or JSON mode); try another model`;
    default:
      return `${name} sent an answer without a usable message{tries}${said}: try again later or choose another model`;
  }
}

function serverMessage(e: APIError): string {
  const body = e.error as { message?: unknown } | undefined;
  const text = typeof body?.message === 'string' ? body.message : '';
  return text.length > 300 ? `${text.slice(0, 300)}...` : text;
}

/** The innermost cause's code (ECONNREFUSED, ECONNRESET, UND_ERR_SOCKET) or message. */
function causeText(e: Error): string {
  let cause: unknown = e;
  let text = '';
  for (let depth = 0; depth < 5 && cause instanceof Error; depth++) {
    const code = (cause as { code?: unknown }).code;
    text = typeof code === 'string' ? code : cause.message.slice(0, 200);
    cause = (cause as { cause?: unknown }).cause;
  }
  return text;
}

/** Retry-After in ms: `retry-after-ms`, or `retry-after` as seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(headers: Headers | undefined, now = Date.now()): number | null {
  const ms = headers?.get('retry-after-ms');
  if (ms && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const value = headers?.get('retry-after')?.trim();
  if (!value) return null;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** Wait before retry `attempt + 1`: Retry-After when given, else exponential with jitter; capped. */
export function backoffMs(
  attempt: number,
  policy: RetryPolicy,
  random: () => number,
  retryAfterMs: number | null,
): number {
  if (retryAfterMs !== null) return Math.min(retryAfterMs, policy.maxDelayMs);
  const exp = Math.min(policy.baseDelayMs * 2 ** (attempt - 1), policy.maxDelayMs);
  return Math.round(exp * (0.5 + 0.5 * random()));
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || ms <= 0) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
