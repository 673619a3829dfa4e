import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dispatch } from '../api/dispatch';
import type { RunSummary } from '../api/runs';
import { daemon, dockerSuiteTitle } from '../testing/docker';
import { brownfieldTabular, createBrownfieldRepo, startScenarioModel, type ScenarioModel } from '../demo';
import { AccessRecord } from '../sandbox/access-record';
import { ROOT_FALLBACK_USER, grantSandboxAccess } from '../sandbox/host-user';
import { createEngine, type Engine } from '../service/engine';
import { RunRepository } from '../store/run-repository';
import { makeTempDir } from '../testing/temp-dir';
import { churnData, waitForModelStage } from './testing/engine-run';

// How runs end when things go wrong, on a brownfield repository (the user's own work at stake): a sandbox that
// cannot start, the app closing mid-run (interrupted), two resumes at once, and cancelling an interrupted run.

const git = (dir: string, ...args: string[]) =>
  execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8' }).trim();
const RUN_MS = 240_000;
const isRoot = process.getuid?.() === 0;
/** ACL entries naming the sandbox uid a root host grants (its repository is root's): none may be left. */
const sandboxAcl = (dir: string) =>
  execFileSync('getfacl', ['-R', '-P', '-n', dir], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.includes(`user:${ROOT_FALLBACK_USER.uid}:`));

describe.skipIf(!daemon.available)(dockerSuiteTitle('run lifecycle on a brownfield repository'), () => {
  const temp = makeTempDir('mle-beast-lifecycle-');
  let model: ScenarioModel | null = null;
  const engines: Engine[] = [];
  afterEach(async () => {
    for (const e of engines.splice(0)) await e.close();
    await model?.close();
    model = null;
  });

  async function setUp(name: string, extraYaml = '') {
    const home = path.join(temp.dir, name);
    model = await startScenarioModel(brownfieldTabular('churn', { baseline: 'simple' }));
    const data = await churnData(path.join(home, 'data'));
    const repo = await createBrownfieldRepo(path.join(home, 'repo'), 'churn', { baseline: 'simple' });
    // An uncommitted edit of the user's, which the run stashes and must give back.
    fs.appendFileSync(path.join(repo.dir, 'README.md'), '\nmy unsaved note\n');
    const project = path.join(home, 'project.yaml');
    fs.writeFileSync(
      project,
      `goals:\n  task_description: improve the churn model\n  target_metric: { name: accuracy, target_value: 0.82, comparison: '>=' }\ndataset:\n  type: tabular\n  train_path: ${data}\n  target: churned\nworkspace:\n  existing_code: true\n  path: ${repo.dir}\nlimits:\n  max_steps: 4\n${extraYaml}`,
    );
    const env = { LOCAL_LLM_BASE_URL: model.baseURL, MLE_BEAST_MODEL: model.model };
    const open = () => {
      const engine = createEngine({
        host: 'cli',
        databasePath: path.join(home, 'mle_beast.db'),
        runs: { env },
      });
      engines.push(engine);
      return engine;
    };
    const userBranch = git(repo.dir, 'branch', '--show-current');
    const expectGivenBack = () => {
      expect(git(repo.dir, 'branch', '--show-current')).toBe(userBranch);
      expect(git(repo.dir, 'rev-parse', 'HEAD')).toBe(repo.commit);
      expect(fs.readFileSync(path.join(repo.dir, 'README.md'), 'utf8')).toMatch(/my unsaved note/);
      expect(fs.existsSync(path.join(repo.dir, repo.untracked))).toBe(true);
      if (isRoot) expect(sandboxAcl(repo.dir)).toEqual([]);
    };
    return { repo, project, open, expectGivenBack };
  }

  const start = async (engine: Engine, project: string) => {
    const started = await dispatch(engine.handlers, 'runs.start', { project });
    if (!started.ok) throw new Error(started.error.message);
    return (started.value as RunSummary).id;
  };

  it(
    'a sandbox that cannot start fails the run and gives the repository back',
    async () => {
      const { project, open, expectGivenBack } = await setUp(
        'setup-fails',
        'sandbox:\n  image: mle-beast-no-such-image:0\n',
      );
      const engine = open();
      const id = await start(engine, project);
      await engine.runs.whenDone(id);
      const got = await dispatch(engine.handlers, 'runs.get', { id, limit: 1 });
      expect(got).toMatchObject({ ok: true, value: { run: { status: 'failed', endReason: 'error' } } });
      if (got.ok) expect((got.value as { run: RunSummary }).run.message).toMatch(/sandbox did not start/);
      expectGivenBack();
    },
    RUN_MS,
  );

  it(
    'closing mid-run leaves it interrupted; of two resumes one wins; cancelling an interrupted run gives the repository back',
    async () => {
      const { repo, project, open, expectGivenBack } = await setUp('interrupted');
      const first = open();
      const id = await start(first, project);
      // Close the app once the first experiment is being implemented.
      await waitForModelStage(model!, 'implement');
      await first.close();

      const second = open();
      const listed = await dispatch(second.handlers, 'runs.get', { id, limit: 1 });
      expect(listed).toMatchObject({ ok: true, value: { run: { status: 'interrupted' } } });
      const both = await Promise.all([
        dispatch(second.handlers, 'runs.resume', { id }),
        dispatch(second.handlers, 'runs.resume', { id }),
      ]);
      expect(both.filter((r) => r.ok)).toHaveLength(1);
      expect(both.filter((r) => !r.ok)).toEqual([
        expect.objectContaining({ error: expect.objectContaining({ code: 'conflict' }) }),
      ]);
      await second.close();
      expect((await dispatch(open().handlers, 'runs.get', { id, limit: 1 })).ok).toBe(true);

      const third = engines.at(-1) as Engine;
      const again = await dispatch(third.handlers, 'runs.get', { id, limit: 1 });
      expect(again).toMatchObject({ ok: true, value: { run: { status: 'interrupted' } } });
      if (isRoot) {
        // A closed app took back what it had granted; a process that died could not: do what it left behind
        // (ACL entries on the repository and the record of them in the run folder), for the cancel to undo.
        expect(sandboxAcl(repo.dir)).toEqual([]);
        const runDir = new RunRepository(third.store.db).get(id)!.runDir;
        const user = { ...ROOT_FALLBACK_USER, needsGrant: true };
        const record = AccessRecord.open(path.join(runDir, 'sandbox-access.json'), user);
        expect((await grantSandboxAccess(user, { workspaceDir: repo.dir }, { record })).ok).toBe(true);
        expect(sandboxAcl(repo.dir).length).toBeGreaterThan(0);
      }
      const cancelled = await dispatch(third.handlers, 'runs.cancel', { id });
      expect(cancelled).toMatchObject({ ok: true, value: { status: 'cancelled' } });
      expectGivenBack();
      const containers = execFileSync(
        'docker',
        ['ps', '-a', '--filter', `name=mle-beast-${id}`, '--format', '{{.Names}}'],
        { encoding: 'utf8' },
      );
      expect(containers.trim()).toBe('');
    },
    RUN_MS,
  );
});
