import type { IntakeResult } from './issues';
import type { LabelCollector } from './label-collector';
import type { DatasetIssue, DatasetSummary, TaskType } from './schemas';

/**
 * What a kind's intake learnt in its read-only pass, plus how to write the run data from it. The closure
 * keeps kind-specific state (delimiters, file lists) out of the code that plans the split.
 */
export interface Inspection {
  summary: DatasetSummary;
  task: TaskType;
  /** One entry per example, in the order the materializer meets them (train first, then test). */
  labels: LabelCollector;
  /** 1 for examples of the user's test split; null when there is none. */
  fromTest: Uint8Array | null;
  /** Bytes of the data files, to size the holdout sort. */
  dataBytes: number;
  materialize(
    context: MaterializeContext,
  ): Promise<IntakeResult<{ rows: { selection: number; final: number } }>>;
}

export interface MaterializeContext {
  runDataDir: string;
  visibleDir: string;
  /** VISIBLE / SELECTION / FINAL per example (holdout-plan.ts). */
  assignment: Uint8Array;
  seed: number;
  fingerprint: string;
  signal?: AbortSignal;
}

/** The one error a materializer reports when the data moved under it between the two passes. */
export function changedWhileReading(file: string): DatasetIssue {
  return {
    severity: 'error',
    code: 'changed_during_intake',
    message: `${file} changed while the dataset was being read (its content no longer matches the first pass). Wait until nothing writes to the dataset, then start again.`,
    file,
  };
}
