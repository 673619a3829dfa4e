import { runEventsOf } from '../../engine/api/contract';
import type { Result } from '../../engine/api/result';
import {
  isTerminalStatus,
  type EndReason,
  type RunEvent,
  type RunStatus,
  type RunSummary,
} from '../../engine/api/runs';
import { call, exitForError, processIO, type CliIO, type EngineDeps } from './engine-call';
import { EXIT } from './exit-codes';
import { shortId } from './format';
import { eventLines, finalLines, startLines, statusLine } from './progress/render';
import { applyEvent, initialProgress } from './progress/state';
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
  const pending: RunEvent[] = [];
  let deliver: ((event: RunEvent) => void) | null = null;
  const unsubscribe = deps.events.subscribe((message) => {
    for (const event of runEventsOf(message)) {
      if (deliver) deliver(event);
      else pending.push(event);
    }
  });
  try {
    const started = await start();
    if (!started.ok) {
      io.err.write(`mle-beast: ${started.error.message}\n`);
      return exitForError(started.error);
    }
    return await followRun(deps, started.value, options, {
      pending,
      attach: (fn) => {
        deliver = fn;
      },
    });
  } finally {
    unsubscribe();
  }
}

interface Ended {
  status: RunStatus;
  reason: EndReason | null;
}

/**
 * Follows a run this process started or resumed until a terminal state. `events` gives the events received
 * before following began and a way to receive the rest; without it the command subscribes itself.
 */
export async function followRun(
  deps: EngineDeps,
  run: RunSummary,
  options: FollowOptions = {},
  feed?: { pending: RunEvent[]; attach(fn: (event: RunEvent) => void): void },
): Promise<number> {
  const io = options.io ?? processIO();
  const now = options.now ?? Date.now;
  const json = options.json ?? false;
  const verbose = options.verbose ?? false;
  const writer = new ProgressWriter(io.out, !json && io.out.isTTY === true);
  const id = run.id;

  let unsubscribe = (): void => undefined;
  let pending: RunEvent[] = feed?.pending ?? [];
  let deliver: ((event: RunEvent) => void) | null = null;
  if (feed) feed.attach((e) => (deliver ? deliver(e) : pending.push(e)));
  else
    unsubscribe = deps.events.subscribe((m) => {
      for (const event of runEventsOf(m)) {
        if (deliver) deliver(event);
        else pending.push(event);
      }
    });

  // Earlier experiments (a resumed run) give the parents' scores for the "change vs parent" figures.
  const seed = await call(deps.handlers, 'runs.get', { id, sinceSeq: run.lastSeq, limit: 1 });
  let state = initialProgress(run, now(), seed.ok ? seed.value.experiments : []);
  const mine = pending.filter((e) => e.runId === id);
  let lastSeq = options.fromSeq ?? (mine.length > 0 ? Math.min(...mine.map((e) => e.seq)) - 1 : run.lastSeq);

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

  const handle = (event: RunEvent): void => {
    if (finished || event.runId !== id || event.seq <= lastSeq) return;
    lastSeq = event.seq;
    const t = now();
    state = applyEvent(state, event, t);
    if (!json) {
      writer.lines(eventLines(state, event, verbose));
      writer.setStatus(statusLine(state, t, writer.width));
    }
    const body = event.body;
    if (body.type === 'run.state' && isTerminalStatus(body.status))
      finish({ status: body.status, reason: body.reason });
  };

  for (const e of pending) handle(e);
  pending = [];
  deliver = handle;

  // The store is the record: ask it now and then for events this process was not told about (a run carried on
  // by another process) and for the end state, so a missed event never leaves the command waiting forever.
  let polling = false;
  const poll = setInterval(() => {
    if (polling || finished) return;
    polling = true;
    void call(deps.handlers, 'runs.get', { id, sinceSeq: lastSeq, limit: 1000 })
      .then((snap) => {
        if (!snap.ok) return;
        for (const e of snap.value.events) handle(e);
        if (isTerminalStatus(snap.value.run.status) && snap.value.nextSeq === null) {
          finish({ status: snap.value.run.status, reason: snap.value.run.endReason });
        }
      })
      .finally(() => (polling = false));
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
    unsubscribe();
    deliver = null;
  }

  writer.clear();
  const final = await call(deps.handlers, 'runs.get', { id, sinceSeq: lastSeq, limit: 1 });
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
