import type { RunEventBody } from '../api/runs';
import type { LlmCallRecord, PipelineState, RunLedger } from '../pipeline';
import type { RunRepository } from '../store/run-repository';
import type { CommandLog } from '../tools';
import {
  CommandOutputLog,
  DEFAULT_OUTPUT_BOUNDS,
  logsDir,
  newLogName,
  type OutputBounds,
} from './command-log';
import type { EventPublisher } from './publisher';

/** How long the end of a run waits for its command logs' files to be written out. */
const CLOSE_WAIT_MS = 1000;
const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

export interface StoreLedger extends RunLedger {
  /** Resolves when every command log this ledger opened has its file closed (call when the run ends). */
  closeLogs(): Promise<void>;
}

/** The pipeline's ledger over the store and the event bus. */
export function storeLedger(
  runId: string,
  repo: RunRepository,
  publisher: EventPublisher,
  runDir: string,
  bounds: OutputBounds = DEFAULT_OUTPUT_BOUNDS,
): StoreLedger {
  const emit = (body: RunEventBody) => publisher.publish(runId, body);
  const taken = new Set<string>();
  const open = new Set<CommandOutputLog>();
  return {
    emit: (body) => void emit(body),
    openLog(stage, source, step): CommandLog {
      const name = newLogName(runDir, taken, step, stage, source);
      const log = new CommandOutputLog(publisher, runId, logsDir(runDir), name, { stage, source }, bounds);
      open.add(log);
      return {
        chunk: (stream, text) => log.chunk(stream, text),
        line: (stream, text) => log.line(stream, text),
        close: () => {
          log.close();
          void log.done.finally(() => open.delete(log));
        },
      };
    },
    async closeLogs() {
      for (const log of open) log.close();
      publisher.flush(runId);
      // The files finish in the background if a slow disk holds them: the run's end does not wait past this.
      await Promise.race([Promise.all([...open].map((log) => log.done)), delay(CLOSE_WAIT_MS)]);
    },
    recordLlmCall(call: LlmCallRecord) {
      repo.addUsage(runId, call.usage);
      const event = emit({
        type: 'llm.call',
        stage: call.stage,
        step: call.step,
        model: call.model,
        ok: call.ok,
        durationMs: call.durationMs,
        attempts: call.attempts,
        error: call.error,
        usage: call.usage,
      });
      repo.recordLlmCall(runId, {
        seq: event.seq,
        stage: call.stage,
        step: call.step,
        model: call.model,
        at: event.at,
        durationMs: call.durationMs,
        attempts: call.attempts,
        ok: call.ok,
        error: call.error,
        usage: call.usage,
        messages: call.messages,
        response: call.response,
      });
    },
    stage: (stage, patch) => repo.upsertStage(runId, stage, patch),
    recordExperiment: (e) => repo.recordExperiment(runId, e),
    experiments: () => repo.experiments(runId),
    saveState(state: PipelineState) {
      repo.update(runId, {
        state,
        step: state.step,
        bestScore: state.bestScore,
        bestStep: state.bestStep,
        bestCommit: state.bestCommit,
      });
    },
    setFinalScore: (value) => repo.update(runId, { finalScore: value }),
    summary() {
      const s = repo.summary(runId);
      if (!s) throw new Error(`run ${runId} is gone from the store`);
      return s;
    },
  };
}
