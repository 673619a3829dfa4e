import os from 'node:os';
import path from 'node:path';
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
  /**
   * The sandbox's private temp folder, as commands see it (`/tmp` in a container, which is its own): writable,
   * though not removable itself. Undefined: none, so writes to /tmp are outside (other processes' files).
   */
  tempDir?: string;
  /**
   * Folders no command may read or write: the app's data folder (its database, the run folders with the hidden
   * labels and holdout features, other runs' workspaces). Default: defaultPrivateDirs(homeDir).
   */
  privateDirs?: readonly string[];
  /** Folders inside a private one that commands may read: the run's visible data. */
  readableDirs?: readonly string[];
}

/**
 * The app's data folder: `~/.mle-beast`, and the folder of the database when MLE_BEAST_DB_PATH puts it
 * elsewhere (runs/ and workspaces/ live next to it).
 */
export function defaultPrivateDirs(homeDir: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const dirs = [path.join(homeDir, '.mle-beast')];
  const db = env.MLE_BEAST_DB_PATH?.trim();
  if (db) dirs.push(...appDataPaths(path.dirname(path.resolve(db)), homeDir, path.resolve(db)));
  return [...new Set(dirs)];
}

/**
 * What to keep private of an app home (the database's folder). Normally the whole folder; but a database put
 * directly in the home directory, /tmp or / must not make all of it private: then only what the app keeps
 * there (runs/, workspaces/, the database and its journal files).
 */
export function appDataPaths(appHome: string, homeDir: string, database?: string): string[] {
  const home = path.resolve(appHome);
  const broad = [path.resolve(homeDir), path.resolve(os.tmpdir()), '/tmp', '/var/tmp'];
  if (!broad.some((b) => b === home || b.startsWith(home === '/' ? '/' : `${home}${path.sep}`)))
    return [home];
  const db = database ?? path.join(home, 'mle_beast.db');
  return [path.join(home, 'runs'), path.join(home, 'workspaces'), db, `${db}-wal`, `${db}-shm`];
}

export function checkOptions(policy: Policy, ctx: CheckContext): CheckOptions {
  const home = ctx.homeDir ?? os.homedir();
  return {
    policy,
    scope: makeWriteScope({
      workspaceDir: ctx.workspaceDir,
      homeDir: home,
      allowEntries: policy.allowPathsOutsideWorkspace,
      protectedPaths: policy.protectedPaths,
      tempDir: ctx.tempDir ?? null,
      privateDirs: ctx.privateDirs ?? defaultPrivateDirs(home),
      readableDirs: ctx.readableDirs ?? [],
    }),
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
