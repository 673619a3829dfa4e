import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Long record-by-record work sliced so the event loop keeps turning. The engine lives in Electron's main
 * process (ARCHITECTURE.md): a loop over a 200 MB CSV whose records are already buffered runs as one chain of
 * promise continuations (microtasks), and nothing else (IPC, timers, a run's output) gets a turn until it
 * ends, seconds later. A slice gives the loop back with setImmediate once it has run for `budgetMs`, which
 * lets I/O callbacks and timers run; the work itself, its order and its results are unchanged.
 */

/** Small enough that a turn of the loop stays well under the 50 ms p99 target on a busy machine. */
export const SLICE_BUDGET_MS = 8;

export class LoopSlice {
  private started = performance.now();

  constructor(private readonly budgetMs = SLICE_BUDGET_MS) {}

  /**
   * Call between two units of work: costs a clock read while the slice lasts, and awaits the next turn of
   * the event loop once it is spent. Callers check `due()` first so the common path allocates no promise.
   */
  due(): boolean {
    return performance.now() - this.started >= this.budgetMs;
  }

  async pause(): Promise<void> {
    await nextTurn();
    this.started = performance.now();
  }
}
