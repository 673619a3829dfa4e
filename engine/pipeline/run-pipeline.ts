import type { EndReason } from '../api/runs';
import { RunSession, stopOf } from './session';
import { baseline, commitJournal, dataAnalysis, finalScoring, hillClimb, revert } from './stages';
import { StopRun, type PipelineInput } from './types';
import type { TerminalStatus } from '../api/vocabulary';

export interface PipelineOutcome {
  status: TerminalStatus;
  reason: EndReason;
  message: string;
}

const REASON_TEXT: Record<'target_reached' | 'max_steps' | 'max_consecutive_failures', string> = {
  target_reached: 'the target was reached',
  max_steps: 'the step limit was reached',
  max_consecutive_failures: 'too many experiments in a row failed to improve',
};

/**
 * The run, stage by stage (ARCHITECTURE.md section 4), from wherever its saved state says it is: a resumed
 * run starts again at the phase it was in, from its best commit. A stop (cancel, a budget) reverts the
 * experiment under way so the workspace is left at its best commit; budget stops still score the best
 * commit on the final split. Never throws.
 */
export async function runPipeline(input: PipelineInput): Promise<PipelineOutcome> {
  const session = new RunSession(input);
  try {
    return await runSession(session, input);
  } finally {
    session.dispose();
  }
}

async function runSession(session: RunSession, input: PipelineInput): Promise<PipelineOutcome> {
  let end: PipelineOutcome;
  try {
    if (session.state.phase === 'data_analysis') {
      await dataAnalysis(session);
      session.saveState({ phase: 'baseline' });
    }
    let reason: keyof typeof REASON_TEXT | null = null;
    if (session.state.phase === 'baseline') {
      if (await baseline(session)) reason = 'target_reached';
    }
    if (reason === null && session.state.phase === 'loop') reason = await hillClimb(session);
    const ending = session.state.ending;
    end =
      !ending || (session.state.phase !== 'finalize' && session.state.phase !== 'done')
        ? { status: 'completed', reason: reason ?? 'max_steps', message: REASON_TEXT[reason ?? 'max_steps'] }
        : { status: 'completed', ...ending };
  } catch (error) {
    const stop = error instanceof StopRun ? error : input.signal.aborted ? stopOf(input.signal.reason) : null;
    await safely(session, () => revert(session));
    if (stop?.reason === 'cancelled' || stop?.reason === 'interrupted') {
      session.saveState({});
      return { status: stop.reason, reason: stop.reason, message: stop.message };
    }
    if (!stop || stop.reason === 'error') {
      const message = stop ? stop.message : `${(error as Error)?.message ?? String(error)}`;
      session.log(`the run failed: ${message}`, 'error');
      session.saveState({});
      return { status: 'failed', reason: 'error', message };
    }
    end = { status: 'completed', reason: stop.reason, message: stop.message };
  }
  session.saveState({ phase: 'finalize', ending: { reason: end.reason, message: end.message } });
  const finished = await safely(session, async () => {
    await finalScoring(session);
    await commitJournal(session);
  });
  session.saveState({ phase: 'done' });
  if (!finished)
    return { status: 'failed', reason: 'error', message: 'the final scoring failed (see the log)' };
  return end;
}

async function safely(session: RunSession, work: () => Promise<void>): Promise<boolean> {
  try {
    await work();
    return true;
  } catch (error) {
    session.log(`${(error as Error)?.message ?? String(error)}`, 'error');
    return false;
  }
}
