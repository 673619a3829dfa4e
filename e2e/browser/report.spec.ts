import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import { spawnCli, startModelProcess } from '../fixtures/cli-process';
import { expect, test } from '../fixtures/serve';
import { SCREENS } from '../fixtures/screens';

// The run report (issue 11 section 1) of a real scripted run: `mle-beast run` (local sandbox, one step) against a
// model whose proposals carry a hostile hypothesis, in the database `mle-beast serve` shows. The report the run
// wrote at its end opens in Chromium from the file alone: no request beyond the file, the run's real numbers,
// the hostile text as text. Then the dashboard's Export downloads it.

const HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)>';

interface ShownRun {
  run: { id: string; workspace: string; finalScore: number | null; bestScore: number | null; status: string };
}

test('the report of a scripted run: offline, real numbers, hostile text as text; Export downloads it', async ({
  page,
  served,
}, testInfo) => {
  test.setTimeout(10 * 60_000);
  const model = await startModelProcess('hostile-model.ts');
  const dataDir = testInfo.outputPath('work');
  fs.mkdirSync(dataDir, { recursive: true });
  const env = {
    MLE_BEAST_DB_PATH: served.databasePath,
    LOCAL_LLM_BASE_URL: model.baseURL,
    MLE_BEAST_MODEL: model.model,
    MLE_BEAST_PROVIDER: 'local',
  };
  let shown: ShownRun;
  try {
    const data = path.join(dataDir, 'data');
    expect(await spawnCli(['examples', 'create', 'churn', data, '--size', '300'], env, dataDir).exited).toBe(
      0,
    );
    const run = spawnCli(
      [
        'run',
        data,
        'predict churn',
        '--metric',
        'accuracy',
        '--target',
        '0.99',
        '--max-steps',
        '1',
        '--sandbox',
        'local',
      ],
      env,
      dataDir,
    );
    // Exit 1: completed without reaching the (out of reach) target.
    expect(await run.exited, run.output()).toBe(1);
    const id = /run ([0-9a-f]{8})/.exec(run.output())![1]!;
    const show = spawnCli(['show', id, '--json'], env, dataDir);
    expect(await show.exited).toBe(0);
    shown = JSON.parse(show.output()) as ShownRun;
  } finally {
    await model.close();
  }
  const { run } = shown;
  expect(run.status).toBe('completed');
  const reports = fs.readdirSync(path.join(run.workspace, 'reports'));
  expect(reports).toHaveLength(1);
  const file = path.join(run.workspace, 'reports', reports[0]!);
  const url = pathToFileURL(file).href;

  const requests: string[] = [];
  const dialogs: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.setViewportSize({ width: 1100, height: 900 });
  await page.goto(url);
  const outcome = page.locator('#outcome');
  await expect(outcome.getByTestId('final-score')).toContainText(run.finalScore!.toFixed(4));
  await expect(outcome.getByTestId('selection-score')).toContainText(run.bestScore!.toFixed(4));
  await expect(outcome.getByTestId('stop-reason')).toContainText('Stopped: step limit reached');
  await expect(outcome.getByTestId('target')).toContainText('not reached');
  for (const id of [
    'trajectory',
    'tree',
    'experiments',
    'documents',
    'usage',
    'safety',
    'environment',
    'configuration',
  ])
    await expect(page.locator(`section#${id}`)).toBeVisible();
  // The hostile hypothesis is on the page as text, and made no element and no dialog.
  await expect(page.locator('#experiments td.hyp', { hasText: HOSTILE })).not.toHaveCount(0);
  expect(await page.locator('script, img, iframe').count()).toBe(0);
  // The target line and one mark per experiment row.
  const rows = await page.locator('#experiments tbody tr').count();
  await expect(page.locator('#trajectory [data-outcome]')).toHaveCount(rows);
  await expect(page.locator('#trajectory line.target')).toHaveCount(1);
  fs.mkdirSync(SCREENS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENS, 'report.png'), fullPage: true });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: path.join(SCREENS, 'report-dark.png') });
  expect(dialogs).toEqual([]);
  expect(requests).toEqual([url]);
  // Readable by assistive technology too (axe runs after the request check: it injects its own script).
  const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const blocking = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(blocking.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);

  // The dashboard's Export: the browser host downloads the page.
  await page.goto(`${served.urlWithToken}#/runs/${run.id}`);
  const exportButton = page
    .getByRole('group', { name: 'Run report' })
    .getByRole('button', { name: 'Export' });
  const [download] = await Promise.all([page.waitForEvent('download'), exportButton.click()]);
  expect(download.suggestedFilename()).toMatch(
    new RegExp(`^report_${run.id.slice(0, 8)}_\\d{8}T\\d{6}Z\\.html$`),
  );
  const saved = fs.readFileSync((await download.path())!, 'utf8');
  expect(saved).toContain(`data-testid="final-score">${run.finalScore!.toFixed(4)}`);
  await expect(page.getByTestId('report-status')).toHaveText(/downloaded/);
});
