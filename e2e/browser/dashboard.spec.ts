import fs from 'node:fs';
import { expect, test } from '../fixtures/serve';

const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { version: string };

test.describe('dashboard through mle-beast serve', () => {
  test('loads and shows app.info from the engine', async ({ page, served }) => {
    await page.goto(served.urlWithToken);
    await expect(page.locator('#root')).toHaveAttribute('data-app-state', 'loaded');
    // The token left the address bar (traded for an HttpOnly cookie).
    expect(page.url()).toBe(`${served.origin}/`);
    await expect(page.getByRole('heading', { name: 'Runs' })).toBeVisible();
    await expect(page.getByTestId('info-version')).toHaveText(pkg.version);
    await expect(page.getByTestId('info-database')).toHaveText(served.databasePath);
    await expect(page.getByTestId('info-host')).toHaveText('browser (mle-beast serve)');
    await expect(page.getByTestId('info-electron')).toHaveText('not running in Electron');
    await expect(page.getByTestId('info-docker')).toContainText('not available');
    await expect(page.locator('.version')).toHaveText(`v${pkg.version}`);
  });

  test('a setting changed in the UI is still there after a reload', async ({ page, served }) => {
    await page.goto(served.urlWithToken);
    await page.getByRole('link', { name: 'Settings' }).click();
    await expect(page).toHaveURL(/#\/settings$/);

    await page.getByLabel('Theme').selectOption('dark');
    const maxSteps = page.getByLabel('Max steps per run');
    await maxSteps.fill('12');
    await maxSteps.press('Enter'); // keyboard submit
    await expect(page.getByRole('status')).toHaveText('Saved.');
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');

    await page.reload();
    await expect(page.locator('#root')).toHaveAttribute('data-app-state', 'loaded');
    await expect(page.getByLabel('Theme')).toHaveValue('dark');
    await expect(page.getByLabel('Max steps per run')).toHaveValue('12');
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  });

  test('invalid input is explained in the form and never sent', async ({ page, served }) => {
    await page.goto(`${served.urlWithToken}#/settings`);
    await expect(page.locator('#root')).toHaveAttribute('data-app-state', 'loaded');
    const maxSteps = page.getByLabel('Max steps per run');
    await maxSteps.fill('lots');
    await expect(maxSteps).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByText('Enter a number, not "lots".')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Save', exact: true })).toBeDisabled();
    await maxSteps.press('Enter');
    await page.getByRole('button', { name: 'Discard changes' }).click();
    await expect(maxSteps).toHaveValue('30');
  });

  test('a change made elsewhere appears live, without a reload', async ({ page, context, served }) => {
    await page.goto(`${served.urlWithToken}#/settings`);
    await expect(page.locator('#root')).toHaveAttribute('data-app-state', 'loaded');
    const other = await context.newPage();
    await other.goto(`${served.origin}/#/settings`);
    await expect(other.locator('#root')).toHaveAttribute('data-app-state', 'loaded');
    await other.getByLabel('Default sandbox').selectOption('local');
    await other.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(other.getByRole('status')).toHaveText('Saved.');
    await expect(page.getByLabel('Default sandbox')).toHaveValue('local');
  });

  test('requests without the token get 401', async ({ playwright, served }) => {
    const anonymous = await playwright.request.newContext();
    const page = await anonymous.get(`${served.origin}/`);
    expect(page.status()).toBe(401);
    const command = await anonymous.post(`${served.origin}/api/command/settings.update`, {
      data: { theme: 'dark' },
    });
    expect(command.status()).toBe(401);
    const asset = await anonymous.get(`${served.origin}/favicon.svg`);
    expect(asset.status()).toBe(401);
    // The same command with the token works, and the rejected one changed nothing.
    const authed = await anonymous.post(`${served.origin}/api/command/settings.get`, {
      headers: { Authorization: `Bearer ${served.token}` },
      data: {},
    });
    expect(authed.status()).toBe(200);
    expect((await authed.json()).value.theme).toBe('system');
    await anonymous.dispose();
  });
});
