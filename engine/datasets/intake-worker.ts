import { IntakeRequest, type WorkerMessage } from './intake-protocol';
import { inspectDataset, prepareRunData } from './run-data';
import type { DatasetSource } from './schemas';

/**
 * The dataset intake worker process's entry (see intake-off-loop.ts for why a process and how it is started).
 * It runs the same inspectDataset / prepareRunData as the engine's own thread, in its own process, so a CSV
 * scan, parse, hash and holdout split of hundreds of megabytes never holds up the engine's event loop nor
 * grows its memory. Built as its own file for every host: out/cli/intake-worker.js (scripts/build-node.mjs),
 * out/main/intake-worker.js (electron.vite.config.ts, run as an Electron utility process), and a bundle vitest's global setup makes
 * (engine/testing/worker-entries-setup.ts).
 *
 * One request per process: the first message is the request, the one reply goes back, the process exits. It
 * speaks to whichever parent it has: Node's fork (`process.send`) or Electron's utility process
 * (`process.parentPort`), see intake-launcher.ts.
 */

async function serve(raw: unknown): Promise<WorkerMessage> {
  const request = IntakeRequest.safeParse(raw);
  if (!request.success) {
    return {
      type: 'crashed',
      message: `the intake worker got a malformed request: ${request.error.message}`,
    };
  }
  const r = request.data;
  // The source's own fields are checked by the intake (DatasetSource), with the same issue as in-thread.
  const source = r.source as DatasetSource;
  if (r.op === 'inspect') return { type: 'result', result: await inspectDataset(source) };
  const prepared = await prepareRunData({ source, runDataDir: r.runDataDir, holdout: r.holdout });
  // The paths are derived again by the caller from the manifest; only the manifest travels.
  return {
    type: 'result',
    result: prepared.ok
      ? { ok: true, value: { manifest: prepared.value.manifest }, warnings: prepared.warnings }
      : prepared,
  };
}

/** What the worker sends when the intake threw (a bug): said as a crash, with its stack. */
function answer(raw: unknown): Promise<WorkerMessage> {
  return serve(raw).catch((error: unknown): WorkerMessage => ({
    type: 'crashed',
    message: error instanceof Error ? error.message : String(error),
    ...(error instanceof Error && error.stack ? { stack: error.stack } : {}),
  }));
}

/**
 * Electron's utility process's end of the channel (main/electron/intake-launcher.ts starts it): messages
 * arrive as `{ data }` events, structured-cloned both ways. Typed here, since the engine does not import
 * electron (its types included).
 */
interface ParentPort {
  once(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  postMessage(message: unknown): void;
}

/** How long a utility-process worker waits, once it has answered, for its parent to end it. */
const ANSWERED_GRACE_MS = 10_000;

// Whichever parent started it: Electron's utility process (the desktop app) has `process.parentPort`;
// Node's fork (the CLI, the browser host, tests) has `process.send`.
const parentPort = (process as { parentPort?: ParentPort }).parentPort;
const send = process.send?.bind(process);
if (parentPort) {
  // No exit of its own right after the answer: postMessage has no callback, and an exit at once could lose
  // the message before it left. The parent ends the process when the answer arrives; should it not, the
  // process leaves after a grace. A utility process ends with the app, so a parent gone needs no watch.
  parentPort.once('message', (event) => {
    void answer(event.data).then((message) => {
      parentPort.postMessage(message);
      setTimeout(() => process.exit(0), ANSWERED_GRACE_MS);
    });
  });
} else if (send) {
  // The engine going away (its process died, or it disconnected on a cancel) ends the intake too.
  process.once('disconnect', () => process.exit(0));
  process.once('message', (raw: unknown) => {
    void answer(raw).then((message) => send(message, () => process.exit(0)));
  });
}
