import { IntakeRequest, type WorkerMessage } from './intake-protocol';
import { inspectDataset, prepareRunData } from './run-data';
import type { DatasetSource } from './schemas';

/**
 * The dataset intake worker process's entry (see intake-off-loop.ts for why a process and how it is started).
 * It runs the same inspectDataset / prepareRunData as the engine's own thread, in its own process, so a CSV
 * scan, parse, hash and holdout split of hundreds of megabytes never holds up the engine's event loop nor
 * grows its memory. Built as its own file for every host: out/cli/intake-worker.js (scripts/build-node.mjs),
 * out/main/intake-worker.js (electron.vite.config.ts), and a bundle vitest's global setup makes
 * (engine/testing/worker-entries-setup.ts).
 *
 * One request per process: the first message is the request, the one reply goes back, the process exits.
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

const send = process.send?.bind(process);
if (send) {
  // The engine going away (its process died, or it disconnected on a cancel) ends the intake too.
  process.once('disconnect', () => process.exit(0));
  process.once('message', (raw: unknown) => {
    serve(raw)
      .catch((error: unknown): WorkerMessage => ({
        type: 'crashed',
        message: error instanceof Error ? error.message : String(error),
        ...(error instanceof Error && error.stack ? { stack: error.stack } : {}),
      }))
      .then((message) => send(message, () => process.exit(0)));
  });
}
