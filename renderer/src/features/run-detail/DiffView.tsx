import { lazy, Suspense } from 'react';

// react-diff-view (53 KB and its styles): a chunk of its own, fetched when a diff is first shown.
const DiffFiles = lazy(() => import('./DiffFiles'));

/** git's unified diff, one block per file (DiffFiles.tsx). */
export function DiffView({ text }: { text: string }) {
  return (
    <Suspense fallback={<p className="hint">Loading the diff…</p>}>
      <DiffFiles text={text} />
    </Suspense>
  );
}
