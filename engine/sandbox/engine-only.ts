import fs from 'node:fs';
import path from 'node:path';
import { ENGINE_ONLY_FOLDERS } from '../api/report';

/**
 * The workspace's engine-only folders (the run reports, with every earlier run's final-holdout score) that a
 * sandbox must cover, relative to the workspace root: those that are real folders on the host now.
 *
 * A missing one is not created here: Docker would make the mount point as root inside the user's folder, and a
 * sandbox on a folder that never had a run (`mle-beast sandbox exec` in any folder) should not leave one behind.
 * A run makes its workspace's folder before its sandbox starts (engine/report/write.ts prepareReportsFolder),
 * so a report written while the run goes on is covered too. A link or a file in its place is not covered
 * either: the engine never writes a report through one (write.ts refuses), so it holds none, and Docker would
 * mount over whatever a link points to.
 */
export function engineOnlyFoldersToMask(workspaceDir: string): string[] {
  return ENGINE_ONLY_FOLDERS.filter((name) =>
    fs.lstatSync(path.join(workspaceDir, name), { throwIfNoEntry: false })?.isDirectory(),
  );
}
