// Number, cost, duration, id and text formatting shared by the run commands (`run`, `runs`, `show`, ...).
// Pure functions: no terminal, no engine.
import {
  comparisonOperator,
  meetsTarget as scoreMeetsTarget,
  type Direction,
} from '../../engine/api/vocabulary';

/** The short form of a run id people type and read: its first 8 characters. */
export const shortId = (id: string): string => id.slice(0, 8);

/** The short form of a commit sha. */
export const shortSha = (sha: string | null): string => (sha ? sha.slice(0, 7) : '-');

/** A score as the tables and the status line show it: 4 decimals below 1, 3 up to 1000, none above. */
export function formatScore(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '-';
  const abs = Math.abs(value);
  if (abs >= 1000) return value.toFixed(0);
  if (abs >= 1) return value.toFixed(3);
  return value.toFixed(4);
}

/** A change of score, signed: `+0.0123`, `-0.004`; `-` when either side is missing. */
export function formatDelta(value: number | null, parent: number | null | undefined): string {
  if (value === null || parent === null || parent === undefined) return '-';
  const delta = value - parent;
  const text = formatScore(Math.abs(delta));
  return `${delta < 0 ? '-' : '+'}${text}`;
}

/** A target as the user wrote it, with its comparison: `accuracy >= 0.82`. */
export function targetText(metric: { name: string; direction: Direction; target: number | null }): string {
  if (metric.target === null) return `${metric.name} (no target)`;
  return `${metric.name} ${comparisonOperator(metric.direction)} ${metric.target}`;
}

/** Whether a score meets the target in the metric's direction. */
export function meetsTarget(
  score: number | null,
  metric: { direction: Direction; target: number | null },
): boolean {
  return scoreMeetsTarget(metric.direction, score, metric.target);
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** Known cost in dollars, plus the calls whose cost no one knows: `$0.0123 + 2 calls of unknown cost`. */
export function formatCost(usd: number, unknownCalls = 0): string {
  // Two significant digits for small sums ($0.012, $0.0042), cents from a dime up.
  const dollars = usd === 0 ? '$0' : usd < 0.1 ? `$${usd.toPrecision(2)}` : `$${usd.toFixed(2)}`;
  return unknownCalls > 0 ? `${dollars} + ${plural(unknownCalls, 'call')} of unknown cost` : dollars;
}

/** A duration people read at a glance: `850ms`, `12s`, `4m 05s`, `2h 03m`. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '-';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

/** A whole number with thousands separators: `12,345`. */
export const formatCount = (n: number): string => n.toLocaleString('en-US');

/** An ISO time as `2026-11-26 17:12Z` (UTC, so output does not depend on the machine's zone). */
export function formatTime(iso: string | null): string {
  if (!iso) return '-';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')}Z`;
}

/** Control characters and ANSI escapes out, `\r`-redrawn progress reduced to what a terminal would show. */
export function cleanText(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/\x1b\[[0-?]*[ -/]*[@-~]/g, '')
      // eslint-disable-next-line no-control-regex
      .replace(/\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g, '')
      .split('\n')
      .map((line) => {
        const parts = line.split('\r').filter((p) => p.length > 0);
        // eslint-disable-next-line no-control-regex
        return (parts[parts.length - 1] ?? '').replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '');
      })
      .join('\n')
  );
}

/** One line, at most `max` characters: whitespace collapsed, an ellipsis where it was cut. */
export function cut(text: string, max: number): string {
  const line = cleanText(text).replace(/\s+/g, ' ').trim();
  if (line.length <= max) return line;
  return `${line.slice(0, Math.max(0, max - 1)).trimEnd()}…`;
}

export interface Column {
  header: string;
  align?: 'left' | 'right';
}

/** A plain-text table: a header row, then one line per row, columns padded, two spaces apart. */
export function renderTable(columns: Column[], rows: string[][]): string[] {
  const widths = columns.map((c, i) => Math.max(c.header.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    columns
      .map((c, i) => {
        const cell = cells[i] ?? '';
        const width = widths[i] ?? 0;
        return c.align === 'right' ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...rows.map(line)];
}
