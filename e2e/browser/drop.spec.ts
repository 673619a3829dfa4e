import fs from 'node:fs';
import path from 'node:path';
import { dropFiles, dropRealFile } from '../fixtures/drop';
import { expect, test } from '../fixtures/serve';
import { screen } from '../fixtures/screens';

// Drag-and-drop anywhere on the window through `mle-beast serve` in Chromium: a browser host knows names and
// contents, never paths. A dropped project.yaml is read and fills the New run form through project.import; any
// other file is refused, saying what to drop; the overlay shows while files are dragged over the window.

const PROJECT_YAML = [
  'goals:',
  '  task_description: Predict which customers churn next month',
  '  target_metric: { name: roc_auc, target_value: 0.8, comparison: ">=" }',
  'dataset: { train_path: /data/churn }',
  'limits: { max_steps: 12 }',
  '',
].join('\n');

test.describe('drop on the window (browser host)', () => {
  // Several page loads and drops per test: room for a loaded machine.
  test.describe.configure({ timeout: 90_000 });

  test('a project.yaml dropped on the Runs page opens New run with the form filled', async ({
    page,
    served,
  }) => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${served.urlWithToken}#/runs`);
    await expect(page.locator('#root')).toHaveAttribute('data-app-state', 'loaded');
    await expect(page.getByText('No runs yet.')).toBeVisible();

    // Dragging files over the window: the overlay says what to drop, and what a browser can do with it.
    await dropFiles(page, [{ name: 'project.yaml', text: PROJECT_YAML }], { stage: 'enter' });
    const overlay = page.getByTestId('drop-overlay');
    await expect(overlay).toBeVisible();
    await expect(overlay).toContainText('Drop a dataset folder or a project.yaml');
    await expect(overlay).toContainText('A folder’s path must be typed');
    await page.screenshot({ path: 'test-results/screens/drop-overlay.png' });

    await dropFiles(page, [{ name: 'project.yaml', text: PROJECT_YAML }], { stage: 'drop' });
    await expect(overlay).toBeHidden();
    await expect(page).toHaveURL(/#\/new$/);
    await expect(page.getByRole('heading', { level: 1, name: 'New run' })).toBeVisible();
    await expect(page.getByLabel('Task')).toHaveValue('Predict which customers churn next month');
    await expect(page.getByLabel('Metric', { exact: true })).toHaveValue('roc_auc');
    await expect(page.getByLabel('Target')).toHaveValue('0.8');
    await expect(page.getByLabel('Max steps')).toHaveValue('12');
    await expect(page.getByLabel('Dataset path')).toHaveValue('/data/churn');
    await expect(page.getByText('Imported project.yaml.')).toBeVisible();
    // No Browse button where the host has no dialog: the typed path is the way in.
    await expect(page.getByRole('button', { name: /Browse for/ })).toHaveCount(0);
  });

  test('a file that is neither is refused, saying what to drop; nothing changes', async ({
    page,
    served,
  }) => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${served.urlWithToken}#/runs`);
    await expect(page.getByText('No runs yet.')).toBeVisible();

    await dropFiles(page, [{ name: 'train.csv', text: 'age,churned\n31,0\n' }]);
    const notice = page.getByRole('alert').filter({ hasText: 'train.csv' });
    await expect(notice).toHaveText(
      /“train\.csv” is not a dataset folder or a project\.yaml\. Drop a dataset folder, or a project\.yaml file to fill the New run form\./,
    );
    await expect(page).toHaveURL(/#\/runs$/);
    await screen(page, 'drop-refused');

    // Two things at once are refused too; Dismiss clears the message.
    await dropFiles(page, [
      { name: 'project.yaml', text: PROJECT_YAML },
      { name: 'other.yaml', text: PROJECT_YAML },
    ]);
    await expect(page.getByTestId('drop-notice')).toContainText(
      '2 items were dropped: drop one folder or one project.yaml at a time.',
    );
    await page.getByRole('button', { name: 'Dismiss this message' }).click();
    await expect(page.getByTestId('drop-notice')).toHaveCount(0);
    await expect(page).toHaveURL(/#\/runs$/);

    // On New run, a refusal is said in the dataset's drop zone, and the form is left as it was.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'New run' }).click();
    await page.getByLabel('Task').fill('Keep me');
    await dropFiles(page, [{ name: 'model.pkl', text: 'binary' }]);
    await expect(page.getByTestId('drop-zone')).toContainText(
      '“model.pkl” is not a dataset folder or a project.yaml.',
    );
    await expect(page.getByLabel('Task')).toHaveValue('Keep me');
    await screen(page, 'drop-refused-new-run');

    // A drop the dataset's zone takes (it stops the event) also ends the drag: a later drag that leaves the
    // window leaves no overlay behind.
    await dropFiles(page, [{ name: 'b.csv', text: 'x' }], { selector: '[data-testid="drop-zone"]' });
    await expect(page.getByTestId('drop-zone')).toContainText('“b.csv” is not a dataset folder');
    await dropFiles(page, [{ name: 'c.csv', text: 'x' }], { stage: 'enter' });
    await expect(page.getByTestId('drop-overlay')).toBeVisible();
    await dropFiles(page, [{ name: 'c.csv', text: 'x' }], { stage: 'leave' });
    await expect(page.getByTestId('drop-overlay')).toBeHidden();
  });

  test('a project.yaml that is not a valid project is not imported, and says why', async ({
    page,
    served,
    dataDir,
  }) => {
    await page.goto(`${served.urlWithToken}#/new`);
    await expect(page.getByRole('heading', { level: 1, name: 'New run' })).toBeVisible();
    await dropFiles(page, [{ name: 'project.yml', text: 'goals: [this is: not a mapping\n' }]);
    await expect(page.getByText(/^Not imported: /)).toBeVisible();

    // A real file from disk (the desktop spec's way of dropping one), read by the page here.
    const file = path.join(dataDir, 'project.yaml');
    fs.writeFileSync(file, PROJECT_YAML);
    await dropRealFile(page, file);
    await expect(page.getByLabel('Task')).toHaveValue('Predict which customers churn next month');
  });
});
