import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures/serve';
import { screen } from '../fixtures/screens';

// Saved API keys through `mle-beast serve` on loopback, in Chromium: a key typed in Settings is kept in a 0600
// file beside the database (with the user's agreement), only its masked form ever comes back, it survives a
// reload, and it can be removed. Every HTTP response body and every event frame is checked for the key.

const KEY = 'sk-or-v1-e2e0123456789abcdef0123456789abcdef01234567';

// No key from the machine running the tests: the saved one must be what the provider status shows.
test.use({
  serveEnv: { OPENROUTER_API_KEY: undefined, OPENAI_API_KEY: undefined, LOCAL_LLM_BASE_URL: undefined },
});

/** Every response body and WebSocket frame the page receives, to look for the key in. */
function recordTraffic(page: Page): { bodies: Promise<string>[]; frames: string[] } {
  const bodies: Promise<string>[] = [];
  const frames: string[] = [];
  page.on('response', (response) => {
    bodies.push(response.text().catch(() => ''));
  });
  page.on('websocket', (ws) => ws.on('framereceived', (frame) => frames.push(String(frame.payload))));
  return { bodies, frames };
}

test('a key saved in Settings shows only masked, survives a reload, never comes back, and can be removed', async ({
  page,
  served,
}) => {
  // Many steps, each a round trip; on a loaded machine they take longer than the default 30 s together.
  test.setTimeout(120_000);
  const traffic = recordTraffic(page);
  await page.goto(`${served.urlWithToken}#/settings`);
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
  const keys = page.getByTestId('api-keys');
  const file = path.join(path.dirname(served.databasePath), 'saved-keys.json');

  // Where keys go, said plainly, before anything is typed.
  await expect(page.getByTestId('keys-backend')).toContainText('plain-text file');
  await expect(page.getByTestId('keys-backend')).toContainText(file);
  await expect(page.getByTestId('keys-backend')).toContainText('mode 0600');
  await expect(page.getByTestId('key-state-OPENROUTER_API_KEY')).toContainText('not saved');

  // Without the agreement: refused at the field, nothing written.
  const field = keys.getByLabel('OpenRouter key');
  await expect(field).toHaveAttribute('type', 'password');
  await field.fill(KEY);
  await keys.getByRole('button', { name: 'Save OpenRouter key' }).click();
  await expect(page.getByTestId('key-msg-OPENROUTER_API_KEY')).toContainText('tick the box');
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  expect(fs.existsSync(file)).toBe(false);

  // A bad key: the engine's message beside the field, nothing echoed.
  await keys.getByLabel('I agree to keep my keys as plain text').check();
  await field.fill('sk-or-v1 with spaces in it');
  await field.press('Enter'); // Enter in the key field saves the key (not the Settings form)
  await expect(page.getByTestId('key-msg-OPENROUTER_API_KEY')).toHaveText(
    'Not saved: the key contains spaces or line breaks: paste only the key, on one line.',
  );
  await expect(page.getByTestId('save-status')).not.toHaveText('Saved.');

  // Saved: the field is emptied, the mask shows, the file is the user's alone.
  await field.fill(KEY);
  await keys.getByRole('button', { name: 'Save OpenRouter key' }).click();
  await expect(page.getByTestId('key-msg-OPENROUTER_API_KEY')).toHaveText('Saved.');
  await expect(page.getByTestId('key-state-OPENROUTER_API_KEY')).toHaveText(/saved\s*sk-or-v1-\.\.\.4567/);
  await expect(field).toHaveValue('');
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  // The provider a run would use now follows the saved key.
  await expect(page.getByTestId('provider-status')).toContainText(
    'detected: OPENROUTER_API_KEY is set (saved',
  );
  await expect(page.getByTestId('provider-status')).toContainText('set as a saved key');
  await screen(page, 'settings-key-saved');

  // A reload: still masked, the field empty.
  await page.reload();
  await expect(page.getByTestId('key-state-OPENROUTER_API_KEY')).toHaveText(/saved\s*sk-or-v1-\.\.\.4567/);
  await expect(page.getByTestId('api-keys').getByLabel('OpenRouter key')).toHaveValue('');
  await expect(page.locator('body')).not.toContainText(KEY);

  // Removed.
  await page.getByRole('button', { name: 'Remove OpenRouter key' }).click();
  await expect(page.getByTestId('key-msg-OPENROUTER_API_KEY')).toHaveText('Removed.');
  await expect(page.getByTestId('key-state-OPENROUTER_API_KEY')).toContainText('not saved');
  expect(fs.readFileSync(file, 'utf8')).not.toContain(KEY);
  await expect(page.getByTestId('provider-status')).toContainText('no LLM provider configured');

  // Nothing the browser received held the key: every response body, every event frame.
  const bodies = await Promise.all(traffic.bodies);
  expect(bodies.length).toBeGreaterThan(10);
  expect(bodies.filter((b) => b.includes('secrets.') || b.includes('"entries"')).length).toBeGreaterThan(0);
  expect(bodies.filter((b) => b.includes(KEY))).toEqual([]);
  expect(traffic.frames.some((f) => f.includes('secrets.changed'))).toBe(true);
  expect(traffic.frames.filter((f) => f.includes(KEY))).toEqual([]);
});
