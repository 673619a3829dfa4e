import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Scoreboard } from '../../../engine/api/agent-bench';
import { tabularBenchScenario } from '../../../engine/agent-bench/testing/scripted-bench';
import { BASELINES } from '../../../engine/agent-bench/baselines';
import { startScenarioModel, type ScenarioModel } from '../../../engine/demo';
import { captureOutput } from '../../../engine/testing/capture-output';
import { makeTempDir } from '../../../engine/testing/temp-dir';
import { skippedTitle } from '../../../engine/testing/skip';
import { EXIT } from '../exit-codes';
import { main } from '../index';

// The one end-to-end test of `mle-beast bench`: the real CLI entry (in this process, so the scripted model on
// loopback keeps answering), the real engine, store, git and intake, the local sandbox (bubblewrap) with the
// system Python's scikit-learn, and the scripted model playing a generic logistic regression. The digits data
// is exported by that Python from scikit-learn's bundled copy, checked against the recorded sha256.

const PYTHON = process.env.MLE_BENCH_PYTHON ?? '/usr/bin/python3';
const skip = fs.existsSync(PYTHON) ? null : `no ${PYTHON} with scikit-learn for the local sandbox`;

describe.skipIf(skip !== null)(skippedTitle('mle-beast bench --tasks digits --seeds 1', skip), () => {
  const temp = makeTempDir('mle-beast-bench-');
  let model: ScenarioModel;
  let code: number;
  let out = '';
  let err = '';
  let seconds = 0;
  const outDir = path.join(temp.dir, 'results');

  beforeAll(async () => {
    model = await startScenarioModel(tabularBenchScenario('digit'));
    vi.stubEnv('MLE_BEAST_DB_PATH', path.join(temp.dir, 'home', 'mle_beast.db'));
    vi.stubEnv('LOCAL_LLM_BASE_URL', model.baseURL);
    vi.stubEnv('MLE_BEAST_PROVIDER', 'local');
    vi.stubEnv('MLE_BEAST_MODEL', model.model);
    const io = captureOutput();
    const began = Date.now();
    code = await main([
      'node',
      'mle-beast',
      'bench',
      '--tasks',
      'digits',
      '--seeds',
      '1',
      '--sandbox',
      'local',
      '--python',
      PYTHON,
      '--max-steps',
      '1',
      '--out',
      outDir,
    ]);
    seconds = (Date.now() - began) / 1000;
    out = io.out();
    err = io.err();
    vi.restoreAllMocks();
  }, 240_000);

  afterAll(async () => {
    vi.unstubAllEnvs();
    await model?.close();
    temp.cleanup();
  });

  it('completes, exits 0 and writes a valid scoreboard.json scored by the final hidden split', () => {
    expect(code, `${out}\n${err}`).toBe(EXIT.ok);
    console.info(`bench --tasks digits --seeds 1 --max-steps 1: ${seconds.toFixed(1)} s`);
    const board = Scoreboard.parse(JSON.parse(fs.readFileSync(path.join(outDir, 'scoreboard.json'), 'utf8')));
    expect(board.version).toBe(1);
    expect(board.model).toBe(model.model);
    expect(board.maxStepsCap).toBe(1);
    expect(board.runs).toHaveLength(1);
    const run = board.runs[0]!;
    expect(run).toMatchObject({ task: 'digits', seed: 1, status: 'completed', error: null });
    // Logistic regression on digits: a real figure, near the recorded linear baseline.
    expect(run.finalScore).toBeGreaterThan(0.9);
    expect(run.finalScore).toBeLessThanOrEqual(1);
    expect(run.steps).toBe(1);
    expect(run.costUsd).toBeGreaterThan(0);
    // The tier is the one the recorded baselines give that score.
    const b = BASELINES.tasks.digits!;
    const score = run.finalScore!;
    const expected = !(score > b.linear.score)
      ? 'none'
      : score >= b.bestKnown.score - b.bestKnown.standardError
        ? 'gold'
        : score > b.bestDefault.score
          ? 'silver'
          : 'bronze';
    expect(run.tier).toBe(expected);
    expect(board.tasks[0]).toMatchObject({ task: 'digits', metric: 'accuracy', direction: 'higher' });
    expect(board.tasks[0]!.finalScore).toEqual({ mean: run.finalScore, se: null, n: 1 });
    expect(board.overall.tiers[run.tier]).toBe(1);
    // The scores are the engine's: the run's own final-holdout score, not what evaluate.py said.
    expect(fs.existsSync(path.join(outDir, 'runs', 'digits-seed1', 'project.yaml'))).toBe(true);
  });

  it('prints the scoreboard: per task score, tier, steps, cost, minutes; overall tiers', () => {
    expect(out).toMatch(/^task\s+seed\s+metric\s+final score\s+tier\s+steps\s+cost\s+minutes$/m);
    expect(out).toMatch(
      /^digits\s+1\s+accuracy \(↑\)\s+0\.\d{4}\s+(gold|silver|bronze|none)\s+1\s+\$\d+\.\d\d\s+\d+\.\d$/m,
    );
    expect(out).toMatch(/^Overall: gold \d, silver \d, bronze \d, none \d; any tier (0|100)\.0%/m);
    expect(out).toMatch(/one seed: no standard error/);
  });

  it('writes a self-contained scoreboard.html: inline SVG, no script, no external reference', () => {
    const html = fs.readFileSync(path.join(outDir, 'scoreboard.html'), 'utf8');
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none';/);
    expect(html.match(/<svg /g)?.length).toBe(2);
    expect(html).not.toMatch(/<script|src=|href=|url\(/i);
    expect(html).toContain('Handwritten digits (accuracy)');
  });

  it('compare of the scoreboard with itself: zero difference per task', async () => {
    const io = captureOutput();
    const file = path.join(outDir, 'scoreboard.json');
    expect(await main(['node', 'mle-beast', 'bench', 'compare', file, file])).toBe(EXIT.ok);
    expect(io.out()).toMatch(/^digits\s+accuracy \(↑\)\s+0\.\d{4}\s+0\.\d{4}\s+\+0\.0000\s+same\s+\d→\d$/m);
    vi.restoreAllMocks();
  });
});
