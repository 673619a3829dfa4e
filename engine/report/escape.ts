/**
 * Escaping for the report's HTML and SVG. Everything a model or the agent's code wrote (hypotheses, proposals,
 * notes, diffs, logs, messages) reaches the page only through these: text content and attribute values alike.
 */

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text for element content or a quoted attribute value (both quote kinds escaped, so either quoting is safe). */
export const esc = (value: unknown): string =>
  String(value ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);

/**
 * A URL a report may link to: http and https only, so `javascript:`, `data:` and `file:` never become a link.
 * Returns the URL as written (for the href, escaped by the caller), or null when it is not one of those.
 */
export function safeHttpUrl(url: string): string | null {
  const trimmed = url.trim();
  try {
    const parsed = new URL(trimmed);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? trimmed : null;
  } catch {
    return null;
  }
}
