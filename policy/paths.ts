import fs from 'node:fs';
import path from 'node:path';

// Where a write lands. A path is resolved the way the kernel would: component by component, following
// every symlink that exists now (so `link/x` where link -> /etc is /etc/x, and `link/../x` is the
// parent of the link's target, not of the link), and lexically past the first component that does not
// exist yet (it cannot be a symlink). The result is compared with the workspace and the allow-list,
// both also resolved through symlinks (on macOS /tmp is /private/tmp).

/** Writing to these is harmless: they are streams, not files. */
const SINKS = [
  /^\/dev\/(null|zero|full|stdout|stderr|stdin|tty)$/,
  /^\/dev\/fd\/\d+$/,
  /^\/proc\/self\/fd\/\d+$/,
];

export interface WriteScope {
  /** The workspace, resolved. */
  readonly workspace: string;
  /** Allowed roots outside the workspace, resolved (the allow-list, then the private temp folder). */
  readonly allowed: readonly string[];
  /** Files that must never be written (the user's policy file), resolved. */
  readonly protectedPaths: readonly string[];
  /**
   * Folders no command may read or write (the app's data folder: the database, the run folders with their
   * hidden labels, other runs' workspaces), resolved. The workspace and `readable` stay usable inside them.
   */
  readonly privateDirs: readonly string[];
  /** Folders inside a private one that commands may read (the run's visible data), resolved. */
  readonly readable: readonly string[];
}

export type WriteClass = { resolved: string } & (
  | { ok: true; where: 'workspace' | 'allowed' | 'sink' }
  | { ok: false; why: 'outside' | 'protected' | 'private' | 'workspace-root' | 'allowed-root' }
);

export interface ScopeOptions {
  workspaceDir: string;
  homeDir: string;
  allowEntries: readonly string[];
  protectedPaths: readonly string[];
  /** The private temp folder (writable, but not removable itself); null when the sandbox has none. */
  tempDir: string | null;
  privateDirs: readonly string[];
  readableDirs: readonly string[];
}

export function makeWriteScope(o: ScopeOptions): WriteScope {
  const allowed = o.allowEntries.map((entry) => realpathOrResolve(expandHome(entry, o.homeDir)));
  if (o.tempDir !== null) allowed.push(realpathOrResolve(o.tempDir));
  return {
    workspace: realpathOrResolve(o.workspaceDir),
    allowed,
    protectedPaths: o.protectedPaths.map((p) => resolveReal('/', p)),
    privateDirs: o.privateDirs.flatMap((p) => unique([path.resolve(p), realpathOrResolve(p)])),
    readable: o.readableDirs.map(realpathOrResolve),
  };
}

const unique = (items: string[]) => [...new Set(items)];

export function expandHome(entry: string, homeDir: string): string {
  if (entry === '~') return homeDir;
  if (entry.startsWith('~/')) return path.join(homeDir, entry.slice(2));
  return entry;
}

function realpathOrResolve(p: string): string {
  return resolveReal('/', path.resolve(p));
}

/** Resolves `p` against `cwd`, following existing symlinks at every component. */
export function resolveReal(cwd: string, p: string): string {
  let current = path.isAbsolute(p) ? '/' : path.resolve(cwd);
  let real = safeRealpath(current);
  let exists = real !== null;
  current = real ?? current;
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      current = path.dirname(current);
    } else {
      current = path.join(current, part);
    }
    // Past a missing component the path is lexical, but `missing/..` brings it back to something
    // that exists (and `mkdir -p missing/../link/x` would follow link), so look again each step.
    real = exists || part === '..' ? safeRealpath(current) : null;
    exists = real !== null;
    current = real ?? current;
  }
  return current;
}

function safeRealpath(p: string): string | null {
  try {
    return fs.realpathSync(p);
  } catch {
    return null;
  }
}

export function isWithin(child: string, parent: string): boolean {
  if (parent === '/') return true;
  return child === parent || child.startsWith(parent + path.sep);
}

/**
 * Where a path leads. A verb that deletes or moves the path itself (rm, rmdir, unlink, mv's sources) does
 * not follow a final symlink (`rm link` removes the link), unless the path ends with `/`, which does.
 */
export function resolveTarget(cwd: string, target: string, removes: boolean): string {
  const base = path.posix.basename(target);
  const followsLast = !removes || target.endsWith('/') || base === '.' || base === '..' || base === '';
  if (followsLast) return resolveReal(cwd, target);
  return path.join(resolveReal(cwd, path.posix.dirname(target)), base);
}

/**
 * Classifies a write to `target` (as written, after shell expansion) from `cwd`. `removes` is true for
 * verbs that delete or move the path itself (rm, rmdir, mv, unlink): those may not take the workspace
 * root, an allowed root (/tmp itself) or a folder holding a private one away.
 */
export function classifyWrite(scope: WriteScope, cwd: string, target: string, removes: boolean): WriteClass {
  const lexical = path.resolve(cwd, target);
  if (SINKS.some((re) => re.test(lexical))) return { resolved: lexical, ok: true, where: 'sink' };
  const resolved = resolveTarget(cwd, target, removes);
  if (removes && isWithin(scope.workspace, resolved)) return { resolved, ok: false, why: 'workspace-root' };
  const inside = isWithin(resolved, scope.workspace);
  // The app's data folder (database, run folders with hidden labels, other workspaces) is off limits, even
  // when the allow-list names it or a folder above it; removing a folder that holds it is too.
  const touchesPrivate = (p: string) =>
    scope.privateDirs.some((d) => isWithin(p, d) || (removes && isWithin(d, p)));
  const lexicallyInside = isWithin(lexical, scope.workspace);
  if (!inside && (touchesPrivate(resolved) || (!lexicallyInside && touchesPrivate(lexical))))
    return { resolved, ok: false, why: 'private' };
  // Writing the user's policy file, or removing a folder that holds it, would let the agent change its own
  // rules.
  if (scope.protectedPaths.some((p) => isWithin(p, resolved) || isWithin(p, lexical))) {
    return { resolved, ok: false, why: 'protected' };
  }
  if (removes && scope.allowed.some((root) => isWithin(root, resolved)))
    return { resolved, ok: false, why: 'allowed-root' };
  if (!inside && !scope.allowed.some((root) => isWithin(resolved, root)))
    return { resolved, ok: false, why: 'outside' };
  return { resolved, ok: true, where: inside ? 'workspace' : 'allowed' };
}

/** A path a command may read: anything but what lies in a private folder (outside the workspace and `readable`). */
/**
 * Reading anything below `target` (the folder a large glob starts from): refused when the folder is private or
 * holds a private folder, unless it lies in the workspace or a readable exception such as the visible data.
 */
export function classifyReadBelow(
  scope: WriteScope,
  cwd: string,
  target: string,
): { ok: true } | { ok: false; resolved: string } {
  const itself = classifyRead(scope, cwd, target);
  if (!itself.ok) return itself;
  for (const p of [resolveReal(cwd, target), path.resolve(cwd, target)]) {
    if (isWithin(p, scope.workspace) || scope.readable.some((r) => isWithin(p, r))) continue;
    const inside = scope.privateDirs.find((d) => isWithin(d, p));
    if (inside) return { ok: false, resolved: inside };
  }
  return { ok: true };
}

export function classifyRead(
  scope: WriteScope,
  cwd: string,
  target: string,
): { ok: true } | { ok: false; resolved: string } {
  const lexical = path.resolve(cwd, target);
  for (const p of [resolveReal(cwd, target), lexical]) {
    if (isWithin(p, scope.workspace) || scope.readable.some((r) => isWithin(p, r))) continue;
    if (scope.privateDirs.some((d) => isWithin(p, d))) return { ok: false, resolved: p };
  }
  return { ok: true };
}
