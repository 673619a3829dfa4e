import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type ElectronApplication } from '@playwright/test';
import type { MleBridge } from '../../engine/api/bridge';
import { seedReportRun } from '../../engine/report/testing/seed';
import { openSeeded } from '../../engine/store/testing/seed-runs';
import { ELECTRON_SKIP_REASON, findElectronBinary } from './electron-binary';
import { launchDesktop } from './launch';

// The desktop app's "Show report" and "Export" (issue 11): the engine writes the report into the workspace and
// the file manager shows it; Export to a .pdf prints it with the app's own Chromium (webContents.printToPDF).
// The native dialog and the file manager are replaced in the main process; everything else is real. The run is
// seeded (engine/report/testing/seed.ts); the browser host's flow runs a real one (e2e/browser/report.spec.ts).

const binary = findElectronBinary();

function seed(database: string, workspace: string): string {
  const { repo, close } = openSeeded(database);
  try {
    return seedReportRun(repo, workspace);
  } finally {
    close();
  }
}

test.describe('run report in the desktop app', () => {
  test.skip(!binary, ELECTRON_SKIP_REASON);

  let app: ElectronApplication;
  let dataDir: string;

  test.afterEach(async () => {
    await app?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('Show report reveals the written file; Export to .pdf prints a PDF', async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mle-beast-electron-report-'));
    const workspace = path.join(dataDir, 'ws');
    const id = seed(path.join(dataDir, 'mle_beast.db'), workspace);
    app = await launchDesktop(binary!, dataDir);
    const pdf = path.join(dataDir, 'exported.pdf');
    await app.evaluate(({ dialog, shell }, target) => {
      const g = globalThis as unknown as { shown: string[] };
      g.shown = [];
      dialog.showSaveDialog = (async () => ({
        canceled: false,
        filePath: target,
      })) as typeof dialog.showSaveDialog;
      shell.showItemInFolder = (item: string) => void g.shown.push(item);
    }, pdf);
    const page = await app.firstWindow();
    await expect(page.locator('#root')).toHaveAttribute('data-app-state', 'loaded');
    await page.evaluate(() =>
      (globalThis as unknown as { mle: MleBridge }).mle.invoke('settings.update', { setupSkipped: true }),
    );
    await page.evaluate((runId) => {
      (globalThis as unknown as { location: { hash: string } }).location.hash = `#/runs/${runId}`;
    }, id);
    const group = page.getByRole('group', { name: 'Run report' });

    await group.getByRole('button', { name: 'Show report' }).click();
    await expect(page.getByTestId('report-status')).toHaveText(/^Report written: /);
    const shown = await app.evaluate(() => (globalThis as unknown as { shown: string[] }).shown);
    expect(shown).toHaveLength(1);
    expect(shown[0]).toMatch(new RegExp(`^${workspace}/reports/report_\\d{8}T\\d{6}Z\\.html$`));
    expect(fs.readFileSync(shown[0]!, 'utf8')).toContain('<section id="outcome"');

    await group.getByRole('button', { name: 'Export' }).click();
    await expect(page.getByTestId('report-status')).toHaveText(`PDF exported: ${pdf}`, { timeout: 60_000 });
    expect(fs.readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
  });
});
