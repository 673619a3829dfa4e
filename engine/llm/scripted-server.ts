import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real OpenAI-compatible HTTP server on 127.0.0.1 that plays a script, for tests of the LLM layer and of the
 * stages that call it. Each `POST /v1/chat/completions` takes the next step from the queue; `GET /v1/models`
 * lists `models`. Every request is recorded (headers with lower-case names, parsed JSON body). When the script
 * has run out the server answers 418 with a message saying so (not retried by the client) and counts it in
 * `exhausted`, so a test that made one call too many fails with a readable reason.
 *
 * With the `respond` option the server answers computed steps instead: `respond` is asked first for every chat
 * request and its step is played; when it returns undefined the queue answers as above (so a test can mix both).
 * If `respond` throws (or its promise rejects) the answer is a 418 naming the error, never a hang.
 */

export interface ScriptUsage {
  prompt_tokens: number;
  completion_tokens: number;
  cost?: number;
  cached_tokens?: number;
  reasoning_tokens?: number;
}

export interface ScriptToolCall {
  id?: string;
  name: string;
  /** An object is JSON-encoded; a string is sent as is (to script malformed arguments). */
  arguments: string | Record<string, unknown>;
}

export interface ReplyStep {
  kind: 'reply';
  content?: string | null;
  toolCalls?: ScriptToolCall[];
  usage?: ScriptUsage;
  finishReason?: string;
  model?: string;
}
export interface ErrorStep {
  kind: 'error';
  status: number;
  /** The Retry-After header, as sent (seconds or an HTTP date). */
  retryAfter?: string;
  body?: unknown;
}
/** Waits `ms` before answering with `then` (a plain reply when absent); ends quietly if the client goes away. */
export interface DelayStep {
  kind: 'delay';
  ms: number;
  then?: ReplyStep | ErrorStep;
}
/** Any status and JSON body, as given (an answer without choices, a malformed completion). */
export interface RawStep {
  kind: 'raw';
  status: number;
  body: unknown;
}
/** Destroys the connection without an answer. */
export interface DropStep {
  kind: 'drop';
}
export type ScriptStep = ReplyStep | ErrorStep | DelayStep | DropStep | RawStep;

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** The parsed JSON body; null for requests without one. */
  body: Record<string, unknown> | null;
  /** The step played for it; null for /v1/models and for requests after the script ran out. */
  step: ScriptStep | null;
  at: number;
}

export interface ScriptedServer {
  /** `http://127.0.0.1:<port>/v1`, ready for the client's baseURL. */
  baseURL: string;
  requests: RecordedRequest[];
  /** Chat requests that arrived after the script ran out. */
  exhausted: number;
  /** Steps not yet played. */
  remaining(): number;
  push(...steps: ScriptStep[]): void;
  close(): Promise<void>;
}

export const reply = (step: Omit<ReplyStep, 'kind'> = {}): ReplyStep => ({ kind: 'reply', ...step });
export const toolReply = (
  name: string,
  args: string | Record<string, unknown>,
  usage?: ScriptUsage,
): ReplyStep => ({ kind: 'reply', toolCalls: [{ name, arguments: args }], usage });
export const httpError = (status: number, options: Omit<ErrorStep, 'kind' | 'status'> = {}): ErrorStep => ({
  kind: 'error',
  status,
  ...options,
});
export const delay = (ms: number, then?: ReplyStep | ErrorStep): DelayStep => ({ kind: 'delay', ms, then });
export const drop = (): DropStep => ({ kind: 'drop' });

export async function startScriptedServer(
  steps: ScriptStep[] = [],
  options: {
    models?: string[];
    /**
     * Full `/v1/models` entries (OpenRouter style: `name`, `context_length`, `pricing`, `supported_parameters`),
     * sent as given; when set, `models` is ignored.
     */
    modelEntries?: unknown[];
    /**
     * Asked first for each `POST /v1/chat/completions` (the request already recorded, its body parsed): the step
     * to play, or undefined to fall back to the queue. The step played is recorded as `step`.
     */
    respond?: (request: RecordedRequest) => ScriptStep | undefined | Promise<ScriptStep | undefined>;
  } = {},
): Promise<ScriptedServer> {
  const queue = [...steps];
  const models = options.models ?? ['scripted-model'];
  const requests: RecordedRequest[] = [];
  const state = { exhausted: 0, calls: 0 };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: Record<string, unknown> | null;
      try {
        body = text ? (JSON.parse(text) as Record<string, unknown>) : null;
      } catch {
        body = null;
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = String(v);
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const record: RecordedRequest = {
        method: req.method ?? '',
        path,
        headers,
        body,
        step: null,
        at: Date.now(),
      };
      requests.push(record);

      if (req.method === 'GET' && path === '/v1/models') {
        return json(res, 200, {
          object: 'list',
          data: options.modelEntries ?? models.map((id) => ({ id, object: 'model', owned_by: 'script' })),
        });
      }
      if (req.method !== 'POST' || path !== '/v1/chat/completions') {
        return json(res, 404, { error: { message: `scripted server: no route ${req.method} ${path}` } });
      }
      void answer(record).then(
        (step) => {
          if (!step) {
            state.exhausted += 1;
            return json(res, 418, {
              error: {
                message: `scripted server: script exhausted (chat request ${requests.length} had no step left)`,
              },
            });
          }
          record.step = step;
          state.calls += 1;
          play(step, res, req, String(body?.model ?? models[0]), state.calls);
        },
        (err: unknown) =>
          json(res, 418, {
            error: {
              message: `scripted server: respond failed: ${err instanceof Error ? err.message : String(err)}`,
            },
          }),
      );
    });
  });

  async function answer(record: RecordedRequest): Promise<ScriptStep | undefined> {
    const computed = options.respond ? await options.respond(record) : undefined;
    return computed ?? queue.shift();
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    get exhausted() {
      return state.exhausted;
    },
    remaining: () => queue.length,
    push: (...more) => void queue.push(...more),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function play(
  step: ScriptStep,
  res: http.ServerResponse,
  req: http.IncomingMessage,
  model: string,
  n: number,
): void {
  switch (step.kind) {
    case 'drop':
      req.socket.destroy();
      return;
    case 'raw':
      json(res, step.status, step.body);
      return;
    case 'error': {
      const headers: Record<string, string> = {};
      if (step.retryAfter !== undefined) headers['retry-after'] = step.retryAfter;
      json(res, step.status, step.body ?? { error: { message: `scripted error ${step.status}` } }, headers);
      return;
    }
    case 'delay': {
      const timer = setTimeout(
        () => play(step.then ?? reply({ content: 'late answer' }), res, req, model, n),
        step.ms,
      );
      res.on('close', () => clearTimeout(timer));
      return;
    }
    case 'reply': {
      const usage = step.usage ?? { prompt_tokens: 10, completion_tokens: 5 };
      const toolCalls = step.toolCalls?.map((tc, i) => ({
        id: tc.id ?? `call_${n}_${i}`,
        type: 'function',
        function: {
          name: tc.name,
          arguments: typeof tc.arguments === 'string' ? tc.arguments : JSON.stringify(tc.arguments),
        },
      }));
      json(res, 200, {
        id: `chatcmpl-script-${n}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: step.model ?? model,
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: step.content ?? null,
              ...(toolCalls ? { tool_calls: toolCalls } : {}),
            },
            finish_reason: step.finishReason ?? (toolCalls ? 'tool_calls' : 'stop'),
          },
        ],
        usage: {
          prompt_tokens: usage.prompt_tokens,
          completion_tokens: usage.completion_tokens,
          total_tokens: usage.prompt_tokens + usage.completion_tokens,
          ...(usage.cost !== undefined ? { cost: usage.cost } : {}),
          ...(usage.cached_tokens !== undefined
            ? { prompt_tokens_details: { cached_tokens: usage.cached_tokens } }
            : {}),
          ...(usage.reasoning_tokens !== undefined
            ? { completion_tokens_details: { reasoning_tokens: usage.reasoning_tokens } }
            : {}),
        },
      });
      return;
    }
  }
}

function json(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}
