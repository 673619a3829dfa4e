/**
 * Skip reasons travel in test titles, as `(SKIPPED: reason)`: the JSON report carries titles but no skip notes,
 * and scripts/verify.mjs totals the skipped tests by these reasons, so a skipped suite is never hidden in a count.
 * Tests only.
 */
export const SKIP_MARK = 'SKIPPED: ';

/** `title`, plus the reason it is skipped when `reason` is a string (the test is skipped), else as it is. */
export function skippedTitle(title: string, reason: string | false | null | undefined): string {
  return reason ? `${title} (${SKIP_MARK}${reason})` : title;
}
