import type { CommandInput, CommandName, CommandOutput, EventName, EventPayload } from './contract';
import type { ApiError } from './errors';
import type { ConnectionState } from './live';
import type { ContractValidator } from './validate';

// No runtime import of zod or of any schema here (only types): the renderer's first screen imports this module
// and loads the contract's checks (validate.ts) beside its first requests, not before them (see
// createApiClient's `validator`).

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

/**
 * A typed client over any transport. It trusts nothing it receives: every result and event is parsed by the
 * contract's validator before anyone sees it. The validator is given, or loaded on first need (`() =>
 * import(...)`): until it has loaded, replies wait for it and events queue, in the order they came, so a
 * lazily checked client hands over exactly what an eager one does, in the same order.
 */
export function createValidatingClient(
  transport: Transport,
  validator: ContractValidator | (() => Promise<ContractValidator>),
): ApiClient {
  let ready: ContractValidator | null = typeof validator === 'function' ? null : validator;
  let loading: Promise<ContractValidator> | null = null;
  const load = (): Promise<ContractValidator> => {
    if (ready) return Promise.resolve(ready);
    loading ??= (validator as () => Promise<ContractValidator>)().then(
      (v) => (ready = v),
      (error: unknown) => {
        loading = null; // a failed load (a chunk that did not arrive) is tried again on the next need
        throw error;
      },
    );
    return loading;
  };

  return {
    async call(name, input) {
      // The checks load while the request is on its way.
      const checks = load();
      checks.catch(() => undefined); // awaited below; a failed request must not leave it unhandled
      const raw = await transport.invoke(name, input);
      const result = (ready ?? (await checks)).result(name, raw);
      if (!result.ok) throw new ApiCallError(result.error);
      return result.value;
    },
    connection(listener) {
      return transport.connection?.(listener) ?? (() => undefined);
    },
    on(name, listener) {
      // A host may send run events in batches: a `run.event` listener gets each of them, in order.
      const deliver = (v: ContractValidator, event: string, payload: unknown) => {
        const unpack = name === 'run.event' && event === 'run.events';
        if (event !== name && !unpack) return;
        const checked = v.event(event, payload);
        if (!checked.ok) {
          console.warn(checked.problem);
          return;
        }
        if (!checked.message) return;
        if (!unpack) listener(checked.message.payload as EventPayload<typeof name>);
        else for (const e of v.runEventsOf(checked.message)) listener(e as EventPayload<typeof name>);
      };
      let closed = false;
      /** Events that came before the checks loaded, in order; null once they are handed over. */
      let queue: Array<[string, unknown]> | null = ready ? null : [];
      let loadingChecks = false;
      const flush = () => {
        loadingChecks = true;
        load().then(
          (v) => {
            loadingChecks = false;
            const waiting = queue ?? [];
            queue = null;
            for (const [event, payload] of waiting) if (!closed) deliver(v, event, payload);
          },
          (error: unknown) => {
            // Nothing is dropped: the events wait, and the next one tries again.
            loadingChecks = false;
            console.warn(`events wait: the contract's checks did not load (${String(error)})`);
          },
        );
      };
      if (queue) flush();
      const off = transport.subscribe((event, payload) => {
        if (closed) return;
        if (!queue) return deliver(ready!, event, payload);
        queue.push([event, payload]);
        if (!loadingChecks) flush();
      });
      return () => {
        closed = true;
        off();
      };
    },
  };
}
