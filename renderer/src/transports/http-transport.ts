import { httpCommandPath, WS_EVENTS_PATH, type Transport } from '../../../engine/api';

/**
 * The browser transport for `mle-beast serve`: commands are POSTs, events arrive on one WebSocket that
 * reconnects with backoff. The session cookie the server set authenticates both.
 */
export function httpTransport(): Transport {
  const listeners = new Set<(event: string, payload: unknown) => void>();
  let socket: WebSocket | null = null;
  let retryMs = 500;

  const connect = () => {
    if (socket || listeners.size === 0) return;
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${scheme}://${location.host}${WS_EVENTS_PATH}`);
    socket = ws;
    ws.onopen = () => (retryMs = 500);
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
      socket = null;
      if (listeners.size > 0) setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 10_000);
    };
  };

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
        if (listeners.size === 0) socket?.close();
      };
    },
  };
}
