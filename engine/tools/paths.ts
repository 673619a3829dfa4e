import fs from 'node:fs';
import path from 'node:path';
import { isEngineReportFile } from '../api/report';
import { ToolError, type ToolContext } from './context';

// Paths the model gives: relative to the workspace, absolute sandbox paths (/workspace/x, /data/y in Docker),
// or host paths under the workspace or the data folder. All become host paths. File tools then act on the host
// filesystem, confined: writes only inside the workspace, never through a link that leaves it, never in .git;
// reads also in the data folder; nothing, by any path, of the engine's run report files (reports/report_<stamp>
// .html|pdf, which hold hidden holdout scores: api/report.ts isEngineReportFile). The rest of reports/ is the
// agent's like any folder (a brownfield repository's reports/figures/, say).

export type Area = 'workspace' | 'data';

export interface ModelPath {
  /** Host path (lexical: links not yet resolved). */
  host: string;
  area: Area;
  /** Relative to the area's root, with '/' separators ('' = the root). */
  rel: string;
}

function within(root: string, p: string): string | null {
  const rel = path.relative(root, p);
  if (rel === '') return '';
  if (rel.startsWith('..') || path.isAbsolute(rel)) return null;
  return rel.split(path.sep).join('/');
}

/** The refusal of an engine report file: what it is, and that no tool reaches it. */
function engineReportRefusal(given: string): ToolError {
  return new ToolError(
    `${given} is one of the engine's run reports in reports/ (they hold the hidden holdout scores): ` +
      'no tool may read, list or change it; the other files of reports/ and the workspace are yours',
  );
}

/**
 * Whether a host path is an engine report file, judged from the workspace's real path (and the path as given).
 * Case-insensitive, since on a case-insensitive disk `Reports/REPORT_….HTML` is the engine's file.
 */
export function isEngineReportAt(ctx: ToolContext, host: string): boolean {
  const rel = within(realWorkspace(ctx), host) ?? within(ctx.workspaceDir, host);
  return rel !== null && isEngineReportFile(rel, { anyCase: true });
}

/** Maps a path the model gave to a host path in the workspace or the data folder. Throws ToolError. */
export function resolveModelPath(ctx: ToolContext, given: string): ModelPath {
  const p = resolveModelPathAnywhere(ctx, given);
  if (p.area === 'workspace' && isEngineReportFile(p.rel, { anyCase: true }))
    throw engineReportRefusal(given);
  return p;
}

function resolveModelPathAnywhere(ctx: ToolContext, given: string): ModelPath {
  const raw = given.trim();
  if (raw.includes('\0')) throw new ToolError('the path contains a NUL character');
  const ws = ctx.workspaceDir;
  if (raw === '' || raw === '.') return { host: ws, area: 'workspace', rel: '' };
  if (!path.isAbsolute(raw)) {
    const host = path.resolve(ws, raw);
    const rel = within(ws, host);
    if (rel === null) throw new ToolError(`${given} is outside the workspace`);
    return { host, area: 'workspace', rel };
  }
  const p = path.posix.normalize(raw);
  const candidates: { root: string; host: string; area: Area }[] = [
    { root: ctx.sandbox.paths.workspace, host: ws, area: 'workspace' },
    { root: ws, host: ws, area: 'workspace' },
  ];
  if (ctx.dataDir) {
    if (ctx.sandbox.paths.data)
      candidates.push({ root: ctx.sandbox.paths.data, host: ctx.dataDir, area: 'data' });
    candidates.push({ root: ctx.dataDir, host: ctx.dataDir, area: 'data' });
  }
  for (const c of candidates) {
    const rel = within(c.root, p);
    if (rel !== null) return { host: rel === '' ? c.host : path.join(c.host, rel), area: c.area, rel };
  }
  const where = [ctx.sandbox.paths.workspace, ctx.sandbox.paths.data].filter(Boolean).join(' or ');
  throw new ToolError(`${given} is outside the workspace and the data folder (${where})`);
}

/** The path as code in the sandbox sees it. */
export function sandboxPathOf(ctx: ToolContext, p: ModelPath): string {
  const root = p.area === 'workspace' ? ctx.sandbox.paths.workspace : ctx.sandbox.paths.data;
  if (!root) throw new ToolError('no data folder in this sandbox');
  return p.rel === '' ? root : path.posix.join(root, p.rel);
}

/** Maps a sandbox path back to the host (identity for paths outside the known roots). */
export function hostPathOf(ctx: ToolContext, sandboxPath: string): string {
  const pairs: [string, string][] = [[ctx.sandbox.paths.workspace, ctx.workspaceDir]];
  if (ctx.sandbox.paths.data && ctx.dataDir) pairs.push([ctx.sandbox.paths.data, ctx.dataDir]);
  for (const [inside, host] of pairs) {
    const rel = within(inside, path.posix.normalize(sandboxPath));
    if (rel !== null) return rel === '' ? host : path.join(host, rel);
  }
  return sandboxPath;
}

/** The workspace's real path (links resolved), as file tools see the paths they walk. */
export function realWorkspace(ctx: ToolContext): string {
  return realOrSelf(ctx.workspaceDir);
}

function realOrSelf(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

function isGitPart(part: string): boolean {
  return part.toLowerCase() === '.git';
}

function lstatOrNull(p: string): fs.Stats | null {
  try {
    return fs.lstatSync(p);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * An existing file or folder to read: its real path must lie in the workspace or the data folder.
 * Returns the real path. Throws ToolError.
 */
export function readablePath(ctx: ToolContext, given: string): { real: string; path: ModelPath } {
  const p = resolveModelPath(ctx, given);
  let real: string;
  try {
    real = fs.realpathSync(p.host);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new ToolError(`${given} does not exist`);
    throw error;
  }
  const roots = [realOrSelf(ctx.workspaceDir), ...(ctx.dataDir ? [realOrSelf(ctx.dataDir)] : [])];
  if (!roots.some((r) => within(r, real) !== null)) {
    throw new ToolError(`${given} leads (through a symbolic link) outside the workspace and the data folder`);
  }
  // A link the agent made to a report or to its folder (`ln -s reports r`) leads there by another name.
  if (isEngineReportAt(ctx, real)) throw engineReportRefusal(given);
  return { real, path: p };
}

/**
 * A path to write in the workspace: creates its parent folders (never through a link that leaves the
 * workspace), refuses .git and a target that is a symbolic link. Returns the host path to open (with
 * O_NOFOLLOW) and whether it exists. Throws ToolError.
 */
export function writablePath(
  ctx: ToolContext,
  given: string,
  options: { createParents: boolean } = { createParents: true },
): { host: string; path: ModelPath; exists: boolean } {
  const p = resolveModelPath(ctx, given);
  if (p.area !== 'workspace') throw new ToolError(`${given} is in the data folder, which is read-only`);
  if (p.rel === '') throw new ToolError(`${given} is the workspace folder itself, not a file`);
  const parts = p.rel.split('/');
  if (parts.some(isGitPart)) throw new ToolError(`${given} is inside .git, which tools may not change`);
  const parent = ensureFolder(ctx, parts.slice(0, -1), given, options.createParents);
  const host = path.join(parent, parts[parts.length - 1]!);
  // `alias/report_….html` where alias is a link to reports/: the real folder reached is the engine's.
  if (isEngineReportAt(ctx, host)) throw engineReportRefusal(given);
  const st = lstatOrNull(host);
  if (st?.isSymbolicLink())
    throw new ToolError(`${given} is a symbolic link; tools do not write through links`);
  if (st?.isDirectory()) throw new ToolError(`${given} is a folder`);
  if (st && !st.isFile()) throw new ToolError(`${given} is not a regular file`);
  return { host, path: p, exists: st !== null };
}

/** Creates a workspace folder and its parents (mkdir -p), confined like writablePath. Returns its real path. */
export function makeFolder(ctx: ToolContext, given: string): { real: string; path: ModelPath } {
  const p = resolveModelPath(ctx, given);
  if (p.area !== 'workspace') throw new ToolError(`${given} is in the data folder, which is read-only`);
  const parts = p.rel === '' ? [] : p.rel.split('/');
  if (parts.some(isGitPart)) throw new ToolError(`${given} is inside .git, which tools may not change`);
  return { real: ensureFolder(ctx, parts, given, true), path: p };
}

/**
 * Walks `parts` down from the workspace root, creating missing folders; a link on the way is followed only
 * when its target stays inside the workspace (and is not in .git). Returns the real path reached.
 */
function ensureFolder(ctx: ToolContext, parts: string[], given: string, create: boolean): string {
  const root = realOrSelf(ctx.workspaceDir);
  let current = root;
  for (const part of parts) {
    const next = path.join(current, part);
    const st = lstatOrNull(next);
    if (!st) {
      if (!create) throw new ToolError(`the folder of ${given} does not exist`);
      try {
        fs.mkdirSync(next);
        // Group-writable for the same reason as files (files.ts GROUP_WRITABLE): the ACL mask.
        fs.chmodSync(next, 0o775);
        adoptOwner(ctx, next);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        // Raced with something else creating it: look again.
        const again = lstatOrNull(next);
        if (!again?.isDirectory()) throw new ToolError(`cannot create the folder of ${given}`);
      }
      current = next;
      continue;
    }
    if (st.isSymbolicLink()) {
      const real = realOrSelf(next);
      const rel = within(root, real);
      if (rel === null)
        throw new ToolError(`${given} goes through a symbolic link that leaves the workspace`);
      if (rel.split('/').some(isGitPart))
        throw new ToolError(`${given} goes through a link into .git, which tools may not change`);
      if (!fs.statSync(real).isDirectory()) throw new ToolError(`${path.join(...parts)} is not a folder`);
      current = real;
      continue;
    }
    if (!st.isDirectory()) throw new ToolError(`${part} in ${given} is a file, not a folder`);
    current = next;
  }
  return current;
}

/**
 * Gives what the tools create to the workspace's owner when this process is root and the workspace is not
 * root's (a Docker sandbox then runs as the owner's uid, and must be able to write there too). Best effort.
 */
export function adoptOwner(ctx: ToolContext, host: string): void {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return;
  try {
    const owner = fs.statSync(ctx.workspaceDir);
    if (owner.uid === 0) return;
    fs.lchownSync(host, owner.uid, owner.gid);
  } catch {
    // the files stay root's; commands in the sandbox get a permission error they can report
  }
}

/** Shows a host path the way the model named things: relative to the workspace, or the sandbox data path. */
export function displayPath(ctx: ToolContext, p: ModelPath): string {
  if (p.area === 'workspace') return p.rel === '' ? '.' : p.rel;
  return sandboxPathOf(ctx, p);
}
