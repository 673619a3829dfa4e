import {
  commands,
  events,
  isEventName,
  type CommandInput,
  type CommandName,
  type CommandOutput,
  runEventsOf,
  type EventMessage,
  type EventName,
  type EventPayload,
} from './contract';
import { describeIssues, issuesToText, type ApiError } from './errors';
import type { ConnectionState } from './live';
import { ResultEnvelope } from './result';

/** How a client reaches a host: Electron IPC through the preload, or HTTP + WebSocket. */
export interface Transport {
  invoke(command: CommandName, input: unknown): Promise<unknown>;
  /** Receives every event the host sends; returns an unsubscribe function. */
  subscribe(listener: (event: string, payload: unknown) => void): () => void;
  /**
   * Tells each change of the event stream's state (HTTP: the WebSocket). 'open' after 'reconnecting' means
   * events sent meanwhile were lost: a cursor reads them from the store. Absent where the stream cannot drop.
   */
  connection?(listener: (state: ConnectionState) => void): () => void;
}

export class ApiCallError extends Error {
  constructor(readonly error: ApiError) {
    super(error.message);
    this.name = 'ApiCallError';
  }
}

export interface ApiClient {
  call<K extends CommandName>(name: K, input: CommandInput<K>): Promise<CommandOutput<K>>;
  on<K extends EventName>(name: K, listener: (payload: EventPayload<K>) => void): () => void;
  /** The event stream's state changes (never called over a transport whose stream cannot drop). */
  connection(listener: (state: ConnectionState) => void): () => void;
}

/** A typed client over any transport. It trusts nothing it receives: results and events are parsed. */
export function createApiClient(transport: Transport): ApiClient {
  return {
    async call(name, input) {
      const raw = await transport.invoke(name, input);
      const envelope = ResultEnvelope.safeParse(raw);
      if (!envelope.success) {
        throw new ApiCallError({ code: 'invalid_output', message: `${name}: malformed reply from host` });
      }
      if (!envelope.data.ok) throw new ApiCallError(envelope.data.error);
      const output = commands[name].output.safeParse(envelope.data.value);
      if (!output.success) {
        const issues = describeIssues(output.error);
        throw new ApiCallError({
          code: 'invalid_output',
          message: `${name}: ${issuesToText(issues)}`,
          issues,
        });
      }
      return output.data as CommandOutput<typeof name>;
    },
    connection(listener) {
      return transport.connection?.(listener) ?? (() => undefined);
    },
    on(name, listener) {
      return transport.subscribe((event, payload) => {
        if (!isEventName(event)) return;
        // A host may send run events in batches: a `run.event` listener gets each of them, in order.
        const unpack = name === 'run.event' && event === 'run.events';
        if (event !== name && !unpack) return;
        const parsed = events[event].safeParse(payload);
        if (!parsed.success) {
          console.warn(`dropped malformed ${event} event: ${issuesToText(describeIssues(parsed.error))}`);
          return;
        }
        const message = { name: event, payload: parsed.data } as EventMessage;
        if (!unpack) listener(parsed.data as EventPayload<typeof name>);
        else for (const e of runEventsOf(message)) listener(e as EventPayload<typeof name>);
      });
    },
  };
}
