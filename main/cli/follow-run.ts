import { ApiCallError } from '../../engine/api/client';
import { runEventsOf } from '../../engine/api/contract';
import type { Result } from '../../engine/api/result';
import { openRunCursor, type CursorSource } from '../../engine/api/run-cursor';
import { applyEvent, foldSnapshotPage, initialRunView } from '../../engine/api/run-view';
import {
  isTerminalStatus,
  type EndReason,
  type RunEvent,
  type RunSnapshot,
  type RunStatus,
  type RunSummary,
} from '../../engine/api/runs';
import { call, exitForError, processIO, type CliIO, type EngineDeps } from './engine-call';
import { EXIT } from './exit-codes';
import { shortId } from './format';
import { eventLines, finalLines, startLines, statusLine } from './progress/render';
import { initialProgress } from './progress/state';
import { ProgressWriter } from './progress/writer';
import { exitCodeForRun } from './run-exit';

export interface FollowOptions {
  /** Nothing on stdout while the run goes; one JSON document `{ run, experiments }` at the end. */
  json?: boolean;
  /** Also print training and evaluation logs, tool calls, LLM calls and metrics. */
  verbose?: boolean;
  /** How the first line names what happened: `started`, `resumed`. */
  verb?: string;
  io?: CliIO;
  now?: () => number;
  /** Installs the Ctrl-C handler and returns its removal (default: process SIGINT). */
  onInterrupt?: (handler: () => void) => () => void;
  /** Ends the process at once (a second Ctrl-C). Default: process.exit. */
  exit?: (code: number) => void;
  /** How often the store is asked for events this process was not told about, and for the run's state. */
  pollMs?: number;
  /** How often the status line's clock is redrawn on a terminal. */
  redrawMs?: number;
  /**
   * Show the run's events after this sequence number: 0 for a new run; for a resumed run, its last event
   * before the resume. Default: the first event received, else the run's `lastSeq`.
   */
  fromSeq?: number;
}

const defaultOnInterrupt = (handler: () => void): (() => void) => {
  process.on('SIGINT', handler);
  return () => process.off('SIGINT', handler);
};

/**
 * Ctrl-C while following a run: the first press asks the engine to cancel it (the sandbox process is killed at
 * once) and the command goes on waiting for the cancelled state; a second press quits at once with 130.
 */
export function createInterruptHandler(options: {
  cancel: () => Promise<void>;
  notify: (text: string) => void;
  exit: (code: number) => void;
}): () => void {
  let presses = 0;
  return () => {
    presses += 1;
    if (presses === 1) {
      options.notify('cancelling… (Ctrl-C again to quit without waiting)');
      void options.cancel();
    } else {
      options.notify('quitting without waiting for the run to stop');
      options.exit(EXIT.cancelled);
    }
  };
}

/**
 * Starts a run (`runs.start`, `runs.resume`, ...) and follows it to its end: live progress, the summary, and
 * the exit code of its end state (run-exit.ts). Events are collected from before the start, so none is missed.
 */
export async function startAndFollow(
  deps: EngineDeps,
  start: () => Promise<Result<RunSummary>>,
  options: FollowOptions = {},
): Promise<number> {
  const io = options.io ?? processIO();
  // The events sent while the run starts say where it began: the cursor reads them again from the store.
  const pending: RunEvent[] = [];
  const unsubscribe = deps.events.subscribe((message) => pending.push(...runEventsOf(message)));
  let started: Result<RunSummary>;
  try {
    started = await start();
  } finally {
    unsubscribe();
  }
  if (!started.ok) {
    io.err.write(`mle-beast: ${started.error.message}\n`);
    return exitForError(started.error);
  }
  return followRun(deps, started.value, options, pending);
}

interface Ended {
  status: RunStatus;
  reason: EndReason | null;
}

/** The run cursor's way into this process's engine: `runs.get` and the engine's event bus. */
function engineCursorSource(deps: EngineDeps): CursorSource {
  return {
    get: async (query) => {
      const result = await call(deps.handlers, 'runs.get', query);
      if (!result.ok) throw new ApiCallError(result.error);
      return result.value;
    },
    onEvents: (listener) =>
      deps.events.subscribe((message) => {
        const events = runEventsOf(message);
        if (events.length > 0) listener(events);
      }),
  };
}

/**
 * Follows a run this process started or resumed until a terminal state. `pending` are the events received
 * before following began (they say from which sequence number to show the run); the one run cursor
 * (engine/api/run-cursor.ts) reads them again from the store with the rest, each once and in order, and the
 * one fold (engine/api/run-view.ts) makes the status line from them.
 */
export async function followRun(
  deps: EngineDeps,
  run: RunSummary,
  options: FollowOptions = {},
  pending: readonly RunEvent[] = [],
): Promise<number> {
  const io = options.io ?? processIO();
  const now = options.now ?? Date.now;
  const json = options.json ?? false;
  const verbose = options.verbose ?? false;
  const writer = new ProgressWriter(io.out, !json && io.out.isTTY === true);
  const id = run.id;

  const mine = pending.filter((e) => e.runId === id);
  const fromSeq =
    options.fromSeq ?? (mine.length > 0 ? Math.min(...mine.map((e) => e.seq)) - 1 : run.lastSeq);
  // Earlier experiments (a resumed run) give the parents' scores for the "change vs parent" figures; the
  // cursor's first read replaces this with the run as the store has it.
  let state = initialProgress(run, now(), [], fromSeq);

  if (!json) {
    writer.lines(startLines(run, options.verb ?? 'started', !json && io.out.isTTY === true));
    writer.setStatus(statusLine(state, now(), writer.width));
  }

  let finished = false;
  let resolveEnded: (ended: Ended) => void = () => undefined;
  const ended = new Promise<Ended>((resolve) => (resolveEnded = resolve));
  const finish = (e: Ended): void => {
    if (finished) return;
    finished = true;
    resolveEnded(e);
  };

  /** Folds one event, prints its lines and the status line, and ends on a terminal state. */
  const handle = (event: RunEvent): void => {
    if (finished) return;
    const t = now();
    state = applyEvent(state, event, t).view;
    if (!json) {
      writer.lines(eventLines(state, event, verbose));
      writer.setStatus(statusLine(state, t, writer.width));
    }
    const body = event.body;
    if (body.type === 'run.state' && isTerminalStatus(body.status))
      finish({ status: body.status, reason: body.reason });
  };
  /** A read of the store: its events, then its summary; a run that ended with nothing more to read is done. */
  const handlePage = (snap: RunSnapshot, first: boolean): void => {
    if (finished) return;
    if (first)
      state = initialRunView({ ...snap, events: [] }, now(), {
        sinceSeq: fromSeq,
        limits: state.limits,
      }).view;
    for (const e of snap.events) handle(e);
    if (finished) return;
    state = foldSnapshotPage(state, { ...snap, events: [] }, now()).view;
    if (isTerminalStatus(snap.run.status) && snap.nextSeq === null)
      finish({ status: snap.run.status, reason: snap.run.endReason });
  };

  const cursor = openRunCursor(
    engineCursorSource(deps),
    id,
    {
      snapshot: (snap) => handlePage(snap, true),
      page: (snap) => handlePage(snap, false),
      events: (events) => events.forEach(handle),
    },
    { sinceSeq: fromSeq },
  );

  // The store is the record: read it now and then for events this process was not told about (a run carried on
  // by another process) and for the end state, so a missed event never leaves the command waiting forever.
  const poll = setInterval(() => {
    if (!finished) void cursor.catchUp();
  }, options.pollMs ?? 3000);
  const redraw = writer.live
    ? setInterval(() => writer.setStatus(statusLine(state, now(), writer.width)), options.redrawMs ?? 1000)
    : null;
  redraw?.unref();

  const removeInterrupt = (options.onInterrupt ?? defaultOnInterrupt)(
    createInterruptHandler({
      cancel: async () => {
        const result = await call(deps.handlers, 'runs.cancel', { id });
        if (!result.ok)
          io.err.write(`mle-beast: could not cancel run ${shortId(id)}: ${result.error.message}\n`);
      },
      notify: (text) => {
        writer.clear();
        io.err.write(`${text}\n`);
      },
      exit: options.exit ?? ((code) => process.exit(code)),
    }),
  );

  let end: Ended;
  try {
    end = await ended;
  } finally {
    clearInterval(poll);
    if (redraw) clearInterval(redraw);
    removeInterrupt();
    cursor.close();
  }

  writer.clear();
  const final = await call(deps.handlers, 'runs.get', { id, sinceSeq: cursor.lastSeq, limit: 1 });
  if (!final.ok) {
    io.err.write(
      `mle-beast: run ${shortId(id)} ${end.status}, but its final state could not be read: ${final.error.message}\n`,
    );
    return exitCodeForRun({ status: end.status, endReason: end.reason });
  }
  const { run: summary, experiments } = final.value;
  if (json) {
    io.out.write(`${JSON.stringify({ run: summary, experiments }, null, 2)}\n`);
    if (summary.status !== 'completed' && summary.message) {
      io.err.write(`run ${shortId(id)} ${summary.status}: ${summary.message}\n`);
    }
  } else {
    writer.lines(finalLines(summary, experiments));
  }
  // The store's state is the record; the event's is used if the two ever disagree on whether it ended.
  return isTerminalStatus(summary.status)
    ? exitCodeForRun(summary)
    : exitCodeForRun({ status: end.status, endReason: end.reason });
}
