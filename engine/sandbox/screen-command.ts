import path from 'node:path';
import { checkPythonFile, checkShellCommand, type Policy, type PolicyVerdict } from '../../policy/index';
import { CONTAINER_PATHS } from './docker-container';

/**
 * The policy's verdict on a command, read where it runs, as the agent's run_shell_command gets it:
 * - `host`: its paths are this machine's (the local sandbox without its own filesystem view);
 * - `sandbox`: its paths are the sandbox's (Docker, bubblewrap): the workspace at /workspace, HOME and /tmp the
 *   sandbox's own (thrown away with it, so writing there harms nothing); the scripts it runs are read from the
 *   workspace on this machine.
 * A Python file is always read on this machine, relative to the workspace.
 */
export interface ScreenRequest {
  command?: string;
  pythonFile?: string;
  /** The workspace on this machine. */
  workspaceDir: string;
  place: 'host' | 'sandbox';
}

export async function screenCommand(policy: Policy, request: ScreenRequest): Promise<PolicyVerdict> {
  const { workspaceDir } = request;
  if (request.pythonFile !== undefined && request.pythonFile.trim() !== '') {
    return checkPythonFile(policy, request.pythonFile, { workspaceDir });
  }
  const line = request.command ?? '';
  if (request.place === 'host') return checkShellCommand(policy, line, { workspaceDir });
  return checkShellCommand(
    { ...policy, allowPathsOutsideWorkspace: [...policy.allowPathsOutsideWorkspace, CONTAINER_PATHS.home] },
    line,
    {
      workspaceDir: CONTAINER_PATHS.workspace,
      homeDir: CONTAINER_PATHS.home,
      tempDir: CONTAINER_PATHS.tmp,
      hostPathOf: (p) =>
        p === CONTAINER_PATHS.workspace || p.startsWith(`${CONTAINER_PATHS.workspace}/`)
          ? path.join(workspaceDir, p.slice(CONTAINER_PATHS.workspace.length))
          : p,
    },
  );
}
