import { z } from 'zod';
import { DatasetIssue, DatasetSummary, RunDataset } from './schemas';

/**
 * The messages between the engine (Electron's main thread, or the CLI's) and the dataset intake worker
 * (intake-worker.ts). Private to the datasets module: no host sees them, so they are not in the contract.
 * Both sides check what they receive with these schemas, because a message is only as typed as its sender.
 *
 * One worker serves one request: the request travels as the worker's `workerData`, the worker posts one
 * reply and ends. A worker per intake costs a thread start (tens of ms) against seconds of intake, and a
 * cancel is then simply `terminate()`: no half-finished state survives in a shared worker.
 */

/**
 * What the worker is asked to do. `source` and `holdout` are checked by the intake itself, which answers a
 * bad one with the same issue (`invalid_source`, `invalid_holdout_options`) as the in-thread call: the
 * envelope only checks they are plain objects.
 */
export const IntakeRequest = z.discriminatedUnion('op', [
  z.object({ op: z.literal('inspect'), source: z.record(z.string(), z.unknown()) }),
  z.object({
    op: z.literal('prepare'),
    source: z.record(z.string(), z.unknown()),
    runDataDir: z.string().min(1),
    holdout: z.record(z.string(), z.unknown()).optional(),
  }),
]);
export type IntakeRequest = z.infer<typeof IntakeRequest>;

const failed = z.object({
  ok: z.literal(false),
  errors: z.array(DatasetIssue),
  warnings: z.array(DatasetIssue),
});

/** The reply to `inspect`: inspectDataset's result. */
export const InspectReply = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), value: DatasetSummary, warnings: z.array(DatasetIssue) }),
  failed,
]);

/**
 * The reply to `prepare`: prepareRunData's result, less the paths, which the caller derives from the
 * manifest and the folder it asked for (runDataPaths) rather than trusting absolute paths from a message.
 */
export const PrepareReply = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    value: z.object({ manifest: RunDataset }),
    warnings: z.array(DatasetIssue),
  }),
  failed,
]);

/**
 * What the worker posts: its intake's result, or `crashed` when the intake threw something it does not turn
 * into an issue itself (a bug): the caller reports it as a failed intake naming the worker.
 */
export const WorkerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('result'), result: z.unknown() }),
  z.object({ type: z.literal('crashed'), message: z.string(), stack: z.string().optional() }),
]);
export type WorkerMessage = z.infer<typeof WorkerMessage>;
