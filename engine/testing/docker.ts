import { probeDocker } from '../sandbox/docker-probe';
import { startDockerSandbox, type DockerSandbox } from '../sandbox/docker-sandbox';
import type { SandboxSpec } from '../sandbox/types';
import { skippedTitle } from './skip';

/**
 * The Docker daemon as every Docker integration test sees it (tests only). Where no daemon answers, a
 * developer's run skips these suites with the reason in their titles; CI never does: with CI=true a daemon that
 * does not answer fails the test file at once, with one line saying what to do. Where a daemon answers but the
 * sandbox image is missing, the tests fail with the command that builds it (the sandbox's own error).
 */
export const daemon = await probeDocker(3000);

if (!daemon.available && process.env.CI === 'true') {
  throw new Error(
    `CI: no Docker daemon answers at ${daemon.endpoint} (${daemon.error?.split('\n')[0]}); the Docker ` +
      'sandbox suites must run in CI, not be skipped: run `bash scripts/setup.sh` (it installs and starts dockerd).',
  );
}

export function dockerSuiteTitle(name: string): string {
  return daemon.available
    ? `${name} (Docker ${daemon.version} at ${daemon.endpoint})`
    : skippedTitle(name, `no Docker daemon answers at ${daemon.endpoint}`);
}

export async function startTestSandbox(spec: SandboxSpec): Promise<DockerSandbox> {
  const started = await startDockerSandbox({ forceCpu: true, network: 'none', ...spec });
  if (!started.ok)
    throw new Error(`the Docker sandbox did not start (${started.error.code}): ${started.error.message}`);
  return started.value;
}
