/**
 * "Did you mean" for config keys, enum values and metric names. Optimal string alignment distance: a swap of two
 * neighbouring letters (`target_metirc`) counts as one edit, as people make it.
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  const at = (i: number, j: number): number => d[i * cols + j] as number;
  for (let i = 0; i < rows; i += 1) d[i * cols] = i;
  for (let j = 0; j < cols; j += 1) d[j] = j;
  for (let i = 1; i < rows; i += 1) {
    for (let j = 1; j < cols; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, at(i - 2, j - 2) + 1);
      }
      d[i * cols + j] = best;
    }
  }
  return at(a.length, b.length);
}

const comparable = (s: string): string => s.toLowerCase().replace(/[\s\-.]+/g, '_');

/**
 * The candidates close enough to `input` to be what was meant, closest first (at most `max`). Case, dashes and
 * camelCase-vs-snake_case differences are forgiven before counting edits.
 */
export function closeMatches(input: string, candidates: readonly string[], max = 3): string[] {
  const key = comparable(input);
  const bare = key.replace(/_/g, '');
  const limit = Math.max(1, Math.floor(key.length / 3));
  const scored: Array<{ candidate: string; distance: number }> = [];
  for (const candidate of candidates) {
    const other = comparable(candidate);
    let distance = editDistance(key, other);
    if (bare === other.replace(/_/g, '')) distance = Math.min(distance, 0.5);
    if (distance <= limit) scored.push({ candidate, distance });
  }
  scored.sort((x, y) => x.distance - y.distance || (x.candidate < y.candidate ? -1 : 1));
  return scored.slice(0, max).map((s) => s.candidate);
}

/** ` Did you mean "x"?` / ` Did you mean "x" or "y"?`, or nothing. */
export function didYouMean(input: string, candidates: readonly string[]): string {
  const close = closeMatches(input, candidates, 2);
  if (close.length === 0) return '';
  return ` Did you mean ${close.map((c) => JSON.stringify(c)).join(' or ')}?`;
}
