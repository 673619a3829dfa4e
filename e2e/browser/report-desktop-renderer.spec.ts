import fs from 'node:fs';
import path from 'node:path';
import type { HostHandlers } from '../../engine/api/host';
import { fail, ok } from '../../engine/api/result';
import { seedReportRun } from '../../engine/report/testing/seed';
import { openSeeded } from '../../engine/store/testing/seed-runs';
import { installDesktopBridge } from '../fixtures/desktop-bridge';
import { expect, test } from '../fixtures/serve';

// The desktop renderer's "Show report" and "Export" in Chromium (no Electron binary here; e2e/electron/report.spec.ts
// runs it in the app where one exists): a stand-in for the preload's `window.mle` sends commands to the real engine
// of `mle-beast serve` and host capabilities through the real `dispatchHost`; only the save dialog and the file
// manager are replaced (a chosen path, and a record of what was shown). The run is seeded, already ended.

test('desktop renderer: Show report writes it into the workspace and shows it; Export saves HTML where chosen', async ({
  page,
  served,
}, testInfo) => {
  const workspace = testInfo.outputPath('ws');
  const { repo, close } = openSeeded(served.databasePath);
  let id: string;
  try {
    id = seedReportRun(repo, workspace);
  } finally {
    close();
  }
  const chosen = testInfo.outputPath('exported-report');
  const shown: string[] = [];
  const handlers: HostHandlers<null> = {
    pickFolder: async () => ok({ path: null }),
    pickSavePath: async ({ filters }) => {
      expect(filters.map((f) => f.extensions[0])).toEqual(['html', 'pdf']);
      return ok({ path: chosen });
    },
    showItemInFolder: async ({ path: item }) => {
      if (!fs.existsSync(item)) return fail({ code: 'not_found', message: `“${item}” does not exist.` });
      shown.push(item);
      return ok({ shown: true as const });
    },
    openExternal: async () => fail({ code: 'forbidden', message: 'not in this test' }),
    checkDroppedPath: async () => fail({ code: 'forbidden', message: 'not in this test' }),
    printToPdf: async () => fail({ code: 'unavailable', message: 'not in this test' }),
  };
  await installDesktopBridge(page, handlers);
  await page.goto(served.urlWithToken);
  await expect(page.locator('#root')).toHaveAttribute('data-app-state', 'loaded');
  await page.goto(`${served.origin}/#/runs/${id!}`);
  const group = page.getByRole('group', { name: 'Run report' });

  await group.getByRole('button', { name: 'Show report' }).click();
  await expect(page.getByTestId('report-status')).toHaveText(/^Report written: /);
  expect(shown).toHaveLength(1);
  expect(shown[0]).toMatch(new RegExp(`^${workspace}/reports/report_\\d{8}T\\d{6}Z\\.html$`));
  expect(fs.readFileSync(shown[0]!, 'utf8')).toContain('digits classifier');

  // A name without an extension gets .html; the engine writes it there.
  await group.getByRole('button', { name: 'Export' }).click();
  await expect(page.getByTestId('report-status')).toHaveText(`Report exported: ${chosen}.html`);
  expect(fs.readFileSync(`${chosen}.html`, 'utf8')).toContain('<section id="outcome"');
  expect(path.dirname(chosen)).toBe(testInfo.outputPath());
});
