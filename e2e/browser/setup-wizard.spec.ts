import type { ChildProcess } from 'node:child_process';
import { expect, test as served } from '../fixtures/serve';
import { screen } from '../fixtures/screens';
import { startScriptedModel } from '../fixtures/scripted-model-process';

// The first-start wizard through `mle-beast serve` in Chromium: a fresh database and no provider anywhere (the
// variables that could configure one are removed from serve's environment), so the app opens on the wizard.

const test = served.extend<{ scripted: { baseURL: string; child: ChildProcess } }>({
  // eslint-disable-next-line no-empty-pattern
  scripted: async ({}, use) => {
    const model = await startScriptedModel();
    try {
      await use(model);
    } finally {
      model.child.kill('SIGTERM');
    }
  },
});

/** No provider from this machine's environment: the wizard is what a new user sees. */
const NO_PROVIDER = {
  OPENROUTER_API_KEY: undefined,
  OPENAI_API_KEY: undefined,
  LOCAL_LLM_BASE_URL: undefined,
  LOCAL_LLM_API_KEY: undefined,
  MLE_BEAST_PROVIDER: undefined,
  MLE_BEAST_MODEL: undefined,
};

test.use({ firstStart: true });

test.describe('with the real Docker daemon', () => {
  // Fixtures included: the scripted model's process takes a while to start on a loaded machine.
  test.describe.configure({ timeout: 6 * 60_000 });
  test.use({ serveEnv: { ...NO_PROVIDER, DOCKER_HOST: process.env.DOCKER_HOST } });

  test('a first start goes through the wizard with a local server, and a run starts from New run', async ({
    page,
    served,
    scripted,
  }) => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(served.urlWithToken);
    await expect(page.locator('#root')).toHaveAttribute('data-app-state', 'loaded');
    const wizard = page.getByTestId('setup-wizard');
    await expect(wizard).toBeVisible();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Welcome to mle-beast');
    await expect(page.getByRole('heading', { level: 2 })).toHaveText('Step 1 of 5: Which LLM provider?');
    await expect(page.locator('[aria-current="step"]')).toContainText('Provider');
    await screen(page, 'setup-1-provider');

    // Next without a choice says what is missing; a URL that is not one says so.
    await page.getByRole('button', { name: 'Next' }).click();
    await expect(page.getByTestId('wizard-blocked')).toHaveText('Choose a provider to go on.');
    await page.getByRole('radio', { name: /Local OpenAI-compatible server/ }).check();
    await page.getByLabel('Server URL').fill('localhost:8000');
    await page.getByRole('button', { name: 'Next' }).click();
    await expect(page.getByTestId('wizard-blocked')).toContainText('must start with http:// or https://');
    await expect(page.getByLabel('Server URL')).toHaveAttribute('aria-invalid', 'true');
    await screen(page, 'setup-1-provider-error');
    await page.getByLabel('Server URL').fill(scripted.baseURL);
    // Enter in the field goes on (the step is a form).
    await page.getByLabel('Server URL').press('Enter');

    await expect(page.getByRole('heading', { level: 2 })).toHaveText('Step 2 of 5: The API key');
    await expect(page.getByRole('heading', { level: 2 })).toBeFocused();
    await expect(page.getByTestId('key-not-needed')).toContainText('A local server needs no key');
    await screen(page, 'setup-2-key');
    await page.getByRole('button', { name: 'Next' }).click();

    // The live check: the scripted server's model list, read through setup.check.
    await expect(page.getByRole('heading', { level: 2 })).toHaveText(
      'Step 3 of 5: Live check of the provider',
    );
    await expect(page.getByTestId('check-catalog')).toHaveAttribute('data-status', 'ok', { timeout: 20_000 });
    await expect(page.getByTestId('check-catalog')).toContainText(`1 model listed by ${scripted.baseURL}`);
    await expect(page.getByTestId('check-provider')).toHaveAttribute('data-status', 'ok');
    await screen(page, 'setup-3-check');
    await page.getByRole('button', { name: 'Next' }).click();

    // The model: fuzzy search over the live list, with what the provider says of prices.
    await expect(page.getByRole('heading', { level: 2 })).toHaveText('Step 4 of 5: Choose the model');
    await page.getByRole('button', { name: 'Next' }).click();
    await expect(page.getByTestId('wizard-blocked')).toHaveText('Choose a model from the list.');
    await page.getByLabel('Search models').fill('scrptd');
    await expect(page.getByRole('radio')).toHaveCount(1);
    await expect(page.locator('.model-choices')).toContainText('price not given');
    await page.getByRole('radio', { name: /scripted model/ }).check();
    await expect(page.getByTestId('chosen-model')).toHaveText('Chosen: scripted model');
    await page.getByLabel('Search models').fill('no such model at all');
    await expect(page.getByText('No model matches “no such model at all”')).toBeVisible();
    await page.getByLabel('Search models').fill('');
    await screen(page, 'setup-4-model');
    await page.getByRole('button', { name: 'Next' }).click();

    // The sandbox: the real daemon answers and the image the runs use is there.
    await expect(page.getByRole('heading', { level: 2 })).toHaveText('Step 5 of 5: The sandbox');
    await expect(page.getByTestId('check-docker')).toHaveAttribute('data-status', 'ok', { timeout: 30_000 });
    await expect(page.getByTestId('check-image')).toHaveAttribute('data-status', /ok|warn/);
    await expect(page.getByTestId('check-gpu')).toBeVisible();
    await screen(page, 'setup-5-sandbox');
    // Back keeps the choices made.
    await page.getByRole('button', { name: 'Back' }).click();
    await expect(page.getByTestId('chosen-model')).toHaveText('Chosen: scripted model');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Finish' }).click();

    // Saved: New run opens, and the provider is the one chosen.
    await expect(page).toHaveURL(/#\/new$/);
    await expect(page.getByRole('heading', { level: 1, name: 'New run' })).toBeVisible();
    const saved = await page.evaluate(async (token) => {
      const response = await fetch('/api/command/provider.status', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: '{}',
      });
      return ((await response.json()) as { value: { resolved: { provider: string; model: string } } }).value;
    }, served.token);
    expect(saved.resolved).toMatchObject({ provider: 'local', model: 'scripted model' });

    await page.getByRole('button', { name: /Customer churn/ }).click();
    await expect(page.getByTestId('dataset-preview')).toContainText('2,000 rows', { timeout: 20_000 });
    await page.getByLabel('Task').fill('Predict whether a customer will churn from their account details.');
    await page.getByLabel('Metric', { exact: true }).fill('accuracy');
    await page.getByLabel('Target').fill('0.82');
    await page.getByRole('combobox', { name: 'Sandbox', exact: true }).selectOption('docker');
    await page.getByLabel('Max steps').fill('3');
    await expect(page.getByTestId('validation-status')).toHaveText('Ready to start.', { timeout: 30_000 });
    await page.getByRole('button', { name: 'Start run' }).click();
    await expect(page).toHaveURL(/#\/runs\/[^/]+$/, { timeout: 60_000 });
    // Its first events: the sandbox starts and the setup stage passes, live.
    await expect(page.locator('[data-testid="stage"][data-stage="setup"]')).toHaveAttribute(
      'data-status',
      'pass',
      { timeout: 3 * 60_000 },
    );
    await page.getByRole('tab', { name: 'Console' }).click();
    await expect(page.getByTestId('console')).not.toBeEmpty();
    await screen(page, 'setup-run-started');
    // Stopped here: the rest of a run is new-run.spec.ts's.
    await page.getByRole('group', { name: 'Run controls' }).getByRole('button', { name: 'Cancel' }).click();
    await page
      .getByRole('dialog', { name: 'Cancel this run?' })
      .getByRole('button', { name: 'Cancel run' })
      .click();
    await expect(page.locator('.run-status-line [data-status]')).toHaveText('cancelled', { timeout: 60_000 });
  });
});

test.describe('without a provider or Docker', () => {
  // Many steps, each a round trip to the engine: room for a loaded machine.
  test.describe.configure({ timeout: 2 * 60_000 });
  test.use({ serveEnv: NO_PROVIDER });

  test('a dead server fails the live check with what to do; Skip opens the dashboard; Settings reopens it', async ({
    page,
    served,
  }) => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(served.urlWithToken);
    await expect(page.getByTestId('setup-wizard')).toBeVisible();

    // By keyboard: the radios, then Enter in the URL field.
    await page.getByRole('radio', { name: /OpenRouter/ }).focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await expect(page.getByRole('radio', { name: /Local OpenAI-compatible server/ })).toBeChecked();
    await page.getByLabel('Server URL').fill('http://127.0.0.1:9/v1');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { level: 2 })).toBeFocused();
    await page.getByRole('button', { name: 'Next' }).press('Enter');
    const catalog = page.getByTestId('check-catalog');
    await expect(catalog).toHaveAttribute('data-status', 'fail', { timeout: 20_000 });
    await expect(catalog).toContainText('Could not reach the local server at http://127.0.0.1:9/v1');
    await expect(catalog).toContainText('What to do: Start the local server, or correct its URL');
    await page.getByRole('button', { name: 'Next' }).click();
    await expect(page.getByTestId('wizard-blocked')).toContainText('The model list must be read');
    await screen(page, 'setup-3-check-failed');

    // OpenRouter without its key: the key step says which variable and where.
    await page.getByRole('button', { name: 'Back' }).click();
    await page.getByRole('button', { name: 'Back' }).click();
    await page.getByRole('radio', { name: /OpenRouter/ }).check();
    await page.getByRole('button', { name: 'Next' }).click();
    await expect(page.getByTestId('key-step')).toContainText('OPENROUTER_API_KEY is not set');
    await expect(page.getByTestId('key-step')).toContainText('export OPENROUTER_API_KEY=');
    await screen(page, 'setup-2-key-missing');
    await page.getByRole('button', { name: 'Next' }).click();
    await expect(page.getByTestId('check-key')).toHaveAttribute('data-status', 'fail', { timeout: 20_000 });

    // Skip: the dashboard, and it stays skipped after a reload.
    await page.getByRole('button', { name: 'Skip set-up' }).click();
    await expect(page).toHaveURL(/#\/runs$/);
    await expect(page.getByText('No runs yet.')).toBeVisible();
    await page.reload();
    await expect(page.getByText('No runs yet.')).toBeVisible();
    await expect(page.getByTestId('setup-wizard')).toHaveCount(0);

    // Settings reopens it; Cancel goes back without changing anything.
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Run set-up again' }).click();
    await expect(page).toHaveURL(/#\/setup$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Set-up');
    await expect(page.getByRole('heading', { level: 2 })).toHaveText('Step 1 of 5: Which LLM provider?');
    await screen(page, 'setup-again');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect(page).toHaveURL(/#\/settings$/);
  });
});
