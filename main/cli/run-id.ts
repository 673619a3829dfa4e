import type { RunSummary } from '../../engine/api/runs';
import { call, type EngineDeps } from './engine-call';
import { formatTime } from './format';

export type ResolvedId = { ok: true; id: string } | { ok: false; message: string };

const PAGE = 500;

/**
 * Finds the run a user means by an id or a unique prefix of one (`show 1a2b`): the exact id first, then every
 * page of `runs.list`. Ambiguous or unknown ids are errors that list what would have matched.
 */
export async function resolveRunId(deps: Pick<EngineDeps, 'handlers'>, typed: string): Promise<ResolvedId> {
  const prefix = typed.trim();
  if (prefix.length === 0) return { ok: false, message: 'give a run id (see `mle-beast runs`)' };
  const exact = await call(deps.handlers, 'runs.get', { id: prefix, limit: 1 });
  if (exact.ok) return { ok: true, id: exact.value.run.id };

  const matches: RunSummary[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await call(deps.handlers, 'runs.list', { limit: PAGE, offset });
    if (!page.ok) return { ok: false, message: `could not list runs: ${page.error.message}` };
    matches.push(...page.value.runs.filter((r) => r.id.startsWith(prefix)));
    if (page.value.runs.length < PAGE || offset + PAGE >= page.value.total) break;
  }
  if (matches.length === 1) return { ok: true, id: (matches[0] as RunSummary).id };
  if (matches.length === 0)
    return { ok: false, message: `no run has an id starting with '${prefix}' (see \`mle-beast runs\`)` };
  const candidates = matches
    .slice(0, 20)
    .map((r) => `  ${r.id}  ${r.status}  ${formatTime(r.createdAt)}  ${r.task.slice(0, 50)}`);
  const more = matches.length > 20 ? [`  ... and ${matches.length - 20} more`] : [];
  return {
    ok: false,
    message: [
      `'${prefix}' matches ${matches.length} runs; give more of the id:`,
      ...candidates,
      ...more,
    ].join('\n'),
  };
}
