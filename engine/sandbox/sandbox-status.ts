import type { SandboxStatus as ApiSandboxStatus } from '../api/sandbox';
import { connectDocker, dockerEndpoint, gpuRuntimeFromInfo } from './docker-probe';
import { probeGpu } from './gpu-probe';
import { BUILD_COMMANDS, SANDBOX_IMAGE, imageMissingMessage, inspectImage, offlineImageTag } from './images';
import { probeOsSandbox } from './os-sandbox/probe';

/**
 * Everything `sandbox.status` (and `mle-beast sandbox status`) reports; plain data, so it prints as JSON as is.
 * The image build going on is the service's to add (`build`).
 */
export type SandboxStatus = Omit<ApiSandboxStatus, 'build'>;

export async function sandboxStatus(
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<SandboxStatus> {
  const env = options.env ?? process.env;
  // The machine's probes do not depend on Docker: run them while the daemon is asked.
  const osProbe = probeOsSandbox(env);
  const gpuProbe = probeGpu(env);
  const images: SandboxStatus['images'] = [
    {
      tag: SANDBOX_IMAGE,
      variant: 'online',
      present: false,
      sizeBytes: null,
      createdAt: null,
      build: BUILD_COMMANDS.online,
    },
    {
      tag: offlineImageTag(),
      variant: 'offline',
      present: false,
      sizeBytes: null,
      createdAt: null,
      build: BUILD_COMMANDS.offline,
    },
  ];
  const docker: SandboxStatus['docker'] = {
    available: false,
    endpoint: dockerEndpoint(env),
    problem: null,
    version: null,
    apiVersion: null,
    os: null,
    cgroupVersion: null,
    cpus: null,
    memoryBytes: null,
    nvidiaRuntime: null,
  };
  const advice: string[] = [];
  const connection = await connectDocker({ env, timeoutMs: options.timeoutMs ?? 3000 });
  if (!connection.ok) {
    docker.problem = { code: connection.error.code, message: connection.error.message };
    advice.push(connection.error.message);
  } else {
    const client = connection.value.docker;
    docker.available = true;
    docker.version = connection.value.version;
    docker.apiVersion = connection.value.apiVersion;
    try {
      const info = await client.info();
      docker.os = info.OperatingSystem ?? null;
      docker.cgroupVersion = info.CgroupVersion ?? null;
      docker.cpus = info.NCPU ?? null;
      docker.memoryBytes = info.MemTotal ?? null;
      docker.nvidiaRuntime = gpuRuntimeFromInfo(info);
    } catch {
      // The version answered; info is a nicety.
    }
    for (const image of images) {
      const found = await inspectImage(client, image.tag);
      if (found.ok && found.value) {
        image.present = true;
        image.sizeBytes = found.value.sizeBytes;
        image.createdAt = found.value.createdAt;
      }
    }
  }
  const defaultImage = images.find((i) => i.present)?.tag ?? null;
  const ready = defaultImage !== null;
  if (docker.available && !ready) advice.push(imageMissingMessage());
  else if (docker.available && !images[0]!.present) {
    advice.push(
      `Only the CPU image is built; for GPU training build ${SANDBOX_IMAGE} with \`${BUILD_COMMANDS.online}\`.`,
    );
  }

  const os = await osProbe;
  const osSandbox: SandboxStatus['osSandbox'] =
    os.kind === 'none'
      ? { kind: 'none', available: false, program: null, reason: os.reason }
      : { kind: os.kind, available: true, program: os.program, reason: null };
  if (!docker.available) {
    advice.push(
      osSandbox.available
        ? `Without Docker, runs can use the local sandbox (isolated by ${osSandbox.kind}), without memory or CPU limits.`
        : `Without Docker there is no isolated sandbox here: ${osSandbox.reason}.`,
    );
  }

  const found = await gpuProbe;
  let note: string;
  if (!found.detected) note = `No GPU: ${found.reason}; runs train on the CPU.`;
  else if (docker.nvidiaRuntime === false)
    note =
      'The GPU is not handed to Docker sandboxes: no NVIDIA runtime on this daemon (install the NVIDIA Container Toolkit); Docker runs use the CPU.';
  else if (docker.available && !images[0]!.present)
    note = `A GPU is here, but only the CPU image is built: build ${SANDBOX_IMAGE} to train on it.`;
  else note = 'Runs can train on the GPU.';
  if (found.detected && docker.nvidiaRuntime === false) advice.push(note);

  return {
    ready,
    docker,
    images,
    defaultImage,
    osSandbox,
    gpu: { detected: found.detected, devices: found.devices, note },
    advice,
  };
}
