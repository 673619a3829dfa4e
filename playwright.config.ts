import { defineConfig, type PlaywrightTestOptions, type PlaywrightWorkerOptions } from '@playwright/test';

// Never download a browser: the browser project drives the system Chromium, the electron project the
// Electron binary when one is installed (it is skipped, with one line saying why, where none is).
const chromium = process.env.MLE_BEAST_CHROMIUM ?? '/usr/bin/chromium';

/** Specs run alone after the others (see the browser-solo project). */
const SOLO = '**/notifications.spec.ts';
/** The browser projects' Chromium: the system one, with the flags a container without a GPU or sandbox needs. */
const BROWSER: Partial<PlaywrightTestOptions & PlaywrightWorkerOptions> = {
  browserName: 'chromium',
  launchOptions: {
    executablePath: chromium,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  },
};

export default defineConfig({
  testDir: 'e2e',
  globalSetup: './e2e/global-setup.ts',
  // Its own folder: Playwright empties it at start, and test-results/ also holds the Vitest report.
  outputDir: 'test-results/playwright',
  // A bound on a hang, not a measure: with two workers on two cores a page may share the CPU with a whole run.
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  // Two files at a time, in CI too: a spec waits on serve, scripted runs and containers much of its time.
  workers: 2,
  retries: 0,
  reporter: [
    ['list'],
    ['json', { outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT_FILE ?? 'test-results/playwright.json' }],
  ],
  use: { trace: 'retain-on-failure', screenshot: 'only-on-failure' },
  projects: [
    {
      name: 'browser',
      testDir: 'e2e/browser',
      testIgnore: SOLO,
      use: BROWSER,
    },
    // Specs that run after the others, alone: in two CI runs with a second worker beside it, the notifications
    // spec's serve stopped listening mid-test (its pages said "Reconnecting"); alone it passes. The cause is not
    // found yet: see the session note.
    {
      name: 'browser-solo',
      testDir: 'e2e/browser',
      testMatch: SOLO,
      dependencies: ['browser'],
      use: BROWSER,
    },
    { name: 'electron', testDir: 'e2e/electron' },
  ],
});
