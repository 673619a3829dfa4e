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
  /** Allowed roots outside the workspace, resolved. */
  readonly allowed: readonly string[];
  /** Files that must never be written (the user's policy file), resolved. */
  readonly protectedPaths: readonly string[];
}

export type WriteClass = { resolved: string } & (
  | { ok: true; where: 'workspace' | 'allowed' | 'sink' }
  | { ok: false; why: 'outside' | 'protected' | 'workspace-root' }
);

export function makeWriteScope(
  workspaceDir: string,
  homeDir: string,
  allowEntries: readonly string[],
  protectedPaths: readonly string[],
): WriteScope {
  return {
    workspace: realpathOrResolve(workspaceDir),
    allowed: allowEntries.map((entry) => realpathOrResolve(expandHome(entry, homeDir))),
    protectedPaths: protectedPaths.map((p) => resolveReal('/', p)),
  };
}

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
 * Classifies a write to `target` (as written, after shell expansion) from `cwd`. `removes` is true for
 * verbs that delete or move the path itself (rm, rmdir, mv, shred, unlink): those may not take the
 * workspace root away.
 */
export function classifyWrite(scope: WriteScope, cwd: string, target: string, removes: boolean): WriteClass {
  const lexical = path.resolve(cwd, target);
  if (SINKS.some((re) => re.test(lexical))) return { resolved: lexical, ok: true, where: 'sink' };
  const resolved = resolveReal(cwd, target);
  if (removes && isWithin(scope.workspace, resolved)) return { resolved, ok: false, why: 'workspace-root' };
  const inside = isWithin(resolved, scope.workspace);
  if (!inside && !scope.allowed.some((root) => isWithin(resolved, root)))
    return { resolved, ok: false, why: 'outside' };
  // Writing the user's policy file (it sits in the allowed ~/.mle-beast), or removing a folder that
  // holds it, would let the agent change its own rules.
  if (scope.protectedPaths.some((p) => isWithin(p, resolved) || isWithin(p, lexical))) {
    return { resolved, ok: false, why: 'protected' };
  }
  return { resolved, ok: true, where: inside ? 'workspace' : 'allowed' };
}
