import DOMPurify from 'dompurify';
import MarkdownIt from 'markdown-it';

/**
 * Markdown the agent wrote (research_log.md, data_analysis.md, proposals) as safe HTML. The engine's own research
 * log folds each proposal in <details>, so inline HTML is parsed; everything markdown-it makes then goes through
 * DOMPurify, which removes scripts, event handlers, javascript: links and anything outside its HTML allowlist.
 * Images are dropped as well: one from the network could send data out, and the logs have none of their own.
 */
const md = new MarkdownIt({ html: true, linkify: true, typographer: false });

export function renderMarkdown(text: string): string {
  const html = md.render(text);
  return DOMPurify.sanitize(html, {
    USE_PROFILES: { html: true },
    FORBID_TAGS: ['img', 'picture', 'video', 'audio', 'source', 'style', 'form', 'input', 'button', 'iframe'],
    FORBID_ATTR: ['style', 'srcset'],
  });
}
