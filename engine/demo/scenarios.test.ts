import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { prepareRunData, type PreparedRunData } from '../datasets';
import { generateExample } from '../examples';
import { createLlmClient, type LlmClient } from '../llm/client';
import { faults, startScenarioModel, withFaults, type ScenarioModel } from './scenario';
import {
  brownfieldTabular,
  createBrownfieldRepo,
  experimentFor,
  greenfieldTabular,
  testCritic,
} from './scenarios';
import { modelPy } from './sklearn-code';
import { askCritic, driveActor, findSklearnPython, localToolRunner } from './testing/local-actor';

/**
 * The named scenarios played through the real LLM client, with a minimal stand-in for the pipeline
 * (testing/local-actor.ts): actor loops whose tools run on the host in a temporary workspace. With a python3 that
 * has scikit-learn the Python the model writes runs for real (pytest included); without it the conversation
 * is still checked, and the Python checks are skipped.
 */

const PYTHON = findSklearnPython();
if (!PYTHON) console.warn('scenarios.test.ts: no python3 with scikit-learn; the Python checks are skipped');

let root = '';
let churnRun: PreparedRunData;
let model: ScenarioModel | null = null;

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'mle-demo-scenarios-'));
  const generated = await generateExample('churn', path.join(root, 'churn-data'));
  if (!generated.ok) throw new Error(generated.error.message);
  const run = await prepareRunData({
    source: generated.value.source,
    runDataDir: path.join(root, 'churn-run'),
  });
  if (!run.ok) throw new Error(run.errors.map((e) => e.message).join('; '));
  churnRun = run.value;
});
afterAll(async () => {
  if (root) await fs.rm(root, { recursive: true, force: true });
});
afterEach(async () => {
  await model?.close();
  model = null;
});

const client = (m: ScenarioModel): LlmClient =>
  createLlmClient(
    { provider: 'local', baseURL: m.baseURL, apiKey: 'local', model: m.model },
    { retry: { baseDelayMs: 5, maxDelayMs: 50 } },
  );

function pytest(workspace: string): { ok: boolean; out: string } {
  const r = spawnSync(
    PYTHON as string,
    ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'tests/test_smoke.py'],
    {
      cwd: workspace,
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}

const SECTIONS = [
  'Inventory',
  'Modality',
  'Sample size',
  'Target',
  'Splits',
  'Leakage',
  'Preprocessing',
  'Modeling implications',
];

describe('greenfield churn scenario', () => {
  it('plays data analysis, the baseline, then the broken, worse, improved and a tweak experiment', async () => {
    model = await startScenarioModel(greenfieldTabular('churn'));
    const llm = client(model);
    const runId = 'run-green';
    const workspace = path.join(root, 'green');
    await fs.mkdir(workspace);
    const tools = localToolRunner(workspace, PYTHON);
    const actor = (stage: string, user: string) =>
      driveActor(llm, { runId, stage, system: `You are the ${stage} actor.`, user, run: tools });
    let cost = 0;

    // Data analysis: the data path is found in the brief; the numbers come from the data.
    const analysis = await actor(
      'data_analysis',
      `Task: predict churn. Visible data (read-only): ${churnRun.paths.visible}\nWrite data_analysis.md.`,
    );
    cost += analysis.costUsd;
    expect(analysis.summary).toContain('data_analysis.md');
    expect(analysis.calls.map((c) => c.name)).toEqual([
      'list_files',
      'write_file',
      'run_shell_command',
      'write_file',
      'mark_complete',
    ]);
    expect(analysis.calls[2]!.args.command).toContain(churnRun.paths.visible);
    const md = await fs.readFile(path.join(workspace, 'data_analysis.md'), 'utf8');
    expect(md.length).toBeGreaterThan(400);
    for (const section of SECTIONS) expect(md).toContain(`## ${section}`);
    if (PYTHON) expect(md).toContain('1,600 rows');

    // Baseline: the contract files, then the tests, then done.
    const baseline = await actor('baseline', 'Write the baseline.');
    cost += baseline.costUsd;
    expect(baseline.calls.at(-2)!.name).toBe('run_tests');
    for (const file of ['model.py', 'train.py', 'evaluate.py', 'predict.py', 'tests/test_smoke.py']) {
      await expect(fs.stat(path.join(workspace, file))).resolves.toBeTruthy();
    }
    const baselineModel = await fs.readFile(path.join(workspace, 'model.py'), 'utf8');
    expect(baselineModel).toContain('LogisticRegression');
    if (PYTHON) expect(pytest(workspace).ok).toBe(true);
    expect(
      await askCritic(llm, { runId, stage: 'testing', system: 'critic', user: 'pytest: 3 passed in 2.1s' }),
    ).toContain('pass');

    // The loop: each proposal sees the journal of earlier ones, as the pipeline's brief would show it.
    const journal: string[] = [];
    const hypotheses: string[] = [];
    for (const expected of ['broken', 'worse', 'improved', 'tweak'] as const) {
      const proposal = await actor(
        'proposal',
        `Journal:\n${journal.join('\n') || '(none)'}\nPropose one experiment.`,
      );
      cost += proposal.costUsd;
      const summary = proposal.summary ?? '';
      expect(summary).toMatch(/^HYPOTHESIS: .+\nCHANGE: .+\nRATIONALE: .+/);
      const hypothesis = /HYPOTHESIS: (.+)/.exec(summary)![1]!;
      expect(hypothesis).toBe(experimentFor('churn', expected).hypothesis);
      expect(hypotheses).not.toContain(hypothesis);
      hypotheses.push(hypothesis);
      expect(
        await askCritic(llm, { runId, stage: 'proposal_critic', system: 'critic', user: summary }),
      ).toContain('Approved');

      const attempts = expected === 'broken' ? 2 : 1;
      for (let attempt = 0; attempt < attempts; attempt += 1) {
        const implement = await actor('implement', `Implement:\n${summary}`);
        cost += implement.costUsd;
        expect(await fs.readFile(path.join(workspace, 'model.py'), 'utf8')).toBe(modelPy('churn', expected));
        if (PYTHON) {
          const tests = pytest(workspace);
          expect(tests.ok).toBe(expected !== 'broken');
          if (!tests.ok) {
            const feedback = await askCritic(llm, {
              runId,
              stage: 'hillclimb_test',
              system: 'critic',
              user: `pytest output:\n${tests.out}`,
            });
            expect(feedback).toMatch(/fail.*cannot import name|ImportError/s);
          }
        }
      }
      journal.push(`- ${hypothesis} (${expected})`);
      // The pipeline reverts what did not improve; here the baseline comes back before the next one.
      if (expected !== 'improved') await fs.writeFile(path.join(workspace, 'model.py'), baselineModel);
    }
    expect(model.conversations(runId)).toMatchObject({ proposal: 4, implement: 5, data_analysis: 1 });
    expect(cost).toBeGreaterThan(0);
    expect(model.requests.every((r) => r.headers['x-mle-run-id'] === runId)).toBe(true);
  }, 240_000);

  it('recovers from injected faults: a malformed write, a 429 on the proposal', async () => {
    model = await startScenarioModel(
      withFaults(greenfieldTabular('churn'), [
        { stage: 'baseline', turn: 2, fault: faults.malformedArguments() },
        { stage: 'proposal', fault: faults.rateLimited() },
      ]),
    );
    const llm = client(model);
    const workspace = path.join(root, 'faulty');
    await fs.mkdir(workspace);
    const run = localToolRunner(workspace, null);
    const baseline = await driveActor(llm, {
      runId: 'run-f',
      stage: 'baseline',
      system: 's',
      user: 'u',
      run,
    });
    expect(baseline.invalid).toHaveLength(1);
    expect(baseline.summary).toContain('Baseline');
    for (const file of ['model.py', 'train.py', 'evaluate.py', 'predict.py', 'tests/test_smoke.py']) {
      await expect(fs.stat(path.join(workspace, file))).resolves.toBeTruthy();
    }
    const proposal = await driveActor(llm, {
      runId: 'run-f',
      stage: 'proposal',
      system: 's',
      user: 'u',
      run,
    });
    expect(proposal.summary).toContain(experimentFor('churn', 'broken').hypothesis);
    expect(model.requests.filter((r) => r.step?.kind === 'error')).toHaveLength(1);
  });

  it('the simple baseline option writes the numeric-only model', async () => {
    model = await startScenarioModel(greenfieldTabular('churn', { baseline: 'simple' }));
    const workspace = path.join(root, 'simple');
    await fs.mkdir(workspace);
    const baseline = await driveActor(client(model), {
      runId: 'run-simple',
      stage: 'baseline',
      system: 's',
      user: 'u',
      run: localToolRunner(workspace, null),
    });
    expect(baseline.summary).toContain('numeric columns');
    expect(await fs.readFile(path.join(workspace, 'model.py'), 'utf8')).toBe(modelPy('churn', 'simple'));
  });

  it('a resumed run on a fresh server does not repeat the experiments its journal names', async () => {
    model = await startScenarioModel(greenfieldTabular('churn'));
    const journal = ['broken', 'worse']
      .map((v) => `- ${experimentFor('churn', v as 'broken').hypothesis}`)
      .join('\n');
    const proposal = await driveActor(client(model), {
      runId: 'run-resumed',
      stage: 'proposal',
      system: 's',
      user: `Journal:\n${journal}`,
      run: localToolRunner(path.join(root), null),
    });
    expect(proposal.summary).toContain(experimentFor('churn', 'improved').hypothesis);
  });
});

describe('brownfield churn scenario', () => {
  it('creates a one-commit repository with an untracked and an ignored user file', async () => {
    const repo = await createBrownfieldRepo(path.join(root, 'brown-repo'));
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo.dir, encoding: 'utf8' }).trim();
    expect(git('rev-list', '--count', 'HEAD')).toBe('1');
    expect(git('rev-parse', 'HEAD')).toBe(repo.commit);
    expect(git('ls-files').split('\n').sort()).toEqual(repo.tracked);
    expect(repo.tracked).toEqual(
      expect.arrayContaining(['.gitignore', 'README.md', 'model.py', 'tests/test_smoke.py']),
    );
    expect(git('status', '--porcelain')).toBe('?? notes/');
    expect(git('check-ignore', repo.ignored)).toBe(repo.ignored);
    await expect(createBrownfieldRepo(repo.dir)).rejects.toThrow('not empty');
    if (PYTHON) expect(pytest(repo.dir).ok).toBe(true);
  });

  it('skips the baseline: data analysis, then the worse and the improved experiment', async () => {
    model = await startScenarioModel(brownfieldTabular('churn'));
    const llm = client(model);
    const repo = await createBrownfieldRepo(path.join(root, 'brown-run'));
    const run = localToolRunner(repo.dir, PYTHON);
    const analysis = await driveActor(llm, {
      runId: 'run-brown',
      stage: 'data_analysis',
      system: 's',
      user: `python3 train.py --data-path ${churnRun.paths.visible}`,
      run,
    });
    expect(analysis.calls[2]!.args.command).toContain(churnRun.paths.visible);
    const proposals: string[] = [];
    for (const expected of ['worse', 'improved'] as const) {
      const p = await driveActor(llm, { runId: 'run-brown', stage: 'proposal', system: 's', user: 'u', run });
      proposals.push(p.summary ?? '');
      expect(p.summary).toContain(experimentFor('churn', expected).hypothesis);
      await driveActor(llm, {
        runId: 'run-brown',
        stage: 'implement',
        system: 's',
        user: p.summary ?? '',
        run,
      });
      expect(await fs.readFile(path.join(repo.dir, 'model.py'), 'utf8')).toBe(modelPy('churn', expected));
    }
    // The user's files are still there.
    await expect(fs.readFile(path.join(repo.dir, 'notes/ideas.txt'), 'utf8')).resolves.toContain('Ideas');
    await expect(fs.readFile(path.join(repo.dir, 'scratch/cache.txt'), 'utf8')).resolves.toContain('scratch');
  }, 120_000);
});

describe("the scripted test critic's explanation", () => {
  const pytestOutput = [
    '==================================== ERRORS ====================================',
    '____________________ ERROR collecting tests/test_smoke.py _____________________',
    "ImportError while importing test module '/workspace/tests/test_smoke.py'.",
    'Hint: make sure your test modules/packages have valid Python names.',
    'Traceback:',
    'tests/test_smoke.py:1: in <module>',
    '    import model',
    'model.py:1: in <module>',
    '    import pandas as pd',
    "E   ModuleNotFoundError: No module named 'pandas'",
    '=========================== short test summary info ============================',
    'ERROR tests/test_smoke.py',
    '=============================== 1 error in 0.12s ===============================',
  ].join('\n');

  it('quotes the real import error, not pytest\'s "ImportError while importing test module"', async () => {
    const reply = await testCritic({ text: `pytest says: 0 failed, 1 errors\n\n${pytestOutput}` } as never);
    expect(reply).toMatchObject({ kind: 'reply' });
    const content = (reply as { content: string }).content;
    expect(content).toContain("ModuleNotFoundError: No module named 'pandas'");
    expect(content).toMatch(/module pandas is missing/);
    expect(content).not.toMatch(/ImportError while importing/);
  });
});
