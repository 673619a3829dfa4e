import { connectDocker, dockerEndpoint, gpuRuntimeFromInfo } from './docker-probe';
import type { SandboxErrorCode } from './errors';
import { BUILD_COMMANDS, SANDBOX_IMAGE, imageMissingMessage, inspectImage, offlineImageTag } from './images';

/** Everything `mle-beast sandbox status` reports; plain data, so it prints as JSON as is. */
export interface SandboxStatus {
  /** True when a Docker sandbox can start now: the daemon answers and a sandbox image is there. */
  ready: boolean;
  docker: {
    available: boolean;
    endpoint: string;
    /** What is wrong, as a code and a message that says what to do. */
    problem: { code: SandboxErrorCode; message: string } | null;
    version: string | null;
    apiVersion: string | null;
    os: string | null;
    cgroupVersion: string | null;
    cpus: number | null;
    memoryBytes: number | null;
    /** An NVIDIA runtime is configured on the daemon (the GPU request may still fail without a driver). */
    nvidiaRuntime: boolean | null;
  };
  images: Array<{
    tag: string;
    kind: 'gpu' | 'offline';
    present: boolean;
    sizeBytes: number | null;
    build: string;
  }>;
  /** The image a Docker sandbox would use by default, or null. */
  defaultImage: string | null;
  /** What the user should do, if anything. */
  advice: string[];
}

export async function sandboxStatus(
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<SandboxStatus> {
  const env = options.env ?? process.env;
  const images: SandboxStatus['images'] = [
    { tag: SANDBOX_IMAGE, kind: 'gpu', present: false, sizeBytes: null, build: BUILD_COMMANDS.online },
    {
      tag: offlineImageTag(),
      kind: 'offline',
      present: false,
      sizeBytes: null,
      build: BUILD_COMMANDS.offline,
    },
  ];
  const status: SandboxStatus = {
    ready: false,
    docker: {
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
    },
    images,
    defaultImage: null,
    advice: [],
  };
  const connection = await connectDocker({ env, timeoutMs: options.timeoutMs ?? 3000 });
  if (!connection.ok) {
    status.docker.problem = { code: connection.error.code, message: connection.error.message };
    status.advice.push(
      connection.error.message,
      'Without Docker, `mle-beast sandbox exec --local` runs commands on this machine in an OS sandbox (bubblewrap, Seatbelt), without memory or CPU limits.',
    );
    return status;
  }
  const { docker } = connection.value;
  status.docker.available = true;
  status.docker.version = connection.value.version;
  status.docker.apiVersion = connection.value.apiVersion;
  try {
    const info = await docker.info();
    status.docker.os = info.OperatingSystem ?? null;
    status.docker.cgroupVersion = info.CgroupVersion ?? null;
    status.docker.cpus = info.NCPU ?? null;
    status.docker.memoryBytes = info.MemTotal ?? null;
    status.docker.nvidiaRuntime = gpuRuntimeFromInfo(info);
  } catch {
    // The version answered; info is a nicety.
  }
  for (const image of images) {
    const found = await inspectImage(docker, image.tag);
    if (found.ok && found.value) {
      image.present = true;
      image.sizeBytes = found.value.sizeBytes;
    }
  }
  status.defaultImage = images.find((i) => i.present)?.tag ?? null;
  status.ready = status.defaultImage !== null;
  if (!status.ready) status.advice.push(imageMissingMessage());
  else if (!images[0]!.present) {
    status.advice.push(
      `Only the CPU image is built; for GPU training build ${SANDBOX_IMAGE} with \`${BUILD_COMMANDS.online}\`.`,
    );
  }
  if (status.docker.nvidiaRuntime === false && images[0]!.present) {
    status.advice.push(
      'No NVIDIA runtime on this daemon: runs will fall back to CPU (install the NVIDIA Container Toolkit for GPUs).',
    );
  }
  return status;
}
