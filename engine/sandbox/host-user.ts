import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import type { AccessRecord } from './access-record';
import { failWith, messageOf, succeed, type SandboxResult } from './errors';

/**
 * Which uid:gid the sandbox's commands run as, so that what they write in the workspace belongs to the user:
 * - the host user's own uid:gid, when that user is not root;
 * - when the host user is root (CI, servers): the workspace owner's uid:gid if that is not root, so a run
 *   started by root on alice's folder still writes alice's files; otherwise the fixed ROOT_FALLBACK_USER. Then
 *   the workspace (read-write) and the data (read-only) must be opened to that uid: see grantSandboxAccess.
 * - on Windows (no uids) the image's user; Docker Desktop maps file ownership itself.
 */
export const ROOT_FALLBACK_USER = { uid: 1000, gid: 1000 } as const;

export interface SandboxUser {
  uid: number;
  gid: number;
  /** True when the host user is root and the sandbox user is someone else: access must be granted. */
  needsGrant: boolean;
}

export function resolveSandboxUser(
  workspaceDir: string,
  host: { uid: number; gid: number } | null = currentUser(),
  fallback: { uid: number; gid: number } = ROOT_FALLBACK_USER,
): SandboxUser {
  if (!host) return { ...fallback, needsGrant: false };
  if (host.uid !== 0) return { uid: host.uid, gid: host.gid, needsGrant: false };
  const owner = fs.statSync(workspaceDir);
  if (owner.uid !== 0) return { uid: owner.uid, gid: owner.gid, needsGrant: true };
  return { ...fallback, needsGrant: true };
}

function currentUser(): { uid: number; gid: number } | null {
  if (typeof process.getuid !== 'function' || typeof process.getgid !== 'function') return null;
  return { uid: process.getuid(), gid: process.getgid() };
}

/** Permission bits `want` (4 read, 2 write, 1 search) of a stat for a uid:gid, ignoring ACLs. */
function modeAllows(stat: fs.Stats, user: { uid: number; gid: number }, want: number): boolean {
  const bits =
    stat.uid === user.uid
      ? (stat.mode >> 6) & 7
      : stat.gid === user.gid
        ? (stat.mode >> 3) & 7
        : stat.mode & 7;
  return (bits & want) === want;
}

export interface GrantOptions {
  /** The setfacl program, or null when it is not installed (found on PATH by default). */
  setfacl?: string | null;
  /** Where every folder given ACL entries is noted (with its ACLs before), so the run's end takes them back. */
  record?: AccessRecord;
}

/**
 * Run by a root host before a sandbox starts as another uid: opens the workspace read-write and the data (and
 * any transient mount) read-only to that uid WITHOUT changing owners or mode bits, by adding POSIX ACL entries (setfacl, from the
 * `acl` package; removable with `setfacl -R -x u:UID DIR`), defaults included so files the engine creates later
 * stay writable. Symbolic links are not followed. Without setfacl: an empty workspace (a fresh run's) is handed
 * to the uid with chown; anything else that the uid cannot use is an error that says what to do, rather than a
 * silent chown or chmod of the user's files. Returns notes about what was done.
 */
export async function grantSandboxAccess(
  user: SandboxUser,
  dirs: {
    /** Opened read-write (omit to leave it as it is). */
    workspaceDir?: string;
    /** Folders or files mounted read-only: the data, transient mounts. */
    readOnly?: string[];
  },
  options: GrantOptions = {},
): Promise<SandboxResult<string[]>> {
  if (!user.needsGrant) return succeed([]);
  const setfacl = options.setfacl === undefined ? await findProgram('setfacl') : options.setfacl;
  const notes: string[] = [];
  const id = `${user.uid}:${user.gid}`;

  if (dirs.workspaceDir) {
    const workspace = fs.statSync(dirs.workspaceDir);
    if (workspace.uid !== user.uid) {
      if (setfacl) {
        const granted = await grantWorkspaceAccess(user, dirs.workspaceDir, setfacl, options.record);
        if (!granted.ok) return granted;
        notes.push(...granted.value);
      } else if (fs.readdirSync(dirs.workspaceDir).length === 0) {
        fs.chownSync(dirs.workspaceDir, user.uid, user.gid);
        notes.push(`handed the empty workspace to uid ${id}`);
      } else if (!modeAllows(workspace, user, 7)) {
        return failWith(
          'invalid_spec',
          `the sandbox runs as uid ${id}, which cannot write the workspace ${dirs.workspaceDir} (owned by uid ` +
            `${workspace.uid}). Install the acl package (sudo apt-get install acl) so mle-beast can grant access ` +
            `without changing owners, or hand the folder over yourself: chown -R ${id} ${dirs.workspaceDir}`,
        );
      }
    }
  }

  for (const dir of dirs.readOnly ?? []) {
    const granted = await grantReadAccess(user, dir, setfacl, options.record);
    if (!granted.ok) return granted;
    if (granted.value > 0) {
      notes.push(
        `granted uid ${user.uid} read access to ${granted.value} entries of ${dir} with ACLs (owners unchanged)`,
      );
    }
  }
  return succeed(notes);
}

/**
 * Opens the workspace read-write to the sandbox uid with ACL entries, walking it rather than `setfacl -R`:
 * - `.git` is opened read-only (what it cannot already read): with write access the sandbox uid, often a real
 *   person on a root host, could plant hooks that root's own git would later run;
 * - a file with more than one link is left alone: an ACL on it would change the user's other copy too;
 * - symbolic links are never followed.
 * Folders also get a default ACL, so files the engine creates later stay usable by the sandbox.
 */
async function grantWorkspaceAccess(
  user: SandboxUser,
  root: string,
  setfacl: string,
  record: AccessRecord | undefined,
): Promise<SandboxResult<string[]>> {
  const dirs: string[] = [];
  const files: string[] = [];
  let linked = 0;
  const pending = [root];
  while (pending.length > 0) {
    const current = pending.pop()!;
    const stat = fs.lstatSync(current);
    if (stat.isSymbolicLink() || stat.uid === user.uid) continue;
    if (current === path.join(root, '.git')) continue; // opened read-only below
    if (stat.isDirectory()) {
      dirs.push(current);
      for (const name of fs.readdirSync(current)) pending.push(path.join(current, name));
    } else if (stat.nlink > 1) linked++;
    else files.push(current);
  }
  const covered = await cover(record, root);
  if (!covered.ok) return covered;
  for (const [entries, paths] of [
    [`u:${user.uid}:rwx,d:u:${user.uid}:rwX`, dirs],
    [`u:${user.uid}:rwX`, files],
  ] as const) {
    for (let i = 0; i < paths.length; i += 500) {
      const granted = await runSetfacl(setfacl, entries, paths.slice(i, i + 500), false);
      if (!granted.ok) return granted;
    }
  }
  const notes = [`granted uid ${user.uid} read-write access to the workspace with ACLs (owners unchanged)`];
  if (linked > 0) notes.push(`left ${linked} hard-linked file(s) in the workspace read-only to the sandbox`);
  const git = path.join(root, '.git');
  if (fs.existsSync(git)) {
    const granted = await grantReadAccess(user, git, setfacl, record);
    if (!granted.ok) return granted;
  }
  return succeed(notes);
}

/**
 * Opens a read-only mount to the sandbox uid, touching only what that uid cannot already read. Data folders
 * hold hard links to the user's own files (a dataset's visible images): an ACL added to such a file would change
 * the user's original too, so a multiply-linked file is never modified — it is an error if it is unreadable.
 * Symbolic links are not followed. Returns how many entries were granted.
 */
async function grantReadAccess(
  user: SandboxUser,
  root: string,
  setfacl: string | null,
  record: AccessRecord | undefined,
): Promise<SandboxResult<number>> {
  const id = `${user.uid}:${user.gid}`;
  const dirs: string[] = [];
  const files: string[] = [];
  const pending = [root];
  while (pending.length > 0) {
    const current = pending.pop()!;
    const stat = fs.lstatSync(current);
    if (stat.isSymbolicLink() || stat.uid === user.uid) continue;
    if (stat.isDirectory()) {
      if (!modeAllows(stat, user, 5)) dirs.push(current);
      for (const name of fs.readdirSync(current)) pending.push(path.join(current, name));
    } else if (!modeAllows(stat, user, 4)) {
      if (stat.nlink > 1) {
        return failWith(
          'invalid_spec',
          `the sandbox runs as uid ${id}, which cannot read ${current}, and that file is hard-linked to another ` +
            `(likely your original), so mle-beast will not change its permissions. Make it readable ` +
            `(chmod o+r ${current}) or copy the dataset instead of linking it.`,
        );
      }
      files.push(current);
    }
  }
  if (dirs.length + files.length === 0) return succeed(0);
  if (!setfacl) {
    return failWith(
      'invalid_spec',
      `the sandbox runs as uid ${id}, which cannot read ${dirs[0] ?? files[0]}${dirs.length + files.length > 1 ? ` and ${dirs.length + files.length - 1} more` : ''}. ` +
        `Install the acl package (sudo apt-get install acl) so mle-beast can grant read access without ` +
        `changing owners, or make it readable: chmod -R o+rX ${root}`,
    );
  }
  const covered = await cover(record, root);
  if (!covered.ok) return covered;
  for (const [entries, paths] of [
    [`u:${user.uid}:rx`, dirs],
    [`u:${user.uid}:r`, files],
  ] as const) {
    // In batches, so a dataset of many files makes few setfacl calls without overlong command lines.
    for (let i = 0; i < paths.length; i += 500) {
      const granted = await runSetfacl(setfacl, entries, paths.slice(i, i + 500), false);
      if (!granted.ok) return granted;
    }
  }
  return succeed(dirs.length + files.length);
}

/** Notes `root` in the run's access record before the first ACL entry is added there. */
async function cover(record: AccessRecord | undefined, root: string): Promise<SandboxResult<void>> {
  try {
    await record?.cover(root);
    return succeed(undefined);
  } catch (error) {
    return failWith(
      'invalid_spec',
      `could not record the ACLs of ${root} before granting the sandbox user access (${messageOf(error)}), ` +
        'so they could not be given back at the end of the run; nothing was changed.',
      error,
    );
  }
}

async function runSetfacl(
  setfacl: string,
  entries: string,
  targets: string | string[],
  recursive = true,
): Promise<SandboxResult<void>> {
  const list = typeof targets === 'string' ? [targets] : targets;
  const dir = list.length === 1 ? list[0]! : `${list.length} entries under ${path.dirname(list[0]!)}`;
  try {
    await execa(setfacl, [...(recursive ? ['-R'] : []), '-P', '-m', entries, '--', ...list], {
      timeout: 120_000,
    });
    return succeed(undefined);
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    return failWith(
      'invalid_spec',
      `could not grant the sandbox user access to ${dir} with setfacl (${stderr || messageOf(error)}). ` +
        'Is the file system mounted without ACL support?',
      error,
    );
  }
}

async function findProgram(name: string): Promise<string | null> {
  for (const dir of (process.env.PATH ?? '').split(':').filter(Boolean)) {
    const candidate = `${dir}/${name}`;
    try {
      await fs.promises.access(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  return null;
}
