import { spawn } from 'node:child_process';
import type { WebSocketRoute } from '@playwright/test';
import { expect, test } from '../fixtures/serve';
import { screen } from '../fixtures/screens';

// The Runs page and the run detail through `mle-beast serve`, with a real run: `mle-beast demo` (the scripted
// model on loopback, the Docker sandbox) started from the CLI, in another process, against the same database
// while the page is open. The server tails the shared store for runs of other processes and pushes their events
// like its own, so this also proves that a run of another process shows up live, without polling.

function startDemo(databasePath: string, maxSteps = 3) {
  const child = spawn(
    process.execPath,
    ['bin/mle-beast.js', 'demo', 'churn', '--max-steps', String(maxSteps)],
    {
      env: { ...process.env, MLE_BEAST_DB_PATH: databasePath },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, exited, output: () => output };
}

test.describe('runs in the dashboard', () => {
  test('an unknown run id says so and leads back to the runs', async ({ page, served }) => {
    await page.goto(`${served.urlWithToken}#/runs/no-such-run`);
    await expect(page.getByRole('heading', { name: 'No such run' })).toBeVisible();
    await page.getByRole('link', { name: 'the runs' }).click();
    await expect(page.getByText('No runs yet.')).toBeVisible();
    await screen(page, 'runs-empty');
  });

  test('a CLI demo run appears live; its detail shows stages, experiments and scores; delete asks first', async ({
    page,
    served,
  }) => {
    test.setTimeout(9 * 60_000);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(served.urlWithToken);
    await expect(page.locator('#root')).toHaveAttribute('data-app-state', 'loaded');
    await expect(page.getByText('No runs yet.')).toBeVisible();

    const demo = startDemo(served.databasePath);
    try {
      // The run appears as an active card without a reload, with its live stage and step.
      const card = page.getByTestId('run-card');
      await expect(card).toBeVisible({ timeout: 60_000 });
      await expect(card.getByTestId('card-step')).toContainText('of 3');
      await expect(card.getByTestId('card-stage')).not.toHaveText('—', { timeout: 30_000 });
      await expect(page.getByTestId('run-row')).toHaveCount(1);
      await screen(page, 'runs-active');

      // Open it while it runs: the detail follows it live to the end.
      await card.getByRole('link').click();
      await expect(page).toHaveURL(/#\/runs\/[^/]+$/);
      await expect(page.getByRole('heading', { level: 1 })).toContainText('churn');
      await expect(page.getByTestId('stage').first()).toHaveAttribute('data-status', /pass|active/);
      await screen(page, 'detail-live');

      const code = await demo.exited;
      expect(code, demo.output()).toBe(0);
    } finally {
      demo.child.kill('SIGTERM');
    }

    // Ended: status, scores and experiments as the CLI reported them, without a reload.
    await expect(page.locator('.run-status-line [data-status]')).toHaveText('completed', { timeout: 15_000 });
    await expect(page.locator('.run-status-line')).toContainText('target reached');
    await expect(page.getByTestId('run-best')).toContainText(/0\.\d{4}/);
    await expect(page.getByTestId('run-final')).toHaveText(/^0\.\d{4}$/);
    await expect(page.getByTestId('run-step')).toHaveText('3 of 3');
    await expect(page.getByTestId('run-calls')).not.toHaveText('0');
    // The scripted run: baseline, then an abandoned, a reverted and a kept experiment.
    await page.getByRole('tab', { name: /^Experiments/ }).click();
    const rows = page.getByTestId('experiment-row');
    await expect(rows).toHaveCount(4);
    await expect(rows.nth(0)).toHaveAttribute('data-outcome', 'baseline');
    await expect(page.locator('[data-testid=experiment-row][data-outcome=abandoned]')).toHaveCount(1);
    await expect(page.locator('[data-testid=experiment-row][data-outcome=reverted]')).toHaveCount(1);
    await expect(page.locator('[data-testid=experiment-row][data-outcome=kept]')).toHaveCount(1);
    await page.getByRole('tab', { name: 'Overview' }).click();
    for (const stage of ['setup', 'data_analysis', 'baseline', 'training', 'scoring', 'final_scoring']) {
      await expect(page.locator(`[data-testid=stage][data-stage=${stage}]`)).toHaveAttribute(
        'data-status',
        'pass',
      );
    }
    // The training chart and the console have the run's output.
    await expect(page.getByRole('img', { name: /Training metrics of step/ })).toBeVisible();
    await page.getByRole('tab', { name: 'Console' }).click();
    await expect(page.getByTestId('console')).toContainText('epoch');
    await page.getByRole('tab', { name: /^Experiments/ }).click();
    // Sorting the experiments by score puts the best last (ascending, unscored first).
    await page.getByRole('button', { name: 'Score', exact: true }).click();
    await expect(rows.last()).toHaveAttribute('data-outcome', 'kept');
    await screen(page, 'detail-done');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screen(page, 'detail-done-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    // Back to the runs: it left the cards for the table.
    await page.getByRole('link', { name: 'Runs' }).first().click();
    await expect(page.getByText('No run is going now.')).toBeVisible();
    const row = page.getByTestId('run-row');
    await expect(row).toHaveCount(1);
    await expect(row.locator('[data-status]')).toHaveText('completed');

    // Search and filter narrow the table; clearing brings the run back.
    await page.getByLabel('Search').fill('no such task anywhere');
    await expect(page.getByText('No run matches.')).toBeVisible();
    await page.getByRole('button', { name: 'Clear the search and filter' }).click();
    await page.getByLabel('Status').selectOption('failed');
    await expect(row).toHaveCount(0);
    await page.getByLabel('Status').selectOption('completed');
    await expect(row).toHaveCount(1);
    await screen(page, 'runs-history');

    // Delete asks first; Keep (or Escape) leaves the run.
    await row.getByRole('button', { name: /^Delete run/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete this run?' });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole('button', { name: 'Keep' })).toBeFocused();
    await screen(page, 'runs-delete-dialog');
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await expect(row).toHaveCount(1);
    await row.getByRole('button', { name: /^Delete run/ }).click();
    await dialog.getByRole('button', { name: 'Delete run' }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByText('No runs yet.')).toBeVisible();
    // Gone from the store too, not only from the page.
    await page.reload();
    await expect(page.getByText('No runs yet.')).toBeVisible();
  });

  test('a dropped WebSocket resumes without losing events: the console ends with every stored line', async ({
    page,
    served,
  }) => {
    test.setTimeout(9 * 60_000);
    await page.setViewportSize({ width: 1280, height: 900 });
    // The page's event socket goes through this route, so the test can kill it as a lost network does and keep
    // it from coming back for a while. `blocked`: every reconnect attempt is refused at once.
    let blocked = false;
    let opened = 0;
    const open: { page: WebSocketRoute; server: WebSocketRoute }[] = [];
    await page.routeWebSocket(/\/api\/events/, (ws) => {
      if (blocked) return void ws.close({ code: 4000, reason: 'test: network down' });
      opened += 1;
      open.push({ page: ws, server: ws.connectToServer() });
    });
    const drop = async () => {
      for (const ws of open.splice(0)) {
        await ws.server.close();
        await ws.page.close({ code: 4001, reason: 'test: dropped' });
      }
    };

    await page.goto(served.urlWithToken);
    await expect(page.locator('#root')).toHaveAttribute('data-app-state', 'loaded');
    // One step is enough to drop the socket while the run writes (the baseline alone takes a while).
    const demo = startDemo(served.databasePath, 1);
    let runId: string;
    try {
      const card = page.getByTestId('run-card');
      await expect(card).toBeVisible({ timeout: 60_000 });
      await card.getByRole('link').click();
      await expect(page).toHaveURL(/#\/runs\/[^/]+$/);
      runId = decodeURIComponent(page.url().split('#/runs/')[1]!);
      await page.getByRole('tab', { name: 'Console' }).click();
      await expect(page.getByTestId('console')).toBeVisible({ timeout: 60_000 });

      // Down for a few seconds while the run writes: the page says it is reconnecting.
      blocked = true;
      await drop();
      await expect(page.getByTestId('reconnecting')).toBeVisible();
      await screen(page, 'detail-reconnecting');
      await page.waitForTimeout(4_000);
      blocked = false;
      await expect(page.getByTestId('reconnecting')).toBeHidden({ timeout: 15_000 });
      // Once more, briefly.
      await page.waitForTimeout(1_500);
      await drop();

      // Completed, with or without the target in one step (exit 0 or 1).
      const code = await demo.exited;
      expect([0, 1], demo.output()).toContain(code);
    } finally {
      demo.child.kill('SIGTERM');
    }
    await expect(page.locator('.run-status-line [data-status]')).toHaveText('completed', { timeout: 30_000 });
    expect(opened).toBeGreaterThanOrEqual(3);

    // The store's record: every event of the run, and the lines of its log events as the console counts them.
    const stored: { seq: number; body: { type: string; text?: string } }[] = [];
    for (let sinceSeq = 0; ;) {
      const response = await page.request.post(`${served.origin}/api/command/runs.get`, {
        headers: { Authorization: `Bearer ${served.token}` },
        data: { id: runId, sinceSeq, limit: 5000 },
      });
      const reply = (await response.json()) as {
        ok: boolean;
        value: { events: typeof stored; nextSeq: number | null };
      };
      expect(reply.ok).toBe(true);
      stored.push(...reply.value.events);
      if (reply.value.nextSeq === null) break;
      sinceSeq = reply.value.nextSeq;
    }
    const lines = stored
      .filter((e) => e.body.type === 'log')
      .reduce((n, e) => n + e.body.text!.replace(/\n$/, '').split('\n').length, 0);
    expect(stored.map((e) => e.seq)).toEqual(stored.map((_, i) => i + 1));
    await expect(page.locator('[data-last-seq]')).toHaveAttribute('data-last-seq', String(stored.length));
    await expect(page.locator('section[data-last-seq] [role=status]')).toHaveText(
      new RegExp(`^${lines.toLocaleString('en-US')} lines?$`),
    );
    await screen(page, 'detail-after-reconnects');
  });
});
