import { probeDocker } from '../sandbox/docker-probe';
import { startDockerSandbox, type DockerSandbox } from '../sandbox/docker-sandbox';
import type { SandboxSpec } from '../sandbox/types';

/**
 * Shared by the Docker integration tests of datasets/ and scoring/ (tests only). Same rule as the sandbox's
 * own integration tests: where no Docker daemon answers, the suite is skipped with the reason in its title;
 * where a daemon answers but the sandbox image is missing, the tests FAIL with the command that builds it.
 */
export const daemon = await probeDocker(3000);

export function dockerSuiteTitle(name: string): string {
  return daemon.available
    ? `${name} (Docker ${daemon.version} at ${daemon.endpoint})`
    : `${name} (SKIPPED: no Docker daemon answers at ${daemon.endpoint}: ${daemon.error})`;
}

export async function startTestSandbox(spec: SandboxSpec): Promise<DockerSandbox> {
  const started = await startDockerSandbox({ forceCpu: true, network: 'none', ...spec });
  if (!started.ok)
    throw new Error(`the Docker sandbox did not start (${started.error.code}): ${started.error.message}`);
  return started.value;
}
