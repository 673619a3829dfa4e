import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type ElectronApplication } from '@playwright/test';
import { ELECTRON_SKIP_REASON, findElectronBinary } from './electron-binary';
import { launchDesktop } from './launch';

// The desktop app's tray and run-end notifications with a real run: `mle-beast demo` in another process (the CLI)
// on the app's database, tailed by the app. The notifications are recorded in the main process by wrapping
// Notification.prototype.show (app.evaluate); the tray's menu is read through the e2e hook (MLE_BEAST_E2E_HOOKS).
// The same flow runs in Chromium through the browser host: e2e/browser/notifications.spec.ts.

const binary = findElectronBinary();

interface Shown {
  title: string;
  body: string;
}

test.describe('tray and notifications (Electron)', () => {
  test.skip(!binary, ELECTRON_SKIP_REASON);

  let app: ElectronApplication;
  let dataDir: string;

  test.beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mle-beast-electron-tray-'));
    app = await launchDesktop(binary!, dataDir, { extra: { MLE_BEAST_E2E_HOOKS: '1' } });
    await app.evaluate(({ Notification }) => {
      const g = globalThis as unknown as { __shown: { title: string; body: string; n: unknown }[] };
      g.__shown = [];
      const show = Notification.prototype.show;
      Notification.prototype.show = function (this: Electron.Notification) {
        g.__shown.push({ title: this.title, body: this.body, n: this });
        return show.call(this);
      };
    });
  });

  test.afterEach(async () => {
    await app?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const trayLabels = () =>
    app.evaluate(() =>
      (globalThis as unknown as { __mleBeastTray: { labels(): string[] } }).__mleBeastTray.labels(),
    );
  const shown = () =>
    app.evaluate(() =>
      (globalThis as unknown as { __shown: Shown[] }).__shown.map(({ title, body }) => ({ title, body })),
    );

  test('a CLI run shows in the tray while it runs; its end is one notification whose click opens it', async () => {
    test.setTimeout(9 * 60_000);
    const page = await app.firstWindow();
    await expect(page.locator('#root')).toHaveAttribute('data-app-state', 'loaded');
    await expect.poll(trayLabels).toContain('No run going');

    const demo = spawn(
      process.execPath,
      ['bin/mle-beast.js', 'demo', 'churn', '--max-steps', '1', '--sandbox', 'local-unisolated'],
      {
        env: { ...process.env, MLE_BEAST_DB_PATH: path.join(dataDir, 'mle_beast.db') },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    demo.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    demo.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    try {
      // While it runs: listed with its stage, its actions under it.
      await expect
        .poll(async () => (await trayLabels()).find((l) => /churn/i.test(l) && !l.startsWith('Pause')), {
          timeout: 120_000,
        })
        // The demo's run is named by its task: "Predict whether a customer will churn…: training, best …".
        .toMatch(/churn.*: .+, (no score yet|best \d\.\d{4}) \(target >= 0\.\d{4}\)$/);
      expect(await trayLabels()).toEqual(
        expect.arrayContaining(['  Pause', '  Cancel run…', 'Quit mle-beast']),
      );
      const code = await new Promise<number | null>((resolve) => demo.once('exit', resolve));
      expect([0, 1], output).toContain(code);
    } finally {
      demo.kill('SIGTERM');
    }

    await expect.poll(shown, { timeout: 30_000 }).toHaveLength(1);
    await page.waitForTimeout(1500);
    const [notice] = await shown();
    expect(await shown()).toHaveLength(1);
    expect(notice!.title).toMatch(/^(Target reached|Finished): .*churn/);
    expect(notice!.body).toMatch(/accuracy \d\.\d{4}/);
    await expect.poll(trayLabels).toContain('No run going');

    // Its click: the window comes forward on the run, moved by the app.openRun event.
    await page.goto(page.url().replace(/#.*$/, '#/settings'));
    await app.evaluate(() => {
      const g = globalThis as unknown as { __shown: { n: { emit(e: string): void } }[] };
      g.__shown[0]!.n.emit('click');
    });
    await expect(page).toHaveURL(/#\/runs\/[0-9a-f-]{36}$/);
    await expect(page.getByRole('heading', { level: 1 })).toContainText('churn');
  });
});
