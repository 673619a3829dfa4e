import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type ElectronApplication } from '@playwright/test';
import { startScriptedModel } from '../fixtures/scripted-model-process';
import { ELECTRON_SKIP_REASON, findElectronBinary } from './electron-binary';
import { launchDesktop } from './launch';

// The first-start wizard in the desktop app: a fresh profile and database, no provider in the environment, a
// local server (the scripted model) typed in; finishing saves it and opens New run. The same flow runs in
// Chromium through `mle-beast serve` (e2e/browser/setup-wizard.spec.ts).

const binary = findElectronBinary();

test.describe('first-start wizard (Electron)', () => {
  test.skip(!binary, ELECTRON_SKIP_REASON);

  let app: ElectronApplication;
  let dataDir: string;
  let model: Awaited<ReturnType<typeof startScriptedModel>>;

  test.beforeEach(async () => {
    model = await startScriptedModel();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mle-beast-electron-wizard-'));
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
    for (const k of ['OPENROUTER_API_KEY', 'OPENAI_API_KEY', 'LOCAL_LLM_BASE_URL', 'MLE_BEAST_PROVIDER'])
      delete env[k];
    app = await launchDesktop(binary!, dataDir, { env });
  });

  test.afterEach(async () => {
    await app?.close();
    model?.child.kill('SIGTERM');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('opens on the wizard, goes through it with a local server, and lands on New run', async () => {
    const page = await app.firstWindow();
    await expect(page.locator('#root')).toHaveAttribute('data-app-state', 'loaded');
    await expect(page.getByTestId('setup-wizard')).toBeVisible();
    await page.getByRole('radio', { name: /Local OpenAI-compatible server/ }).check();
    await page.getByLabel('Server URL').fill(model.baseURL);
    await page.getByRole('button', { name: 'Next' }).click();
    await expect(page.getByTestId('key-not-needed')).toBeVisible();
    await page.getByRole('button', { name: 'Next' }).click();
    await expect(page.getByTestId('check-catalog')).toHaveAttribute('data-status', 'ok', { timeout: 20_000 });
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('radio', { name: /scripted model/ }).check();
    await page.getByRole('button', { name: 'Next' }).click();
    await expect(page.getByTestId('check-docker')).toBeVisible({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Finish' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'New run' })).toBeVisible();
    await page.reload();
    await expect(page.locator('#root')).toHaveAttribute('data-app-state', 'loaded');
    await expect(page.getByTestId('setup-wizard')).toHaveCount(0);
  });

  test('Skip opens the dashboard and Settings reopens the wizard', async () => {
    const page = await app.firstWindow();
    await expect(page.getByTestId('setup-wizard')).toBeVisible();
    await page.getByRole('button', { name: 'Skip set-up' }).click();
    await expect(page.getByText('No runs yet.')).toBeVisible();
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Run set-up again' }).click();
    await expect(page.getByTestId('setup-wizard')).toBeVisible();
  });
});
