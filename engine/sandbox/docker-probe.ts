import type { DockerStatus } from '../api/app-info';

/** Where dockerode will connect: DOCKER_HOST (unix, tcp, ssh) or the platform's default socket. */
export function dockerEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DOCKER_HOST) return env.DOCKER_HOST;
  return process.platform === 'win32' ? 'npipe:////./pipe/docker_engine' : 'unix:///var/run/docker.sock';
}

/** Turns a connection failure into what is wrong and how to fix it. */
export function explainDockerError(error: unknown, endpoint: string): string {
  const e = error as NodeJS.ErrnoException & { statusCode?: number };
  switch (e?.code) {
    case 'ENOENT':
      return `no Docker daemon at ${endpoint}: Docker is not installed or not running. Install Docker and start it, or set DOCKER_HOST.`;
    case 'ECONNREFUSED':
      return `the Docker daemon at ${endpoint} refused the connection: it is not running. Start it (e.g. systemctl start docker).`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied on ${endpoint}: add your user to the docker group (sudo usermod -aG docker $USER, then log in again).`;
    case 'ETIMEDOUT':
    case 'ESOCKETTIMEDOUT':
      return `the Docker daemon at ${endpoint} did not answer in time.`;
    default:
      return `the Docker daemon at ${endpoint} did not answer: ${e?.message ?? String(error)}`;
  }
}

/** Asks the daemon for its version, within a time limit. Never throws. */
export async function probeDocker(
  timeoutMs = 2000,
  env: NodeJS.ProcessEnv = process.env,
): Promise<DockerStatus> {
  const endpoint = dockerEndpoint(env);
  try {
    // Loaded on first use: dockerode and its ssh stack cost ~100 ms of start-up that most commands never need.
    const { default: Docker } = await import('dockerode');
    const docker = new Docker({ timeout: timeoutMs });
    const version = await docker.version();
    return { available: true, version: version.Version ?? null, endpoint, error: null };
  } catch (error) {
    return { available: false, version: null, endpoint, error: explainDockerError(error, endpoint) };
  }
}
