import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures/serve';

// The Settings view through `mle-beast serve`: values saved through the UI survive a reload and a restart of
// serve on the same database; a value the engine refuses is explained at its field and nothing is saved.

const SCREENS = 'test-results/screens';

async function screen(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENS, { recursive: true });
  // The content pane scrolls, not the page: a tall viewport shows the whole view in one picture.
  const size = page.viewportSize()!;
  const height = await page.locator('main.content').evaluate((el) => el.scrollHeight);
  await page.setViewportSize({ width: size.width, height: Math.min(Math.max(height + 40, 800), 5000) });
  await page.screenshot({ path: path.join(SCREENS, `${name}.png`) });
  await page.setViewportSize(size);
}

async function openSettings(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await expect(page.locator('#root')).toHaveAttribute('data-app-state', 'loaded');
  await page.getByRole('link', { name: 'Settings', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
}

test.describe('settings through mle-beast serve', () => {
  test('settings persist across a reload and a restart of serve on the same database', async ({
    page,
    served,
  }) => {
    await openSettings(page, served.urlWithToken);

    // Keyboard: the theme select is reached and changed without the mouse.
    await page.getByLabel('Theme').focus();
    await page.getByLabel('Theme').selectOption('dark');
    await page.getByLabel('Max steps per run').fill('12');
    await page.getByLabel('Max failures in a row').fill('4');
    await page.getByLabel('Cost budget').fill('2.5');
    await page.getByLabel('Training').fill('45');
    await page.getByLabel('Provider', { exact: true }).selectOption('local');
    await page.getByLabel('Local server URL').fill('http://127.0.0.1:9/v1');
    await expect(page.getByTestId('save-status')).toHaveText('Unsaved changes.');
    await page.getByLabel('Training').press('Enter'); // Enter in a field saves
    await expect(page.getByTestId('save-status')).toHaveText('Saved.');
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    // The provider status follows the saved settings.
    await expect(page.getByTestId('provider-status')).toContainText('http://127.0.0.1:9/v1');

    const expectKept = async () => {
      await expect(page.getByLabel('Theme')).toHaveValue('dark');
      await expect(page.getByLabel('Max steps per run')).toHaveValue('12');
      await expect(page.getByLabel('Max failures in a row')).toHaveValue('4');
      await expect(page.getByLabel('Cost budget')).toHaveValue('2.5');
      await expect(page.getByLabel('Wall-clock budget')).toHaveValue('');
      await expect(page.getByLabel('Training')).toHaveValue('45');
      await expect(page.getByLabel('Provider', { exact: true })).toHaveValue('local');
      await expect(page.getByLabel('Local server URL')).toHaveValue('http://127.0.0.1:9/v1');
      await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    };

    await page.reload();
    await expect(page.locator('#root')).toHaveAttribute('data-app-state', 'loaded');
    await expectKept();

    const restarted = await served.restart();
    await openSettings(page, restarted.urlWithToken);
    await expectKept();
  });

  test('a value the engine refuses is explained at its field, and nothing is saved', async ({
    page,
    served,
  }) => {
    await openSettings(page, served.urlWithToken);
    const steps = page.getByLabel('Max steps per run');
    await steps.fill('0');
    await page.getByLabel('Theme').selectOption('light');
    await page.getByRole('button', { name: 'Save', exact: true }).click();

    await expect(steps).toHaveAttribute('aria-invalid', 'true');
    await expect(page.locator('#defaultMaxSteps-msg')).toHaveText(/>=\s?1|at least 1|too small/i);
    await expect(page.getByTestId('save-status')).toHaveText(/Nothing was saved/);
    // Not the bad value, and not the good one sent with it either.
    const stored = await page.request.post(`${served.origin}/api/command/settings.get`, {
      headers: { Authorization: `Bearer ${served.token}` },
      data: {},
    });
    expect((await stored.json()).value).toMatchObject({ defaultMaxSteps: 30, theme: 'system' });

    // Correcting the field clears the message; the save goes through.
    await steps.fill('3');
    await expect(steps).toHaveAttribute('aria-invalid', 'false');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.getByTestId('save-status')).toHaveText('Saved.');
  });

  test('data locations and database statistics come from the engine; screenshots in both themes', async ({
    page,
    served,
  }) => {
    await openSettings(page, served.urlWithToken);
    const locations = page.getByTestId('data-locations');
    await expect(locations).toContainText(served.databasePath);
    await expect(locations).toContainText(path.join(path.dirname(served.databasePath), 'runs'));
    await expect(page.getByTestId('database-stats')).toContainText('None yet');
    await expect(page.getByTestId('docker-status')).toContainText('not available');
    await expect(page.getByTestId('provider-status')).toContainText('OPENROUTER_API_KEY');
    await expect(page.getByTestId('about')).toContainText('browser (mle-beast serve)');

    await page.getByLabel('Theme').selectOption('light');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.getByTestId('save-status')).toHaveText('Saved.');
    await screen(page, 'settings');
    await page.getByLabel('Theme').selectOption('dark');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.getByTestId('save-status')).toHaveText('Saved.');
    await screen(page, 'settings-dark');
  });
});
