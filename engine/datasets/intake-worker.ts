import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { IntakeRequest, type WorkerMessage } from './intake-protocol';
import { inspectDataset, prepareRunData } from './run-data';
import type { DatasetSource } from './schemas';

/**
 * The dataset intake worker's entry (see intake-off-loop.ts for why and how it is started). It runs the same
 * inspectDataset / prepareRunData as the engine's own thread, on its own event loop, so a CSV scan, parse,
 * hash and holdout split of hundreds of megabytes never holds up main's. Built as its own file for every
 * host: out/cli/intake-worker.js (scripts/build-node.mjs), out/main/intake-worker.js (electron.vite.config.ts),
 * and a bundle vitest's global setup makes (engine/datasets/testing/intake-worker-setup.ts).
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

if (!isMainThread && parentPort) {
  const port = parentPort;
  serve(workerData).then(
    (message) => port.postMessage(message),
    (error: unknown) =>
      port.postMessage({
        type: 'crashed',
        message: error instanceof Error ? error.message : String(error),
        ...(error instanceof Error && error.stack ? { stack: error.stack } : {}),
      } satisfies WorkerMessage),
  );
}
