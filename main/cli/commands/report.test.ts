import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSnapshot } from '../../../engine/api/runs';
import { churnData, openTestRun, type TestRun } from '../../../engine/runs/testing/engine-run';
import {
  HOSTILE_HYPOTHESIS,
  hostileHypothesisScenario,
} from '../../../engine/report/testing/hostile-scenario';
import { useTempDir } from '../../../engine/testing/temp-dir';
import { findChrome } from '../chrome';
import { EXIT } from '../exit-codes';
import { fakeIO } from '../testing/fake-engine';
import { pdfPages } from '../testing/pdf-text';
import { reportCommand } from './report';

const temp = useTempDir('mle-cli-report-');

describe('findChrome', () => {
  it('MLE_BEAST_CHROME first; a path that is not an executable says what to fix', () => {
    const bin = path.join(temp.dir, 'my-chrome');
    fs.writeFileSync(bin, '#!/bin/sh\n', { mode: 0o755 });
    expect(findChrome({ MLE_BEAST_CHROME: bin, PATH: '' }, 'linux')).toEqual({ ok: true, path: bin });
    const missing = findChrome({ MLE_BEAST_CHROME: path.join(temp.dir, 'nope'), PATH: '' }, 'linux');
    expect(missing.ok).toBe(false);
    if (!missing.ok)
      expect(missing.message).toMatch(/MLE_BEAST_CHROME is .*nope, which is not an executable/);
  });

  it('then the usual names on PATH; none found: the fix', () => {
    const dir = path.join(temp.dir, 'bin');
    fs.mkdirSync(dir);
    expect(findChrome({ PATH: dir }, 'linux')).toMatchObject({ ok: false, message: /MLE_BEAST_CHROME=/ });
    fs.writeFileSync(path.join(dir, 'google-chrome'), '#!/bin/sh\n', { mode: 0o755 });
    expect(findChrome({ PATH: dir }, 'linux')).toEqual({ ok: true, path: path.join(dir, 'google-chrome') });
  });
});

// One real run for everything below: the engine with the local sandbox against the scripted model, whose
// proposals carry a hostile hypothesis. The report must be in the workspace when the run has ended.
describe('a run ends: its report', () => {
  let run: TestRun;
  let id: string;
  let snapshot: RunSnapshot;

  beforeAll(async () => {
    run = await openTestRun(hostileHypothesisScenario());
    const data = await churnData(path.join(run.home, 'data'), 300);
    id = await run.start({
      folder: data,
      task: 'predict churn',
      metric: { name: 'accuracy', target_value: 0.99, comparison: '>=' },
      overrides: { maxSteps: 1, sandbox: 'local' },
    });
    await run.engine.runs.whenDone(id);
    snapshot = await run.snapshot(id);
  }, 300_000);
  afterAll(() => run?.close(), 60_000);

  it('is written into the workspace at the end, without touching the run git state', () => {
    expect(snapshot.run.status).toBe('completed');
    expect(snapshot.experiments.length).toBeGreaterThanOrEqual(2);
    const workspace = snapshot.run.workspace;
    const files = fs.readdirSync(path.join(workspace, 'reports'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^report_\d{8}T\d{6}Z\.html$/);
    // Written after the end without adding to the run's events: its end stays its last event (other processes'
    // tails and the dashboard's cursors stop there).
    expect(run.events.at(-1)?.body).toMatchObject({ type: 'run.state', status: 'completed' });
    expect(execFileSync('git', ['-C', workspace, 'status', '--porcelain'], { encoding: 'utf8' })).toBe('');
    expect(fs.readFileSync(path.join(workspace, '.git', 'info', 'exclude'), 'utf8')).toContain(
      '/reports/report_',
    );

    const html = fs.readFileSync(path.join(workspace, 'reports', files[0]!), 'utf8');
    const { run: summary } = snapshot;
    expect(summary.finalScore).not.toBeNull();
    expect(html).toContain(`data-testid="final-score">${summary.finalScore!.toFixed(4)}`);
    expect(html).toContain(`data-testid="selection-score">${summary.bestScore!.toFixed(4)}`);
    expect(html).toMatch(/<strong>Stopped:<\/strong> step limit reached/);
    // Every experiment has its mark on the trajectory.
    const chart = /<section id="trajectory"[\s\S]*?<\/section>/.exec(html)![0];
    expect([...chart.matchAll(/data-step="\d+" data-outcome/g)]).toHaveLength(snapshot.experiments.length);
    // The hostile hypothesis is there, as text only.
    expect(snapshot.experiments.some((e) => e.hypothesis.includes(HOSTILE_HYPOTHESIS))).toBe(true);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;');
    expect(html).not.toMatch(/<script|<img/i);
    // The environment the setup stage recorded: the Python and library versions of the local sandbox.
    expect(html).toMatch(/python 3\.\d+\.\d+.*numpy \d/);
    expect(html).toContain(`${summary.promptTokens.toLocaleString('en-US')} prompt`);
  });

  it('`report <prefix> --out FILE` writes it where asked', async () => {
    const io = fakeIO();
    const out = path.join(temp.dir, 'r.html');
    const code = await reportCommand(run.engine, id.slice(0, 8), { out }, { io, cwd: temp.dir });
    expect(code, io.err.text()).toBe(EXIT.ok);
    expect(io.out.text()).toBe(`${out}\n`);
    expect(fs.readFileSync(out, 'utf8')).toContain('<section id="outcome"');

    const bad = fakeIO();
    expect(
      await reportCommand(run.engine, id, { out: path.join(temp.dir, 'no', 'r.html') }, { io: bad }),
    ).toBe(EXIT.badInput);
    expect(bad.err.text()).toMatch(/the folder .*no does not exist/);
  });

  it('`report --pdf` without a browser says how to get one, and writes nothing', async () => {
    const io = fakeIO();
    const code = await reportCommand(
      run.engine,
      id,
      { pdf: true, out: path.join(temp.dir, 'none.pdf') },
      { io, findChrome: () => findChrome({ PATH: '' }, 'linux') },
    );
    expect(code).toBe(EXIT.badInput);
    expect(io.err.text()).toMatch(/no Chrome, Chromium or Edge was found.*MLE_BEAST_CHROME/);
    expect(fs.existsSync(path.join(temp.dir, 'none.pdf'))).toBe(false);
  });

  const chrome = findChrome();
  it.skipIf(!chrome.ok)(
    '`report --pdf` prints a PDF whose first page shows the outcome',
    async () => {
      const io = fakeIO();
      const pdf = path.join(temp.dir, 'report.pdf');
      const code = await reportCommand(run.engine, id, { pdf: true, out: pdf }, { io });
      expect(code, io.err.text()).toBe(EXIT.ok);
      expect(fs.readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
      const pages = pdfPages(pdf);
      const [first] = pages;
      // All pages' text in the message: an empty first page says whether the print lost the text or moved it.
      expect(first, `${pages.length} pages:\n${pages.join('\n--- page ---\n').slice(0, 2000)}`).toContain(
        'Outcome',
      );
      expect(first).toContain(snapshot.run.finalScore!.toFixed(4));
      expect(first).toContain(snapshot.run.bestScore!.toFixed(4));
      expect(first).toMatch(/Stopped:\s*step limit reached/);
    },
    120_000,
  );
  if (!chrome.ok) it.skip(`report --pdf: skipped, ${chrome.message}`, () => {});
});
