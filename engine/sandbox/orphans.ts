import type Dockerode from 'dockerode';
import { LABELS, ownerAlive } from './docker-container';
import { removeContainer, removeVolume } from './docker-sandbox';
import { connectDocker } from './docker-probe';
import { failWith, messageOf, succeed, type SandboxResult } from './errors';

export interface OrphanCleanup {
  /** Names of the containers removed. */
  containers: string[];
  /** Names of the HOME volumes removed. */
  volumes: string[];
  /** What could not be removed, and why (the rest was). */
  failures: string[];
}

/**
 * Removes the containers and HOME volumes labelled as mle-beast's whose run is not in `liveRunIds` and whose
 * creating process has ended: what a crash, a killed engine or a closed laptop left behind. The engine calls
 * it at start-up with the runs it is about to resume. Touches nothing without the dev.mlebeast.managed=true
 * label.
 */
export async function cleanupOrphanSandboxes(
  liveRunIds: Iterable<string>,
  options: { docker?: Dockerode; env?: NodeJS.ProcessEnv } = {},
): Promise<SandboxResult<OrphanCleanup>> {
  let docker = options.docker;
  if (!docker) {
    const connection = await connectDocker({ ...(options.env ? { env: options.env } : {}) });
    if (!connection.ok) return connection;
    docker = connection.value.docker;
  }
  const live = new Set(liveRunIds);
  const isOrphan = (labels: Record<string, string> | undefined) => {
    const runId = labels?.[LABELS.runId];
    return !(runId !== undefined && live.has(runId)) && !ownerAlive(labels?.[LABELS.owner]);
  };
  const filters = JSON.stringify({ label: [`${LABELS.managed}=true`] });
  const result: OrphanCleanup = { containers: [], volumes: [], failures: [] };
  try {
    for (const info of await docker.listContainers({ all: true, filters })) {
      if (!isOrphan(info.Labels)) continue;
      const name = info.Names?.[0]?.replace(/^\//, '') ?? info.Id;
      try {
        await removeContainer(docker.getContainer(info.Id));
        result.containers.push(name);
      } catch (error) {
        result.failures.push(`container ${name}: ${messageOf(error)}`);
      }
    }
    const { Volumes: volumes } = await docker.listVolumes({ filters });
    for (const volume of volumes ?? []) {
      if (!isOrphan(volume.Labels ?? undefined)) continue;
      try {
        await removeVolume(docker, volume.Name);
        result.volumes.push(volume.Name);
      } catch (error) {
        result.failures.push(`volume ${volume.Name}: ${messageOf(error)}`);
      }
    }
  } catch (error) {
    return failWith('docker_failed', `could not list mle-beast's containers: ${messageOf(error)}`, error);
  }
  return succeed(result);
}
