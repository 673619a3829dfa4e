import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type Dockerode from 'dockerode';
import { PRODUCT } from '../version';
import { failWith, messageOf, succeed, type SandboxResult } from './errors';

/**
 * The one place that names the sandbox images. Both carry the product version, so an upgraded app never runs
 * a stale image by accident:
 * - `mle-beast-sandbox:<version>`: the GPU-capable image built (or pulled and re-tagged) from
 *   resources/sandbox/Dockerfile;
 * - `mle-beast-sandbox:<version>-offline`: the CPU image built from Debian packages by
 *   resources/sandbox/build-offline.sh (CI, air-gapped machines).
 */
export const SANDBOX_IMAGE_REPOSITORY = 'mle-beast-sandbox';
export const SANDBOX_IMAGE = `${SANDBOX_IMAGE_REPOSITORY}:${PRODUCT.version}`;

export function sandboxImageTag(version: string = PRODUCT.version): string {
  return `${SANDBOX_IMAGE_REPOSITORY}:${version}`;
}

export function offlineImageTag(version: string = PRODUCT.version): string {
  return `${sandboxImageTag(version)}-offline`;
}

/** The commands that build each image, for messages. */
export const BUILD_COMMANDS = {
  online: 'mle-beast sandbox build',
  offline: 'mle-beast sandbox build --offline',
} as const;

/** What to tell a user whose daemon has neither image. */
export function imageMissingMessage(wanted?: string): string {
  const which = wanted
    ? `the sandbox image ${wanted} is not on the Docker daemon`
    : 'no sandbox image on the Docker daemon';
  return (
    `${which}: build the image with \`${BUILD_COMMANDS.offline}\` (CPU, from Debian packages, a few minutes, ` +
    `needs root and debootstrap) or \`${BUILD_COMMANDS.online}\` (GPU-capable PyTorch, needs internet), ` +
    `or pull a prebuilt one and tag it ${SANDBOX_IMAGE}.`
  );
}

/**
 * Folder holding the recipes (Dockerfile, build-offline.sh). The source tree and the CLI bundle (out/cli) both
 * sit two levels below the project root; a packaged app passes its resources folder or sets
 * MLE_BEAST_SANDBOX_RESOURCES.
 */
export function sandboxResourcesDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MLE_BEAST_SANDBOX_RESOURCES) return path.resolve(env.MLE_BEAST_SANDBOX_RESOURCES);
  // In a packaged app the code sits inside app.asar; the recipes are unpacked beside it (electron-builder.yml
  // asarUnpack), because bash and docker need real files.
  const here = path.dirname(fileURLToPath(import.meta.url)).replace(/\.asar(?=[\\/]|$)/, '.asar.unpacked');
  const candidates = [
    path.resolve(here, '../../resources/sandbox'),
    path.resolve(here, '../../../resources/sandbox'),
  ];
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'Dockerfile'))) ?? candidates[0]!;
}

export interface FoundImage {
  tag: string;
  /** The image's PATH, when its config sets one. */
  path: string | null;
  sizeBytes: number;
  offline: boolean;
  /** ISO time the image was created; null when the daemon does not say. */
  createdAt: string | null;
}

/**
 * The image a sandbox uses: `wanted` when given; else the GPU-capable image, else the offline one (with a note
 * saying the GPU image is not built). Neither present is an `image_missing` error that says how to build one.
 */
export async function findSandboxImage(
  docker: Dockerode,
  wanted?: string,
): Promise<SandboxResult<{ image: FoundImage; notes: string[] }>> {
  const candidates = wanted ? [wanted] : [SANDBOX_IMAGE, offlineImageTag()];
  for (const tag of candidates) {
    const found = await inspectImage(docker, tag);
    if (!found.ok) return found;
    if (found.value) {
      const notes =
        !wanted && tag !== SANDBOX_IMAGE
          ? [
              `using the offline CPU image ${tag}: ${SANDBOX_IMAGE} (GPU-capable PyTorch) is not built; ` +
                `build it with \`${BUILD_COMMANDS.online}\` to train on a GPU.`,
            ]
          : [];
      return succeed({ image: found.value, notes });
    }
  }
  return failWith('image_missing', imageMissingMessage(wanted));
}

/** An image's details, or null when the daemon does not have it. */
export async function inspectImage(
  docker: Dockerode,
  tag: string,
): Promise<SandboxResult<FoundImage | null>> {
  try {
    const info = await docker.getImage(tag).inspect();
    const pathEntry = (info.Config?.Env ?? []).find((e) => e.startsWith('PATH='));
    const labels = info.Config?.Labels ?? {};
    return succeed({
      tag,
      path: pathEntry ? pathEntry.slice(5) : null,
      sizeBytes: info.Size ?? 0,
      offline: tag.endsWith('-offline') || labels['dev.mlebeast.image-variant'] === 'offline',
      createdAt: info.Created ? new Date(info.Created).toISOString() : null,
    });
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return succeed(null);
    return failWith('docker_failed', `cannot inspect the image ${tag}: ${messageOf(error)}`, error);
  }
}
