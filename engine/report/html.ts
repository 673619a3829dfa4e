import { formatScore } from '../api/run-end-notice';
import type { Experiment } from '../api/runs';
import { comparisonOperator, END_REASON_TEXT, isBetter, meetsTarget, STAGES } from '../api/vocabulary';
import type { UsageTotals } from '../store/run-repository';
import { barChart, experimentTree, trajectoryChart, type Bar } from './charts';
import type { ReportData } from './data';
import { esc } from './escape';
import { renderReportMarkdown } from './markdown';
import { REPORT_CSS } from './styles';

/**
 * The report page: a pure function of the gathered data. One self-contained HTML document with its CSS inline and
 * its charts as inline SVG; no script and nothing fetched. The CSP meta says so to the browser as well: even text
 * that escaped escaping could neither run nor load anything.
 */

export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const score = (v: number | null | undefined): string =>
  v === null || v === undefined || !Number.isFinite(v) ? '—' : formatScore(v);

function usd(v: number, unknown = 0): string {
  const text = v === 0 ? '$0' : v < 0.01 ? `$${v.toFixed(4)}` : `$${v.toFixed(2)}`;
  return unknown > 0 ? `${text} + ${unknown} call${unknown === 1 ? '' : 's'} of unknown price` : text;
}

const count = (n: number): string => n.toLocaleString('en-US');

function duration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return '—';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  return `${Math.floor(m / 60)}h ${m % 60}m`;
}

const span = (from: string | null, to: string | null): number | null =>
  from && to ? Date.parse(to) - Date.parse(from) : null;

/** "self-reported" beside a figure the agent's own code produced rather than the engine's hidden holdout. */
const SELF =
  '<span class="self" title="computed by the agent\'s own code, not on the hidden holdout">self-reported</span>';

export function renderReport(data: ReportData): string {
  const { run } = data;
  const title = run.name ?? run.task;
  const body = [
    header(data),
    outcome(data),
    trajectory(data),
    tree(data),
    experimentsTable(data),
    documents(data),
    usage(data),
    safety(data),
    environment(data),
    configuration(data),
  ].join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="referrer" content="no-referrer">
<title>${esc(`Report: ${title}`)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<main>
${body}
<footer>Written by mle-beast ${esc(data.version)} at ${esc(data.generatedAt.toISOString())}. Run ${esc(run.id)}.</footer>
</main>
</body>
</html>
`;
}

function header({ run }: ReportData): string {
  return `<header>
<p class="meta">mle-beast run report · <code>${esc(run.id)}</code> · ${esc(run.mode)}</p>
<h1>${esc(run.name ?? run.task)}</h1>
${run.name ? `<p>${esc(run.task)}</p>` : ''}
<p><span class="pill ${esc(run.status)}" data-testid="status">${esc(run.status)}</span></p>
</header>`;
}

function outcome(data: ReportData): string {
  const { run, experiments } = data;
  const { name, direction, target, trusted } = run.metric;
  const self = trusted ? '' : SELF;
  const hitSelection = meetsTarget(direction, run.bestScore, target);
  const hitFinal = meetsTarget(direction, run.finalScore, target);
  const targetCard =
    target === null
      ? '<dd>none set</dd>'
      : `<dd class="${hitSelection ? 'good' : 'bad'}" data-testid="target">${hitSelection ? 'hit' : 'not reached'}<small> ${esc(`${comparisonOperator(direction)} ${formatScore(target)}`)}${run.finalScore !== null ? `; the final score ${hitFinal ? 'meets it too' : 'misses it'}` : ''}</small></dd>`;
  const kept = experiments.filter((e) => e.outcome === 'kept').length;
  const reason = run.endReason
    ? END_REASON_TEXT[run.endReason]
    : isEnded(run.status)
      ? run.status
      : 'still going';
  // The pipeline's own words for a loop's end repeat the reason; budgets, failures and stops say more.
  const repeats =
    run.status === 'completed' && (run.endReason === 'max_steps' || run.endReason === 'target_reached');
  const message = repeats ? undefined : run.message?.trim();
  const bestExperiment = experiments.find((e) => e.step === run.bestStep);
  const selfBest = bestExperiment?.selfReportedScore ?? null;
  return `<section id="outcome" aria-labelledby="h-outcome">
<h2 id="h-outcome">Outcome</h2>
<dl class="cards">
<div class="card"><dt>Final hold-out ${esc(name)}</dt><dd data-testid="final-score">${score(run.finalScore)}${self}<small>${run.finalScore === null ? ' not scored' : ' best commit, scored once'}</small></dd></div>
<div class="card"><dt>Selection ${esc(name)}</dt><dd data-testid="selection-score">${score(run.bestScore)}${self}<small>${run.bestStep !== null ? ` step ${run.bestStep}` : ''}</small></dd></div>
<div class="card"><dt>Target</dt>${targetCard}</div>
<div class="card"><dt>Experiments</dt><dd>${experiments.length}<small> ${kept} kept</small></dd></div>
<div class="card"><dt>Run time</dt><dd>${duration(span(run.startedAt ?? run.createdAt, run.endedAt))}</dd></div>
<div class="card"><dt>LLM cost</dt><dd>${esc(usd(run.costUsd, run.unknownCostCalls))}<small> ${count(run.llmCalls)} calls</small></dd></div>
</dl>
<p class="reason" data-testid="stop-reason"><strong>Stopped:</strong> ${esc(reason)}${message ? ` — ${esc(message)}` : ''}</p>
${selfBest !== null && trusted ? `<p class="hint">The best step's own evaluation said ${score(selfBest)}${SELF}; the figures above are the engine's, on data the agent never saw.</p>` : ''}
${trusted ? '' : '<p class="hint">No hidden holdout for this data: every score here is the agent\'s own figure.</p>'}
</section>`;
}

const isEnded = (s: string) =>
  s === 'completed' || s === 'failed' || s === 'cancelled' || s === 'interrupted';

function trajectory({ run, experiments }: ReportData): string {
  return `<section id="trajectory" aria-labelledby="h-trajectory">
<h2 id="h-trajectory">Score trajectory</h2>
${trajectoryChart({ experiments, direction: run.metric.direction, target: run.metric.target, metricName: run.metric.name })}
<p class="legend"><span>■ baseline</span><span class="good">● kept</span><span class="bad">○ reverted</span><span>✕ abandoned or failed (no score: on the axis)</span><span>— running best</span>${run.metric.target !== null ? '<span class="warn">- - target</span>' : ''}</p>
</section>`;
}

function tree({ run, experiments }: ReportData): string {
  return `<section id="tree" aria-labelledby="h-tree">
<h2 id="h-tree">Experiment tree</h2>
<p class="hint">Each experiment under the kept step it started from.</p>
<div class="scroll">${experimentTree(experiments, run.metric.name)}</div>
</section>`;
}

function experimentsTable(data: ReportData): string {
  const { run, experiments, diffs } = data;
  if (experiments.length === 0) {
    return `<section id="experiments" aria-labelledby="h-experiments"><h2 id="h-experiments">Experiments</h2><p class="empty">No experiments were recorded.</p></section>`;
  }
  const { direction } = run.metric;
  let best: number | null = null;
  const rows = experiments.map((e: Experiment) => {
    const before = best;
    if (
      e.score !== null &&
      (e.outcome === 'kept' || e.outcome === 'baseline') &&
      isBetter(direction, e.score, best)
    )
      best = e.score;
    const delta =
      e.score === null || before === null
        ? ''
        : `${e.score - before >= 0 ? '+' : ''}${formatScore(e.score - before)}`;
    const better = e.score !== null && before !== null && isBetter(direction, e.score, before);
    const diff = diffs.get(e.step);
    const change = diff
      ? `<details><summary>diff${diff.truncated ? ' (cut)' : ''}</summary>${diff.note ? `<p class="hint">${esc(diff.note)}</p>` : ''}${diff.text ? `<pre>${esc(diff.text)}</pre>` : ''}</details>`
      : e.note
        ? `<span class="hint">${esc(e.note.length > 300 ? `${e.note.slice(0, 299)}…` : e.note)}</span>`
        : '';
    const classes = [e.outcome === 'kept' ? 'kept' : '', e.step === run.bestStep ? 'best' : '']
      .filter(Boolean)
      .join(' ');
    return `<tr data-step="${e.step}"${classes ? ` class="${classes}"` : ''}>
<td class="num">${e.step}</td><td>${e.tag ? esc(e.tag) : ''}</td>
<td class="hyp">${esc(e.hypothesis || (e.step === 0 ? 'baseline' : ''))}</td>
<td class="num">${score(e.score)}${run.metric.trusted ? '' : SELF}</td>
<td class="num">${e.selfReportedScore === null ? '—' : `${score(e.selfReportedScore)}`}</td>
<td class="num ${delta ? (better ? 'good' : 'bad') : ''}">${esc(delta)}</td>
<td>${esc(e.outcome)}${e.step === run.bestStep ? ' ★' : ''}</td>
<td><code>${e.commitSha ? esc(e.commitSha.slice(0, 8)) : ''}</code></td>
<td class="num">${duration(e.durationMs)}</td><td class="num">${esc(usd(e.costUsd, e.unknownCostCalls))}</td>
<td class="change">${change}</td></tr>`;
  });
  return `<section id="experiments" class="long" aria-labelledby="h-experiments">
<h2 id="h-experiments">Experiments</h2>
<div class="scroll"><table>
<thead><tr><th class="num">Step</th><th>Tag</th><th>Hypothesis</th><th class="num">${esc(run.metric.name)}</th><th class="num">Own eval ${SELF}</th><th class="num">Δ vs best</th><th>Outcome</th><th>Commit</th><th class="num">Time</th><th class="num">Cost</th><th>Change</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table></div>
</section>`;
}

function documents({ documents: docs }: ReportData): string {
  const part = (name: string, heading: string, id: string) => {
    const doc = docs.find((d) => d.name === name);
    if (!doc?.content)
      return `<h3 id="${id}">${heading}</h3><p class="empty">${esc(doc?.missing ?? `${name} was not found.`)}</p>`;
    return `<h3 id="${id}">${heading}</h3>${doc.content.truncated ? `<p class="hint">Only the first ${Math.round(doc.content.text.length / 1024)} KiB of ${esc(name)} are shown.</p>` : ''}<div class="md">${renderReportMarkdown(doc.content.text)}</div>`;
  };
  return `<section id="documents" class="long" aria-labelledby="h-documents">
<h2 id="h-documents">Data analysis and research log</h2>
<p class="hint">Written by the agent (markdown; any HTML in it is shown as text).</p>
${part('data_analysis.md', 'Data analysis', 'data-analysis')}
${part('research_log.md', 'Research log', 'research-log')}
</section>`;
}

function usage({ usage: rows, run }: ReportData): string {
  const sum = (key: (r: UsageTotals) => string) => {
    const map = new Map<string, UsageTotals>();
    for (const r of rows) {
      const k = key(r);
      const t = map.get(k) ?? {
        ...r,
        stage: k,
        model: k,
        calls: 0,
        promptTokens: 0,
        completionTokens: 0,
        costUsd: 0,
        unknownCostCalls: 0,
      };
      t.calls += r.calls;
      t.promptTokens += r.promptTokens;
      t.completionTokens += r.completionTokens;
      t.costUsd += r.costUsd;
      t.unknownCostCalls += r.unknownCostCalls;
      map.set(k, t);
    }
    return [...map.entries()];
  };
  const stageOrder = (s: string) => {
    const i = (STAGES as readonly string[]).indexOf(s);
    return i < 0 ? STAGES.length : i;
  };
  const byStage = sum((r) => r.stage).sort((a, b) => stageOrder(a[0]) - stageOrder(b[0]));
  const byModel = sum((r) => r.model);
  // Cost when any is known; tokens otherwise (a local model has no price).
  const costBars = (list: [string, UsageTotals][]): Bar[] =>
    list.map(([label, t]) => ({
      label: label.replace(/_/g, ' '),
      value: t.costUsd,
      text: usd(t.costUsd, t.unknownCostCalls),
    }));
  const tokenBars = (list: [string, UsageTotals][]): Bar[] =>
    list.map(([label, t]) => ({
      label: label.replace(/_/g, ' '),
      value: t.promptTokens + t.completionTokens,
      text: `${count(t.promptTokens)} in · ${count(t.completionTokens)} out`,
    }));
  const table = (head: string, list: [string, UsageTotals][]) =>
    `<div class="scroll"><table><thead><tr><th>${head}</th><th class="num">Calls</th><th class="num">Prompt tokens</th><th class="num">Completion tokens</th><th class="num">Cost</th></tr></thead><tbody>${list
      .map(
        ([k, t]) =>
          `<tr><td>${esc(k.replace(/_/g, ' '))}</td><td class="num">${count(t.calls)}</td><td class="num">${count(t.promptTokens)}</td><td class="num">${count(t.completionTokens)}</td><td class="num">${esc(usd(t.costUsd, t.unknownCostCalls))}</td></tr>`,
      )
      .join('')}</tbody></table></div>`;
  return `<section id="usage" aria-labelledby="h-usage">
<h2 id="h-usage">Cost and tokens</h2>
<p>Total ${esc(usd(run.costUsd, run.unknownCostCalls))} over ${count(run.llmCalls)} model calls: ${count(run.promptTokens)} prompt and ${count(run.completionTokens)} completion tokens.</p>
<h3>By stage</h3>
${barChart('Cost by stage', costBars(byStage))}
${barChart('Tokens by stage', tokenBars(byStage))}
${rows.length ? table('Stage', byStage) : ''}
<h3>By model</h3>
${barChart('Cost by model', costBars(byModel))}
${barChart('Tokens by model', tokenBars(byModel))}
${rows.length ? table('Model', byModel) : ''}
</section>`;
}

function safety({ safety: s }: ReportData): string {
  const rows = s.blocks
    .map(
      (b) =>
        `<tr><td>${esc(b.at)}</td><td>${esc(b.kind)}</td><td>${esc(b.rule)}</td><td><code>${esc(b.subject)}</code></td></tr>`,
    )
    .join('');
  return `<section id="safety" aria-labelledby="h-safety">
<h2 id="h-safety">Safety blocks</h2>
${s.blocks.length ? `<p>The safety policy blocked ${s.blocks.length} command${s.blocks.length === 1 ? '' : 's'}.</p><div class="scroll"><table><thead><tr><th>When</th><th>Kind</th><th>Rule</th><th>What</th></tr></thead><tbody>${rows}</tbody></table></div>` : '<p>Nothing was blocked.</p>'}
${s.note && s.blocks.length > 0 ? `<p class="hint">${esc(s.note)}</p>` : ''}
</section>`;
}

function kv(pairs: [string, string | null | undefined][]): string {
  return `<dl class="kv">${pairs
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v === null || v === '' ? '—' : esc(v)}</dd>`)
    .join('')}</dl>`;
}

function environment({ run, config, stages }: ReportData): string {
  const setup = stages.find((s) => s.stage === 'setup');
  const line = setup?.status === 'pass' ? (setup.message ?? null) : null;
  const device = line ? (/\bGPU\b/.test(line) && !/CPU only/.test(line) ? 'GPU' : 'CPU only') : null;
  const image = line?.match(/ image (\S+)/)?.[1] ?? config?.sandbox.image ?? null;
  return `<section id="environment" aria-labelledby="h-environment">
<h2 id="h-environment">Environment</h2>
${kv([
  ['Sandbox', run.sandbox],
  ['Image', run.sandbox === 'docker' ? (image ?? "the product's sandbox image") : 'none (local processes)'],
  ['Network', config?.sandbox.network ?? null],
  ['Device', device ?? (config?.sandbox.forceCpu ? 'CPU (forced)' : 'not recorded')],
  ['Python and libraries', line ? line.replace(/^.*?: /, '') : 'not recorded (the setup stage did not pass)'],
  ['Model', run.model],
])}
${line ? `<p class="hint">As the setup stage recorded it: <code>${esc(line)}</code></p>` : ''}
</section>`;
}

function configuration({ run, config }: ReportData): string {
  const limits = config?.limits;
  return `<section id="configuration" aria-labelledby="h-configuration">
<h2 id="h-configuration">Configuration</h2>
${kv([
  ['Run ID', run.id],
  ['Name', run.name],
  ['Mode', run.mode],
  ['Workspace', run.workspace],
  ['Project file', config?.file ?? null],
  ['Dataset', config?.dataset ? `${config.dataset.trainPath} (${config.dataset.kind})` : 'none'],
  ['Test file', config?.dataset?.testPath ?? null],
  ['Label column', config?.dataset?.target ?? null],
  [
    'Metric',
    `${run.metric.name}, ${run.metric.direction} is better${run.metric.trusted ? ', scored by the engine on a hidden holdout' : ', self-reported'}`,
  ],
  [
    'Target',
    run.metric.target === null
      ? 'none'
      : `${comparisonOperator(run.metric.direction)} ${formatScore(run.metric.target)}`,
  ],
  ['Max steps', String(run.maxSteps)],
  ['Max failures in a row', limits ? String(limits.maxConsecutiveFailures) : null],
  ['Cost cap', limits ? (limits.maxCostUsd === null ? 'none' : usd(limits.maxCostUsd)) : null],
  ['Time cap', limits ? (limits.maxWallMinutes === null ? 'none' : `${limits.maxWallMinutes} min`) : null],
  [
    'Sandbox',
    config ? `${config.sandbox.kind}${config.sandbox.forceCpu ? ', CPU forced' : ''}` : run.sandbox,
  ],
  ['Actor model', run.model],
  ['Critic model', config?.models.critic ?? 'same as the actor'],
  ['Created', run.createdAt],
  ['Started', run.startedAt],
  ['Ended', run.endedAt],
  ['Model calls', count(run.llmCalls)],
  ['Prompt tokens', count(run.promptTokens)],
  ['Completion tokens', count(run.completionTokens)],
])}
${config ? '' : '<p class="hint">The stored configuration could not be read by this version; the run\'s own columns are shown.</p>'}
${run.status === 'failed' && run.message ? `<h3>Error</h3><pre>${esc(run.message)}</pre>` : ''}
</section>`;
}
