import os from 'node:os';
import type { EndReason, RunStatus, StageName } from '../../../engine/api/vocabulary';
import { EventPublisher } from '../../../engine/runs/publisher';
import type { Engine } from '../../../engine/service/index';
import { RunRepository, type RunPatch } from '../../../engine/store/run-repository';

/**
 * Writes runs into an engine's store and publishes their events on its bus, the way the run manager does
 * (stored, then fanned out), without a model or a sandbox: the tray's and the notifier's tests drive runs of
 * this process with it, and of "another process" with a second engine on the same database.
 */
export function runWriter(engine: Engine) {
  const repo = new RunRepository(engine.store.db);
  const publisher = new EventPublisher(repo, engine.events);
  return {
    repo,
    publisher,
    create(id: string, name: string, target: number | null = 0.82) {
      repo.create({
        id,
        name,
        mode: 'greenfield',
        task: `predict ${name}`,
        workspace: `/ws/${id}`,
        runDir: `/runs/${id}`,
        config: {},
        metric: { name: 'accuracy', direction: 'higher', target, trusted: true },
        maxSteps: 5,
        model: 'scripted model',
        sandbox: 'docker',
        ownerPid: process.pid,
        ownerHost: os.hostname(),
      });
    },
    start(id: string) {
      repo.update(id, { status: 'running', startedAt: new Date().toISOString() });
      publisher.publish(id, { type: 'run.state', status: 'running', reason: null, message: null });
    },
    stage(id: string, stage: StageName, step = 0) {
      // As the pipeline does (engine/pipeline/session.ts): the stage row, then its event.
      repo.upsertStage(id, stage, {
        status: 'active',
        attempt: 0,
        step,
        startedAt: new Date().toISOString(),
        endedAt: null,
      });
      publisher.publish(id, { type: 'stage.started', stage, step, attempt: 0 });
    },
    progress(id: string, step: number, bestScore: number | null) {
      repo.update(id, { step, bestScore });
      publisher.publish(id, { type: 'progress', step, maxSteps: 5, bestScore, costUsd: 0, elapsedMs: 1000 });
    },
    end(
      id: string,
      status: RunStatus,
      reason: EndReason | null,
      patch: RunPatch = {},
      message: string | null = null,
    ) {
      repo.update(id, { status, endReason: reason, message, endedAt: new Date().toISOString(), ...patch });
      return publisher.publish(id, { type: 'run.state', status, reason, message });
    },
  };
}
