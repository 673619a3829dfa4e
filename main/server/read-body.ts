import type { IncomingMessage } from 'node:http';

export type BodyOutcome =
  | { kind: 'complete'; text: string }
  | { kind: 'too_large'; bytes: number }
  /** The client went away (or was cut off) before the body ended: there is nobody left to answer. */
  | { kind: 'aborted' };

export interface BodyLimits {
  /** Larger bodies are drained without being kept and reported as too_large, so the client gets a 413. */
  maxBytes: number;
  /** Past this much an oversized body is no longer drained politely: the connection is dropped. */
  maxDrainBytes: number;
}

/**
 * Reads a request body. The promise always settles and never rejects: a client that disconnects mid-body,
 * a socket error, or a request destroyed for being absurdly large all end as `aborted`.
 */
export function readBody(req: IncomingMessage, limits: BodyLimits): Promise<BodyOutcome> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (outcome: BodyOutcome) => {
      if (settled) return;
      settled = true;
      resolve(outcome);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limits.maxBytes) chunks.push(chunk);
      else if (size > limits.maxDrainBytes) req.destroy();
    });
    req.once('end', () =>
      settle(
        size > limits.maxBytes
          ? { kind: 'too_large', bytes: size }
          : { kind: 'complete', text: Buffer.concat(chunks).toString('utf8') },
      ),
    );
    // `on`, not `once`: a second error after settling must still find a listener.
    req.on('error', () => settle({ kind: 'aborted' }));
    // 'close' follows 'end' on a complete body (then this is a no-op), and comes alone on an abort.
    req.once('close', () => settle({ kind: 'aborted' }));
  });
}
