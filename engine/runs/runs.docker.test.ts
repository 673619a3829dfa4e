import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { STAGES } from '../api/runs';
import { brownfieldTabular, createBrownfieldRepo, faults, greenfieldTabular, withFaults } from '../demo';
import { daemon, dockerSuiteTitle } from '../testing/docker';
import { ROOT_FALLBACK_USER } from '../sandbox/host-user';
import { churnData, openTestRun, type TestRun } from './testing/engine-run';
import { containersOf, expectAtBest, git, ofType, RUN_MS, target } from './testing/run-checks';

// Whole runs of the real engine in the Docker sandbox (image: `mle-beast sandbox build --offline`) against a
// scripted model on loopback: real scikit-learn code trained in a container, scored on the hidden holdout.
// The run controls and budgets are in runs-control.docker.test.ts (two files, so two test workers share them).

describe.skipIf(!daemon.available)(dockerSuiteTitle('runs end to end'), () => {
  let run: TestRun | null = null;
  afterEach(async () => {
    await run?.close();
    run = null;
  }, RUN_MS);

  it(
    'greenfield: reaches the target; kept steps are commits, the rest reverted; the final split is scored once',
    async () => {
      run = await openTestRun(greenfieldTabular('churn', { baseline: 'simple' }));
      const data = await churnData(path.join(run.home, 'data'));
      const id = await run.start({
        folder: data,
        task: 'predict churn',
        metric: target,
        overrides: { maxSteps: 6 },
      });
      await run.engine.runs.whenDone(id);
      const snap = await run.snapshot(id);

      expect(snap.run).toMatchObject({ status: 'completed', endReason: 'target_reached', bestStep: 3 });
      const outcomes = snap.experiments.map((e) => [e.step, e.outcome]);
      expect(outcomes).toEqual([
        [0, 'baseline'],
        [1, 'abandoned'],
        [2, 'reverted'],
        [3, 'kept'],
      ]);
      const [baseline, broken, worse, better] = snap.experiments;
      expect(baseline!.score).toBeLessThan(0.82);
      expect(worse!.score).toBeLessThan(baseline!.score!);
      expect(better!.score).toBeGreaterThanOrEqual(0.82);
      expect(broken!.note).toMatch(/smoke tests/);
      expect(snap.run.bestScore).toBe(better!.score);

      // Git: the baseline and step 3 are commits on the run's branch; steps 1 and 2 left none.
      const log = git(snap.run.workspace, 'log', '--format=%s');
      expect(log).toMatch(/^step 3: /m);
      expect(log).not.toMatch(/^step [12]: /m);
      expectAtBest(snap.run.workspace, better!.commitSha);
      expect(snap.run.bestCommit).toBe(better!.commitSha);
      expect(git(snap.run.workspace, 'status', '--porcelain')).toBe('');
      const journal = fs.readFileSync(path.join(snap.run.workspace, 'research_log.md'), 'utf8');
      for (const heading of ['## Baseline', '## Experiment 1', '## Experiment 2', '## Experiment 3'])
        expect(journal).toContain(heading);
      expect(journal).toMatch(/ABANDONED/);

      // Scores come from the engine on the hidden holdout; the final split is scored exactly once, at the end.
      const scores = ofType(snap.events, 'score');
      expect(scores.filter((s) => s.split === 'final')).toEqual([
        expect.objectContaining({ step: 3, source: 'engine', value: snap.run.finalScore }),
      ]);
      expect(snap.run.finalScore).toEqual(expect.any(Number));
      expect(scores.filter((s) => s.split === 'selection').every((s) => s.source === 'engine')).toBe(true);
      // The hidden labels never entered the workspace.
      expect(fs.readdirSync(snap.run.workspace)).not.toContain('labels');

      // Every model request names the run and a documented stage; the sandbox is gone.
      const chats = run.model.requests.filter((r) => r.path.endsWith('/chat/completions'));
      expect(chats.length).toBeGreaterThan(10);
      for (const r of chats) {
        expect(r.headers['x-mle-run-id']).toBe(id);
        expect(STAGES).toContain(r.headers['x-mle-stage']);
      }
      expect(containersOf(id)).toBe('');
      // Events are stored densely, in order.
      expect(snap.events.map((e) => e.seq)).toEqual(snap.events.map((_, i) => i + 1));
    },
    RUN_MS,
  );

  it(
    'brownfield: the user branch, untracked and ignored files survive; the run branch keeps the improvement',
    async () => {
      run = await openTestRun(brownfieldTabular('churn', { baseline: 'simple' }));
      const data = await churnData(path.join(run.home, 'data'));
      const repo = await createBrownfieldRepo(path.join(run.home, 'repo'), 'churn', { baseline: 'simple' });
      const untracked = fs.readFileSync(path.join(repo.dir, repo.untracked), 'utf8');
      const ignored = fs.readFileSync(path.join(repo.dir, repo.ignored), 'utf8');
      const userBranch = git(repo.dir, 'branch', '--show-current');
      const project = path.join(run.home, 'project.yaml');
      fs.writeFileSync(
        project,
        `goals:\n  task_description: improve the churn model\n  target_metric: { name: accuracy, target_value: 0.82, comparison: '>=' }\ndataset:\n  type: tabular\n  train_path: ${data}\n  target: churned\nworkspace:\n  existing_code: true\n  path: ${repo.dir}\nlimits:\n  max_steps: 4\n`,
      );
      const id = await run.start({ project });
      await run.engine.runs.whenDone(id);
      const snap = await run.snapshot(id);

      expect(snap.run).toMatchObject({
        status: 'completed',
        endReason: 'target_reached',
        mode: 'brownfield',
      });
      expect(snap.experiments.map((e) => e.outcome)).toEqual(['baseline', 'reverted', 'kept']);
      expect(fs.readFileSync(path.join(repo.dir, repo.untracked), 'utf8')).toBe(untracked);
      expect(fs.readFileSync(path.join(repo.dir, repo.ignored), 'utf8')).toBe(ignored);
      // The user is back on their branch, which the run never moved; the run's branch has the kept step.
      expect(git(repo.dir, 'branch', '--show-current')).toBe(userBranch);
      expect(git(repo.dir, 'rev-parse', 'HEAD')).toBe(repo.commit);
      const runBranch = git(repo.dir, 'for-each-ref', '--format=%(refname:short)', 'refs/heads/mle-beast-*');
      expect(git(repo.dir, 'log', '--format=%s', runBranch)).toMatch(/^step 2: /m);
      if (process.getuid?.() === 0) {
        // Root ran it on root's repository: the sandbox (uid 1000) could write it only through the ACL entries
        // granted at its start (the run reached its target), and none is left now.
        const acl = execFileSync('getfacl', ['-R', '-P', '-n', repo.dir, data], { encoding: 'utf8' });
        expect(acl.split('\n').filter((l) => l.includes(`user:${ROOT_FALLBACK_USER.uid}:`))).toEqual([]);
      }
    },
    RUN_MS,
  );

  it(
    'provider faults: a 429 is retried, three 500s fail the stage and the run goes on, a malformed call is corrected',
    async () => {
      run = await openTestRun(
        withFaults(greenfieldTabular('churn', { baseline: 'simple' }), [
          { stage: 'data_analysis', conversation: 0, turn: 0, fault: faults.rateLimited() },
          { stage: 'baseline', conversation: 0, turn: 1, fault: faults.malformedArguments('write_file') },
          { stage: 'proposal', conversation: 0, turn: 0, fault: faults.serverError(500), times: 3 },
        ]),
      );
      const data = await churnData(path.join(run.home, 'data'));
      const id = await run.start({
        folder: data,
        task: 'predict churn',
        metric: target,
        overrides: { maxSteps: 6 },
      });
      await run.engine.runs.whenDone(id);
      const snap = await run.snapshot(id);
      expect(snap.run.status).toBe('completed');
      expect(snap.run.endReason).toBe('target_reached');

      const calls = ofType(snap.events, 'llm.call');
      // 429 then success: one successful call that needed two attempts.
      expect(calls.find((c) => c.stage === 'data_analysis')).toMatchObject({ ok: true, attempts: 2 });
      // Three 500s: the proposal stage fails with a clear message; the next proposal attempt goes on.
      const failed = calls.find((c) => c.stage === 'proposal' && !c.ok);
      expect(failed?.error).toMatch(/500/);
      expect(failed?.attempts).toBe(3);
      const proposalEnds = ofType(snap.events, 'stage.finished').filter((s) => s.stage === 'proposal');
      expect(proposalEnds[0]).toMatchObject({
        outcome: 'fail',
        message: expect.stringMatching(/could not be reached.*500/),
      });
      // The malformed call went back to the model as an error it corrected.
      const toolErrors = ofType(snap.events, 'tool.call').filter((t) => t.stage === 'baseline' && !t.ok);
      expect(toolErrors[0]?.preview).toMatch(/^ERROR: /);
      const corrected = run.model.requests.find((r) =>
        JSON.stringify(r.body?.messages ?? []).includes('ERROR: '),
      );
      expect(corrected?.headers['x-mle-stage']).toBe('baseline');
    },
    RUN_MS,
  );

  it(
    'a dataset of kind other: the data is mounted as it is, and the self-reported figure drives the run, marked as such',
    async () => {
      run = await openTestRun(greenfieldTabular('churn', { baseline: 'simple' }));
      const data = path.dirname(await churnData(path.join(run.home, 'data')));
      const project = path.join(run.home, 'project.yaml');
      fs.writeFileSync(
        project,
        `goals:\n  task_description: predict churn\n  target_metric: { name: accuracy, target_value: 0.99, comparison: '>=' }\ndataset:\n  type: other\n  train_path: ${data}\nlimits:\n  max_steps: 2\n`,
      );
      const id = await run.start({ project });
      await run.engine.runs.whenDone(id);
      const snap = await run.snapshot(id);
      expect(snap.run).toMatchObject({ status: 'completed', endReason: 'max_steps', finalScore: null });
      expect(snap.run.metric.trusted).toBe(false);
      const scores = ofType(snap.events, 'score');
      expect(scores.length).toBeGreaterThan(0);
      expect(scores.every((s) => s.source === 'self_reported' && s.split === 'selection')).toBe(true);
      expect(snap.experiments[0]).toMatchObject({ outcome: 'baseline', score: expect.any(Number) });
      expect(snap.experiments[0]!.score).toBe(snap.experiments[0]!.selfReportedScore);
    },
    RUN_MS,
  );
});
