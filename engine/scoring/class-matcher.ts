import { parseNumber } from '../datasets/values';

/**
 * Reads a predicted class (or a `proba_<class>` column suffix) as one of the dataset's classes. Exact text
 * first; then, where it is unambiguous, the same text in another case (pandas writes `True` for `true`) or the
 * same number in another spelling (`1.0` for `1`): a model is not wrong because of a float conversion.
 */
export class ClassMatcher {
  private readonly exact: Map<string, number>;
  private readonly cache = new Map<string, number | null>();

  constructor(readonly classes: readonly string[]) {
    this.exact = new Map(classes.map((c, i) => [c, i]));
  }

  /** The class code, or null when the text is none of the classes. */
  match(text: string): number | null {
    const known = this.exact.get(text);
    if (known !== undefined) return known;
    const cached = this.cache.get(text);
    if (cached !== undefined) return cached;
    const found = this.loose(text);
    if (this.cache.size < 10_000) this.cache.set(text, found);
    return found;
  }

  private loose(text: string): number | null {
    const trimmed = text.trim();
    const unique = (test: (c: string) => boolean): number | null => {
      const hits = this.classes.map((c, i) => (test(c) ? i : -1)).filter((i) => i >= 0);
      return hits.length === 1 ? (hits[0] as number) : null;
    };
    if (trimmed === '') return null;
    const byTrim = unique((c) => c.trim() === trimmed);
    if (byTrim !== null) return byTrim;
    const lower = trimmed.toLowerCase();
    const byCase = unique((c) => c.trim().toLowerCase() === lower);
    if (byCase !== null) return byCase;
    const n = parseNumber(trimmed);
    if (n === null) return null;
    return unique((c) => parseNumber(c) === n);
  }
}
