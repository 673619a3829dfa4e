import type { ConnectionState, Transport } from '../../../engine/api';
import { httpCommandPath, WS_EVENTS_PATH } from '../../../engine/api/transport-names';

/** Backoff between reconnects: doubles from the first to the most. */
const RETRY_FIRST_MS = 250;
const RETRY_MOST_MS = 5_000;

/**
 * The browser transport for `mle-beast serve`: commands are POSTs, events arrive on one WebSocket that
 * reconnects with backoff. The session cookie the server set authenticates both. Its state is told to
 * `connection` listeners: each 'open' means events may have been missed since the last (a cursor reads them
 * from the store after its last sequence number), and 'reconnecting' lets the UI say so.
 */
export function httpTransport(): Transport {
  const listeners = new Set<(event: string, payload: unknown) => void>();
  const watchers = new Set<(state: ConnectionState) => void>();
  let socket: WebSocket | null = null;
  let retryMs = RETRY_FIRST_MS;
  let retry: ReturnType<typeof setTimeout> | null = null;
  let state: ConnectionState = 'connecting';

  const setState = (next: ConnectionState) => {
    if (next === state && next !== 'open') return;
    state = next;
    watchers.forEach((w) => w(next));
  };

  const connect = () => {
    retry = null;
    if (socket || listeners.size === 0) return;
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${scheme}://${location.host}${WS_EVENTS_PATH}`);
    socket = ws;
    ws.onopen = () => {
      retryMs = RETRY_FIRST_MS;
      setState('open');
    };
    ws.onmessage = (message) => {
      let parsed: { name?: unknown; payload?: unknown };
      try {
        parsed = JSON.parse(String(message.data));
      } catch {
        return;
      }
      if (typeof parsed.name === 'string') listeners.forEach((l) => l(parsed.name as string, parsed.payload));
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      if (listeners.size === 0) {
        state = 'connecting';
        return;
      }
      setState('reconnecting');
      retry = setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, RETRY_MOST_MS);
    };
  };

  // Back on the network or back to the tab: try at once rather than at the end of a long backoff.
  const hurry = () => {
    if (!retry) return;
    clearTimeout(retry);
    connect();
  };
  addEventListener('online', hurry);
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) hurry();
  });

  return {
    async invoke(command, input) {
      const response = await fetch(httpCommandPath(command), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        credentials: 'same-origin',
        body: JSON.stringify(input ?? {}),
      });
      if (response.status === 401) {
        return { ok: false, error: { code: 'unauthorized', message: await response.text() } };
      }
      return response.json();
    },
    subscribe(listener) {
      listeners.add(listener);
      connect();
      return () => {
        listeners.delete(listener);
        if (listeners.size > 0) return;
        if (retry) clearTimeout(retry);
        retry = null;
        const ws = socket;
        socket = null;
        state = 'connecting';
        ws?.close();
      };
    },
    connection(listener) {
      watchers.add(listener);
      return () => watchers.delete(listener);
    },
  };
}
