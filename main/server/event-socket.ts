import type { WebSocket } from 'ws';
import type { Engine } from '../../engine/service/index';
import { containsSecret } from '../shared/secret-scan';
import { guardSocket, type ServerLog } from './guarded';

/** Code 1008: policy violation (RFC 6455 section 7.4.1); this socket only ever sends. */
const WS_POLICY_VIOLATION = 1008;

/**
 * Pushes every engine event to one socket, with a heartbeat so dead clients are dropped. Every listener is
 * guarded, and the socket has an 'error' listener: ws reports a frame over maxPayload (then closes with 1009),
 * a malformed frame (1002) or a reset connection as an 'error' event, which without a listener ends the process.
 */
export function attachEvents(engine: Engine, ws: WebSocket, log: ServerLog): void {
  ws.on('error', (error: Error & { code?: string }) => {
    // The peer's fault, already answered by ws with a close code; one line is enough.
    log(`event socket closed on a client error: ${error.code ?? error.message}`);
  });
  let alive = true;
  ws.on('pong', () => (alive = true));
  const heartbeat = setInterval(
    guardSocket(log, ws, 'heartbeat', () => {
      if (!alive) return ws.terminate();
      alive = false;
      ws.ping();
    }),
    30_000,
  );
  const unsubscribe = engine.events.subscribe(
    guardSocket(log, ws, 'event push', (message: unknown) => {
      if (ws.readyState !== ws.OPEN) return;
      // An event holding a saved API key is a bug; it is not sent (main/shared/secret-scan.ts).
      if (containsSecret(message, engine.savedKeyValues())) {
        log('an event held a saved API key and was not sent (a bug: please report it)');
        return;
      }
      ws.send(JSON.stringify(message), (error) => {
        if (error) ws.terminate();
      });
    }),
  );
  ws.on(
    'message',
    guardSocket(log, ws, 'message', () =>
      ws.close(WS_POLICY_VIOLATION, 'this socket only sends events; commands are POST requests'),
    ),
  );
  ws.on('close', () => {
    clearInterval(heartbeat);
    unsubscribe();
  });
}
