import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { spawnCli, startModelProcess } from '../fixtures/cli-process';
import { expect, test } from '../fixtures/serve';
import { screen } from '../fixtures/screens';

// The Run detail view (issue 9) through `mle-beast serve`, with real runs of another process against the same
// database: `mle-beast demo` (scripted model, Docker sandbox) for the finished run's views, and `mle-beast run`
// with a scripted model whose step 1 trains "forever" for the cancel from the detail view.

const tab = (page: Page, name: string) => page.getByRole('tab', { name: new RegExp(`^${name}`) });

test.describe('run detail', () => {
  test('a finished demo run: graph, score trajectory, experiments tree and diff, trace, documents, console search, git and safety', async ({
    page,
    served,
  }) => {
    test.setTimeout(15 * 60_000);
    await page.setViewportSize({ width: 1280, height: 900 });
    const demo = spawnCli(['demo', 'churn', '--max-steps', '3'], { MLE_BEAST_DB_PATH: served.databasePath });
    try {
      expect(await demo.exited, demo.output()).toBe(0);
    } finally {
      demo.child.kill('SIGTERM');
    }
    await page.goto(served.urlWithToken);
    await page
      .getByTestId('run-card')
      .or(page.getByTestId('run-row'))
      .first()
      .getByRole('link')
      .first()
      .click();
    await expect(page.locator('.run-status-line [data-status]')).toHaveText('completed');

    // Overview: the pipeline graph (every stage passed, none active), the loop's count, the charts.
    await expect(tab(page, 'Overview')).toHaveAttribute('aria-selected', 'true');
    const graph = page.getByTestId('pipeline-graph');
    await expect(graph.locator('[data-testid=stage]')).toHaveCount(13);
    for (const stage of ['setup', 'data_analysis', 'baseline', 'training', 'scoring', 'final_scoring']) {
      await expect(graph.locator(`[data-stage=${stage}]`)).toHaveAttribute('data-status', 'pass');
    }
    await expect(graph.locator('[data-active=true]')).toHaveCount(0);
    await expect(page.getByTestId('loop-count')).toHaveText('iteration 3 of 3');
    await expect(
      page.getByRole('img', { name: /accuracy by step: 4 experiments; best 0\.\d+ at step 3/ }),
    ).toBeVisible();
    await expect(page.getByTestId('score-trajectory')).toContainText('step 1 (abandoned)');
    await expect(page.getByRole('img', { name: /Training metrics of step/ })).toBeVisible();
    await screen(page, 'detail-overview');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screen(page, 'detail-overview-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    // Tabs by keyboard: arrow right moves to Experiments.
    await tab(page, 'Overview').focus();
    await page.keyboard.press('ArrowRight');
    await expect(tab(page, 'Experiments')).toBeFocused();
    await expect(tab(page, 'Experiments')).toHaveAttribute('aria-selected', 'true');

    // Experiments: tree by parent (steps 1-3 under the baseline), the table, and the kept step's diff.
    const tree = page.getByRole('navigation', { name: 'Experiments by parent' });
    await expect(tree.getByTestId('tree-node')).toHaveCount(4);
    await expect(tree.locator('li li [data-testid=tree-node]')).toHaveCount(3);
    await expect(page.getByTestId('experiment-row')).toHaveCount(4);
    await page.getByRole('button', { name: 'Show experiment 3' }).click();
    const detail = page.getByTestId('experiment-detail');
    await expect(detail).toContainText('Step 3');
    await expect(detail).toContainText('from step 0');
    await expect(detail.getByTestId('diff')).toContainText('model.py');
    await expect(detail.locator('.diff-code-insert').first()).toBeVisible();
    await expect(detail.locator('.critic-notes')).toContainText('Proposal critic');
    await screen(page, 'detail-experiments');
    // A reverted step has no commit: its changes, saved before the revert, are shown and labelled so.
    await tree.locator('[data-testid=tree-node][data-step="2"]').click();
    await expect(detail).toContainText('it was reverted, so its changes were rolled back');
    await expect(detail.getByTestId('diff')).toContainText('model.py');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.getByRole('button', { name: 'Show experiment 3' }).click();
    await expect(detail.getByTestId('diff')).toBeVisible();
    await screen(page, 'detail-experiments-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    // Console: search highlights and steps through matches; the filters narrow the lines.
    await tab(page, 'Console').click();
    const consoleView = page.getByTestId('console');
    await expect(consoleView).toBeVisible();
    await page.getByLabel('Search').fill('epoch');
    await expect(page.getByTestId('console-count')).toHaveText(/^match 1 of \d+/);
    await expect(consoleView.locator('mark').first()).toHaveText(/epoch/i);
    await page.getByLabel('Search').press('Enter');
    await expect(page.getByTestId('console-count')).toHaveText(/^match 2 of \d+/);
    await page.getByLabel('Stage').selectOption('training');
    await expect(consoleView.locator('mark').first()).toBeVisible();
    await screen(page, 'detail-console');
    // The full log of a command, read from the run folder.
    await page.getByLabel('Search').fill('');
    await page.getByLabel('Source').focus();
    const fullLog = page.getByLabel('Source').locator('option', { hasText: 'full log' }).first();
    await expect(fullLog).toBeAttached();
    await page.getByLabel('Source').selectOption({ label: (await fullLog.textContent())! });
    await expect(page.getByText(/: the whole log\.|from byte/)).toBeVisible();
    await expect(consoleView).not.toBeEmpty();

    // LLM trace: every call with stage, model, tokens; one expanded shows its messages and tool calls.
    await tab(page, 'LLM trace').click();
    const calls = page.getByTestId('trace-call');
    await expect(calls.first()).toBeVisible();
    await expect(calls.first()).toContainText('Data analysis');
    await expect(calls.first()).toContainText('scripted model');
    await calls.first().locator('summary').first().click();
    await expect(calls.first()).toContainText('Messages sent');
    await expect(calls.first()).toContainText('Tool calls');
    await calls.first().getByText('1. system').click();
    await screen(page, 'detail-trace');

    // Documents: the research log and the data analysis, as markdown.
    await tab(page, 'Documents').click();
    const docs = page.getByTestId('document');
    await expect(docs).toHaveCount(2);
    await expect(docs.nth(1).locator('.markdown h1, .markdown h2').first()).toBeVisible();
    await expect(docs.nth(0).locator('.markdown')).not.toBeEmpty();
    await screen(page, 'detail-documents');

    // Git and safety: the run branch's commits; nothing was blocked in the demo.
    await tab(page, 'Git & safety').click();
    await expect(page.getByTestId('commit-row').first()).toBeVisible();
    await expect(page.getByText('Nothing was blocked during this run.')).toBeVisible();
    await screen(page, 'detail-history');
  });

  test('cancel a run mid-training from the detail view: cancelled, no container left', async ({
    page,
    served,
    dataDir,
  }) => {
    test.setTimeout(15 * 60_000);
    await page.setViewportSize({ width: 1280, height: 900 });
    const model = await startModelProcess('slow-training-model.ts');
    const data = path.join(dataDir, 'data');
    const cli = (args: string[]) =>
      spawnCli(
        args,
        {
          MLE_BEAST_DB_PATH: served.databasePath,
          LOCAL_LLM_BASE_URL: model.baseURL,
          MLE_BEAST_MODEL: model.model,
          MLE_BEAST_PROVIDER: 'local',
        },
        dataDir,
      );
    expect(await cli(['examples', 'create', 'churn', data]).exited).toBe(0);
    const run = cli([
      'run',
      data,
      'predict churn',
      '--metric',
      'accuracy',
      '--target',
      '0.99',
      '--max-steps',
      '5',
      '--sandbox',
      'docker',
    ]);
    try {
      await page.goto(served.urlWithToken);
      await page.getByTestId('run-card').first().getByRole('link').first().click();
      // Mid-training: step 1's training is the active stage and its metrics arrive live.
      const graph = page.getByTestId('pipeline-graph');
      await expect(page.getByTestId('run-step')).toHaveText(/^1 of 5/, { timeout: 10 * 60_000 });
      await expect(graph.locator('[data-stage=training]')).toHaveAttribute('data-active', 'true', {
        timeout: 3 * 60_000,
      });
      await expect(page.getByRole('img', { name: /Training metrics of step 1/ })).toBeVisible({
        timeout: 2 * 60_000,
      });
      const id = /#\/runs\/([^/]+)$/.exec(page.url())![1]!;
      const containers = () =>
        execFileSync('docker', ['ps', '-q', '--filter', `label=dev.mlebeast.run-id=${id}`], {
          encoding: 'utf8',
        }).trim();
      expect(containers()).not.toBe('');
      await screen(page, 'detail-training-live');

      await page.getByRole('group', { name: 'Run controls' }).getByRole('button', { name: 'Cancel' }).click();
      const dialog = page.getByRole('dialog', { name: 'Cancel this run?' });
      await dialog.getByRole('button', { name: 'Cancel run' }).click();
      await expect(page.locator('.run-status-line [data-status]')).toHaveText('cancelled', {
        timeout: 30_000,
      });
      await expect(graph.locator('[data-active=true]')).toHaveCount(0);
      // The stage the cancel stopped says so, rather than "running".
      await expect(graph.locator('[data-stage=training]')).toContainText('stopped here');
      await expect.poll(containers, { timeout: 30_000 }).toBe('');
      expect(await run.exited, run.output()).not.toBeNull();
      await screen(page, 'detail-cancelled');
    } finally {
      run.child.kill('SIGTERM');
      await model.close();
    }
  });
});
