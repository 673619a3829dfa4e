import type { Command } from 'commander';
import type { RunStatus, RunSummary } from '../../../engine/api/runs';
import type { CliIO, EngineDeps } from '../engine-call';
import { EXIT } from '../exit-codes';
import { formatDuration, shortId, shortSha } from '../format';
import { ExitWith } from '../command-errors';

// `mle-beast cancel <id>`: asks the engine to stop a run. The run may be carried on by another process (the
// app, `serve`, another terminal): the engine records the request and that process stops it, so this command
// waits for the run to reach an end state, for a while.

export interface CancelOptions {
  io?: CliIO;
  pollMs?: number;
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/** Ended for good; an interrupted run can still be cancelled (its workspace is then settled). */
const TERMINAL = new Set<RunStatus>(['completed', 'failed', 'cancelled']);

function outcome(run: RunSummary, requested: boolean): string {
  const where = `workspace ${run.workspace}${run.bestCommit ? ` at its best commit ${shortSha(run.bestCommit)}` : ''}`;
  if (run.status === 'cancelled') return `run ${shortId(run.id)} cancelled; ${where}`;
  const reason = run.endReason ? ` (${run.endReason})` : '';
  return requested
    ? `run ${shortId(run.id)} ended before it could be cancelled: ${run.status}${reason}; ${where}`
    : `run ${shortId(run.id)} had already ended: ${run.status}${reason}`;
}

export async function cancelCommand(
  deps: EngineDeps,
  idText: string,
  options: CancelOptions = {},
): Promise<number> {
  const { resolveRunId } = await import('../run-id');
  const { call, exitForError, processIO } = await import('../engine-call');
  const io = options.io ?? processIO();
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = options.now ?? Date.now;
  const pollMs = options.pollMs ?? 250;
  const timeoutMs = options.timeoutMs ?? 15_000;

  const resolved = await resolveRunId(deps, idText);
  if (!resolved.ok) {
    io.err.write(`mle-beast: ${resolved.message}\n`);
    return EXIT.badInput;
  }
  const id = resolved.id;
  const before = await call(deps.handlers, 'runs.get', { id, limit: 1 });
  if (before.ok && TERMINAL.has(before.value.run.status)) {
    io.out.write(`${outcome(before.value.run, false)}\n`);
    return EXIT.ok;
  }
  const requested = await call(deps.handlers, 'runs.cancel', { id });
  if (!requested.ok && requested.error.code !== 'conflict') {
    io.err.write(`mle-beast: ${requested.error.message}\n`);
    return exitForError(requested.error);
  }
  if (requested.ok && TERMINAL.has(requested.value.status)) {
    io.out.write(`${outcome(requested.value, true)}\n`);
    return EXIT.ok;
  }

  const started = now();
  for (;;) {
    const got = await call(deps.handlers, 'runs.get', { id, limit: 1 });
    if (got.ok && TERMINAL.has(got.value.run.status)) {
      io.out.write(`${outcome(got.value.run, true)}\n`);
      return EXIT.ok;
    }
    if (now() - started >= timeoutMs) break;
    await sleep(pollMs);
  }
  io.err.write(
    `mle-beast: run ${shortId(id)} did not stop within ${formatDuration(timeoutMs)}. The request is recorded: ` +
      'the process running it stops it when it next checks (see `mle-beast show ' +
      `${shortId(id)}\`).\n`,
  );
  return EXIT.failed;
}

export function registerCancel(program: Command): void {
  program
    .command('cancel')
    .description(
      'stop a run (in this or another process): its sandbox process is killed, the workspace left at its best commit',
    )
    .argument('<id>', 'the run id, or a unique start of it')
    .addHelpText(
      'after',
      '\nExit codes: 0 cancelled (or already ended), 2 unknown or ambiguous id, 3 it did not stop within 15 s',
    )
    .action(async (id: string) => {
      const { withEngine } = await import('../engine-call');
      const code = await withEngine((engine) => cancelCommand(engine, id));
      if (code !== 0) throw new ExitWith(code);
    });
}
