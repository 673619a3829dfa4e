import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Dockerode from 'dockerode';
import type { DockerStatus } from '../api/app-info';
import { failWith, messageOf, succeed, type SandboxErrorCode, type SandboxResult } from './errors';

/**
 * Finding and diagnosing the Docker daemon. The client is dockerode (docker-modem underneath), which reads the
 * same environment as the docker CLI:
 * - DOCKER_HOST: unix:///path, npipe:////./pipe/name, tcp://host:port, ssh://user@host[:port];
 * - tcp with TLS: DOCKER_TLS_VERIFY=1 (or port 2376) switches to https; DOCKER_CERT_PATH holds ca.pem, cert.pem
 *   and key.pem (client certificates);
 * - ssh: docker-modem opens an ssh2 connection and runs `docker system dial-stdio` on the remote host, so the
 *   remote needs the docker CLI, and authentication goes through ssh-agent only (SSH_AUTH_SOCK; `ssh-add` the
 *   key first); ~/.ssh/config and key files are not read;
 * - unset: ~/.docker/run/docker.sock when it exists (recent Docker Desktop), else /var/run/docker.sock
 *   (//./pipe/docker_engine on Windows).
 * Docker contexts (`docker context use`) are not read: with Colima, OrbStack or Podman set DOCKER_HOST.
 */

/** Where dockerode will connect: DOCKER_HOST (unix, tcp, ssh) or the platform's default socket. */
export function dockerEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DOCKER_HOST) return env.DOCKER_HOST;
  if (process.platform === 'win32') return 'npipe:////./pipe/docker_engine';
  const desktop = path.join(os.homedir(), '.docker', 'run', 'docker.sock');
  return `unix://${fs.existsSync(desktop) ? desktop : '/var/run/docker.sock'}`;
}

/** True when a docker client or daemon program is on PATH (or Docker Desktop is in its usual place). */
export function dockerInstalled(env: NodeJS.ProcessEnv = process.env): boolean {
  const names =
    process.platform === 'win32' ? ['docker.exe', 'dockerd.exe'] : ['docker', 'dockerd', 'podman'];
  const dirs = (env.PATH ?? '').split(path.delimiter).filter(Boolean);
  if (process.platform === 'darwin') dirs.push('/Applications/Docker.app/Contents/Resources/bin');
  for (const dir of dirs) {
    for (const name of names) {
      try {
        fs.accessSync(path.join(dir, name), fs.constants.X_OK);
        return true;
      } catch {
        // not here
      }
    }
  }
  return false;
}

const INSTALL_HINT =
  'Install Docker (https://docs.docker.com/engine/install/, or on Debian/Ubuntu: sudo apt-get install docker.io), ' +
  'or point DOCKER_HOST at a daemon elsewhere.';
const START_HINT =
  'Start it (Linux: sudo systemctl start docker; macOS/Windows: open Docker Desktop), or point DOCKER_HOST at a running daemon.';

/** Classifies a failure to reach the daemon and says what to do about it. */
export function classifyDockerError(
  error: unknown,
  endpoint: string,
  env: NodeJS.ProcessEnv = process.env,
): { code: SandboxErrorCode; message: string } {
  const e = error as NodeJS.ErrnoException & { statusCode?: number; level?: string };
  const local = endpoint.startsWith('unix://') || endpoint.startsWith('npipe://');
  const text = messageOf(error);
  switch (e?.code) {
    case 'ENOENT':
      if (local && !dockerInstalled(env)) {
        return {
          code: 'docker_not_installed',
          message: `Docker is not installed: no daemon socket at ${endpoint} and no docker program on PATH. ${INSTALL_HINT}`,
        };
      }
      return {
        code: 'docker_not_running',
        message: `the Docker daemon is not running: no socket at ${endpoint}. ${START_HINT}`,
      };
    case 'ECONNREFUSED':
      return {
        code: 'docker_not_running',
        message: local
          ? `the Docker daemon is not running: ${endpoint} refused the connection. ${START_HINT}`
          : `nothing answers at ${endpoint}: the daemon there is not running, or DOCKER_HOST names the wrong host or port.`,
      };
    case 'EACCES':
    case 'EPERM':
      return {
        code: 'docker_permission_denied',
        message:
          `permission denied on ${endpoint}: your user may not use this Docker daemon. Add it to the docker group ` +
          '(sudo usermod -aG docker $USER, then log out and in again), or use rootless Docker ' +
          '(DOCKER_HOST=unix://$XDG_RUNTIME_DIR/docker.sock).',
      };
    case 'ETIMEDOUT':
    case 'ESOCKETTIMEDOUT':
    case 'ECONNRESET':
      return {
        code: 'docker_unreachable',
        message: `the Docker daemon at ${endpoint} did not answer in time.`,
      };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { code: 'docker_unreachable', message: `cannot resolve the host of DOCKER_HOST=${endpoint}.` };
  }
  if (
    endpoint.startsWith('ssh://') &&
    (e?.level === 'client-authentication' || /authentication/i.test(text))
  ) {
    return {
      code: 'docker_unreachable',
      message:
        `ssh authentication to ${endpoint} failed: mle-beast authenticates through ssh-agent only. ` +
        'Start an agent and add your key (eval "$(ssh-agent)"; ssh-add), then retry.',
    };
  }
  if (
    /certificate|self[- ]signed|SSL|TLS|EPROTO/i.test(text) ||
    /^(CERT_|DEPTH_ZERO|UNABLE_TO)/.test(e?.code ?? '')
  ) {
    return {
      code: 'docker_unreachable',
      message:
        `TLS to ${endpoint} failed (${text}): set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH to the folder with ` +
        'ca.pem, cert.pem and key.pem.',
    };
  }
  if (/DOCKER_HOST/.test(text) || /Invalid URL/i.test(text)) {
    return {
      code: 'docker_unreachable',
      message: `DOCKER_HOST=${endpoint} is malformed: use unix:///path, tcp://host:port or ssh://user@host.`,
    };
  }
  return { code: 'docker_unreachable', message: `the Docker daemon at ${endpoint} did not answer: ${text}` };
}

/** Turns a connection failure into what is wrong and how to fix it. */
export function explainDockerError(
  error: unknown,
  endpoint: string,
  env: NodeJS.ProcessEnv = process.env,
): string {
  return classifyDockerError(error, endpoint, env).message;
}

async function loadDockerode(): Promise<typeof Dockerode> {
  // Loaded on first use: dockerode and its ssh stack cost ~100 ms of start-up that most commands never need.
  const { default: Docker } = await import('dockerode');
  return Docker;
}

/** A dockerode client for the endpoint the environment names; a malformed DOCKER_HOST comes back as an error. */
export async function createDockerClient(
  options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<SandboxResult<Dockerode>> {
  const env = options.env ?? process.env;
  const endpoint = dockerEndpoint(env);
  try {
    const Docker = await loadDockerode();
    const saved = swapDockerEnv(env);
    try {
      return succeed(new Docker(options.timeoutMs ? { timeout: options.timeoutMs } : {}));
    } finally {
      swapDockerEnv(saved);
    }
  } catch (error) {
    const { code, message } = classifyDockerError(error, endpoint, env);
    return failWith(code, message, error);
  }
}

const DOCKER_ENV_KEYS = [
  'DOCKER_HOST',
  'DOCKER_TLS_VERIFY',
  'DOCKER_CERT_PATH',
  'DOCKER_CLIENT_TIMEOUT',
] as const;

/** docker-modem reads process.env when a client is built; lets a caller build one for another environment. */
function swapDockerEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const previous: NodeJS.ProcessEnv = {};
  for (const key of DOCKER_ENV_KEYS) {
    previous[key] = process.env[key];
    if (env[key] === undefined) delete process.env[key];
    else process.env[key] = env[key];
  }
  return previous;
}

export interface DockerConnection {
  docker: Dockerode;
  endpoint: string;
  version: string;
  apiVersion: string;
}

/** Connects and asks for the version within a time limit; every failure is classified. */
export async function connectDocker(
  options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<SandboxResult<DockerConnection>> {
  const env = options.env ?? process.env;
  const endpoint = dockerEndpoint(env);
  const probe = await createDockerClient({ timeoutMs: options.timeoutMs ?? 3000, env });
  if (!probe.ok) return probe;
  try {
    const version = await probe.value.version();
    const client = await createDockerClient({ env });
    if (!client.ok) return client;
    return succeed({
      docker: client.value,
      endpoint,
      version: version.Version ?? 'unknown',
      apiVersion: version.ApiVersion ?? 'unknown',
    });
  } catch (error) {
    const { code, message } = classifyDockerError(error, endpoint, env);
    return failWith(code, message, error);
  }
}

/** Asks the daemon for its version, within a time limit. Never throws. */
export async function probeDocker(
  timeoutMs = 2000,
  env: NodeJS.ProcessEnv = process.env,
): Promise<DockerStatus> {
  const endpoint = dockerEndpoint(env);
  const connection = await connectDocker({ timeoutMs, env });
  if (!connection.ok) return { available: false, version: null, endpoint, error: connection.error.message };
  return { available: true, version: connection.value.version, endpoint, error: null };
}

/** Whether the daemon can hand out NVIDIA GPUs: the nvidia runtime, or CDI devices, are configured. */
export function gpuRuntimeFromInfo(info: {
  Runtimes?: Record<string, unknown>;
  CDISpecDirs?: unknown;
}): boolean {
  if (info.Runtimes && Object.keys(info.Runtimes).some((name) => name.includes('nvidia'))) return true;
  return false;
}
