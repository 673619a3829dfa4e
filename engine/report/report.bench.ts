import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { sample, summarize, type BenchDefinition } from '../bench/types';
import { researchLogEntry } from '../pipeline/research-log';
import { RunDetails } from '../runs/run-details';
import { openStore } from '../store/database';
import { RunRepository } from '../store/run-repository';
import { syntheticReportData } from './testing/synthetic';
import { writeRunReport } from './write';

// The report of a long run (issue 11: a 300-step run's report under 2 MB, written in under 1 s): a run of 300
// steps in a real store (experiments, stages, 900 model calls) with a real git workspace (a commit per kept step,
// so every kept change's diff is read from git) and its research log; `runs.report`'s whole path is timed.

const STEPS = 300;
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-C', cwd, '-c', 'user.name=bench', '-c', 'user.email=bench@example.com', ...args], {
    stdio: 'pipe',
  });

export const benchmarks: BenchDefinition[] = [
  {
    name: 'report.300-steps',
    describe: `report: a ${STEPS}-step run's HTML report written by runs.report (real store, a git commit per kept step, its research log): size and time (targets < 2 MB, < 1 s)`,
    async run(ctx) {
      const dir = ctx.tempDir('report-bench');
      const workspace = path.join(dir, 'ws');
      fs.mkdirSync(workspace);
      const data = syntheticReportData(STEPS, { workspace });
      git(workspace, 'init', '-q', '-b', 'main');
      // One commit per kept step (and the baseline), each changing train.py a little.
      for (const e of data.experiments) {
        if (e.outcome !== 'kept' && e.outcome !== 'baseline') continue;
        const lines = Array.from({ length: 40 }, (_, i) => `feature_${i} = ${i * e.step}`);
        fs.writeFileSync(
          path.join(workspace, 'train.py'),
          `${lines.join('\n')}\nn_estimators = ${e.step + 100}\n`,
        );
        git(workspace, 'add', '-A');
        git(workspace, 'commit', '-q', '-m', `step ${e.step}`);
        e.commitSha = git(workspace, 'rev-parse', 'HEAD').toString().trim();
      }
      fs.writeFileSync(
        path.join(workspace, 'research_log.md'),
        `# Research Log\n\n${data.experiments.map((e) => researchLogEntry(e, 'accuracy', e.score)).join('')}`,
      );
      fs.writeFileSync(path.join(workspace, 'data_analysis.md'), data.documents[0]!.content!.text);

      const store = openStore({ path: path.join(dir, 'bench.db') });
      try {
        const repo = new RunRepository(store.db);
        const { run } = data;
        repo.create({
          id: run.id,
          name: run.name,
          mode: run.mode,
          task: run.task,
          workspace,
          runDir: path.join(dir, 'run'),
          config: {},
          metric: run.metric,
          maxSteps: run.maxSteps,
          model: run.model,
          sandbox: 'docker',
          ownerPid: null as unknown as number,
          ownerHost: 'bench',
        });
        repo.update(run.id, {
          status: 'completed',
          endReason: run.endReason,
          message: run.message,
          step: STEPS,
          bestScore: run.bestScore,
          bestStep: run.bestStep,
          finalScore: run.finalScore,
          endedAt: run.endedAt,
        });
        repo.upsertStage(run.id, 'setup', data.stages[0]!);
        for (const e of data.experiments) {
          repo.recordExperiment(run.id, e);
          for (const stage of ['proposal', 'proposal_critic', 'implement'] as const) {
            repo.recordLlmCall(run.id, {
              seq: null,
              stage,
              step: e.step,
              model: stage === 'proposal_critic' ? 'critic-model' : run.model,
              at: e.startedAt,
              durationMs: 1200,
              attempts: 1,
              ok: true,
              error: null,
              usage: {
                promptTokens: 3000,
                completionTokens: 400,
                reasoningTokens: 0,
                cachedTokens: 0,
                costUsd: 0.004,
              },
              messages: [{ role: 'user', content: 'x'.repeat(2000) }],
              response: { role: 'assistant', content: 'ok' },
            });
          }
        }
        const deps = { repo, details: new RunDetails(repo) };
        let bytes = 0;
        const times = await sample(
          async () => {
            const written = await writeRunReport(deps, { id: run.id, out: path.join(dir, 'report.html') });
            bytes = written.bytes;
          },
          Math.max(3, ctx.runs),
        );
        const kept = data.experiments.filter((e) => e.outcome === 'kept').length;
        return [
          summarize(`report.write ${STEPS} steps`, times, {
            note: `${(bytes / 1024 / 1024).toFixed(2)} MB (${bytes.toLocaleString('en-US')} bytes; target < 2 MB); ${kept} kept diffs read from git; target < 1000 ms`,
          }),
        ];
      } finally {
        store.close();
      }
    },
  },
];
