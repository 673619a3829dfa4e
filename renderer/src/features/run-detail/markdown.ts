import DOMPurify from 'dompurify';
import MarkdownIt from 'markdown-it';

/**
 * Markdown the agent wrote (research_log.md, data_analysis.md, proposals) as safe HTML. Two guards, because the
 * text comes from the model and from code it ran: markdown-it with `html: false` escapes raw HTML instead of
 * passing it through, and DOMPurify then strips whatever could still run (javascript: links, event handlers)
 * from the HTML markdown-it made. Links open outside the app (`rel=noopener`), images from the network do not
 * load (the agent could use one to send data out).
 */
const md = new MarkdownIt({ html: false, linkify: true, typographer: false });

export function renderMarkdown(text: string): string {
  const html = md.render(text);
  return DOMPurify.sanitize(html, {
    USE_PROFILES: { html: true },
    FORBID_TAGS: ['img', 'style', 'form', 'input', 'iframe'],
    FORBID_ATTR: ['style'],
  });
}
