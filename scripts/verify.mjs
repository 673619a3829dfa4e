// The full check, as CI runs it: lint, types, formatting, build, unit/integration tests (Vitest) and
// end-to-end tests (Playwright). Every step runs even if an earlier one failed, so one run shows every
// problem; the last line totals the tests of both runners: `N passed, N failed, N skipped`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { playwrightSkipReasons, vitestSkipReason } from './skip-reasons.mjs';

const results = 'test-results';
fs.mkdirSync(results, { recursive: true });
const vitestJson = `${results}/vitest.json`;
const playwrightJson = `${results}/playwright.json`;
for (const file of [vitestJson, playwrightJson]) fs.rmSync(file, { force: true });

const failures = [];
function step(name, command, args, env = {}) {
  console.log(`\n=== ${name}: ${[command, ...args].join(' ')}`);
  const run = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (run.status !== 0) failures.push(`${name} (exit ${run.status ?? run.signal})`);
  return run.status === 0;
}

const npx = (args) => ['npx', ['--no-install', ...args]];
step('lint', ...npx(['eslint', '.', '--max-warnings', '0']));
step('typecheck', 'npm', ['run', '--silent', 'typecheck']);
step('format', ...npx(['prettier', '--check', '.', '--log-level', 'warn']));
const built = step('build', 'npm', ['run', '--silent', 'build']);
step(
  'unit and integration tests',
  ...npx(['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`]),
);

if (built) {
  // Electron needs a display; wrap in Xvfb on a headless Linux machine (harmless for headless Chromium).
  const headless = process.platform === 'linux' && !process.env.DISPLAY && hasCommand('xvfb-run');
  const [cmd, args] = npx(['playwright', 'test']);
  step('end-to-end tests', ...(headless ? ['xvfb-run', ['-a', cmd, ...args]] : [cmd, args]), {
    PLAYWRIGHT_JSON_OUTPUT_FILE: playwrightJson,
  });
} else {
  failures.push('end-to-end tests (not run: the build failed)');
}

const totals = { passed: 0, failed: 0, skipped: 0 };
/** Skipped tests by reason: a skipped suite is never hidden in a bare count. */
const skippedBy = new Map();
const skip = (reason) => skippedBy.set(reason, (skippedBy.get(reason) ?? 0) + 1);
const vitest = readJson(vitestJson);
if (vitest) {
  totals.passed += vitest.numPassedTests;
  totals.failed += vitest.numFailedTests;
  totals.skipped += vitest.numPendingTests + vitest.numTodoTests;
  for (const file of vitest.testResults) {
    for (const test of file.assertionResults) {
      if (['pending', 'skipped', 'todo'].includes(test.status)) skip(vitestSkipReason(file.name, test));
    }
  }
}
const playwright = readJson(playwrightJson);
if (playwright) {
  totals.passed += playwright.stats.expected + playwright.stats.flaky;
  totals.failed += playwright.stats.unexpected;
  totals.skipped += playwright.stats.skipped;
  for (const reason of playwrightSkipReasons(playwright.suites ?? [])) skip(reason);
}
if (!vitest) failures.push('no Vitest report');
if (!playwright && built) failures.push('no Playwright report');

console.log('');
if (skippedBy.size > 0) {
  console.log(`skipped, by reason:`);
  for (const [reason, count] of [...skippedBy].sort((a, b) => b[1] - a[1]))
    console.log(`  ${count} × ${reason}`);
}
// Docker suites may skip on a laptop without Docker, never in CI (the test support fails them there too; this
// is the second lock, in case a suite skips some other way).
const dockerSkips = [...skippedBy.keys()].filter((reason) => /docker/i.test(reason));
if (process.env.CI === 'true' && dockerSkips.length > 0) {
  failures.push(`Docker suites skipped in CI (${dockerSkips.join('; ')})`);
}
if (failures.length > 0) console.log(`FAILED: ${failures.join('; ')}`);
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failures.length > 0 || totals.failed > 0 ? 1 : 0);

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

function hasCommand(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}
