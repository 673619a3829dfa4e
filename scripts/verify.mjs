// The full check, as CI runs it: lint, types, formatting, build, unit/integration tests (Vitest) and
// end-to-end tests (Playwright). Every step runs even if an earlier one failed, so one run shows every
// problem; the last line totals the tests of both runners: `N passed, N failed, N skipped`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

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
const vitest = readJson(vitestJson);
if (vitest) {
  totals.passed += vitest.numPassedTests;
  totals.failed += vitest.numFailedTests;
  totals.skipped += vitest.numPendingTests + vitest.numTodoTests;
}
const playwright = readJson(playwrightJson);
if (playwright) {
  totals.passed += playwright.stats.expected + playwright.stats.flaky;
  totals.failed += playwright.stats.unexpected;
  totals.skipped += playwright.stats.skipped;
}
if (!vitest) failures.push('no Vitest report');
if (!playwright && built) failures.push('no Playwright report');

console.log('');
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
