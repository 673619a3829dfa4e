import type { RunEvent, RunEventBody } from '../api/runs';
import type { EventBus } from '../service/event-bus';
import type { LlmCallRecord, PipelineState, RunLedger } from '../pipeline';
import type { RunRepository } from '../store/run-repository';

/**
 * Every run event takes this way: appended to SQLite with its per-run sequence number first, then fanned
 * out, so a UI that opens the run later misses nothing.
 */
export function publish(repo: RunRepository, bus: EventBus, runId: string, body: RunEventBody): RunEvent {
  const event = repo.appendEvent(runId, body);
  bus.emit('run.event', event);
  return event;
}

/** The pipeline's ledger over the store and the event bus. */
export function storeLedger(runId: string, repo: RunRepository, bus: EventBus): RunLedger {
  const emit = (body: RunEventBody) => publish(repo, bus, runId, body);
  return {
    emit: (body) => void emit(body),
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
