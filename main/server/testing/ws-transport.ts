import WebSocket from 'ws';
import { httpCommandPath, WS_EVENTS_PATH, type ConnectionState, type Transport } from '../../../engine/api';

/**
 * Tests only: the browser transport's behaviour in Node, against a real `serve`: commands are POSTs, events
 * come on one WebSocket, and `drop()` kills that socket the way a network does (no close handshake); it opens
 * again after `reconnectMs` and tells its `connection` listeners, as the renderer's transport does.
 */
export function wsTransport(origin: string, token: string, reconnectMs = 50) {
  const listeners = new Set<(event: string, payload: unknown) => void>();
  const watchers = new Set<(state: ConnectionState) => void>();
  let socket: WebSocket | null = null;
  let stopped = false;
  let opened = 0;

  const tell = (state: ConnectionState) => watchers.forEach((w) => w(state));
  const connect = () => {
    if (stopped) return;
    const ws = new WebSocket(`${origin.replace(/^http/, 'ws')}${WS_EVENTS_PATH}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    socket = ws;
    ws.on('open', () => {
      opened += 1;
      tell('open');
    });
    ws.on('message', (data) => {
      const { name, payload } = JSON.parse(String(data)) as { name: string; payload: unknown };
      listeners.forEach((l) => l(name, payload));
    });
    ws.on('error', () => undefined);
    ws.on('close', () => {
      if (socket !== ws || stopped) return;
      socket = null;
      tell('reconnecting');
      setTimeout(connect, reconnectMs);
    });
  };

  const transport: Transport = {
    async invoke(command, input) {
      const response = await fetch(`${origin}${httpCommandPath(command)}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify(input ?? {}),
      });
      return response.json();
    },
    subscribe(listener) {
      listeners.add(listener);
      if (!socket) connect();
      return () => listeners.delete(listener);
    },
    connection(listener) {
      watchers.add(listener);
      return () => watchers.delete(listener);
    },
  };
  return {
    transport,
    /** Kills the socket as a lost network does. */
    drop: () => socket?.terminate(),
    get opened() {
      return opened;
    },
    close() {
      stopped = true;
      socket?.terminate();
    },
  };
}
