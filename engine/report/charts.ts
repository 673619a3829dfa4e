import type { Experiment } from '../api/runs';
import { isBetter, type Direction, type ExperimentOutcome } from '../api/vocabulary';
import { esc } from './escape';

/**
 * The report's charts, drawn as inline SVG when the report is written: no script, no font or image to fetch.
 * Colours come from CSS classes (the page's light, dark and print styles), never from inline styles.
 * Every mark carries `data-step`/`data-outcome` and a `<title>` (the tooltip a browser shows, escaped).
 */

const W = 760;
const H = 320;
const PAD = { left: 64, right: 20, top: 16, bottom: 40 };

/** A short figure for an axis or a label (4 significant digits; large ones without a fraction). */
export function shortNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1000) return value.toFixed(0);
  return Number(value.toPrecision(4)).toString();
}

/** About `count` round tick values between lo and hi. */
function ticks(lo: number, hi: number, count: number): number[] {
  if (hi <= lo) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    out.push(Number(v.toPrecision(12)));
  return out;
}

export interface TrajectoryInput {
  experiments: readonly Experiment[];
  direction: Direction;
  target: number | null;
  metricName: string;
}

/** The mark drawn for each outcome: kept and the baseline filled, reverted hollow, abandoned and failed a cross. */
function mark(outcome: ExperimentOutcome, x: number, y: number): string {
  switch (outcome) {
    case 'baseline':
      return `<rect class="m-baseline" x="${x - 5}" y="${y - 5}" width="10" height="10"`;
    case 'kept':
      return `<circle class="m-kept" cx="${x}" cy="${y}" r="5.5"`;
    case 'reverted':
      return `<circle class="m-reverted" cx="${x}" cy="${y}" r="4.5"`;
    case 'abandoned':
    case 'failed':
      return `<path class="m-${outcome}" d="M${x - 4} ${y - 4}L${x + 4} ${y + 4}M${x - 4} ${y + 4}L${x + 4} ${y - 4}"`;
  }
}

/**
 * The score trajectory: one mark per experiment at its step (experiments without a score sit on the bottom
 * edge, so none is missing), the running best as a step line, and the target as a dashed line.
 */
export function trajectoryChart(input: TrajectoryInput): string {
  const { experiments, direction, target, metricName } = input;
  if (experiments.length === 0) return '<p class="empty">No experiments were recorded.</p>';
  const scored = experiments.filter((e) => e.score !== null && Number.isFinite(e.score));
  const values = scored.map((e) => e.score as number);
  if (target !== null) values.push(target);
  let lo = values.length ? Math.min(...values) : 0;
  let hi = values.length ? Math.max(...values) : 1;
  if (hi === lo) {
    const pad = Math.abs(hi) * 0.05 || 1;
    lo -= pad;
    hi += pad;
  } else {
    const pad = (hi - lo) * 0.08;
    lo -= pad;
    hi += pad;
  }
  const maxStep = Math.max(1, ...experiments.map((e) => e.step));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const x = (step: number) => Number((PAD.left + (step / maxStep) * plotW).toFixed(1));
  const y = (v: number) => Number((PAD.top + (1 - (v - lo) / (hi - lo)) * plotH).toFixed(1));
  const bottom = PAD.top + plotH;

  const parts: string[] = [];
  for (const t of ticks(lo, hi, 5)) {
    parts.push(
      `<line class="grid" x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(t)}" y2="${y(t)}"/>`,
      `<text class="tick" x="${PAD.left - 6}" y="${y(t) + 4}" text-anchor="end">${esc(shortNumber(t))}</text>`,
    );
  }
  for (const t of ticks(0, maxStep, 8).filter((s) => Number.isInteger(s))) {
    parts.push(`<text class="tick" x="${x(t)}" y="${bottom + 16}" text-anchor="middle">${t}</text>`);
  }
  parts.push(
    `<line class="axis" x1="${PAD.left}" x2="${W - PAD.right}" y1="${bottom}" y2="${bottom}"/>`,
    `<text class="axis-label" x="${PAD.left + plotW / 2}" y="${H - 4}" text-anchor="middle">step</text>`,
    `<text class="axis-label" transform="translate(14 ${PAD.top + plotH / 2}) rotate(-90)" text-anchor="middle">${esc(metricName)} (${direction} is better)</text>`,
  );
  if (target !== null) {
    parts.push(
      `<line class="target" data-target="${target}" x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(target)}" y2="${y(target)}"/>`,
      `<text class="target-label" x="${W - PAD.right - 4}" y="${y(target) - 5}" text-anchor="end">target ${esc(shortNumber(target))}</text>`,
    );
  }
  // The running best: a step line through the best score so far, from its first score to the last step.
  let best: number | null = null;
  const path: string[] = [];
  for (const e of [...scored].sort((a, b) => a.step - b.step)) {
    const score = e.score as number;
    if (!isBetter(direction, score, best)) continue;
    if (best === null) path.push(`M${x(e.step)} ${y(score)}`);
    else path.push(`H${x(e.step)}`, `V${y(score)}`);
    best = score;
  }
  if (best !== null) {
    path.push(`H${x(maxStep)}`);
    parts.push(`<path class="best-line" d="${path.join('')}"/>`);
  }
  for (const e of experiments) {
    const hasScore = e.score !== null && Number.isFinite(e.score);
    const cy = hasScore ? y(e.score as number) : bottom;
    const title = `step ${e.step} · ${e.outcome}${hasScore ? ` · ${metricName} ${shortNumber(e.score as number)}` : ' · no score'}${e.hypothesis ? ` — ${e.hypothesis.slice(0, 200)}` : ''}`;
    parts.push(
      `${mark(e.outcome, x(e.step), cy)} data-step="${e.step}" data-outcome="${e.outcome}"><title>${esc(title)}</title>${closing(e.outcome)}`,
    );
  }
  return (
    `<svg class="chart" role="img" aria-labelledby="traj-title" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" xmlns="http://www.w3.org/2000/svg">` +
    `<title id="traj-title">${esc(metricName)} by step: ${experiments.length} experiments${target !== null ? `, target ${esc(shortNumber(target))}` : ''}</title>` +
    parts.join('') +
    '</svg>'
  );
}

const closing = (outcome: ExperimentOutcome): string =>
  outcome === 'baseline'
    ? '</rect>'
    : outcome === 'abandoned' || outcome === 'failed'
      ? '</path>'
      : '</circle>';

export interface Bar {
  label: string;
  value: number;
  /** The figure written at the end of the bar. */
  text: string;
}

/** Horizontal bars, longest = full width; labels on the left. */
export function barChart(title: string, bars: readonly Bar[]): string {
  if (bars.length === 0) return '<p class="empty">No model calls were recorded.</p>';
  const rowH = 22;
  const labelW = 180;
  const width = 560;
  const height = bars.length * rowH + 8;
  const max = Math.max(...bars.map((b) => b.value), 0) || 1;
  const barW = width - labelW - 90;
  const rows = bars.map((b, i) => {
    const y = 4 + i * rowH;
    const w = Number(((Math.max(0, b.value) / max) * barW).toFixed(1));
    return (
      `<text class="tick" x="${labelW - 6}" y="${y + 14}" text-anchor="end">${esc(b.label.length > 28 ? `${b.label.slice(0, 27)}…` : b.label)}</text>` +
      `<rect class="bar" x="${labelW}" y="${y + 3}" width="${w}" height="${rowH - 8}"><title>${esc(`${b.label}: ${b.text}`)}</title></rect>` +
      `<text class="tick" x="${labelW + w + 6}" y="${y + 14}">${esc(b.text)}</text>`
    );
  });
  return (
    `<svg class="chart bars" role="img" aria-label="${esc(title)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">` +
    rows.join('') +
    '</svg>'
  );
}

/**
 * The experiment tree: each experiment under the kept step it started from (its parent), in step order, drawn
 * like a branch graph. Reverted and abandoned experiments are leaves; the kept chain is the run's path.
 */
export function experimentTree(experiments: readonly Experiment[], metricName: string): string {
  if (experiments.length === 0) return '<p class="empty">No experiments were recorded.</p>';
  const steps = new Set(experiments.map((e) => e.step));
  const children = new Map<number | null, Experiment[]>();
  for (const e of [...experiments].sort((a, b) => a.step - b.step)) {
    // A parent that is not recorded (a run cut short) puts the experiment at the root rather than losing it.
    const parent = e.parentStep !== null && steps.has(e.parentStep) ? e.parentStep : null;
    const list = children.get(parent) ?? [];
    list.push(e);
    children.set(parent, list);
  }
  const rows: { e: Experiment; depth: number; parentRow: number | null }[] = [];
  const visit = (parent: number | null, depth: number, parentRow: number | null) => {
    for (const e of children.get(parent) ?? []) {
      const row = rows.length;
      rows.push({ e, depth, parentRow });
      // Guards a parent loop in damaged data: a step is visited once.
      if (e.step !== parent) visit(e.step, depth + 1, row);
    }
  };
  visit(null, 0, null);
  const rowH = 20;
  const indent = 18;
  const maxDepth = Math.max(...rows.map((r) => r.depth));
  const textX = 16 + (maxDepth + 1) * indent;
  const width = Math.max(W, textX + 520);
  const height = rows.length * rowH + 10;
  const cx = (depth: number) => 12 + depth * indent;
  const cy = (row: number) => 12 + row * rowH;
  const parts: string[] = [];
  rows.forEach((r, i) => {
    if (r.parentRow !== null) {
      const px = cx(r.depth - 1);
      parts.push(`<path class="edge" d="M${px} ${cy(r.parentRow)}V${cy(i)}H${cx(r.depth)}"/>`);
    }
  });
  rows.forEach((r, i) => {
    const { e } = r;
    const score = e.score === null ? 'no score' : `${metricName} ${shortNumber(e.score)}`;
    const label = `${e.step === 0 ? 'baseline' : `step ${e.step}`} · ${e.outcome} · ${score}${e.hypothesis ? ` — ${e.hypothesis}` : ''}`;
    parts.push(
      `${mark(e.outcome, cx(r.depth), cy(i))} data-step="${e.step}" data-outcome="${e.outcome}"><title>${esc(label)}</title>${closing(e.outcome)}`,
      `<text class="node-label" x="${textX}" y="${cy(i) + 4}">${esc(label.length > 90 ? `${label.slice(0, 89)}…` : label)}</text>`,
    );
  });
  return (
    `<svg class="chart tree" role="img" aria-label="Experiment tree: ${rows.length} experiments" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">` +
    parts.join('') +
    '</svg>'
  );
}
