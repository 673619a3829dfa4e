import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { dispatchHost, type HostHandlers } from '../../engine/api/host';
import { fail, ok } from '../../engine/api/result';
import { openSeeded, seedBigRun } from '../../engine/store/testing/seed-runs';
import { checkDroppedPath } from '../../main/electron/dropped-path';
import { dropFiles } from '../fixtures/drop';
import { screen } from '../fixtures/screens';
import { expect, test } from '../fixtures/serve';

// The desktop renderer's side of drops, Browse and Show in folder, in Chromium (this machine has no Electron
// binary; e2e/electron/drop.spec.ts runs the same in the app where one exists). The page gets a stand-in for
// the preload's `window.mle`: commands go to the real engine of `mle-beast serve` over HTTP, `pathForFile`
// maps a dropped File's name to a real path, and host capabilities run through the real `dispatchHost` and
// main's real dropped-path check on the real file system; only the native dialog and the file manager (Electron's
// `dialog` and `shell`) are replaced, by a chosen folder and a record of what was shown.

interface StandIn {
  shown: string[];
  picked: string | null;
}

async function openWithStandInPreload(page: Page, urlWithToken: string, paths: Record<string, string>) {
  const standIn: StandIn = { shown: [], picked: null };
  const handlers: HostHandlers<null> = {
    pickFolder: async () => ok({ path: standIn.picked }),
    pickSavePath: async () => ok({ path: null }),
    showItemInFolder: async ({ path: item }) => {
      if (!fs.existsSync(item))
        return fail({ code: 'not_found', message: `“${item}” does not exist any more.` });
      standIn.shown.push(item);
      return ok({ shown: true as const });
    },
    openExternal: async () => fail({ code: 'forbidden', message: 'not in this test' }),
    checkDroppedPath: async ({ path: dropped }) => ok(await checkDroppedPath(dropped)),
  };
  await page.exposeFunction('__mleHost', (name: string, input: unknown) =>
    dispatchHost(handlers, name, input, null),
  );
  await page.addInitScript((paths: Record<string, string>) => {
    const g = globalThis as unknown as Record<string, unknown> & {
      __mleHost(name: string, input: unknown): Promise<unknown>;
    };
    g.mle = {
      host: 'electron',
      invoke: (command: string, input: unknown) =>
        fetch(`/api/command/${command}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          credentials: 'same-origin',
          body: JSON.stringify(input ?? {}),
        }).then((r) => r.json()),
      on: () => () => undefined,
      pathForFile: (file: { name: string }) => paths[file.name] ?? null,
      hostInvoke: (name: string, input: unknown) => g.__mleHost(name, input),
    };
  }, paths);
  // The first visit exchanges the token for the session cookie the stand-in's fetches carry.
  await page.goto(urlWithToken);
  await expect(page.locator('#root')).toHaveAttribute('data-app-state', 'loaded');
  return standIn;
}

test.describe('desktop renderer with a stand-in preload', () => {
  // Several page loads and drops per test: room for a loaded machine.
  test.describe.configure({ timeout: 90_000 });

  test('a dropped folder opens New run with its path and preview; main refuses a file and /etc', async ({
    page,
    served,
    dataDir,
  }) => {
    await page.setViewportSize({ width: 1280, height: 900 });
    const data = path.join(dataDir, 'churn');
    fs.mkdirSync(data);
    fs.writeFileSync(
      path.join(data, 'train.csv'),
      [
        'age,plan,churned',
        ...Array.from({ length: 80 }, (_, i) => `${20 + (i % 50)},${i % 3},${i % 2}`),
      ].join('\n'),
    );
    const notes = path.join(dataDir, 'notes.txt');
    fs.writeFileSync(notes, 'hello');
    const workspace = path.join(dataDir, 'repo');
    fs.mkdirSync(workspace);
    const standIn = await openWithStandInPreload(page, served.urlWithToken, {
      churn: data,
      'notes.txt': notes,
      etc: '/etc',
    });

    await dropFiles(page, [{ name: 'churn', text: '' }]);
    await expect(page).toHaveURL(/#\/new$/);
    await expect(page.getByLabel('Dataset path')).toHaveValue(data);
    await expect(page.getByTestId('dataset-preview')).toContainText('churned');

    // Browse: the host's folder dialog (here, the stand-in's pick), for the workspace too.
    standIn.picked = workspace;
    await page.getByRole('button', { name: 'Browse for the workspace' }).click();
    await expect(page.getByLabel('Workspace folder')).toHaveValue(workspace);
    // A cancelled dialog changes nothing.
    standIn.picked = null;
    await page.getByRole('button', { name: 'Browse for the dataset' }).click();
    await expect(page.getByLabel('Dataset path')).toHaveValue(data);
    await screen(page, 'drop-desktop-folder');

    await dropFiles(page, [{ name: 'notes.txt', text: 'hello' }]);
    await expect(page.getByTestId('drop-zone')).toContainText(
      '“notes.txt” is a file, not a dataset folder or a project.yaml.',
    );
    await dropFiles(page, [{ name: 'etc', text: '' }]);
    await expect(page.getByTestId('drop-zone')).toContainText(
      '“/etc” is a system folder (/etc), not a dataset folder',
    );
    await expect(page.getByLabel('Dataset path')).toHaveValue(data);
    // A File with no disk path behind it (made in JS): read by name, as a browser would.
    await dropFiles(page, [{ name: 'model.pkl', text: 'x' }]);
    await expect(page.getByTestId('drop-zone')).toContainText(
      '“model.pkl” is not a dataset folder or a project.yaml',
    );
  });

  test('the run header shows the workspace and the run folder in the file manager', async ({
    page,
    served,
  }) => {
    const { repo, close } = openSeeded(served.databasePath);
    try {
      seedBigRun(repo, { id: 'show-me', events: 50 });
    } finally {
      close();
    }
    const runFolder = path.join(path.dirname(served.databasePath), 'runs', 'show-me');
    fs.mkdirSync(runFolder, { recursive: true });
    const standIn = await openWithStandInPreload(page, served.urlWithToken, {});
    await page.goto(`${served.origin}/#/runs/show-me`);
    await expect(page.getByTestId('run-workspace')).toHaveText('/ws/show-me');
    await expect(page.getByRole('button', { name: 'Copy workspace path' })).toHaveCount(0);

    await page.getByRole('button', { name: 'Show run folder' }).click();
    await expect.poll(() => standIn.shown).toEqual([runFolder]);
    // The seeded workspace is not on this disk: said, nothing shown.
    await page.getByRole('button', { name: 'Show workspace in folder' }).click();
    await expect(page.getByRole('alert').filter({ hasText: '/ws/show-me' })).toContainText(
      'does not exist any more',
    );
    expect(standIn.shown).toEqual([runFolder]);
    await screen(page, 'run-header-show-in-folder', 1200);
  });
});
