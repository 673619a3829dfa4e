import fs from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { Experiment, RunEvent, RunSnapshot, RunSummary, StageRow } from '../../../engine/api/runs';
import type { CliIO, EngineDeps } from '../engine-call';
import { EXIT } from '../exit-codes';
import {
  cut,
  formatCost,
  formatCount,
  formatDelta,
  formatDuration,
  formatScore,
  formatTime,
  renderTable,
  shortSha,
  targetText,
} from '../format';
import { ExitWith } from '../command-errors';
import { scoreDisagreement } from '../../../engine/api/score-check';
import { describeEvent, endReasonText } from '../progress/render';

// `mle-beast show <id>`: one run in full: its summary, stages, experiments, and on request its events.

export interface ShowFlags {
  json?: boolean;
  events?: boolean;
  since?: number;
  /** List the run's command logs (its whole output, in the run folder). */
  logs?: boolean;
  /** Print one command log, whole or (with `tail`) its last lines. */
  log?: string;
  tail?: number;
}

function parseLines(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1 || Number(value) > 100_000)
    throw new InvalidArgumentError('expected a number of lines from 1 to 100000');
  return Number(value);
}

function parseSeq(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError('expected a sequence number (0 or more)');
  return Number(value);
}

/** The workspace's current git branch, when it has one we can read (`.git/HEAD`); null otherwise. */
export function workspaceBranch(workspace: string): string | null {
  try {
    const head = fs.readFileSync(path.join(workspace, '.git', 'HEAD'), 'utf8').trim();
    const match = /^ref: refs\/heads\/(.+)$/.exec(head);
    return match?.[1] ?? null;
  } catch {
    return null;
  }
}

const span = (start: string | null, end: string | null): number | null =>
  start && end ? Date.parse(end) - Date.parse(start) : null;

export function summaryLines(run: RunSummary, branch: string | null): string[] {
  const rows: [string, string][] = [
    ['run', `${run.id}${run.name ? ` (${run.name})` : ''}`],
    ['status', `${run.status}${run.endReason ? ` (${endReasonText(run.endReason)})` : ''}`],
    ...(run.message ? ([['message', cut(run.message, 300)]] as [string, string][]) : []),
    ['task', run.task],
    [
      'mode',
      `${run.mode}; ${run.sandbox} sandbox${run.sandbox === 'local-unisolated' ? ' (not isolated)' : ''}; model ${run.model}`,
    ],
    ['workspace', run.workspace],
    ...(branch ? ([['branch', branch]] as [string, string][]) : []),
    [
      'metric',
      `${targetText(run.metric)} (${run.metric.trusted ? 'scored by the engine on a hidden holdout' : 'self-reported: no hidden holdout'})`,
    ],
    [
      'best',
      run.bestScore === null
        ? '-'
        : `${formatScore(run.bestScore)} at step ${run.bestStep ?? '-'}${run.bestCommit ? `, commit ${shortSha(run.bestCommit)}` : ''}`,
    ],
    ['final', run.finalScore === null ? '-' : `${formatScore(run.finalScore)} on unseen data`],
    ['steps', `${run.step}/${run.maxSteps}`],
    ['cost', formatCost(run.costUsd, run.unknownCostCalls)],
    [
      'tokens',
      `${formatCount(run.promptTokens)} prompt + ${formatCount(run.completionTokens)} completion in ${formatCount(run.llmCalls)} LLM calls`,
    ],
    [
      'time',
      `created ${formatTime(run.createdAt)}, started ${formatTime(run.startedAt)}, ended ${formatTime(run.endedAt)}` +
        (span(run.startedAt, run.endedAt) !== null
          ? ` (${formatDuration(span(run.startedAt, run.endedAt))})`
          : ''),
    ],
  ];
  return rows.map(([k, v]) => `${`${k}:`.padEnd(11)}${v}`);
}

export function stageTable(stages: readonly StageRow[]): string[] {
  return renderTable(
    [
      { header: 'STAGE' },
      { header: 'STATUS' },
      { header: 'STEP', align: 'right' },
      { header: 'ATTEMPT', align: 'right' },
      { header: 'TIME', align: 'right' },
      { header: 'MESSAGE' },
    ],
    stages.map((s) => [
      s.stage,
      s.status,
      String(s.step),
      String(s.attempt),
      formatDuration(span(s.startedAt, s.endedAt)),
      s.message ? cut(s.message, 60) : '',
    ]),
  );
}

export function experimentTable(experiments: readonly Experiment[]): string[] {
  const scores = new Map(experiments.map((e) => [e.step, e.score]));
  return renderTable(
    [
      { header: 'STEP', align: 'right' },
      { header: 'TAG' },
      { header: 'OUTCOME' },
      { header: 'SCORE', align: 'right' },
      { header: 'Δ', align: 'right' },
      { header: 'COMMIT' },
      { header: 'HYPOTHESIS' },
    ],
    experiments.map((e) => [
      String(e.step),
      e.tag ?? '-',
      e.outcome,
      formatScore(e.score),
      e.parentStep === null ? '-' : formatDelta(e.score, scores.get(e.parentStep)),
      shortSha(e.commitSha),
      cut(e.outcome === 'baseline' ? e.hypothesis || 'baseline' : e.hypothesis, 60),
    ]),
  );
}

/** Experiments whose self-reported figure is far from the engine's score (the run's score.disagreement events). */
export function scoreWarnings(metric: string, experiments: readonly Experiment[]): string[] {
  return experiments.flatMap((e) => {
    const far = scoreDisagreement(metric, e.selfReportedScore, e.score);
    return far ? [`warning: step ${e.step}: ${far.message}`] : [];
  });
}

export function eventLine(event: RunEvent): string {
  return `#${event.seq} ${event.at.slice(11, 19)} ${describeEvent(event.body)}`;
}

export async function showCommand(
  deps: EngineDeps,
  idText: string,
  flags: ShowFlags,
  io?: CliIO,
): Promise<number> {
  const { resolveRunId } = await import('../run-id');
  const { call, exitForError, processIO } = await import('../engine-call');
  const { out, err } = io ?? processIO();

  const resolved = await resolveRunId(deps, idText);
  if (!resolved.ok) {
    err.write(`mle-beast: ${resolved.message}\n`);
    return EXIT.badInput;
  }
  if (flags.tail !== undefined && flags.log === undefined) {
    err.write('mle-beast: --tail goes with --log NAME (list the logs with --logs)\n');
    return EXIT.badInput;
  }
  if (flags.logs || flags.log !== undefined) {
    const { showLogs } = await import('./show-logs');
    return showLogs(deps, resolved.id, flags, { out, err });
  }
  const withEvents = flags.events === true || flags.since !== undefined;
  const first = await call(deps.handlers, 'runs.get', {
    id: resolved.id,
    sinceSeq: flags.since ?? 0,
    limit: withEvents ? 1000 : 1,
  });
  if (!first.ok) {
    err.write(`mle-beast: ${first.error.message}\n`);
    return exitForError(first.error);
  }
  const snapshot: RunSnapshot = {
    ...first.value,
    events: withEvents ? [...first.value.events] : [],
    nextSeq: null,
  };
  let next = withEvents ? first.value.nextSeq : null;
  let since = flags.since ?? 0;
  while (next !== null && next > since) {
    since = next;
    const page = await call(deps.handlers, 'runs.get', { id: resolved.id, sinceSeq: since, limit: 1000 });
    if (!page.ok) {
      err.write(`mle-beast: reading events after #${since}: ${page.error.message}\n`);
      return exitForError(page.error);
    }
    snapshot.events.push(...page.value.events);
    next = page.value.nextSeq;
  }

  if (flags.json) {
    out.write(`${JSON.stringify(snapshot, null, 2)}\n`);
    return 0;
  }
  const lines = [...summaryLines(snapshot.run, workspaceBranch(snapshot.run.workspace))];
  if (snapshot.stages.length > 0) lines.push('', 'Stages', ...stageTable(snapshot.stages));
  lines.push(
    '',
    'Experiments',
    ...(snapshot.experiments.length > 0 ? experimentTable(snapshot.experiments) : ['(none yet)']),
  );
  const warnings = snapshot.run.metric.trusted
    ? scoreWarnings(snapshot.run.metric.name, snapshot.experiments)
    : [];
  if (warnings.length > 0) lines.push('', 'Warnings', ...warnings);
  if (withEvents) {
    lines.push('', `Events${flags.since ? ` after #${flags.since}` : ''}`);
    if (snapshot.events.length === 0) lines.push('(none)');
    for (const e of snapshot.events) lines.push(eventLine(e));
  }
  out.write(`${lines.join('\n')}\n`);
  return 0;
}

export function registerShow(program: Command): void {
  program
    .command('show')
    .description('one run: summary, stages, experiments, and with --events everything it emitted')
    .argument('<id>', 'the run id, or a unique start of it')
    .option('--json', 'print the run snapshot as JSON (with every event when --events)', false)
    .option('--events', 'also list its events, all of them', false)
    .option('--since <seq>', 'events after this sequence number (implies --events)', parseSeq)
    .option('--logs', "list the run's command logs (the whole output of each command, in its run folder)")
    .option('--log <name>', 'print one command log (a name from --logs)')
    .option('--tail <n>', 'with --log: only its last n lines', parseLines)
    .action(async (id: string, flags: ShowFlags) => {
      const { withEngine } = await import('../engine-call');
      const code = await withEngine((engine) => showCommand(engine, id, flags));
      if (code !== 0) throw new ExitWith(code);
    });
}
