import type { EndReason, Experiment, RunEvent, RunEventBody, RunSummary } from '../../../engine/api/runs';
import {
  cleanText,
  cut,
  formatCost,
  formatCount,
  formatDelta,
  formatDuration,
  formatScore,
  shortId,
  shortSha,
  targetText,
} from '../format';
import { elapsedNow } from '../../../engine/api/run-view';
import { END_REASON_TEXT } from '../../../engine/api/vocabulary';
import type { ProgressState } from './state';

// State -> text for following a run: the status line, the lines printed for notable events, and the summary
// at the end. Pure: no terminal codes here (the writer adds them on a TTY).

/** The shared words (engine/api/vocabulary.ts); a terminal adds how to go on after an interruption. */
export const endReasonText = (reason: EndReason | null): string =>
  reason === null
    ? ''
    : reason === 'interrupted'
      ? `${END_REASON_TEXT.interrupted} (resume it with \`mle-beast resume\`)`
      : END_REASON_TEXT[reason];

/** The one line redrawn in place on a terminal. `width` cuts it so it never wraps. */
export function statusLine(state: ProgressState, nowMs: number, width = 0): string {
  const elapsed = elapsedNow(state, nowMs) ?? 0;
  const { run } = state;
  const parts = [
    state.stage ? `[${state.stage}${state.attempt > 1 ? ` #${state.attempt}` : ''}]` : `[${run.status}]`,
    `step ${run.step}/${run.maxSteps}`,
    `best ${run.metric.name} ${formatScore(run.bestScore)}` +
      (run.metric.target !== null
        ? ` (target ${run.metric.direction === 'higher' ? '>=' : '<='} ${run.metric.target})`
        : ''),
    formatCost(run.costUsd, run.unknownCostCalls),
    // Whole seconds: a clock counting milliseconds in its first second only flickers.
    elapsed < 1000 ? '0s' : formatDuration(elapsed),
  ];
  const line = parts.join(' | ');
  return width > 1 && line.length > width - 1 ? `${line.slice(0, width - 2)}…` : line;
}

function experimentLine(e: Experiment, metricName: string, experiments: readonly Experiment[]): string {
  const tag = e.tag ? ` [${e.tag}]` : '';
  const head = `step ${e.step}${tag} ${e.outcome}`;
  const parent = e.parentStep === null ? undefined : experiments.find((x) => x.step === e.parentStep)?.score;
  const score =
    e.score === null
      ? ''
      : `: ${metricName} ${formatScore(e.score)}` +
        (e.parentStep !== null && parent !== undefined && parent !== null
          ? ` (${formatDelta(e.score, parent)} vs step ${e.parentStep})`
          : '');
  const why = e.note && e.outcome !== 'kept' && e.outcome !== 'baseline' ? ` - ${cut(e.note, 120)}` : '';
  const hypothesis = e.outcome === 'baseline' ? '' : ` - ${cut(e.hypothesis, 100)}`;
  return `${head}${score}${hypothesis}${why}`;
}

const levelOf = (stream: string): string =>
  stream === 'error' ? 'error: ' : stream === 'warning' ? 'warning: ' : '';

function textLines(prefix: string, text: string): string[] {
  return cleanText(text)
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => `${prefix}${l}`);
}

/** The `log.omitted` marker in words. */
function omittedText(body: Extract<RunEventBody, { type: 'log.omitted' }>): string {
  return `${body.omittedLines.toLocaleString('en-US')} of ${body.totalLines.toLocaleString('en-US')} lines not stored here; the whole output is in log ${body.log} (mle-beast show <run> --log ${body.log})`;
}

/** One line for any event, as `show --events` lists them. */
export function describeEvent(body: RunEventBody): string {
  switch (body.type) {
    case 'run.state':
      return `run ${body.status}${body.reason ? ` (${body.reason})` : ''}${body.message ? `: ${cut(body.message, 200)}` : ''}`;
    case 'stage.started':
      return `stage ${body.stage} started (step ${body.step}${body.attempt > 1 ? `, attempt ${body.attempt}` : ''})`;
    case 'stage.finished':
      return `stage ${body.stage} ${body.outcome} (step ${body.step})${body.message ? `: ${cut(body.message, 200)}` : ''}`;
    case 'llm.call': {
      const u = body.usage;
      const tokens = `${formatCount(u.promptTokens)}+${formatCount(u.completionTokens)} tokens`;
      const cost = u.costUsd === null ? 'cost unknown' : formatCost(u.costUsd);
      const failed = body.ok ? '' : ` FAILED after ${body.attempts} attempts: ${cut(body.error ?? '', 160)}`;
      return `llm ${body.model} (${body.stage}, step ${body.step}) ${tokens}, ${cost}, ${formatDuration(body.durationMs)}${failed}`;
    }
    case 'tool.call':
      return `tool ${body.tool} ${body.ok ? 'ok' : 'failed'} (${body.stage}, ${formatDuration(body.durationMs)}): ${cut(body.preview, 120)}`;
    case 'log':
      return `log ${body.source}/${body.stream}: ${cut(body.text, 200)}`;
    case 'log.omitted':
      return `log ${body.source}: ${omittedText(body)}`;
    case 'metrics':
      return `metrics step ${body.step}: ${Object.entries(body.values)
        .map(([k, v]) => `${k} ${formatScore(v)}`)
        .join(', ')}`;
    case 'score':
      return (
        `score step ${body.step} ${body.split} ${body.metric} ${formatScore(body.value)}` +
        (body.source === 'self_reported' ? ' (self-reported)' : '') +
        (body.problems.length > 0 ? `; problems: ${body.problems.map((p) => cut(p, 100)).join('; ')}` : '')
      );
    case 'score.disagreement':
      return `score disagreement step ${body.step}: ${cut(body.message, 300)}`;
    case 'experiment':
      return `experiment ${experimentLine(body.experiment, 'score', [])}`;
    case 'progress':
      return `progress step ${body.step}/${body.maxSteps}, best ${formatScore(body.bestScore)}, ${formatCost(body.costUsd)}, ${formatDuration(body.elapsedMs)}`;
  }
}

/**
 * The lines to print for one event while following a run: notable events always (stages starting, experiments,
 * warnings, errors, failed calls); training logs, tool calls and the rest only with `verbose`. `state` is the
 * state after the event.
 */
export function eventLines(state: ProgressState, event: RunEvent, verbose: boolean): string[] {
  if (event.runId !== state.run.id) return [];
  const body = event.body;
  switch (body.type) {
    case 'run.state':
      if (body.status === 'paused') return [`paused${body.message ? `: ${cut(body.message, 200)}` : ''}`];
      if (body.status === 'running' && verbose) return ['running'];
      return [];
    case 'stage.started':
      return [describeEvent(body)];
    case 'stage.finished':
      if (body.outcome === 'fail')
        return [`stage ${body.stage} failed${body.message ? `: ${cut(body.message, 300)}` : ''}`];
      if (body.outcome === 'retry')
        return [`stage ${body.stage} will retry${body.message ? `: ${cut(body.message, 300)}` : ''}`];
      return verbose ? [describeEvent(body)] : [];
    case 'experiment':
      return [experimentLine(body.experiment, state.run.metric.name, state.experiments)];
    case 'log': {
      const level = levelOf(body.stream);
      if (level)
        return textLines(`${level}${body.source === 'engine' ? '' : `(${body.source}) `}`, body.text);
      return verbose ? textLines(`${body.source}: `, body.text) : [];
    }
    case 'log.omitted':
      return verbose ? [`${body.source}: ${omittedText(body)}`] : [];
    case 'llm.call':
      if (!body.ok)
        return [
          `warning: LLM call failed (${body.stage}, ${body.attempts} attempts): ${cut(body.error ?? 'no reason given', 200)}`,
        ];
      return verbose ? [describeEvent(body)] : [];
    case 'score': {
      const problems = body.problems.map((p) => `warning: scoring step ${body.step}: ${cut(p, 200)}`);
      if (body.split === 'final') {
        return [
          `final score on unseen data: ${body.metric} ${formatScore(body.value)}${body.source === 'self_reported' ? ' (self-reported)' : ''}`,
          ...problems,
        ];
      }
      return verbose ? [describeEvent(body), ...problems] : problems;
    }
    case 'score.disagreement':
      return [`warning: step ${body.step}: ${cut(body.message, 400)}`];
    case 'tool.call':
    case 'metrics':
      return verbose ? [describeEvent(body)] : [];
    case 'progress':
      return [];
  }
}

/** What `run` prints when it starts following a run. */
export function startLines(run: RunSummary, verb = 'started', color = false): string[] {
  const unisolated = run.sandbox === 'local-unisolated';
  const sandbox = unisolated
    ? `local sandbox ${red('(not isolated)', color)}`
    : `${run.sandbox} sandbox${run.sandbox === 'local' ? ' (OS-isolated)' : ''}`;
  return [
    `run ${shortId(run.id)} ${verb}: ${cut(run.task, 100)}`,
    `  goal: ${targetText(run.metric)}${run.metric.trusted ? '' : ' (self-reported: no hidden holdout)'}; up to ${run.maxSteps} ${run.maxSteps === 1 ? 'step' : 'steps'}; ${sandbox}; model ${run.model}`,
    `  workspace: ${run.workspace}`,
  ];
}

const runDuration = (run: RunSummary): number | null =>
  run.startedAt && run.endedAt ? Date.parse(run.endedAt) - Date.parse(run.startedAt) : null;

/** The summary printed when a run ends. */
export function finalLines(run: RunSummary, experiments: readonly Experiment[]): string[] {
  const reason = endReasonText(run.endReason);
  const lines = [
    `run ${shortId(run.id)} ${run.status}${reason && reason !== run.status ? `: ${reason}` : ''}`,
  ];
  if (run.message) lines.push(...textLines('  ', run.message));
  const best =
    run.bestScore === null
      ? `  no score${run.endedAt ? '' : ' yet'} (target ${targetText(run.metric)})`
      : `  best ${run.metric.name} ${formatScore(run.bestScore)} at step ${run.bestStep ?? '-'} (target ${targetText(run.metric)})` +
        (run.bestCommit ? `, commit ${shortSha(run.bestCommit)}` : '');
  lines.push(best);
  if (run.finalScore !== null) lines.push(`  final score on unseen data: ${formatScore(run.finalScore)}`);
  const counts = new Map<string, number>();
  for (const e of experiments) counts.set(e.outcome, (counts.get(e.outcome) ?? 0) + 1);
  const outcomeText = [...counts].map(([k, n]) => `${n} ${k}`).join(', ');
  lines.push(
    `  ${run.step}/${run.maxSteps} steps` +
      (experiments.length > 0 ? ` (${outcomeText})` : '') +
      `; ${formatCost(run.costUsd, run.unknownCostCalls)}; ${formatCount(run.promptTokens + run.completionTokens)} tokens in ${formatCount(run.llmCalls)} LLM calls` +
      (runDuration(run) !== null ? `; ${formatDuration(runDuration(run))}` : ''),
  );
  lines.push(`  workspace: ${run.workspace}`);
  return lines;
}

/** Red on a terminal (SGR 31), as is elsewhere. */
export function red(text: string, color: boolean): string {
  return color ? `\x1b[31m${text}\x1b[0m` : text;
}
