import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures/serve';
import { screen } from '../fixtures/screens';
import { startScriptedModel } from '../fixtures/scripted-model-process';

// The New run form through `mle-beast serve`: a run created from the form on an example dataset, with the
// scripted model (the demo's scenario, on loopback) and the real Docker sandbox; and bad input explained on
// each field with nothing started.

const fieldError = (page: Page, field: string) => page.locator(`[data-field-error="${field}"]`);

test.describe('bad input', () => {
  test('is explained next to each field and nothing is started', async ({ page, served, dataDir }) => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${served.urlWithToken}#/new`);
    await expect(page.locator('#root')).toHaveAttribute('data-app-state', 'loaded');
    await expect(page.getByRole('heading', { name: 'New run' })).toBeVisible();

    await page.getByLabel('Dataset path').fill(path.join(dataDir, 'no-such-data'));
    await page.getByLabel('Metric', { exact: true }).fill('accuracy');
    await page.getByLabel('Target').fill('1.5');
    await page.getByLabel('Max steps').fill('ten');

    await expect(fieldError(page, 'dataset').first()).toContainText('does not exist');
    await expect(fieldError(page, 'task').first()).toContainText('the task description is empty');
    await expect(fieldError(page, 'target').first()).toContainText('between 0 and 1');
    await expect(fieldError(page, 'maxSteps').first()).toContainText('"ten"');
    // Each message is read with its field.
    await expect(page.getByLabel('Target')).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByLabel('Target')).toHaveAccessibleDescription(/between 0 and 1/);
    await expect(page.getByRole('button', { name: 'Start run' })).toBeDisabled();
    await screen(page, 'new-run-errors');

    // A browser drop gives no path: the page says so and the path field takes focus.
    await page
      .getByTestId('drop-zone')
      .dispatchEvent('drop', { dataTransfer: await page.evaluateHandle('new DataTransfer()') });
    await expect(page.getByTestId('drop-zone')).toContainText('does not tell the page where a file lives');
    await expect(page.getByLabel('Dataset path')).toBeFocused();

    // runs.list, as the Runs page reads it: still empty.
    await page.getByRole('link', { name: 'Runs' }).click();
    await expect(page.getByText('No runs yet.')).toBeVisible();
  });
});

test.describe('project.yaml', () => {
  test('imports into the form and exports the edited form', async ({ page, served, dataDir }) => {
    await page.goto(`${served.urlWithToken}#/new`);
    await expect(page.locator('#root')).toHaveAttribute('data-app-state', 'loaded');
    const file = path.join(dataDir, 'project.yaml');
    fs.writeFileSync(
      file,
      [
        'goals:',
        '  task_description: Predict the price of a house',
        '  target_metric: { name: rmse, target_value: 20000, comparison: "<=" }',
        `dataset: { train_path: ${JSON.stringify(path.join(dataDir, 'houses.csv'))} }`,
        'limits: { max_steps: 7, max_wall_minutes: 45 }',
        'models: { actor: some-model }',
        '',
      ].join('\n'),
    );
    await page.getByLabel('project.yaml to import').setInputFiles(file);
    await expect(page.getByLabel('Task')).toHaveValue('Predict the price of a house');
    await expect(page.getByLabel('Metric', { exact: true })).toHaveValue('rmse');
    await expect(page.getByLabel('Target')).toHaveValue('20000');
    await expect(page.getByLabel('Max steps')).toHaveValue('7');
    await expect(page.getByLabel('Max wall clock (minutes)')).toHaveValue('45');
    await expect(page.getByRole('combobox', { name: 'Actor model' })).toHaveValue('some-model');
    await expect(page.getByText('Imported project.yaml.')).toBeVisible();

    await page.getByLabel('Max steps').fill('9');
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export project.yaml' }).click();
    const saved = await (await download).path();
    const text = fs.readFileSync(saved, 'utf8');
    expect(text).toContain('task_description: Predict the price of a house');
    expect(text).toContain('max_steps: 9');
    expect(text).toContain('max_wall_minutes: 45');
  });
});

test.describe('a run from the form', () => {
  test.use({
    // eslint-disable-next-line no-empty-pattern
    serveEnv: async ({}, use) => {
      const model = await startScriptedModel();
      try {
        await use({
          MLE_BEAST_PROVIDER: 'local',
          LOCAL_LLM_BASE_URL: model.baseURL,
          LOCAL_LLM_API_KEY: 'scripted',
          MLE_BEAST_MODEL: 'scripted model',
          // The real Docker daemon.
          DOCKER_HOST: process.env.DOCKER_HOST,
        });
      } finally {
        model.child.kill('SIGTERM');
      }
    },
  });

  test('an example dataset, its preview, goal and target; Start lands on the run, followed live to the target', async ({
    page,
    served,
  }) => {
    test.setTimeout(9 * 60_000);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${served.urlWithToken}#/new`);
    await expect(page.locator('#root')).toHaveAttribute('data-app-state', 'loaded');
    await expect(page.getByTestId('docker-status')).toContainText('answers', { timeout: 20_000 });

    await page.getByRole('button', { name: /Customer churn/ }).click();
    await expect(page.getByLabel('Dataset path')).toHaveValue(/churn\.csv$/);
    const preview = page.getByTestId('dataset-preview');
    await expect(preview).toContainText('Table (CSV)', { timeout: 20_000 });
    await expect(preview).toContainText('2,000 rows');
    await expect(preview.getByRole('figure', { name: 'Classes and their counts' })).toContainText('0');
    await expect(preview.getByRole('table')).toContainText('tenure_months');

    await expect(page.getByLabel('Task')).toHaveValue(/churn/);
    await page.getByLabel('Task').fill('Predict whether a customer will churn from their account details.');
    await page.getByLabel('Metric', { exact: true }).fill('accuracy');
    await page.getByLabel('Target').fill('0.82');
    await page.getByRole('combobox', { name: 'Sandbox', exact: true }).selectOption('docker');
    await page.getByLabel('Max steps').fill('3');
    await expect(page.getByTestId('validation-status')).toHaveText('Ready to start.', { timeout: 30_000 });
    await expect(page.getByRole('button', { name: 'Start run' })).toBeEnabled();
    await screen(page, 'new-run');

    await page.getByRole('button', { name: 'Start run' }).click();
    await expect(page).toHaveURL(/#\/runs\/[^/]+$/, { timeout: 60_000 });
    await expect(page.getByRole('heading', { level: 1 })).toContainText('example-churn');
    // Live: the sandbox starts, the agent's data analysis passes its critic, the baseline passes in Docker.
    for (const stage of ['setup', 'data_analysis', 'baseline']) {
      await expect(page.locator(`[data-testid="stage"][data-stage="${stage}"]`)).toHaveAttribute(
        'data-status',
        'pass',
        { timeout: 5 * 60_000 },
      );
    }
    await expect(page.getByTestId('run-step')).toContainText('of 3');
    await screen(page, 'new-run-started');
    await page.getByRole('tab', { name: 'Console' }).click();
    await expect(page.getByTestId('console')).not.toBeEmpty();

    // To its end: the scripted hill-climb keeps step 3 (0.85 against the target 0.82), then the best commit is
    // scored once on the final hidden split.
    await expect(page.locator('.run-status-line [data-status]')).toHaveText('completed', {
      timeout: 7 * 60_000,
    });
    await expect(page.locator('.run-status-line')).toContainText('target reached');
    await expect(page.getByTestId('run-final')).toHaveText(/^0\.\d{4}$/);
    await page.getByRole('tab', { name: /^Experiments/ }).click();
    await expect(page.locator('[data-testid=experiment-row][data-outcome=kept]')).toHaveCount(1);
    await page.getByRole('tab', { name: 'Overview' }).click();
    await expect(page.getByRole('img', { name: /Training metrics of step/ })).toBeVisible();
    await screen(page, 'new-run-finished');
  });
});
