import type { CommandInput } from '../../../engine/api/contract';
import type { Result } from '../../../engine/api/result';
import type { RunLogPage } from '../../../engine/api/runs';
import type { CliIO, EngineDeps } from '../engine-call';
import { call, exitForError } from '../engine-call';
import { formatTime, renderTable } from '../format';
import { writeWithFlow } from '../write-flow';
import type { ShowFlags } from './show';

// `mle-beast show <id> --logs | --log NAME [--tail N]`: the whole output of a run's commands, kept in its run
// folder (`<run folder>/logs/<name>.log`, rotated), paged through the engine's runs.log command.

const PAGE_BYTES = 1024 * 1024;

const sizeText = (bytes: number) =>
  bytes < 1024
    ? `${bytes} B`
    : bytes < 1024 * 1024
      ? `${(bytes / 1024).toFixed(1)} KiB`
      : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

export async function showLogs(
  deps: EngineDeps,
  id: string,
  flags: ShowFlags,
  io: Pick<CliIO, 'out' | 'err'>,
): Promise<number> {
  const { out, err } = io;
  if (flags.log === undefined) {
    const listed = await call(deps.handlers, 'runs.logs', { id });
    if (!listed.ok) {
      err.write(`mle-beast: ${listed.error.message}\n`);
      return exitForError(listed.error);
    }
    const { logs } = listed.value;
    if (flags.json) {
      out.write(`${JSON.stringify(logs, null, 2)}\n`);
      return 0;
    }
    if (logs.length === 0) {
      out.write('(no command logs yet)\n');
      return 0;
    }
    const table = renderTable(
      [{ header: 'LOG' }, { header: 'SIZE', align: 'right' }, { header: 'MODIFIED' }],
      logs.map((l) => [l.name, sizeText(l.bytes), formatTime(l.modifiedAt)]),
    );
    out.write(
      `${[...table, '', `print one with: mle-beast show ${id.slice(0, 8)} --log NAME [--tail N]`].join('\n')}\n`,
    );
    return 0;
  }
  let offset: number | null = 0;
  let first = true;
  while (offset !== null) {
    const query: CommandInput<'runs.log'> =
      flags.tail !== undefined
        ? { id, name: flags.log, tail: flags.tail, maxBytes: 4 * PAGE_BYTES }
        : { id, name: flags.log, offset, maxBytes: PAGE_BYTES };
    const page: Result<RunLogPage> = await call(deps.handlers, 'runs.log', query);
    if (!page.ok) {
      err.write(`mle-beast: ${page.error.message}\n`);
      return exitForError(page.error);
    }
    if (first && page.value.rotated && (flags.tail === undefined || page.value.offset === 0))
      err.write(
        `(the start of ${flags.log} was rotated away: the log keeps its last ${sizeText(page.value.size)})\n`,
      );
    first = false;
    await writeWithFlow(out, page.value.text);
    offset = flags.tail !== undefined ? null : page.value.nextOffset;
  }
  return 0;
}
