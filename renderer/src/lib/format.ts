import { ApiCallError } from '../../../engine/api/client-core';
import type { Direction } from '../../../engine/api/vocabulary';

/** Figures as every view shows them. Scores keep 4 decimals: the metric's own precision matters here. */
export const fmtScore = (v: number | null | undefined): string =>
  v === null || v === undefined ? '—' : Math.abs(v) >= 1000 ? v.toFixed(1) : v.toFixed(4);

export const fmtDelta = (v: number | null): string =>
  v === null ? '—' : `${v >= 0 ? '+' : ''}${v.toFixed(4)}`;

export const fmtCost = (usd: number, unknownCalls = 0): string =>
  `$${usd < 1 ? usd.toFixed(4) : usd.toFixed(2)}${unknownCalls > 0 ? ` + ${unknownCalls} unpriced` : ''}`;

/**
 * 12,345 (en-US grouping). Whole numbers are grouped here: the first toLocaleString of a page loads ICU's
 * number formatting, a long task on the run detail's first render (its header and console counts).
 */
export const fmtCount = (n: number): string =>
  Number.isSafeInteger(n) ? String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',') : n.toLocaleString('en-US');

/** 1h 02m, 3m 05s, 42s. */
export function fmtDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

export function fmtDate(iso: string | null): string {
  if (!iso) return '—';
  dateFormat ??= new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  return dateFormat.format(new Date(iso));
}
// One formatter for every date: toLocaleString with options builds a new one per call, which showed as the
// costliest part of rendering the Runs table's rows.
let dateFormat: Intl.DateTimeFormat | null = null;

/**
 * Whether a model takes tool calls, in the words the catalog and the wizard share: without them the engine
 * falls back to JSON mode; null is a provider that does not say.
 */
export const fmtToolSupport = (supportsTools: boolean | null | undefined): string =>
  supportsTools == null ? 'tool calls unknown' : supportsTools ? 'tool calls' : 'no tool calls (JSON mode)';

export const shortId = (id: string): string => id.slice(0, 8);

export const shortSha = (sha: string | null): string => (sha ? sha.slice(0, 7) : '—');

export const comparison = (direction: Direction): string => (direction === 'higher' ? '≥' : '≤');

export const messageOf = (error: unknown): string =>
  error instanceof ApiCallError ? error.message : error instanceof Error ? error.message : String(error);

export const isNotFound = (error: unknown): boolean =>
  error instanceof ApiCallError && error.error.code === 'not_found';
