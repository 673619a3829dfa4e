import { startDockerSandbox, type DockerSandboxOptions } from './docker-sandbox';
import { failWith, type SandboxResult } from './errors';
import { startLocalSandbox, type LocalSandboxOptions } from './local-sandbox';
import type { Sandbox, SandboxKind, SandboxSpec } from './types';

export type * from './types';
export { SandboxError, type SandboxErrorCode, type SandboxResult } from './errors';
export { DockerSandbox, startDockerSandbox, type DockerSandboxOptions } from './docker-sandbox';
export { LocalSandbox, LOCAL_WARNING, startLocalSandbox, type LocalSandboxOptions } from './local-sandbox';
export { cleanupOrphanSandboxes, type OrphanCleanup } from './orphans';
export { SANDBOX_IMAGE, offlineImageTag, sandboxImageTag, BUILD_COMMANDS } from './images';
export { DEFAULT_OUTPUT_CAP_BYTES } from './output-buffer';
export { defaultLimits } from './limits';

/**
 * Starts the sandbox of the kind asked for, and only that kind: a failed Docker start is reported, never
 * replaced by a local sandbox behind the user's back (choosing local is the caller's, and the user's, call).
 */
export async function startSandbox(
  spec: SandboxSpec,
  kind: SandboxKind,
  options: { docker?: DockerSandboxOptions; local?: LocalSandboxOptions } = {},
): Promise<SandboxResult<Sandbox>> {
  switch (kind) {
    case 'docker':
      return startDockerSandbox(spec, options.docker);
    case 'local':
      return startLocalSandbox(spec, options.local);
    default:
      return failWith(
        'invalid_spec',
        `unknown sandbox kind ${JSON.stringify(kind)}: use "docker" or "local"`,
      );
  }
}
