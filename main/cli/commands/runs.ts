import { InvalidArgumentError, type Command } from 'commander';
import type { RunList, RunSummary } from '../../../engine/api/runs';
import type { CliIO, EngineDeps } from '../engine-call';
import { cut, formatCost, formatScore, formatTime, renderTable, shortId } from '../format';
import { ExitWith } from '../command-errors';

// `mle-beast runs`: the runs in the database (shared with the app and `serve`), newest first, a page at a time.

export interface RunsFlags {
  status?: string;
  limit?: number;
  offset?: number;
  json?: boolean;
}

function parseWhole(min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || n < min)
      throw new InvalidArgumentError(`expected a whole number >= ${min}`);
    return n;
  };
}

const bestText = (r: RunSummary): string =>
  `${formatScore(r.bestScore)}/${r.metric.target === null ? '-' : `${r.metric.direction === 'higher' ? '>=' : '<='}${r.metric.target}`}`;

/** The table `runs` prints (without its footer). */
export function runsTable(runs: readonly RunSummary[]): string[] {
  return renderTable(
    [
      { header: 'ID' },
      { header: 'STATUS' },
      { header: 'TASK' },
      { header: 'BEST/TARGET', align: 'right' },
      { header: 'FINAL', align: 'right' },
      { header: 'STEPS', align: 'right' },
      { header: 'COST', align: 'right' },
      { header: 'CREATED' },
    ],
    runs.map((r) => [
      shortId(r.id),
      r.status,
      cut(r.task, 40),
      `${r.metric.name} ${bestText(r)}`,
      formatScore(r.finalScore),
      `${r.step}/${r.maxSteps}`,
      formatCost(r.costUsd) + (r.unknownCostCalls > 0 ? '+?' : ''),
      formatTime(r.createdAt),
    ]),
  );
}

/** "showing 51-100 of 230" when the list is one page of more. */
export function pageFooter(list: RunList, offset: number): string | null {
  if (list.runs.length === list.total && offset === 0) return null;
  if (list.runs.length === 0) return `showing none of ${list.total} (offset ${offset})`;
  return `showing ${offset + 1}-${offset + list.runs.length} of ${list.total} (--limit, --offset for others)`;
}

export async function runsCommand(deps: EngineDeps, flags: RunsFlags, io?: CliIO): Promise<number> {
  const { call, exitForError, processIO } = await import('../engine-call');
  const { out, err } = io ?? processIO();
  const offset = flags.offset ?? 0;
  const listed = await call(deps.handlers, 'runs.list', {
    ...(flags.status !== undefined ? { status: flags.status as RunSummary['status'] } : {}),
    limit: flags.limit ?? 50,
    offset,
  });
  if (!listed.ok) {
    err.write(`mle-beast: ${listed.error.message}\n`);
    return exitForError(listed.error);
  }
  if (flags.json) {
    out.write(`${JSON.stringify(listed.value, null, 2)}\n`);
    return 0;
  }
  if (listed.value.total === 0) {
    out.write(
      flags.status
        ? `no ${flags.status} runs\n`
        : 'no runs yet: start one with `mle-beast run ./data "predict churn"` or `mle-beast demo`\n',
    );
    return 0;
  }
  const lines = listed.value.runs.length > 0 ? runsTable(listed.value.runs) : [];
  const footer = pageFooter(listed.value, offset);
  out.write(`${[...lines, ...(footer ? [footer] : [])].join('\n')}\n`);
  return 0;
}

export function registerRuns(program: Command): void {
  program
    .command('runs')
    .description('list runs, newest first (the database the app and `serve` use)')
    .option(
      '--status <status>',
      'only runs in this state: pending, running, paused, completed, failed, cancelled, interrupted',
    )
    .option('--limit <n>', 'how many (1 to 500, default 50)', parseWhole(1))
    .option('--offset <n>', 'skip this many of the newest', parseWhole(0))
    .option('--json', 'print the list as JSON: { runs, total }', false)
    .action(async (flags: RunsFlags) => {
      const { withEngine } = await import('../engine-call');
      const code = await withEngine((engine) => runsCommand(engine, flags));
      if (code !== 0) throw new ExitWith(code);
    });
}
