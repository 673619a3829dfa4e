/** Longest hypothesis kept in a commit's subject line; the whole text goes into the body when it is longer. */
export const SUBJECT_HYPOTHESIS_MAX = 100;

/**
 * A score as people read it: up to 4 decimals (significant digits below 1, so 0.000123 stays visible),
 * no trailing zeros; `none` when there was no score yet.
 */
export function formatScore(score: number | null | undefined): string {
  if (score === null || score === undefined) return 'none';
  if (Number.isNaN(score)) return 'NaN';
  if (!Number.isFinite(score)) return score > 0 ? 'inf' : '-inf';
  if (Number.isInteger(score)) return String(score);
  const text = Math.abs(score) >= 1 ? score.toFixed(4) : score.toPrecision(4);
  return String(Number(text));
}

/** One line: whitespace (newlines included) collapsed, trimmed. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

export interface ExperimentCommitMessage {
  subject: string;
  /** The full hypothesis when the subject had to cut it; empty otherwise. */
  body: string;
}

/** `step N: <hypothesis> (score X, was Y)`. */
export function experimentCommitMessage(
  step: number,
  hypothesis: string,
  score: number | null,
  previous: number | null,
): ExperimentCommitMessage {
  const full = oneLine(hypothesis) || '(no hypothesis given)';
  const cut = [...full].length > SUBJECT_HYPOTHESIS_MAX;
  // Cut on code points, not UTF-16 units, so an emoji or CJK text never ends in half a character.
  const shown = cut
    ? `${[...full]
        .slice(0, SUBJECT_HYPOTHESIS_MAX - 1)
        .join('')
        .trimEnd()}…`
    : full;
  return {
    subject: `step ${step}: ${shown} (score ${formatScore(score)}, was ${formatScore(previous)})`,
    body: cut ? hypothesis.trim() : '',
  };
}
