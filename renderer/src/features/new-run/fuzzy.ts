/**
 * A fuzzy rank for typing a model name: the letters in order (`gpt4mini` finds `openai/gpt-4o-mini`), closer
 * together, earlier and in a shorter name scoring better (`gpt-4o` ranks itself above `gpt-4o-mini`). -1: no match.
 */
export function fuzzyScore(query: string, text: string): number {
  const q = query.toLowerCase().replace(/\s+/g, '');
  const t = text.toLowerCase();
  if (q === '') return 0;
  const direct = t.indexOf(q);
  // The extra length only breaks ties: it never outweighs a closer match.
  const extra = (t.length - q.length) / 1000;
  if (direct >= 0) return 1000 - direct - extra;
  let at = -1;
  let gaps = 0;
  for (const ch of q) {
    const next = t.indexOf(ch, at + 1);
    if (next < 0) return -1;
    if (at >= 0) gaps += next - at - 1;
    at = next;
  }
  return 500 - gaps - extra;
}
