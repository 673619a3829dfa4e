import type { RunEvent, RunSummary } from './runs';
import type { Settings } from './settings';
// The plain values, not the schemas: the browser host's run-end notices start with the first screen, before
// the renderer has loaded zod.
import {
  comparisonOperator,
  END_REASON_TEXT,
  isTerminalStatus,
  meetsTarget,
  type EndReason,
  type RunStatus,
} from './vocabulary-values';

/**
 * The one rule for "a run ended" that both hosts announce with: the desktop app's main process with native
 * notifications, the browser host's page with Web Notifications. From the run's terminal `run.state` event and
 * its summary it decides the kind of end and the words; `RunEndTracker` decides, from the events a bus carries,
 * which terminal events are a new end (exactly one announcement per end, whatever replays or duplicates come);
 * `watchRunEnds` joins the two with the host's own ways of reading a run, the settings and showing a notice.
 * Pure: no Node, no DOM, no Electron.
 */

/** The ends worth telling the user about. A cancel is not one: the user did it. */
export const RUN_END_KINDS = ['target_reached', 'finished', 'failed', 'interrupted'] as const;
export type RunEndKind = (typeof RUN_END_KINDS)[number];

/** The setting that turns each kind of announcement on or off (engine/api/settings.ts). */
export const RUN_END_SETTING = {
  target_reached: 'notifyTargetReached',
  finished: 'notifyFinished',
  failed: 'notifyFailed',
  interrupted: 'notifyInterrupted',
} as const satisfies Record<RunEndKind, keyof Settings>;

/** What a terminal `run.state` event says. */
export interface RunEnd {
  runId: string;
  /** The sequence number of the terminal event: one end, one announcement. */
  seq: number;
  status: RunStatus;
  reason: EndReason | null;
  message: string | null;
}

export interface RunEndNotice {
  runId: string;
  kind: RunEndKind;
  title: string;
  body: string;
  /** A tag that identifies the end (Web Notifications replace a notice of the same tag: two tabs show one). */
  tag: string;
}

/** Scores with 4 decimals, as the dashboard shows them (large figures with one). */
export const formatScore = (value: number): string =>
  Math.abs(value) >= 1000 ? value.toFixed(1) : value.toFixed(4);

/** The run's name as a notice shows it: its name, else its task (shortened), else its short id. */
export function runLabel(run: Pick<RunSummary, 'id' | 'name' | 'task'>): string {
  const text = (run.name ?? '').trim() || run.task.trim();
  if (!text) return run.id.slice(0, 8);
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

/** The kind of an end, or null for one that is not announced (a cancel, or a state that is not an end). */
export function runEndKind(end: Pick<RunEnd, 'status' | 'reason'>, run: RunSummary): RunEndKind | null {
  switch (end.status) {
    case 'completed': {
      const reached =
        end.reason === 'target_reached' ||
        meetsTarget(run.metric.direction, run.bestScore, run.metric.target);
      return reached ? 'target_reached' : 'finished';
    }
    case 'failed':
      return 'failed';
    case 'interrupted':
      return 'interrupted';
    default:
      return null;
  }
}

/** The notice for an end of `run` (its summary as stored at the end), or null when it is not announced. */
export function runEndNotice(run: RunSummary, end: RunEnd): RunEndNotice | null {
  const kind = runEndKind(end, run);
  if (!kind) return null;
  const name = runLabel(run);
  const { name: metric, target, direction } = run.metric;
  const op = comparisonOperator(direction);
  const best = run.bestScore === null ? null : `${metric} ${formatScore(run.bestScore)}`;
  const targetText = target === null ? null : `target ${op} ${formatScore(target)}`;
  const final = run.finalScore === null ? '' : ` Final hold-out score ${formatScore(run.finalScore)}.`;
  const said = (end.message ?? run.message)?.trim();
  // The engine's messages are not always whole sentences: the notice's next sentence needs the stop.
  const message = said ? (/[.!?]$/.test(said) ? said : `${said}.`) : null;
  let title: string;
  let body: string;
  switch (kind) {
    case 'target_reached':
      title = `Target reached: ${name}`;
      body =
        `${best ?? `${metric}: no score`}${targetText ? ` (${targetText})` : ''}` +
        `${run.bestStep !== null ? ` at step ${run.bestStep}` : ''}.${final}`;
      break;
    case 'finished': {
      title = `Finished: ${name}`;
      const why = end.reason ? END_REASON_TEXT[end.reason] : 'finished';
      const short = targetText ? ', target not reached' : '';
      body =
        `Stopped: ${why}${short}. ` +
        `Best ${best ?? `${metric}: no score`}${targetText ? ` (${targetText})` : ''}.${final}`;
      break;
    }
    case 'failed':
      title = `Failed: ${name}`;
      body = `${message ?? 'The run failed.'}${best ? ` Best ${best}.` : ''}`;
      break;
    case 'interrupted':
      title = `Interrupted: ${name}`;
      body = `${message ?? 'The run was interrupted.'} Resume it from its page.${best ? ` Best ${best}.` : ''}`;
      break;
  }
  return { runId: run.id, kind, title, body, tag: run.id };
}

/** Whether the settings let this kind of end be announced. */
export const noticeWanted = (settings: Settings, kind: RunEndKind): boolean =>
  settings[RUN_END_SETTING[kind]];

/**
 * Which terminal `run.state` events are a new end. Per run it keeps the highest sequence number seen (a replayed
 * or duplicated event is at or below it and ignored) and whether the run's current end was announced already (a
 * second terminal state without a new start in between, say `failed` then `interrupted`, is the same end). A run
 * that is resumed and ends again has a new end.
 */
export class RunEndTracker {
  private readonly runs = new Map<string, { seq: number; ended: boolean }>();

  /** The new ends among these events (of any runs, in the order the bus carried them). */
  observe(events: readonly RunEvent[]): RunEnd[] {
    const ends: RunEnd[] = [];
    for (const event of events) {
      const state = this.runs.get(event.runId) ?? { seq: 0, ended: false };
      if (event.seq <= state.seq) continue;
      state.seq = event.seq;
      this.runs.set(event.runId, state);
      const body = event.body;
      if (body.type !== 'run.state') continue;
      if (!isTerminalStatus(body.status)) {
        state.ended = false;
        continue;
      }
      if (state.ended) continue;
      state.ended = true;
      ends.push({
        runId: event.runId,
        seq: event.seq,
        status: body.status,
        reason: body.reason,
        message: body.message,
      });
    }
    return ends;
  }
}

export interface RunEndWatcherDeps {
  /** The run's summary as stored now (a host reads it with `runs.get`). */
  getRun(id: string): Promise<RunSummary>;
  /** The settings now (a host reads them with `settings.get`, or keeps them from `settings.changed`). */
  settings(): Settings | null | Promise<Settings | null>;
  show(notice: RunEndNotice): void;
  warn?(message: string): void;
}

/**
 * Announces each new run end among the events handed to it: the host subscribes to its run events and hands
 * them over in order. Resolves when the notices of these events were shown (tests wait on it).
 */
export function watchRunEnds(deps: RunEndWatcherDeps): (events: readonly RunEvent[]) => Promise<void> {
  const tracker = new RunEndTracker();
  const warn = deps.warn ?? ((m: string) => console.warn(m));
  return async (events) => {
    const ends = tracker.observe(events);
    await Promise.all(
      ends.map(async (end) => {
        try {
          const notice = runEndNotice(await deps.getRun(end.runId), end);
          if (!notice) return;
          const settings = await deps.settings();
          if (settings && !noticeWanted(settings, notice.kind)) return;
          deps.show(notice);
        } catch (error) {
          warn(`could not announce the end of run ${end.runId}: ${(error as Error).message}`);
        }
      }),
    );
  };
}
