import dns from 'node:dns/promises';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { generateExample } from '../../engine/examples/generate';
import { startScriptedServer, type ScriptedServer } from '../../engine/llm/scripted-server';
import { expect, test } from '../fixtures/serve';
import { SCREENS, screen } from '../fixtures/screens';

// The Settings view through `mle-beast serve`: values saved through the UI survive a reload and a restart of
// serve on the same database; a value the engine refuses is explained at its field and nothing is saved.

async function openSettings(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await expect(page.locator('#root')).toHaveAttribute('data-app-state', 'loaded');
  await page.getByRole('link', { name: 'Settings', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
}

test.describe('settings through mle-beast serve', () => {
  test('settings persist across a reload and a restart of serve on the same database', async ({
    page,
    served,
  }) => {
    await openSettings(page, served.urlWithToken);

    // Keyboard: the theme select is reached and changed without the mouse.
    await page.getByLabel('Theme').focus();
    await page.getByLabel('Theme').selectOption('dark');
    await page.getByLabel('Max steps per run').fill('12');
    await page.getByLabel('Max failures in a row').fill('4');
    await page.getByLabel('Cost budget').fill('2.5');
    await page.getByLabel('Training').fill('45');
    await page.getByLabel('Provider', { exact: true }).selectOption('local');
    await page.getByLabel('Local server URL').fill('http://127.0.0.1:9/v1');
    await expect(page.getByTestId('save-status')).toHaveText('Unsaved changes.');
    await page.getByLabel('Training').press('Enter'); // Enter in a field saves
    await expect(page.getByTestId('save-status')).toHaveText('Saved.');
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    // The provider status follows the saved settings.
    await expect(page.getByTestId('provider-status')).toContainText('http://127.0.0.1:9/v1');

    const expectKept = async () => {
      await expect(page.getByLabel('Theme')).toHaveValue('dark');
      await expect(page.getByLabel('Max steps per run')).toHaveValue('12');
      await expect(page.getByLabel('Max failures in a row')).toHaveValue('4');
      await expect(page.getByLabel('Cost budget')).toHaveValue('2.5');
      await expect(page.getByLabel('Wall-clock budget')).toHaveValue('');
      await expect(page.getByLabel('Training')).toHaveValue('45');
      await expect(page.getByLabel('Provider', { exact: true })).toHaveValue('local');
      await expect(page.getByLabel('Local server URL')).toHaveValue('http://127.0.0.1:9/v1');
      await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    };

    await page.reload();
    await expect(page.locator('#root')).toHaveAttribute('data-app-state', 'loaded');
    await expectKept();

    const restarted = await served.restart();
    await openSettings(page, restarted.urlWithToken);
    await expectKept();
  });

  test('a value the engine refuses is explained at its field, and nothing is saved', async ({
    page,
    served,
  }) => {
    await openSettings(page, served.urlWithToken);
    const steps = page.getByLabel('Max steps per run');
    await steps.fill('0');
    await page.getByLabel('Theme').selectOption('light');
    await page.getByRole('button', { name: 'Save', exact: true }).click();

    await expect(steps).toHaveAttribute('aria-invalid', 'true');
    await expect(page.locator('#defaultMaxSteps-msg')).toHaveText(/>=\s?1|at least 1|too small/i);
    await expect(page.getByTestId('save-status')).toHaveText(/Nothing was saved/);
    await expect(steps).toBeFocused();
    await page.screenshot({ path: path.join(SCREENS, 'settings-invalid.png') });
    // Not the bad value, and not the good one sent with it either.
    const stored = await page.request.post(`${served.origin}/api/command/settings.get`, {
      headers: { Authorization: `Bearer ${served.token}` },
      data: {},
    });
    expect((await stored.json()).value).toMatchObject({ defaultMaxSteps: 30, theme: 'system' });

    // Correcting the field clears the message; the save goes through.
    await steps.fill('3');
    await expect(steps).toHaveAttribute('aria-invalid', 'false');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.getByTestId('save-status')).toHaveText('Saved.');
  });

  test('every control has a label, and the keyboard focus is visible', async ({ page, served }) => {
    await openSettings(page, served.urlWithToken);
    await expect(page.getByTestId('effective-policy')).toBeVisible();
    const unlabelled = await page.locator('main').evaluate((main) =>
      [...main.querySelectorAll('input, select, textarea, button')]
        .filter((el) => {
          const labels = (el as unknown as { labels?: ArrayLike<unknown> | null }).labels;
          const named = el.getAttribute('aria-label') || (el.tagName === 'BUTTON' && el.textContent?.trim());
          return !named && (!labels || labels.length === 0);
        })
        .map((el) => el.outerHTML.slice(0, 80)),
    );
    expect(unlabelled).toEqual([]);

    // A section link, reached and followed by keyboard, moves the focus to its section.
    await page.getByRole('link', { name: 'Limits & budgets' }).focus();
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { name: 'Limits & budgets' })).toBeFocused();
    await page.keyboard.press('Tab');
    await expect(page.getByLabel('Max steps per run')).toBeFocused();
    // Runs in the page: its getComputedStyle, typed loosely (this file is compiled without the DOM library).
    type Styled = { getComputedStyle(el: unknown): { outlineStyle: string; outlineWidth: string } };
    const outline = await page.getByLabel('Max steps per run').evaluate((el) => {
      const style = (globalThis as unknown as Styled).getComputedStyle(el);
      return `${style.outlineStyle} ${style.outlineWidth}`;
    });
    expect(outline).toBe('solid 2px');
  });

  test('the safety policy: a wrong addition is explained at the editor and not saved; a command is checked', async ({
    page,
    served,
  }) => {
    await openSettings(page, served.urlWithToken);
    await expect(page.getByTestId('effective-policy')).toContainText('Blocked commands');
    const before = await page.request.post(`${served.origin}/api/command/policy.get`, {
      headers: { Authorization: `Bearer ${served.token}` },
      data: {},
    });
    const editor = page.getByLabel('Your additions (JSON)');
    await editor.fill(
      JSON.stringify({
        blockedTokens: ['curl'],
        blockedPatterns: ['(unclosed'],
        allowPathsOutsideWorkspace: [],
      }),
    );
    await page.getByRole('button', { name: 'Save additions' }).click();
    await expect(editor).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByRole('alert').filter({ hasText: 'blockedPatterns.0' })).toBeVisible();
    await expect(page.getByTestId('policy-save-status')).toHaveText('Not saved.');
    const after = await page.request.post(`${served.origin}/api/command/policy.get`, {
      headers: { Authorization: `Bearer ${served.token}` },
      data: {},
    });
    expect((await after.json()).value.user).toEqual((await before.json()).value.user);

    await editor.fill('{ not json');
    await page.getByRole('button', { name: 'Save additions' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'not valid JSON' })).toBeVisible();
    await page.getByRole('button', { name: 'Discard', exact: true }).click();

    // The check box: the engine's verdict, with the rule and what to do.
    await page.getByLabel('Command', { exact: true }).fill('sudo rm -rf /');
    await page.getByLabel('Command', { exact: true }).press('Enter');
    await expect(page.getByTestId('policy-verdict')).toContainText('blocked');
    await page.getByLabel('Command', { exact: true }).fill('python train.py --epochs 3');
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await expect(page.getByTestId('policy-verdict')).toContainText('allowed');
  });

  test.describe('with a home folder of its own', () => {
    // The user's policy file lives in ~/.mle-beast: this serve gets a fresh HOME, so saving never touches the
    // real one.
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mle-beast-e2e-home-'));
    test.use({ serveEnv: { HOME: home } });
    test.afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

    test('saved policy additions are written, join the effective policy, and block a command', async ({
      page,
      served,
    }) => {
      await openSettings(page, served.urlWithToken);
      const file = path.join(home, '.mle-beast', 'policy.json');
      await expect(page.getByTestId('policy-file')).toContainText('not created yet');
      await page
        .getByLabel('Your additions (JSON)')
        .fill(
          JSON.stringify({ blockedTokens: ['curl'], blockedPatterns: [], allowPathsOutsideWorkspace: [] }),
        );
      await page.getByRole('button', { name: 'Save additions' }).click();
      await expect(page.getByTestId('policy-save-status')).toHaveText('Saved.');
      await expect(page.getByTestId('policy-file')).toContainText('in use');
      expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toMatchObject({ blocked_tokens: ['curl'] });
      await expect(page.getByTestId('effective-policy')).toContainText('(1 yours)');

      await page.getByLabel('Command', { exact: true }).fill('curl http://example.com');
      await page.getByRole('button', { name: 'Check', exact: true }).click();
      await expect(page.getByTestId('policy-verdict')).toContainText('blocked');
      await expect(page.getByTestId('policy-verdict')).toContainText('curl');
    });
  });

  test.describe('with a scripted OpenAI-compatible server as the local provider', () => {
    let llm: ScriptedServer;
    test.beforeAll(async () => {
      const perMillion = (usd: number) => String(usd / 1e6);
      llm = await startScriptedServer([], {
        modelEntries: [
          {
            id: 'gpt-4o-mini',
            name: 'GPT-4o mini',
            context_length: 128000,
            pricing: { prompt: perMillion(0.15), completion: perMillion(0.6) },
            supported_parameters: ['tools', 'temperature'],
          },
          {
            id: 'deepseek-v4-flash',
            name: 'DeepSeek V4 Flash',
            context_length: 64000,
            pricing: { prompt: perMillion(0.27), completion: perMillion(1.1) },
            supported_parameters: ['tools'],
          },
          {
            id: 'tiny-llama',
            name: 'Tiny Llama',
            context_length: 4096,
            pricing: { prompt: '0', completion: '0' },
            supported_parameters: ['temperature'],
          },
        ],
      });
    });
    test.afterAll(async () => llm.close());

    test('the live catalog: prices, search, fuzzy suggestions; data and about from the engine; screenshots', async ({
      page,
      served,
    }) => {
      await openSettings(page, served.urlWithToken);
      await page.getByLabel('Provider', { exact: true }).selectOption('local');
      await page.getByLabel('Local server URL').fill(llm.baseURL);
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await expect(page.getByTestId('save-status')).toHaveText('Saved.');

      const catalog = page.getByTestId('model-catalog');
      await expect(catalog).toContainText('3 models from local');
      await expect(catalog.getByRole('row', { name: /gpt-4o-mini/ })).toContainText('$0.15');
      await expect(catalog.getByRole('row', { name: /gpt-4o-mini/ })).toContainText('$0.60');
      await expect(catalog.getByRole('row', { name: /tiny-llama/ })).toContainText('no tool calls (JSON mode)');
      await page.getByLabel('Search models').fill('deepseek');
      await expect(catalog.getByRole('row')).toHaveCount(2); // the header and one model
      await page.getByLabel('Search models').fill('');

      // A misspelt name gets the catalog's closest ids; one click takes it.
      await page.getByLabel('Model', { exact: true }).fill('gpt-4o-mnii');
      const suggestions = page.getByTestId('model-suggestions');
      await expect(suggestions).toContainText('Did you mean');
      await suggestions.getByRole('button', { name: 'gpt-4o-mini' }).click();
      await expect(page.getByLabel('Model', { exact: true })).toHaveValue('gpt-4o-mini');
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await expect(page.getByTestId('save-status')).toHaveText('Saved.');
      await expect(page.getByTestId('provider-status')).toContainText('gpt-4o-mini');
      await expect(catalog.getByRole('row', { name: /gpt-4o-mini/ })).toContainText('chosen');

      const locations = page.getByTestId('data-locations');
      await expect(locations).toContainText(served.databasePath);
      await expect(locations).toContainText(path.join(path.dirname(served.databasePath), 'runs'));
      await expect(page.getByTestId('database-stats')).toContainText('None yet');

      // A real run in the database, for the statistics: started with these settings, it fails at its first
      // model call (the scripted server has no replies), leaving a failed run and its events.
      const data = path.join(path.dirname(served.databasePath), 'churn');
      const made = await generateExample('churn', data, { size: 120 });
      expect(made.ok).toBe(true);
      const call = (name: string, input: unknown) =>
        page.request.post(`${served.origin}/api/command/${name}`, {
          headers: { Authorization: `Bearer ${served.token}` },
          data: input,
        });
      const started = await call('runs.start', {
        folder: data,
        task: 'predict churn',
        overrides: { sandbox: 'local-unisolated' },
      });
      expect(started.status(), await started.text()).toBe(200);
      await expect
        .poll(async () => (await (await call('runs.list', {})).json()).value.runs[0]?.status, {
          timeout: 20_000,
        })
        .toBe('failed');
      await page.getByRole('button', { name: 'Count again' }).click();
      await expect(page.getByTestId('database-stats')).toContainText('1 failed');
      await expect(page.getByTestId('docker-status')).toContainText('not available');
      await expect(page.getByTestId('gpu-status')).not.toBeEmpty();
      await expect(page.getByTestId('provider-status')).toContainText('OPENROUTER_API_KEY');
      await expect(page.getByTestId('about')).toContainText('browser (mle-beast serve)');

      await page.getByLabel('Theme').selectOption('light');
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await expect(page.getByTestId('save-status')).toHaveText('Saved.');
      await screen(page, 'settings');
      await page.getByLabel('Theme').selectOption('dark');
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await expect(page.getByTestId('save-status')).toHaveText('Saved.');
      await screen(page, 'settings-dark');
    });
  });

  test.describe('with the real Docker daemon', () => {
    test.use({ serveEnv: { DOCKER_HOST: process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock' } });

    test('building an image shows a progress bar, then why it failed (from the finished event)', async ({
      page,
      served,
    }) => {
      // The GPU image's build starts by pulling its base from Docker Hub: offline (as here) it fails within
      // seconds through the real daemon; with a registry in reach it would download several GB instead.
      const online = await dns.lookup('registry-1.docker.io').then(
        () => true,
        () => false,
      );
      test.skip(online, 'Docker Hub is reachable: the GPU image build would download several GB');
      await openSettings(page, served.urlWithToken);
      await expect(page.getByTestId('docker-status')).toContainText('answers');
      const image = page.getByTestId('image-online');
      test.skip(
        !(await image.textContent())?.includes('not built'),
        'the GPU image is already built here; rebuilding it is not what this test is for',
      );
      // The build may fail faster than a poll could see the bar: a page-side observer records that it showed.
      type Watch = {
        sawProgress?: boolean;
        MutationObserver: new (cb: () => void) => { observe(n: unknown, o: object): void };
      };
      await image.evaluate((el) => {
        const g = globalThis as unknown as Watch;
        g.sawProgress = false;
        const seen = () => {
          if ((el as unknown as { querySelector(s: string): unknown }).querySelector('progress'))
            g.sawProgress = true;
        };
        new g.MutationObserver(seen).observe(el, { childList: true, subtree: true });
      });
      await image.getByRole('button', { name: /Build the GPU image/ }).click();
      // The bar shows at once; the outcome comes only through the sandbox.build.finished event.
      await expect(image.getByRole('alert')).toContainText('The build failed', { timeout: 60_000 });
      await expect(image.getByRole('alert')).toContainText('registry-1.docker.io');
      await expect(image.getByRole('progressbar')).toHaveCount(0);
      expect(
        await page.evaluate(() => (globalThis as unknown as { sawProgress?: boolean }).sawProgress),
      ).toBe(true);
      // The button is back, for a try once the network is there.
      await expect(image.getByRole('button', { name: /Build the GPU image/ })).toBeEnabled();
    });
  });
});
