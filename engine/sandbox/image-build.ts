import path from 'node:path';
import readline from 'node:readline';
import { execa } from 'execa';
import type Dockerode from 'dockerode';
import { PRODUCT } from '../version';
import { connectDocker } from './docker-probe';
import { failWith, messageOf, succeed, type SandboxResult } from './errors';
import { inspectImage, offlineImageTag, sandboxImageTag, sandboxResourcesDir } from './images';

/**
 * Building the sandbox images.
 * - Online: `docker build` of resources/sandbox/Dockerfile through dockerode's buildImage, i.e. the Engine API
 *   that every other sandbox call uses. It needs no docker CLI (Docker Desktop, Podman's compat socket and a
 *   remote DOCKER_HOST work alike) and streams the same JSON progress the CLI prints. The legacy builder is
 *   enough for this single-stage recipe.
 * - Offline: resources/sandbox/build-offline.sh (debootstrap + `docker import`), which needs root.
 */

interface BuildEvent {
  stream?: string;
  status?: string;
  id?: string;
  error?: string;
  errorDetail?: { message?: string };
}

/** The daemon colours a step's stderr with terminal escapes: plain text for logs and messages. */
function plain(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}

export interface BuildResult {
  tag: string;
  sizeBytes: number;
  seconds: number;
}

export interface BuildOptions {
  tag?: string;
  /** Each progress line, as it comes. */
  onLine?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
  resourcesDir?: string;
}

/** Builds the GPU-capable image from the Dockerfile (pulls its base image: needs internet). */
export async function buildOnlineImage(
  options: BuildOptions & {
    docker?: Dockerode;
    /** Another CUDA/PyTorch base (the Dockerfile's BASE_IMAGE). */ baseImage?: string;
  } = {},
): Promise<SandboxResult<BuildResult>> {
  const tag = options.tag ?? sandboxImageTag();
  const dir = options.resourcesDir ?? sandboxResourcesDir(options.env);
  const started = performance.now();
  let docker = options.docker;
  if (!docker) {
    const connection = await connectDocker({ ...(options.env ? { env: options.env } : {}) });
    if (!connection.ok) return connection;
    docker = connection.value.docker;
  }
  const say = options.onLine ?? (() => undefined);
  say(`building ${tag} from ${path.join(dir, 'Dockerfile')} (this downloads several GB the first time)`);
  try {
    const stream = await docker.buildImage(
      { context: dir, src: ['Dockerfile'] },
      {
        t: tag,
        rm: true,
        forcerm: true,
        pull: !options.baseImage,
        buildargs: {
          MLE_BEAST_VERSION: PRODUCT.version,
          ...(options.baseImage ? { BASE_IMAGE: options.baseImage } : {}),
        },
      },
    );
    const lastStatus = new Map<string, string>();
    let stepError: string | null = null;
    await new Promise<void>((resolve, reject) => {
      docker.modem.followProgress(
        stream,
        (error: Error | null) => (error ? reject(error) : resolve()),
        (event: BuildEvent) => {
          if (event.error) {
            stepError = event.errorDetail?.message ?? event.error;
            return;
          }
          if (event.stream) {
            for (const line of plain(event.stream).split('\n')) if (line.trim()) say(line.trimEnd());
          } else if (event.status) {
            // Layer pulls report every few KB: print each layer's status only when it changes.
            const key = event.id ?? '';
            if (lastStatus.get(key) === event.status) return;
            lastStatus.set(key, event.status);
            say(event.id ? `${event.id}: ${event.status}` : event.status);
          }
        },
      );
    });
    if (stepError) return failWith('build_failed', `building ${tag} failed: ${plain(stepError).trim()}`);
  } catch (error) {
    return failWith('build_failed', `building ${tag} failed: ${messageOf(error)}`, error);
  }
  // followProgress reports a failed step as an error event, not always as an error: check the image exists.
  const built = await inspectImage(docker, tag);
  if (!built.ok) return built;
  if (!built.value)
    return failWith(
      'build_failed',
      `building ${tag} failed: the daemon reported no image (see the output above)`,
    );
  return succeed({
    tag,
    sizeBytes: built.value.sizeBytes,
    seconds: Math.round((performance.now() - started) / 1000),
  });
}

/** Builds the CPU image from Debian packages with build-offline.sh (root, debootstrap, docker CLI). */
export async function buildOfflineImage(options: BuildOptions = {}): Promise<SandboxResult<BuildResult>> {
  const tag = options.tag ?? offlineImageTag();
  const script = path.join(options.resourcesDir ?? sandboxResourcesDir(options.env), 'build-offline.sh');
  const started = performance.now();
  const say = options.onLine ?? (() => undefined);
  const child = execa('bash', [script, tag, PRODUCT.version], {
    env: options.env ?? process.env,
    extendEnv: false,
    buffer: false,
    reject: false,
    stdin: 'ignore',
  });
  const lines = [child.stdout, child.stderr].map((stream) => {
    const reader = readline.createInterface({ input: stream });
    reader.on('line', say);
    return new Promise<void>((resolve) => reader.once('close', resolve));
  });
  const result = await child;
  await Promise.all(lines);
  if (result.exitCode !== 0) {
    return failWith(
      'build_failed',
      `the offline image build failed (exit ${result.exitCode ?? result.signal}); see its output above.`,
    );
  }
  const docker = await connectDocker({ ...(options.env ? { env: options.env } : {}) });
  if (!docker.ok) return docker;
  const built = await inspectImage(docker.value.docker, tag);
  if (!built.ok) return built;
  if (!built.value)
    return failWith('build_failed', `the offline build finished but ${tag} is not on the daemon`);
  return succeed({
    tag,
    sizeBytes: built.value.sizeBytes,
    seconds: Math.round((performance.now() - started) / 1000),
  });
}
