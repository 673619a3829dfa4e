import { lazy, Suspense } from 'react';

// markdown-it with its parts and DOMPurify are about 130 KB: a chunk of their own, fetched when the first
// markdown is shown (the Documents tab, an experiment's proposal), not parsed before a run's page can paint.
const MarkdownBlock = lazy(() => import('./MarkdownBlock'));

/** Agent-written markdown, sanitized, in the app's typography (MarkdownBlock.tsx). */
export function Markdown({ text, label }: { text: string; label?: string }) {
  return (
    <Suspense fallback={<p className="hint">Loading the text…</p>}>
      <MarkdownBlock text={text} label={label} />
    </Suspense>
  );
}
