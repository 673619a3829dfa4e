import { useMemo } from 'react';
import { renderMarkdown } from './markdown';

/** Agent-written markdown, sanitized (markdown.ts), in the app's typography. Loaded by Markdown.tsx. */
export default function MarkdownBlock({ text, label }: { text: string; label?: string }) {
  const html = useMemo(() => renderMarkdown(text), [text]);
  // The HTML is markdown-it's output (raw HTML escaped) after DOMPurify: safe to insert.
  return <div className="markdown" aria-label={label} dangerouslySetInnerHTML={{ __html: html }} />;
}
