import MarkdownIt from 'markdown-it';
import { safeHttpUrl } from './escape';

/**
 * The agent's markdown (data_analysis.md, research_log.md) as HTML for the report, with nothing in it that could
 * run or reach out. markdown-it with `html: false` escapes every raw HTML tag the text holds, so `<script>` or
 * `<img onerror>` shows as text; links are kept only for http(s) URLs (a `javascript:` link becomes plain text),
 * and images are not rendered at all (an image from the network would be a request, which the report's CSP
 * refuses anyway). The dashboard's renderer has its own markdown (DOMPurify, a DOM library) which Node cannot run.
 */
const md = new MarkdownIt({ html: false, linkify: false, typographer: false });
md.disable('image');
md.validateLink = (url: string) => safeHttpUrl(url) !== null;
// Links open outside the report and tell the target nothing of where they came from.
const defaultLinkOpen =
  md.renderer.rules.link_open ??
  ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  tokens[idx]!.attrSet('rel', 'noreferrer noopener');
  return defaultLinkOpen(tokens, idx, options, env, self);
};

/**
 * The engine's own research log folds each proposal in `<details><summary>Proposal</summary>` ... `</details>`
 * (engine/pipeline/research-log.ts). With raw HTML escaped those lines would show as tags: they are turned into a
 * plain "Proposal:" line and dropped, before rendering. Only those exact lines are touched.
 */
function unfoldProposals(text: string): string {
  return text
    .split('\n')
    .flatMap((line) => {
      const t = line.trim();
      if (t === '<details><summary>Proposal</summary>') return ['**Proposal:**'];
      if (t === '</details>') return [];
      return [line];
    })
    .join('\n');
}

export function renderReportMarkdown(text: string): string {
  return md.render(unfoldProposals(text));
}
