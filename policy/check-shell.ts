import os from 'node:os';
import { type CheckOptions, checkScript } from './checker';
import type { Policy } from './load-policy';
import { makeWriteScope } from './paths';
import { type PolicyVerdict, allowedVerdict, blockedVerdict } from './verdict';

export interface CheckContext {
  /** The run's workspace: writes are allowed inside it. */
  workspaceDir: string;
  /** The home directory for `~`, `$HOME` and `~/...` allow-list entries. Defaults to os.homedir(). */
  homeDir?: string;
  /**
   * Where a path the command names lies on this machine, when the command runs in a container that sees the
   * workspace elsewhere (/workspace → the host folder). Used to read the scripts a command runs, to screen them.
   */
  hostPathOf?: (sandboxPath: string) => string;
}

export function checkOptions(policy: Policy, ctx: CheckContext): CheckOptions {
  const home = ctx.homeDir ?? os.homedir();
  return {
    policy,
    scope: makeWriteScope(ctx.workspaceDir, home, policy.allowPathsOutsideWorkspace, policy.protectedPaths),
    home,
    lenient: false,
    depth: 0,
    hostPathOf: ctx.hostPathOf ?? ((p) => p),
  };
}

/** Checks one shell command line (as the agent wrote it, before any environment prefix is added). */
export async function checkShellCommand(
  policy: Policy,
  command: string,
  ctx: CheckContext,
): Promise<PolicyVerdict> {
  const options = checkOptions(policy, ctx);
  const violation = await checkScript(command, options, {
    cwds: [options.scope.workspace],
    cwdUnknown: false,
  });
  return violation ? blockedVerdict('shell', violation) : allowedVerdict('shell');
}
