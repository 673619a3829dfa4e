import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { openSeeded, seedBigRun, seedRuns } from '../../engine/store/testing/seed-runs';
import { dropFiles } from '../fixtures/drop';
import { expect, test } from '../fixtures/serve';
import { SCREENS } from '../fixtures/screens';

// Accessibility of every view through `mle-beast serve`, in the light and the dark theme: axe-core finds no
// serious or critical violation (WCAG 2.1 A and AA rules: contrast, names and labels, roles, landmarks), and
// keyboard focus is visible on every control Tab reaches. A new view is one more line in VIEWS.

const DETAIL_RUN = 'a11y-detail';
const LIVE_RUN = 'a11y-live';

interface View {
  name: string;
  hash: string;
  /** Whether the database holds runs (history, an active run, a long detail) or none. */
  data: boolean;
  /** Waits until the view shows what it is for (not its loading state). */
  ready(page: Page): Promise<void>;
}

const VIEWS: View[] = [
  {
    name: 'runs-empty',
    hash: '#/runs',
    data: false,
    ready: (page) => expect(page.getByText('No runs yet.')).toBeVisible(),
  },
  {
    name: 'runs',
    hash: '#/runs',
    data: true,
    ready: async (page) => {
      await expect(page.getByTestId('run-row').first()).toBeVisible();
      await expect(page.getByTestId('run-card').first()).toBeVisible();
    },
  },
  {
    name: 'runs-no-match',
    hash: '#/runs',
    data: true,
    ready: async (page) => {
      await expect(page.getByTestId('run-row').first()).toBeVisible();
      await page.getByLabel('Search').fill('nothing is called this');
      await expect(page.getByText('No run matches.')).toBeVisible();
    },
  },
  // The run detail, tab by tab (each tab's content is its own view for assistive technology).
  ...(['overview', 'experiments', 'console', 'trace', 'documents', 'history'] as const).map((tab): View => ({
    name: `run-detail-${tab}`,
    hash: `#/runs/${DETAIL_RUN}`,
    data: true,
    ready: async (page) => {
      await expect(page.getByRole('tablist', { name: 'Run views' })).toBeVisible();
      await page.locator(`#tab-${tab}`).click();
      await expect(page.locator(`#panel-${tab}`)).toBeVisible();
      if (tab === 'console') await expect(page.getByRole('log')).toContainText('training finished');
    },
  })),
  {
    name: 'run-detail-live',
    hash: `#/runs/${LIVE_RUN}`,
    data: true,
    ready: async (page) => {
      await page.getByRole('tab', { name: 'Console' }).click();
      await expect(page.getByRole('log')).toContainText('training finished');
    },
  },
  {
    name: 'run-missing',
    hash: '#/runs/no-such-run',
    data: false,
    ready: (page) => expect(page.getByRole('heading', { name: 'No such run' })).toBeVisible(),
  },
  {
    name: 'new-run',
    hash: '#/new',
    data: false,
    ready: (page) => expect(page.getByRole('heading', { level: 1, name: 'New run' })).toBeVisible(),
  },
  {
    // A refused drop: the message on top of the Runs page (e2e/browser/drop.spec.ts drops for real).
    name: 'drop-refused',
    hash: '#/runs',
    data: false,
    ready: async (page) => {
      await expect(page.getByText('No runs yet.')).toBeVisible();
      await dropFiles(page, [{ name: 'train.csv', text: 'a,b\n1,2\n' }]);
      await expect(page.getByTestId('drop-notice')).toContainText(
        'is not a dataset folder or a project.yaml',
      );
    },
  },
  {
    name: 'settings',
    hash: '#/settings',
    data: false,
    ready: (page) => expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible(),
  },
  // The set-up wizard (opened again from Settings: the same view as on a first start), its first step with a
  // URL refused, and its key step for a hosted provider whose key is not set.
  {
    name: 'setup-provider',
    hash: '#/setup',
    data: false,
    ready: async (page) => {
      await expect(page.getByTestId('setup-wizard')).toBeVisible();
      await page.getByRole('radio', { name: /Local OpenAI-compatible server/ }).check();
      await page.getByLabel('Server URL').fill('not a url');
      await page.getByRole('button', { name: 'Next' }).click();
      await expect(page.getByTestId('wizard-blocked')).toBeVisible();
    },
  },
  {
    name: 'setup-key',
    hash: '#/setup',
    data: false,
    ready: async (page) => {
      await page
        .getByRole('radio', { name: /OpenAI/ })
        .first()
        .check();
      await page.getByRole('button', { name: 'Next' }).click();
      await expect(page.getByTestId('key-step')).toBeVisible();
    },
  },
  {
    name: 'setup-check-failed',
    hash: '#/setup',
    data: false,
    ready: async (page) => {
      await page.getByRole('radio', { name: /Local OpenAI-compatible server/ }).check();
      await page.getByLabel('Server URL').fill('http://127.0.0.1:9/v1');
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByRole('button', { name: 'Next' }).click();
      await expect(page.getByTestId('check-catalog')).toHaveAttribute('data-status', 'fail', {
        timeout: 20_000,
      });
    },
  },
  {
    // A saved API key: its masked form, the consent box, the Remove button (secrets.spec.ts is the flow).
    name: 'settings-key-saved',
    hash: '#/settings',
    data: false,
    ready: async (page) => {
      const keys = page.getByTestId('api-keys');
      await keys.getByLabel('I agree to keep my keys as plain text').check();
      await keys.getByLabel('OpenAI key').fill('sk-proj-a11yA11yA11yA11yA11yA11y0000');
      await keys.getByRole('button', { name: 'Save OpenAI key' }).click();
      await expect(page.getByTestId('key-state-OPENAI_API_KEY')).toContainText('sk-proj-...0000');
    },
  },
];

/** Runs of every status, one long ended run and one running run owned by this (live) process. */
function seed(databasePath: string): void {
  const { repo, close } = openSeeded(databasePath);
  try {
    seedRuns(repo, 45);
    seedBigRun(repo, { id: DETAIL_RUN, events: 3000 });
    seedBigRun(repo, {
      id: LIVE_RUN,
      events: 500,
      status: 'running',
      owner: { pid: process.pid, host: os.hostname() },
    });
  } finally {
    close();
  }
}

/** One line per violation: the rule, why it matters, and where (at most three elements). */
function describeViolations(violations: Awaited<ReturnType<AxeBuilder['analyze']>>['violations']): string {
  return violations
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help} (${v.helpUrl})\n` +
        v.nodes
          .slice(0, 3)
          .map((n) => `    ${n.target.join(' ')}: ${n.failureSummary?.replace(/\s+/g, ' ')}`)
          .join('\n'),
    )
    .join('\n');
}

for (const theme of ['light', 'dark'] as const) {
  test.describe(`accessibility, ${theme} theme`, () => {
    for (const view of VIEWS) {
      test(`${view.name}: no serious or critical axe violation`, async ({ page, served }) => {
        if (view.data) seed(served.databasePath);
        await page.emulateMedia({ colorScheme: theme });
        await page.setViewportSize({ width: 1280, height: 900 });
        await page.goto(`${served.urlWithToken}${view.hash}`);
        await view.ready(page);
        fs.mkdirSync(SCREENS, { recursive: true });
        await page.screenshot({ path: path.join(SCREENS, `a11y-${view.name}-${theme}.png`) });

        const results = await new AxeBuilder({ page })
          .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
          .analyze();
        const blocking = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
        expect(
          blocking.map((v) => `${v.impact} ${v.id}`),
          describeViolations(blocking),
        ).toEqual([]);
      });
    }
  });
}

test('keyboard focus is visible on every control Tab reaches on the Runs page', async ({ page, served }) => {
  test.setTimeout(120_000);
  seed(served.databasePath);
  await page.goto(`${served.urlWithToken}#/runs`);
  await expect(page.getByTestId('run-row').first()).toBeVisible();
  const unseen: string[] = [];
  const reached = new Set<string>();
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    const focus = await page.locator('*:focus').evaluate((el) => {
      const style = el.ownerDocument.defaultView!.getComputedStyle(el);
      const outlined = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
      const ringed = style.boxShadow !== 'none';
      const label = (el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 40);
      return { name: `${el.tagName.toLowerCase()} "${label}"`, visible: outlined || ringed };
    });
    if (!focus) continue;
    reached.add(focus.name);
    if (!focus.visible) unseen.push(focus.name);
  }
  expect(reached.size, 'Tab reaches the page controls').toBeGreaterThan(10);
  expect(unseen, 'controls whose keyboard focus shows no outline').toEqual([]);
});
