import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type Dockerode from 'dockerode';
import {
  CONTAINER_PATHS,
  LABELS,
  checkTransientTarget,
  containerName,
  containerOptions,
  gitMountKind,
  homeVolumeName,
  isGpuRefusal,
  ownerAlive,
  sandboxLabels,
  type ContainerPlan,
} from './docker-container';
import { AccessRecord, revokeRecordedAccess } from './access-record';
import { dockerCall, runDockerExec, runHelper, toSandboxError, type DockerExecContext } from './docker-exec';
import { connectDocker, dockerEndpoint } from './docker-probe';
import { SandboxError, failWith, messageOf, succeed, type SandboxResult } from './errors';
import { REQUIREMENTS_SCRIPT } from './exec-scripts';
import {
  ROOT_FALLBACK_USER,
  grantSandboxAccess,
  resolveSandboxUser,
  type GrantOptions,
  type SandboxUser,
} from './host-user';
import { findSandboxImage } from './images';
import { formatBytes, resolveLimits } from './limits';
import { cancelledBeforeStart, checkSpec } from './spec';
import type { ExecRequest, ExecResult, Sandbox, SandboxSpec, TransientMount } from './types';

/**
 * The Docker sandbox: one container per run (see docker-container.ts for its configuration), commands as execs
 * (docker-exec.ts). Error model: errors.ts. Start-up failures come back as values; exec and stop reject only
 * with a SandboxError for infrastructure faults.
 */

export interface DockerSandboxOptions {
  /** A connected client; by default one is made from the environment (DOCKER_HOST and friends). */
  docker?: Dockerode;
  /** The environment whose DOCKER_* variables pick the daemon (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** How long the daemon may take to answer the first call. */
  connectTimeoutMs?: number;
  /** The uid:gid used when the host user is root and the workspace belongs to root (default 1000:1000). */
  rootFallbackUser?: { uid: number; gid: number };
  /** The setfacl program (null: act as if it is not installed); found on PATH by default. */
  setfacl?: string | null;
}

export class DockerSandbox implements Sandbox {
  readonly kind = 'docker' as const;
  readonly isolation = 'container' as const;
  readonly paths: { workspace: string; data: string | null };
  private readonly warningList: string[];
  private stopping: Promise<void> | null = null;
  private restarting: Promise<void> | null = null;
  private readonly oneshots = new Set<Dockerode.Container>();

  readonly id: string;
  readonly gpu: boolean;
  private readonly access: SandboxUser;

  /** The image the container runs (the run's setup line records it, the report shows it). */
  get image(): string {
    return this.plan.image;
  }
  private readonly grantOptions: GrantOptions;

  constructor(
    private readonly docker: Dockerode,
    private readonly container: Dockerode.Container,
    private readonly plan: ContainerPlan,
    init: { gpu: boolean; warnings: string[]; access: SandboxUser; grantOptions: GrantOptions },
  ) {
    this.id = container.id;
    this.gpu = init.gpu;
    this.paths = { workspace: CONTAINER_PATHS.workspace, data: plan.dataDir ? CONTAINER_PATHS.data : null };
    this.warningList = init.warnings;
    this.access = init.access;
    this.grantOptions = init.grantOptions;
  }

  get runId(): string {
    return this.plan.runId;
  }

  get containerName(): string {
    return this.plan.name;
  }

  get warnings(): readonly string[] {
    return this.warningList;
  }

  async exec(request: ExecRequest): Promise<ExecResult> {
    if (this.stopping) throw new SandboxError('sandbox_gone', 'the sandbox was stopped');
    if (request.mounts && request.mounts.length > 0) return this.execWithMounts(request, request.mounts);
    this.running++;
    try {
      return await this.execInContainer(request);
    } finally {
      this.running--;
    }
  }

  /** Commands of this sandbox running now (in the main container). */
  private running = 0;

  private async execInContainer(request: ExecRequest): Promise<ExecResult> {
    try {
      return await runDockerExec(
        this.context(this.container, (reason) => this.restart(reason)),
        request,
      );
    } catch (error) {
      // The container stopped under us (its main process was killed, the daemon restarted): start it again once.
      if (
        error instanceof SandboxError &&
        error.code === 'sandbox_gone' &&
        !this.stopping &&
        (await this.revive())
      ) {
        return runDockerExec(
          this.context(this.container, (reason) => this.restart(reason)),
          request,
        );
      }
      throw error;
    }
  }

  /**
   * Stops and removes the container, its one-shot siblings and its HOME volume, then takes back the ACL entries
   * granted to the sandbox uid (once nothing runs as that uid any more). Safe to call twice.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await Promise.all([...this.oneshots].map((c) => removeContainer(c)));
      await removeContainer(this.container);
      await removeVolume(this.docker, this.plan.homeVolume);
      const problems = await this.grantOptions.record?.revoke().catch((e: Error) => [e.message]);
      for (const p of problems ?? []) this.warningList.push(`the sandbox user's access stays: ${p}`);
    })();
    return this.stopping;
  }

  private context(
    container: Dockerode.Container,
    forceKillAll: (reason: string) => Promise<void>,
  ): DockerExecContext {
    return {
      docker: this.docker,
      container,
      user: `${this.plan.user.uid}:${this.plan.user.gid}`,
      workspace: CONTAINER_PATHS.workspace,
      memoryLimitText: formatBytes(this.plan.limits.memoryBytes),
      forceKillAll,
      soleCommand: () => this.running <= 1,
    };
  }

  /** Kills every process of the container by restarting it: the last resort of a kill (a fork bomb). */
  private restart(reason: string): Promise<void> {
    this.restarting ??= (async () => {
      try {
        await this.container.restart({ t: 0 });
        this.warningList.push(
          `the sandbox container was restarted to stop a runaway command: ${reason}; /tmp was emptied.`,
        );
      } catch (error) {
        this.warningList.push(`the sandbox could not be restarted after ${reason}: ${messageOf(error)}`);
      } finally {
        this.restarting = null;
      }
    })();
    return this.restarting;
  }

  private async revive(): Promise<boolean> {
    try {
      const info = await this.container.inspect();
      if (info.State?.Running) return true;
      await this.container.start();
      this.warningList.push(
        'the sandbox container had stopped (its main process ended); it was started again.',
      );
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Docker fixes a container's mounts when it is created, so a command that needs extra read-only mounts (the
   * hidden holdout's features for predict.py) runs in a short-lived sibling: same image, user, limits and
   * workspace, network none, plus the mounts; removed when the command ends.
   */
  private async execWithMounts(request: ExecRequest, mounts: TransientMount[]): Promise<ExecResult> {
    for (const m of mounts) {
      const problem = checkTransientTarget(m.sandboxPath) ?? checkHostPath(m.hostPath, this.plan.localPaths);
      if (problem) throw new SandboxError('invalid_spec', `transient mount: ${problem}`);
    }
    if (request.signal?.aborted) return cancelledBeforeStart();
    if (this.access.needsGrant && this.plan.localPaths) {
      const granted = await grantSandboxAccess(
        this.access,
        { readOnly: mounts.map((m) => m.hostPath) },
        this.grantOptions,
      );
      if (!granted.ok) throw granted.error;
    }
    const plan: ContainerPlan = {
      ...this.plan,
      role: 'oneshot',
      name: `${this.plan.name}-once-${randomBytes(4).toString('hex')}`,
      network: 'none',
      gpu: this.gpu,
      extraMounts: mounts,
    };
    const sibling = await dockerCall('create the one-shot container', () =>
      this.docker.createContainer(containerOptions(plan)),
    );
    this.oneshots.add(sibling);
    try {
      if (this.stopping) throw new SandboxError('sandbox_gone', 'the sandbox was stopped');
      await dockerCall('start the one-shot container', () => sibling.start());
      const { mounts: _mounts, ...rest } = request;
      return await runDockerExec(
        this.context(sibling, async () => {
          await sibling.kill().catch(() => undefined);
        }),
        rest,
      );
    } finally {
      await removeContainer(sibling);
      this.oneshots.delete(sibling);
    }
  }
}

/** Starts a run's Docker sandbox. Expected failures (no daemon, no image, a bad spec) come back as values. */
export async function startDockerSandbox(
  spec: SandboxSpec,
  options: DockerSandboxOptions = {},
): Promise<SandboxResult<DockerSandbox>> {
  const env = options.env ?? process.env;
  const endpoint = dockerEndpoint(env);
  const localPaths = options.docker ? true : isLocalEndpoint(endpoint);
  const checked = checkSpec(spec, localPaths);
  if (!checked.ok) return checked;
  const s = checked.value;
  if (localPaths && gitMountKind(path.join(s.workspaceDir, '.git')) === 'link') {
    // The engine's git on the host would follow it to a folder the sandbox may write (hooks, filters).
    return failWith(
      'invalid_spec',
      `${path.join(s.workspaceDir, '.git')} is a symbolic link. mle-beast mounts a workspace's .git read-only ` +
        'and will not mount or trust a link: replace it with the repository folder itself.',
    );
  }

  let docker = options.docker;
  if (!docker) {
    const connection = await connectDocker({ timeoutMs: options.connectTimeoutMs ?? 5000, env });
    if (!connection.ok) return connection;
    docker = connection.value.docker;
  }

  const found = await findSandboxImage(docker, s.image);
  if (!found.ok) return found;
  const warnings = [...found.value.notes];

  let host: { memoryBytes: number; cpus: number };
  try {
    const info = await docker.info();
    host = { memoryBytes: info.MemTotal, cpus: info.NCPU };
  } catch (error) {
    return failWith(
      'docker_failed',
      `the Docker daemon did not describe its host: ${messageOf(error)}`,
      error,
    );
  }
  const limits = resolveLimits(s.limits, host);
  if (!limits.ok) return limits;

  const user = localPaths
    ? resolveSandboxUser(s.workspaceDir, undefined, options.rootFallbackUser ?? ROOT_FALLBACK_USER)
    : { ...(options.rootFallbackUser ?? ROOT_FALLBACK_USER), needsGrant: false };
  // Grants left by a process that died (its record in the run folder) are taken back before new ones are made,
  // so the new record's "before" is the user's own state.
  if (s.accessRecord) await revokeRecordedAccess(s.accessRecord);
  const grantOptions: GrantOptions = {
    ...(options.setfacl !== undefined ? { setfacl: options.setfacl } : {}),
    ...(localPaths && user.needsGrant ? { record: AccessRecord.open(s.accessRecord ?? null, user) } : {}),
  };
  if (localPaths) {
    const granted = await grantSandboxAccess(
      user,
      { workspaceDir: s.workspaceDir, readOnly: s.dataDir ? [s.dataDir] : [] },
      grantOptions,
    );
    if (!granted.ok) {
      await grantOptions.record?.revoke().catch(() => undefined);
      return granted;
    }
  }
  const plan: ContainerPlan = {
    runId: s.runId,
    role: 'main',
    name: containerName(s.runId),
    image: found.value.image.tag,
    imagePath: found.value.image.path,
    user: { uid: user.uid, gid: user.gid },
    limits: limits.value,
    network: s.network,
    gpu: !s.forceCpu,
    workspaceDir: s.workspaceDir,
    dataDir: s.dataDir ?? null,
    homeVolume: homeVolumeName(s.runId),
    env: s.env ?? {},
    localPaths,
  };

  const started = await startContainer(docker, plan, user, warnings, grantOptions);
  // A start that failed leaves nothing granted behind.
  if (!started.ok) await grantOptions.record?.revoke().catch(() => undefined);
  return started;
}

async function startContainer(
  docker: Dockerode,
  plan: ContainerPlan,
  user: SandboxUser,
  warnings: string[],
  grantOptions: GrantOptions,
): Promise<SandboxResult<DockerSandbox>> {
  try {
    const leftover = await clearLeftover(docker, plan.name);
    if (leftover) warnings.push(leftover);
    await docker.createVolume({ Name: plan.homeVolume, Labels: sandboxLabels(plan.runId, 'main') });
  } catch (error) {
    return failWith('start_failed', startFailure(plan, error), error);
  }

  let container: Dockerode.Container;
  let gpu = plan.gpu;
  try {
    container = await createAndStart(docker, plan);
  } catch (error) {
    if (!(gpu && isGpuRefusal(error))) {
      await removeVolume(docker, plan.homeVolume);
      return failWith('start_failed', startFailure(plan, error), error);
    }
    gpu = false;
    warnings.push(
      `GPU requested but the Docker daemon refused it (${firstLine(messageOf(error))}); running on CPU. ` +
        'To train on a GPU, install the NVIDIA driver and the NVIDIA Container Toolkit and restart Docker.',
    );
    try {
      container = await createAndStart(docker, { ...plan, gpu: false });
    } catch (retryError) {
      await removeVolume(docker, plan.homeVolume);
      return failWith('start_failed', startFailure(plan, retryError), retryError);
    }
  }

  const sandbox = new DockerSandbox(
    docker,
    container,
    { ...plan, gpu },
    { gpu, warnings, access: user, grantOptions },
  );
  const ready = await checkImageRequirements(docker, container, plan);
  if (!ready.ok) {
    await sandbox.stop();
    return ready;
  }
  warnings.push(...ready.value);
  return succeed(sandbox);
}

async function createAndStart(docker: Dockerode, plan: ContainerPlan): Promise<Dockerode.Container> {
  const container = await docker.createContainer(containerOptions(plan));
  try {
    await container.start();
    return container;
  } catch (error) {
    await removeContainer(container);
    throw error;
  }
}

/** Runs the requirements script: the image must have sh, setsid, grep, bash and a writable /tmp. */
async function checkImageRequirements(
  docker: Dockerode,
  container: Dockerode.Container,
  plan: ContainerPlan,
): Promise<SandboxResult<string[]>> {
  try {
    const result = await runHelper(
      { docker, container, user: `${plan.user.uid}:${plan.user.gid}` },
      REQUIREMENTS_SCRIPT,
      [],
      15_000,
    );
    if (result.exitCode !== 0) {
      const missing = /missing:(.*)/.exec(result.output)?.[1]?.trim() ?? result.output.trim();
      return failWith(
        'start_failed',
        `the image ${plan.image} lacks what the sandbox needs (${missing || `exit ${result.exitCode}`}): ` +
          'use an image built from resources/sandbox, or add sh, bash, grep and setsid (util-linux) to yours.',
      );
    }
    return succeed(
      /home-not-writable/.test(result.output)
        ? [
            `HOME (${CONTAINER_PATHS.home}) is not writable in ${plan.image}: pip install --user and caches will fail.`,
          ]
        : [],
    );
  } catch (error) {
    return failWith(
      'start_failed',
      `the sandbox container started but does not run commands: ${messageOf(error)}`,
      error,
    );
  }
}

/** Removes a container left by an earlier start of the same run; refuses to touch one that is not ours. */
async function clearLeftover(docker: Dockerode, name: string): Promise<string | null> {
  let info: Dockerode.ContainerInspectInfo;
  try {
    info = await docker.getContainer(name).inspect();
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return null;
    throw error;
  }
  const labels = info.Config?.Labels ?? {};
  if (labels[LABELS.managed] !== 'true') {
    throw new Error(`a container named ${name} exists and was not made by mle-beast; remove or rename it`);
  }
  if (ownerAlive(labels[LABELS.owner])) {
    throw new Error(
      `the run already has a live sandbox (${name}, started by ${labels[LABELS.owner]}); stop that one first`,
    );
  }
  await removeContainer(docker.getContainer(name));
  return `removed the container ${name} left over from an earlier start of this run.`;
}

function startFailure(plan: ContainerPlan, error: unknown): string {
  const text = messageOf(error);
  if (/bind source path does not exist|invalid mount config/i.test(text)) {
    return `the sandbox container cannot mount a folder (${text}); with a remote DOCKER_HOST the workspace and data must exist on the Docker host.`;
  }
  return `could not start the sandbox container ${plan.name} from ${plan.image}: ${text}`;
}

export async function removeContainer(container: Dockerode.Container): Promise<void> {
  try {
    await container.remove({ force: true, v: true });
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    if (status === 404) return;
    if (status === 409 && /already in progress/i.test(messageOf(error))) return;
    throw toSandboxError('remove the sandbox container', error);
  }
}

export async function removeVolume(docker: Dockerode, name: string): Promise<void> {
  for (let attempt = 0; attempt < 10; attempt++) {
    try {
      await docker.getVolume(name).remove();
      return;
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode;
      if (status === 404) return;
      if (status !== 409 || attempt === 9) throw toSandboxError(`remove the volume ${name}`, error);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Whether host paths given to the daemon are on this machine (a socket or pipe, not tcp or ssh). */
export function isLocalEndpoint(endpoint: string): boolean {
  return endpoint.startsWith('unix://') || endpoint.startsWith('npipe://');
}

function checkHostPath(hostPath: string, local: boolean | undefined): string | null {
  if (typeof hostPath !== 'string' || !path.isAbsolute(hostPath))
    return `hostPath must be an absolute path (got ${hostPath})`;
  if (local && !fs.existsSync(hostPath)) return `hostPath ${hostPath} does not exist`;
  return null;
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? text;
  return line.replace(/^\(HTTP code \d+\)[^-]*-\s*/, '').trim();
}
