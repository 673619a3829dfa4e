import fs from 'node:fs';
import path from 'node:path';
import type { RunRepository } from '../../store/run-repository';
import { syntheticReportData } from './synthetic';

/**
 * Tests only: one ended run (the synthetic 12-step run) in a store, with a workspace folder holding its research
 * log, for specs that need a finished run's report without running one. Returns the run's id.
 */
export function seedReportRun(repo: RunRepository, workspace: string): string {
  fs.mkdirSync(workspace, { recursive: true });
  const data = syntheticReportData(12, { workspace });
  fs.writeFileSync(path.join(workspace, 'research_log.md'), data.documents[1]!.content!.text);
  const { run } = data;
  repo.create({
    id: run.id,
    name: run.name,
    mode: 'greenfield',
    task: run.task,
    workspace,
    runDir: path.join(workspace, '..', 'run'),
    config: {},
    metric: run.metric,
    maxSteps: run.maxSteps,
    model: run.model,
    sandbox: 'local',
    ownerPid: process.pid,
    ownerHost: 'seed',
  });
  repo.update(run.id, {
    status: 'completed',
    endReason: run.endReason,
    message: run.message,
    step: run.step,
    bestScore: run.bestScore,
    bestStep: run.bestStep,
    finalScore: run.finalScore,
    endedAt: run.endedAt,
    ownerPid: null,
  });
  for (const e of data.experiments) repo.recordExperiment(run.id, { ...e, commitSha: null });
  return run.id;
}
