import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type ElectronApplication } from '@playwright/test';
import type { MleBridge } from '../../engine/api/bridge';
import { ELECTRON_SKIP_REASON, findElectronBinary } from './electron-binary';
import { launchDesktop } from './launch';

const binary = findElectronBinary();
const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { version: string };

test.describe('desktop app (Electron)', () => {
  test.skip(!binary, ELECTRON_SKIP_REASON);

  let app: ElectronApplication;
  let dataDir: string;

  test.beforeEach(async () => {
    // A fresh profile and database per test (Bruno's fixture pattern).
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mle-beast-electron-e2e-'));
    app = await launchDesktop(binary!, dataDir);
  });

  // These tests are about the app past its first start: the set-up wizard is marked skipped (as its Skip does),
  // else it would stand in for the dashboard where no provider is configured (e2e/electron/setup-wizard.spec.ts).
  test.beforeEach(async () => {
    const page = await app.firstWindow();
    await expect(page.locator('#root')).toHaveAttribute('data-app-state', 'loaded');
    await page.evaluate(() =>
      (globalThis as unknown as { mle: MleBridge }).mle.invoke('settings.update', { setupSkipped: true }),
    );
    await page.reload();
  });

  test.afterEach(async () => {
    await app?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('loads, shows app.info, and keeps a changed setting after a reload', async () => {
    const page = await app.firstWindow();
    await expect(page.locator('#root')).toHaveAttribute('data-app-state', 'loaded');
    expect(page.url()).toMatch(/^app:\/\/renderer\//);
    await expect(page.getByTestId('info-version')).toHaveText(pkg.version);
    await expect(page.getByTestId('info-host')).toHaveText('desktop app');
    await expect(page.getByTestId('info-electron')).not.toHaveText('not running in Electron');
    await expect(page.getByTestId('info-database')).toHaveText(path.join(dataDir, 'mle_beast.db'));

    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByLabel('Theme').selectOption('dark');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.getByRole('status')).toHaveText('Saved.');
    await page.reload();
    await expect(page.locator('#root')).toHaveAttribute('data-app-state', 'loaded');
    await expect(page.getByLabel('Theme')).toHaveValue('dark');
  });

  test('the page has the bridge and nothing more', async () => {
    const page = await app.firstWindow();
    await expect(page.locator('#root')).toHaveAttribute('data-app-state', 'loaded');
    // The page's globals, typed loosely: these run in the renderer, not in this Node process.
    type PageGlobals = { mle?: MleBridge; require?: unknown; process?: unknown; open(url: string): unknown };
    const exposed = await page.evaluate(() => {
      const g = globalThis as unknown as PageGlobals;
      return { bridge: typeof g.mle?.invoke, require: typeof g.require, process: typeof g.process };
    });
    expect(exposed).toEqual({ bridge: 'function', require: 'undefined', process: 'undefined' });
    const unknown = await page.evaluate(() =>
      (globalThis as unknown as PageGlobals).mle!.invoke('runs.nuke', {}).catch((e: Error) => e.message),
    );
    expect(unknown).toMatch(/unknown command/);
    const opened = await page.evaluate(
      () => (globalThis as unknown as PageGlobals).open('https://example.com') === null,
    );
    expect(opened).toBe(true);
    expect(app.windows()).toHaveLength(1);
  });
});
