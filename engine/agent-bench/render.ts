import type { MeanSe, Scoreboard, Tier } from '../api/agent-bench';
import { esc } from '../report/escape';
import { REPORT_CSP } from '../report';
import type { Comparison } from './score';

/**
 * The scoreboard as text (the terminal) and as one self-contained HTML page: inline CSS, charts as inline SVG
 * drawn here, no script, no network request (a CSP meta tag forbids both). Everything from the scoreboard is
 * escaped.
 */

const fmt = (v: number | null, digits = 4): string =>
  v === null || !Number.isFinite(v) ? '—' : v.toFixed(digits);
export const formatMeanSe = (m: MeanSe, digits = 4): string =>
  m.mean === null
    ? '—'
    : m.se === null
      ? fmt(m.mean, digits)
      : `${fmt(m.mean, digits)} ± ${fmt(m.se, digits)}`;
const pct = (m: MeanSe): string =>
  m.mean === null
    ? '—'
    : `${(100 * m.mean).toFixed(1)}%${m.se === null ? '' : ` ± ${(100 * m.se).toFixed(1)}`}`;

function table(rows: string[][]): string {
  const widths = (rows[0] ?? []).map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) => cell.padEnd(widths[c] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function formatScoreboard(s: Scoreboard): string {
  const lines: string[] = [];
  lines.push(
    `Agent benchmark: ${s.tasks.length} task${s.tasks.length === 1 ? '' : 's'} × ${s.seeds} seed${s.seeds === 1 ? '' : 's'}, model ${s.model ?? '(provider default)'}${s.provider ? ` via ${s.provider}` : ''}, ${s.sandbox} sandbox${s.maxStepsCap ? `, steps capped at ${s.maxStepsCap}` : ''}`,
  );
  lines.push('');
  const runRows = [['task', 'seed', 'metric', 'final score', 'tier', 'steps', 'cost', 'minutes']];
  for (const r of s.runs) {
    const t = s.tasks.find((x) => x.task === r.task);
    runRows.push([
      r.task,
      String(r.seed),
      `${t?.metric ?? ''} (${t?.direction === 'lower' ? '↓' : '↑'})`,
      fmt(r.finalScore),
      r.tier,
      String(r.steps),
      `$${r.costUsd.toFixed(2)}`,
      r.minutes.toFixed(1),
    ]);
  }
  lines.push(table(runRows));
  const errors = s.runs.filter((r) => r.error);
  if (errors.length) {
    lines.push('');
    for (const r of errors) lines.push(`  ${r.task} seed ${r.seed}: ${r.error}`);
  }
  lines.push('');
  const taskRows = [['task', 'mean ± se', 'bronze', 'silver', 'gold', 'tiers (g/s/b/none)']];
  for (const t of s.tasks) {
    const beat = t.direction === 'higher' ? '> ' : '< ';
    const reach = t.direction === 'higher' ? '≥ ' : '≤ ';
    taskRows.push([
      t.task,
      formatMeanSe(t.finalScore),
      `${beat}${fmt(t.thresholds.bronze)}`,
      `${beat}${fmt(t.thresholds.silver)}`,
      `${reach}${fmt(t.thresholds.gold)}`,
      `${t.tiers.gold}/${t.tiers.silver}/${t.tiers.bronze}/${t.tiers.none}`,
    ]);
  }
  lines.push(table(taskRows));
  lines.push('');
  const o = s.overall;
  lines.push(
    `Overall: gold ${o.tiers.gold}, silver ${o.tiers.silver}, bronze ${o.tiers.bronze}, none ${o.tiers.none}; ` +
      `any tier ${pct(o.medalRate)}, gold ${pct(o.goldRate)} (mean ± standard error over seeds); ` +
      `$${o.costUsd.toFixed(2)}, ${o.minutes.toFixed(1)} run-minutes`,
  );
  return `${lines.join('\n')}\n`;
}

export function formatComparison(c: Comparison, names: { a: string; b: string }): string {
  const rows = [['task', 'metric', 'A', 'B', 'B − A', 'verdict', 'tiers A→B']];
  for (const t of c.tasks) {
    rows.push([
      t.task,
      `${t.metric}${t.direction ? ` (${t.direction === 'lower' ? '↓' : '↑'})` : ''}`,
      fmt(t.a),
      fmt(t.b),
      t.delta === null ? '—' : `${t.delta >= 0 ? '+' : ''}${t.delta.toFixed(4)}`,
      t.verdict,
      `${t.aMedals}→${t.bMedals}`,
    ]);
  }
  const rate = (v: number | null) => (v === null ? '—' : `${(100 * v).toFixed(1)}%`);
  const lines = [
    `A: ${names.a}`,
    `B: ${names.b}`,
    '',
    table(rows),
    '',
    `Any tier: ${rate(c.medalRate.a)} → ${rate(c.medalRate.b)}`,
    ...c.notes.map((n) => `note: ${n}`),
  ];
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------------------
// HTML

const TIER_COLOURS: Record<Tier, string> = {
  gold: '#c9a227',
  silver: '#8a949e',
  bronze: '#b0703c',
  none: '#d5d9de',
};

/** Stacked bar of tier counts per task. */
function tierChart(s: Scoreboard): string {
  const rowH = 26;
  const left = 150;
  const width = 560;
  const barW = width - left - 20;
  const h = s.tasks.length * rowH + 30;
  const bars = s.tasks
    .map((t, i) => {
      const total = t.tiers.gold + t.tiers.silver + t.tiers.bronze + t.tiers.none || 1;
      let x = left;
      const y = 10 + i * rowH;
      const parts = (['gold', 'silver', 'bronze', 'none'] as const)
        .map((tier) => {
          const w = (t.tiers[tier] / total) * barW;
          const rect =
            w > 0
              ? `<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${rowH - 8}" fill="${TIER_COLOURS[tier]}"><title>${esc(t.task)}: ${t.tiers[tier]} ${tier}</title></rect>`
              : '';
          x += w;
          return rect;
        })
        .join('');
      return `<text x="${left - 8}" y="${y + rowH / 2}" text-anchor="end">${esc(t.task)}</text>${parts}`;
    })
    .join('');
  const legend = (['gold', 'silver', 'bronze', 'none'] as const)
    .map(
      (tier, k) =>
        `<rect x="${left + k * 90}" y="${h - 14}" width="12" height="12" fill="${TIER_COLOURS[tier]}"/><text x="${left + k * 90 + 16}" y="${h - 4}">${tier}</text>`,
    )
    .join('');
  return `<svg role="img" aria-label="Tiers per task" viewBox="0 0 ${width} ${h}" width="${width}" height="${h}">${bars}${legend}</svg>`;
}

/**
 * Per task, the final scores of each seed against the tier thresholds, on a scale from the linear baseline to
 * the best known score (both directions drawn so that right is better).
 */
function scoreChart(s: Scoreboard): string {
  const rowH = 34;
  const left = 150;
  const width = 560;
  const span = width - left - 30;
  const h = s.tasks.length * rowH + 20;
  const rows = s.tasks
    .map((t, i) => {
      const y = 14 + i * rowH;
      const scores = s.runs
        .filter((r) => r.task === t.task && r.finalScore !== null)
        .map((r) => r.finalScore as number);
      const values = [
        t.thresholds.bronze,
        t.thresholds.silver,
        t.thresholds.gold,
        t.thresholds.bestKnown,
        ...scores,
      ];
      const sign = t.direction === 'higher' ? 1 : -1;
      const lo = Math.min(...values.map((v) => sign * v));
      const hi = Math.max(...values.map((v) => sign * v));
      const pad = (hi - lo) * 0.08 || 1;
      const xOf = (v: number) => left + ((sign * v - (lo - pad)) / (hi - lo + 2 * pad)) * span;
      const mark = (v: number, colour: string, name: string) =>
        `<line x1="${xOf(v).toFixed(1)}" x2="${xOf(v).toFixed(1)}" y1="${y - 9}" y2="${y + 9}" stroke="${colour}" stroke-width="2"><title>${name} ${v.toFixed(4)}</title></line>`;
      const dots = scores
        .map(
          (v) =>
            `<circle cx="${xOf(v).toFixed(1)}" cy="${y}" r="5" fill="#2563eb"><title>${esc(t.task)} final ${esc(t.metric)} ${v.toFixed(4)}</title></circle>`,
        )
        .join('');
      return (
        `<text x="${left - 8}" y="${y + 4}" text-anchor="end">${esc(t.task)}</text>` +
        `<line x1="${left}" x2="${left + span}" y1="${y}" y2="${y}" stroke="#c5cad0"/>` +
        mark(t.thresholds.bronze, TIER_COLOURS.bronze, 'bronze: beat') +
        mark(t.thresholds.silver, TIER_COLOURS.silver, 'silver: beat') +
        mark(t.thresholds.gold, TIER_COLOURS.gold, 'gold from') +
        dots
      );
    })
    .join('');
  return `<svg role="img" aria-label="Final scores against the tier thresholds (right is better)" viewBox="0 0 ${width} ${h}" width="${width}" height="${h}">${rows}</svg>`;
}

export function scoreboardHtml(s: Scoreboard): string {
  const o = s.overall;
  const runRows = s.runs
    .map((r) => {
      const t = s.tasks.find((x) => x.task === r.task);
      return `<tr><td>${esc(r.task)}</td><td>${r.seed}</td><td>${esc(t?.metric ?? '')}</td><td class="n">${fmt(r.finalScore)}</td><td><span class="tier ${r.tier}">${r.tier}</span></td><td class="n">${r.steps}</td><td class="n">$${r.costUsd.toFixed(2)}</td><td class="n">${r.minutes.toFixed(1)}</td><td>${esc(r.error ?? '')}</td></tr>`;
    })
    .join('\n');
  const taskRows = s.tasks
    .map(
      (t) =>
        `<tr><td>${esc(t.title)}</td><td>${esc(t.metric)} (${t.direction} is better)</td><td class="n">${formatMeanSe(t.finalScore)}</td><td class="n">${fmt(t.thresholds.bronze)}</td><td class="n">${fmt(t.thresholds.silver)}</td><td class="n">${fmt(t.thresholds.gold)}</td><td class="n">${t.tiers.gold}/${t.tiers.silver}/${t.tiers.bronze}/${t.tiers.none}</td><td>${t.budget.steps} steps, ${t.budget.minutes} min, $${t.budget.costUsd}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>mle-beast agent benchmark: ${esc(s.model ?? 'default model')}</title>
<style>
:root { color-scheme: light dark; --fg: #1b1f24; --bg: #fff; --muted: #5b636b; --line: #d5d9de; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e9ec; --bg: #15181c; --muted: #a2abb3; --line: #3a4047; } }
body { font: 14px/1.45 system-ui, sans-serif; color: var(--fg); background: var(--bg); margin: 2rem auto; max-width: 64rem; padding: 0 1rem; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 2rem; }
.muted { color: var(--muted); }
table { border-collapse: collapse; width: 100%; } th, td { border-bottom: 1px solid var(--line); padding: .3rem .5rem; text-align: left; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.tier { padding: 0 .4rem; border-radius: .3rem; color: #111; }
.gold { background: ${TIER_COLOURS.gold}; } .silver { background: ${TIER_COLOURS.silver}; } .bronze { background: ${TIER_COLOURS.bronze}; } .none { background: ${TIER_COLOURS.none}; }
svg text { font: 12px system-ui, sans-serif; fill: currentColor; }
.kpis { display: flex; gap: 2rem; flex-wrap: wrap; } .kpis div { min-width: 9rem; } .kpis strong { display: block; font-size: 1.3rem; }
@media print { body { margin: 0; } }
</style>
</head>
<body>
<h1>Agent benchmark scoreboard</h1>
<p class="muted">${esc(s.product.name)} ${esc(s.product.version)}; model ${esc(s.model ?? '(provider default)')}${s.provider ? ` via ${esc(s.provider)}` : ''}; ${esc(s.sandbox)} sandbox; ${s.seeds} seed${s.seeds === 1 ? '' : 's'}${s.maxStepsCap ? `; steps capped at ${s.maxStepsCap}` : ''}; ${esc(s.startedAt)} to ${esc(s.endedAt)}. Scores are the engine's, on each run's final hidden split; baselines measured ${esc(s.baselinesMeasuredAt)}.</p>
<div class="kpis">
<div><strong>${pct(o.medalRate)}</strong>tasks with any tier</div>
<div><strong>${pct(o.goldRate)}</strong>tasks with gold</div>
<div><strong>${o.tiers.gold} / ${o.tiers.silver} / ${o.tiers.bronze} / ${o.tiers.none}</strong>gold / silver / bronze / none</div>
<div><strong>$${o.costUsd.toFixed(2)}</strong>LLM cost</div>
<div><strong>${o.minutes.toFixed(1)}</strong>run-minutes</div>
</div>
<h2>Tiers per task</h2>
${tierChart(s)}
<h2>Final scores against the thresholds</h2>
<p class="muted">Right is better. Ticks: the bronze (brown: beat the default linear model), silver (grey: beat the best default model) and gold (yellow: within one standard error of the best known score) thresholds; dots: each seed's final score.</p>
${scoreChart(s)}
<h2>Tasks</h2>
<table><thead><tr><th>task</th><th>metric</th><th>final score (mean ± se)</th><th>bronze: beat</th><th>silver: beat</th><th>gold from</th><th>g/s/b/none</th><th>budget</th></tr></thead>
<tbody>
${taskRows}
</tbody></table>
<h2>Runs</h2>
<table><thead><tr><th>task</th><th>seed</th><th>metric</th><th>final score</th><th>tier</th><th>steps</th><th>cost</th><th>minutes</th><th>note</th></tr></thead>
<tbody>
${runRows}
</tbody></table>
</body>
</html>
`;
}
