import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunList, RunSummary } from '../../../engine/api/runs';
import { daemon, dockerSuiteTitle } from '../../../engine/testing/docker';
import { greenfieldTabular, startScenarioModel, type ScenarioModel } from '../../../engine/demo';
import { churnData, waitForModelStage } from '../../../engine/runs/testing/engine-run';
import { makeTempDir } from '../../../engine/testing/temp-dir';

// Kill -9 of `mle-beast run` in the middle of a run, then `mle-beast runs` shows it interrupted and
// `mle-beast resume` finishes it from its best commit: the built CLI (npm run build) against a scripted model.

const CLI = path.resolve('bin/mle-beast.js');
const BUILT = fs.existsSync(path.resolve('out/cli/entry.js'));
const isRoot = process.getuid?.() === 0;
/** ACL entries naming the uid a root host's sandbox runs as (1000: the workspace is root's). */
const sandboxAcl = (dir: string) =>
  execFileSync('getfacl', ['-R', '-P', '-n', dir], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.includes('user:1000:'));

describe.skipIf(!daemon.available)(dockerSuiteTitle('mle-beast run, kill -9, resume'), () => {
  const temp = makeTempDir('mle-beast-crash-');
  let model: ScenarioModel;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    model = await startScenarioModel(greenfieldTabular('churn', { baseline: 'simple' }));
    env = {
      ...process.env,
      MLE_BEAST_DB_PATH: path.join(temp.dir, 'home', 'mle_beast.db'),
      LOCAL_LLM_BASE_URL: model.baseURL,
      MLE_BEAST_MODEL: model.model,
      MLE_BEAST_PROVIDER: 'local',
    };
  });
  afterAll(async () => {
    await model?.close();
    temp.cleanup();
  });

  const cliAsync = (...args: string[]) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [CLI, ...args], { cwd: temp.dir, env });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('exit', (status) => resolve({ status, stdout, stderr }));
    });
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [CLI, ...args], { cwd: temp.dir, env, encoding: 'utf8', timeout: 300_000 });

  it('the killed run is interrupted, and resume finishes it', async () => {
    expect(BUILT, 'the CLI is not built: run `npm run build` first').toBe(true);
    const data = await churnData(path.join(temp.dir, 'data'));
    const child = spawn(
      process.execPath,
      [
        CLI,
        'run',
        data,
        'predict churn',
        '--metric',
        'accuracy',
        '--target',
        '0.82',
        '--max-steps',
        '6',
        '--json',
      ],
      {
        cwd: temp.dir,
        env,
        stdio: 'ignore',
      },
    );
    // Kill it once the first experiment is being implemented (the baseline is committed by then).
    await waitForModelStage(model, 'implement', { gaveUp: () => child.exitCode !== null });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));

    const listed = cli('runs', '--json');
    expect(listed.status, listed.stderr).toBe(0);
    const runs = RunList.parse(JSON.parse(listed.stdout)).runs;
    expect(runs).toHaveLength(1);
    const run = runs[0] as RunSummary;
    expect(run.status).toBe('interrupted');
    expect(run.message).toMatch(/resume/);
    // As root, the killed process had opened the workspace to the sandbox uid and could not take it back.
    if (isRoot) expect(sandboxAcl(run.workspace).length).toBeGreaterThan(0);

    // Asynchronously: the scripted model answers from this process, so its event loop must keep running.
    const resumed = await cliAsync('resume', run.id.slice(0, 8), '--json');
    expect(resumed.status, resumed.stderr).toBe(0);
    const out = JSON.parse(resumed.stdout) as {
      run: RunSummary;
      experiments: { step: number; outcome: string }[];
    };
    expect(out.run).toMatchObject({ id: run.id, status: 'completed', endReason: 'target_reached' });
    // History intact: the baseline from before the crash is still step 0; the target came after the resume.
    expect(out.experiments[0]).toMatchObject({ step: 0, outcome: 'baseline' });
    expect(out.experiments.some((e) => e.outcome === 'kept')).toBe(true);
    // The resumed run took back both grants: the dead process's (from its record) and its own.
    if (isRoot) expect(sandboxAcl(run.workspace)).toEqual([]);
    const containers = execFileSync(
      'docker',
      ['ps', '-a', '--filter', `name=mle-beast-${run.id}`, '--format', '{{.Names}}'],
      { encoding: 'utf8' },
    );
    expect(containers.trim()).toBe('');
  }, 400_000);

  it('a SIGTERM stops the run as interrupted at once, its container removed', async () => {
    const data = path.join(temp.dir, 'data');
    const home = path.join(temp.dir, 'home-term');
    const termEnv = { ...env, MLE_BEAST_DB_PATH: path.join(home, 'mle_beast.db') };
    const before = model.requests.length;
    const child = spawn(
      process.execPath,
      [CLI, 'run', data, 'predict churn', '--metric', 'accuracy', '--target', '0.82', '--json'],
      {
        cwd: temp.dir,
        env: termEnv,
        stdio: 'ignore',
      },
    );
    await waitForModelStage(model, 'implement', { since: before, gaveUp: () => child.exitCode !== null });
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    expect(code).toBe(3);
    const listed = spawnSync(process.execPath, [CLI, 'runs', '--json'], {
      cwd: temp.dir,
      env: termEnv,
      encoding: 'utf8',
    });
    const run = RunList.parse(JSON.parse(listed.stdout)).runs[0] as RunSummary;
    expect(run).toMatchObject({ status: 'interrupted', endReason: 'interrupted' });
    // Stopped in order: the sandbox's stop took back the access it had granted.
    if (isRoot) expect(sandboxAcl(run.workspace)).toEqual([]);
    const containers = execFileSync(
      'docker',
      ['ps', '-a', '--filter', `name=mle-beast-${run.id}`, '--format', '{{.Names}}'],
      {
        encoding: 'utf8',
      },
    );
    expect(containers.trim()).toBe('');
  }, 300_000);
});
