// Why each skipped test was skipped, read from the runners' JSON reports, so the totals line never hides a
// skipped suite (scripts/verify.mjs prints the skipped tests by reason).
import path from 'node:path';

/** A Vitest skip's reason: the `(SKIPPED: reason)` of its title or a suite's (engine/testing/skip.ts), else its file. */
export function vitestSkipReason(file, test) {
  for (const title of [test.title, ...[...test.ancestorTitles].reverse()]) {
    const mark = /\(SKIPPED: (.*)\)\s*$/.exec(title ?? '');
    if (mark) return mark[1];
  }
  return `skipped without a stated reason in ${path.relative(process.cwd(), file)}`;
}

/** Playwright states a skip's reason in the test's `skip` annotation. */
export function* playwrightSkipReasons(suites) {
  for (const suite of suites) {
    yield* playwrightSkipReasons(suite.suites ?? []);
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests ?? []) {
        if (test.status !== 'skipped') continue;
        const note = (test.annotations ?? []).find((a) => a.type === 'skip')?.description;
        yield note ? `${note} (${spec.file})` : `skipped without a stated reason in ${spec.file}`;
      }
    }
  }
}
