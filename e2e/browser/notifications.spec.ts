import { spawn } from 'node:child_process';
import { expect, test } from '../fixtures/serve';
import { screen } from '../fixtures/screens';

// Run-end notices in the browser host: the same rule and settings as the desktop app's (engine/api/run-end-notice),
// shown with the Web Notifications API once allowed. Nothing of the engine is stubbed: `mle-beast serve` tails a
// real scripted run that `mle-beast demo` carries in another process (the CLI), against the same database. Only the
// page's Notification constructor is wrapped, by an init script, to record what the page asks the browser to show.

interface Recorded {
  title: string;
  body: string | undefined;
  tag: string | undefined;
}
/** A Notification as the page sees it (this file has no DOM types: the page's objects are typed here). */
interface PageNotification {
  onclick: ((event: unknown) => void) | null;
}
type NotificationClass = new (title: string, options?: { body?: string; tag?: string }) => PageNotification;
type RecordingWindow = {
  __notices: Recorded[];
  __noticeObjects: PageNotification[];
  Notification: NotificationClass;
};

/** Runs in the page before its scripts: wraps its Notification constructor to record each call. */
const recordNotifications = () => {
  const w = globalThis as unknown as RecordingWindow;
  w.__notices = [];
  w.__noticeObjects = [];
  const Real = w.Notification;
  class Recording extends Real {
    constructor(title: string, options?: { body?: string; tag?: string }) {
      w.__notices.push({ title, body: options?.body, tag: options?.tag });
      super(title, options);
      w.__noticeObjects.push(this);
    }
  }
  Object.defineProperty(w, 'Notification', { value: Recording, configurable: true, writable: true });
};

const notices = (page: import('@playwright/test').Page) =>
  page.evaluate(() => (globalThis as unknown as RecordingWindow).__notices);

test.describe('run-end notifications in the browser', () => {
  test('the Settings button asks the browser; the kinds are settings', async ({ page, served, context }) => {
    await page.goto(`${served.urlWithToken}#/settings`);
    await expect(page.locator('#root')).toHaveAttribute('data-app-state', 'loaded');
    const status = page.getByTestId('notify-permission');
    await expect(status).toHaveAttribute('data-permission', 'default');
    await expect(status).toHaveText('This browser shows them once you allow it.');
    for (const label of ['Target reached', 'Finished without reaching it', 'Failed', 'Interrupted'])
      await expect(page.getByLabel(label, { exact: true })).toBeChecked();
    await page.locator('#notifications').scrollIntoViewIfNeeded();
    await screen(page, 'settings-notifications');

    // The user allows it in the browser's prompt (granted here for the page's origin), then clicks the button.
    await context.grantPermissions(['notifications'], { origin: served.origin });
    await page.getByRole('button', { name: 'Allow notifications' }).click();
    await expect(status).toHaveAttribute('data-permission', 'granted');
    await expect(page.getByRole('button', { name: 'Allow notifications' })).toHaveCount(0);

    // A kind turned off is saved like any setting.
    await page.getByLabel('Interrupted', { exact: true }).uncheck();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.getByTestId('save-status')).toHaveText('Saved.');
    await page.reload();
    await expect(page.getByLabel('Interrupted', { exact: true })).not.toBeChecked();
  });

  test('a CLI run’s end is notified once per tab with the run’s id as tag; a click opens the run', async ({
    page,
    served,
    context,
  }) => {
    test.setTimeout(9 * 60_000);
    await context.grantPermissions(['notifications'], { origin: served.origin });
    await context.addInitScript(recordNotifications);
    await page.goto(served.urlWithToken);
    await expect(page.locator('#root')).toHaveAttribute('data-app-state', 'loaded');
    // A second tab of the dashboard: the tag makes the browser show its notice in place of the first one's.
    const other = await context.newPage();
    await other.goto(served.urlWithToken);
    await expect(other.locator('#root')).toHaveAttribute('data-app-state', 'loaded');
    // The first tab is elsewhere than the runs.
    await page.goto(`${served.urlWithToken}#/settings`);

    const demo = spawn(
      process.execPath,
      ['bin/mle-beast.js', 'demo', 'churn', '--max-steps', '1', '--sandbox', 'local-unisolated'],
      { env: { ...process.env, MLE_BEAST_DB_PATH: served.databasePath }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    demo.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    demo.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    try {
      const code = await new Promise<number | null>((resolve) => demo.once('exit', resolve));
      // 0: target reached, 1: finished without it (one step may not get there): either is an end to announce.
      expect([0, 1], output).toContain(code);
    } finally {
      demo.kill('SIGTERM');
    }

    await expect.poll(() => notices(page), { timeout: 30_000 }).toHaveLength(1);
    await expect.poll(() => notices(other), { timeout: 30_000 }).toHaveLength(1);
    // More tail ticks: nothing more comes for this end.
    await page.waitForTimeout(1500);
    const [shown] = await notices(page);
    expect(await notices(page)).toHaveLength(1);
    expect(await notices(other)).toEqual([shown]);
    expect(shown!.title).toMatch(/^(Target reached|Finished): .*churn/);
    expect(shown!.body, output).toContain('accuracy');
    const runId = shown!.tag!;
    expect(runId).toMatch(/^[0-9a-f-]{36}$/);

    // A click (what the browser does with the user's click on it): this tab comes forward on the run.
    await page.evaluate(() => {
      const n = (globalThis as unknown as RecordingWindow).__noticeObjects[0]!;
      n.onclick?.({ type: 'click' });
    });
    await expect(page).toHaveURL(new RegExp(`#/runs/${runId}$`));
    await expect(page.getByRole('heading', { level: 1 })).toContainText('churn');
    // The notice's figure is the run's own best, as its page shows it (or says it has none).
    const best = (await page.getByTestId('run-best').innerText()).match(/\d+\.\d{4}/)?.[0];
    if (best) expect(shown!.body).toContain(`accuracy ${best}`);
    else expect(shown!.body).toContain('accuracy: no score');
  });
});
