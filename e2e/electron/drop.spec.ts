import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type ElectronApplication } from '@playwright/test';
import { dropRealFile } from '../fixtures/drop';
import { ELECTRON_SKIP_REASON, findElectronBinary } from './electron-binary';
import { launchDesktop } from './launch';

// Drag-and-drop and native dialogs in the desktop app. A drop carries Files the page cannot locate; the preload
// asks Electron where they live (webUtils.getPathForFile) and main checks the path. Playwright cannot drag from
// the OS, so the Files come from a file input filled by Playwright (real files with real paths, dropRealFile);
// dialogs are stubbed in the main process.

const binary = findElectronBinary();

test.describe('drag-and-drop and dialogs (Electron)', () => {
  test.skip(!binary, ELECTRON_SKIP_REASON);

  let app: ElectronApplication;
  let dataDir: string;

  test.beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mle-beast-electron-drop-'));
    app = await launchDesktop(binary!, dataDir, {
      extra: { DOCKER_HOST: 'unix:///nonexistent/e2e-docker.sock' },
    });
  });

  test.afterEach(async () => {
    await app?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('a dropped project.yaml fills the form; a dropped CSV is refused by main', async () => {
    const page = await app.firstWindow();
    await expect(page.locator('#root')).toHaveAttribute('data-app-state', 'loaded');
    const project = path.join(dataDir, 'project.yaml');
    fs.writeFileSync(
      project,
      'goals:\n  task_description: Predict churn from the desktop\n  target_metric: { name: accuracy, target_value: 0.9 }\n',
    );
    await dropRealFile(page, project);
    await expect(page).toHaveURL(/#\/new$/);
    await expect(page.getByLabel('Task')).toHaveValue('Predict churn from the desktop');
    await expect(page.getByLabel('Target')).toHaveValue('0.9');

    const csv = path.join(dataDir, 'train.csv');
    fs.writeFileSync(csv, 'a,label\n1,0\n');
    await dropRealFile(page, csv);
    await expect(page.getByTestId('drop-zone')).toContainText(
      '“train.csv” is a file, not a dataset folder or a project.yaml.',
    );
    await expect(page.getByLabel('Task')).toHaveValue('Predict churn from the desktop');
  });

  test('main checks a dropped folder; Browse fills the dataset path and shows the preview', async () => {
    const page = await app.firstWindow();
    await expect(page.locator('#root')).toHaveAttribute('data-app-state', 'loaded');
    const data = path.join(dataDir, 'churn');
    fs.mkdirSync(data);
    fs.writeFileSync(
      path.join(data, 'train.csv'),
      ['age,plan,churned', ...Array.from({ length: 60 }, (_, i) => `${20 + i},${i % 3},${i % 2}`)].join('\n'),
    );
    type Host = { mle: { hostInvoke(name: string, input: unknown): Promise<unknown> } };
    const checked = await page.evaluate(
      (p) => (globalThis as unknown as Host).mle.hostInvoke('checkDroppedPath', { path: p }),
      data,
    );
    expect(checked).toEqual({ ok: true, value: { kind: 'folder', path: data } });
    const refused = await page.evaluate(() =>
      (globalThis as unknown as Host).mle.hostInvoke('checkDroppedPath', { path: '/etc' }),
    );
    expect(refused).toMatchObject({ ok: true, value: { kind: 'refused' } });

    // The native dialog, stubbed in main where it lives.
    await app.evaluate(({ dialog }, picked) => {
      dialog.showOpenDialog = (async () => ({ canceled: false, filePaths: [picked] })) as never;
    }, data);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'New run' }).click();
    await page.getByRole('button', { name: 'Browse for the dataset' }).click();
    await expect(page.getByLabel('Dataset path')).toHaveValue(data);
    // The preview is the dataset intake, run in an Electron utility process (main/electron/intake-launcher.ts).
    await expect(page.getByText('churned').first()).toBeVisible();
  });
});
