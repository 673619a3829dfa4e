import type { Command } from 'commander';
import type { EngineDeps } from '../engine-call';
import type { FollowOptions } from '../follow-run';
import { EXIT } from '../exit-codes';
import { ExitWith } from '../command-errors';
import { addFollowOptions } from './run';

// `mle-beast resume <id>`: continues a paused or interrupted run from its best commit, then follows it exactly
// like `run` (same progress, same exit codes).

export async function resumeCommand(
  deps: EngineDeps,
  idText: string,
  options: FollowOptions = {},
): Promise<number> {
  const { resolveRunId } = await import('../run-id');
  const { call, processIO } = await import('../engine-call');
  const { startAndFollow } = await import('../follow-run');
  const io = options.io ?? processIO();
  const resolved = await resolveRunId(deps, idText);
  if (!resolved.ok) {
    io.err.write(`mle-beast: ${resolved.message}\n`);
    return EXIT.badInput;
  }
  // Only what happens from now on is shown: the events stored before the resume are its history.
  const before = await call(deps.handlers, 'runs.get', { id: resolved.id, limit: 1 });
  return startAndFollow(deps, () => call(deps.handlers, 'runs.resume', { id: resolved.id }), {
    ...(before.ok ? { fromSeq: before.value.run.lastSeq } : {}),
    ...options,
    verb: 'resumed',
  });
}

export function registerResume(program: Command): void {
  const resume = program
    .command('resume')
    .description('continue a paused or interrupted run from its best commit, and follow it to its end')
    .argument('<id>', 'the run id, or a unique start of it');
  addFollowOptions(resume).action(async (id: string, flags: { json: boolean; verbose: boolean }) => {
    const { withEngine } = await import('../engine-call');
    const code = await withEngine((engine) => resumeCommand(engine, id, flags));
    if (code !== 0) throw new ExitWith(code);
  });
}
