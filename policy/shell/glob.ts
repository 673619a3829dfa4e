import fs from 'node:fs';
import path from 'node:path';

// Pathname expansion as bash does it (no extglob, globstar, nullglob or dotglob): `*`, `?` and `[...]`
// match within one path component, a leading `.` only matches a literal `.`, `\` escapes. The checker
// expands a glob against the real filesystem before the containment check, so `rm -f etc_lin?/hostname`
// is judged by what `etc_lin?` matches (a link to /etc), not by the pattern's text.

/** The most paths one glob may match before the checker gives up on it. */
export const MAX_GLOB_MATCHES = 10_000;

/** Does the text hold an unescaped glob character? */
export function hasGlob(pattern: string): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') i++;
    else if (c === '*' || c === '?' || c === '[') return true;
  }
  return false;
}

/** The pattern with escapes removed (what bash leaves when a component has no glob characters). */
export function unescapeGlob(pattern: string): string {
  return pattern.replace(/\\(.)/gs, '$1');
}

/** A regular expression for one path component's pattern (an unclosed `[` is a literal). */
export function componentRegex(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) {
      out += escapeRegex(pattern[++i]!);
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = bracketEnd(pattern, i);
      if (end < 0) {
        out += '\\[';
        continue;
      }
      let body = pattern.slice(i + 1, end);
      let negate = false;
      if (body.startsWith('!') || body.startsWith('^')) {
        negate = true;
        body = body.slice(1);
      }
      const cls = body
        .replace(/\\/g, '\\\\')
        .replace(/\[:(\w+):\]/g, (m, name: string) => posixClass(name) ?? m);
      out += negate ? `[^/${cls}]` : `[${cls}]`;
      i = end;
    } else out += escapeRegex(c);
  }
  // A leading dot must be matched by a literal dot.
  const dotOk = pattern.startsWith('.') || pattern.startsWith('\\.');
  return new RegExp(`^${dotOk ? '' : '(?!\\.)'}${out}$`, 's');
}

function bracketEnd(pattern: string, open: number): number {
  let i = open + 1;
  if (pattern[i] === '!' || pattern[i] === '^') i++;
  if (pattern[i] === ']') i++;
  for (; i < pattern.length; i++) {
    if (pattern[i] === '[' && pattern[i + 1] === ':') {
      const close = pattern.indexOf(':]', i + 2);
      if (close > 0) i = close + 1;
    } else if (pattern[i] === ']') return i;
  }
  return -1;
}

function posixClass(name: string): string | null {
  const classes: Record<string, string> = {
    alpha: 'A-Za-z',
    digit: '0-9',
    alnum: 'A-Za-z0-9',
    upper: 'A-Z',
    lower: 'a-z',
    space: '\\s',
    punct: '!-/:-@\\[-`{-~',
    xdigit: '0-9A-Fa-f',
  };
  return classes[name] ?? null;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** The components of a pattern, split on unescaped slashes. */
function components(pattern: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) {
      current += c + pattern[++i]!;
    } else if (c === '/') {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return parts;
}

export interface GlobResult {
  /** Absolute paths (lexical: links inside them not resolved) the pattern matches now. */
  matches: string[];
  /** More than MAX_GLOB_MATCHES matched. */
  tooMany: boolean;
}

/**
 * The paths a glob pattern may stand for, from `cwd`, against the filesystem as it is now. `readDir` lists
 * a directory (the checker adds the links the command itself creates). Literal components are kept whether
 * or not they exist, which errs towards checking more paths. Empty: bash keeps the word as it is.
 */
export function expandGlob(
  pattern: string,
  cwd: string,
  readDir: (dir: string) => string[] | null = defaultReadDir,
): GlobResult {
  const absolute = pattern.startsWith('/');
  const parts = components(pattern);
  let current: string[] = [absolute ? '/' : cwd];
  const start = absolute ? 1 : 0;
  for (let k = start; k < parts.length; k++) {
    const part = parts[k]!;
    const last = k === parts.length - 1;
    if (part === '') {
      // `a//b` or a trailing slash: kept, since a trailing slash follows a link to a directory.
      if (last) current = current.map((p) => `${p}/`);
      continue;
    }
    if (!hasGlob(part)) {
      const name = unescapeGlob(part);
      current = current.map((dir) => path.join(dir, name));
      continue;
    }
    const re = componentRegex(part);
    const next: string[] = [];
    for (const dir of current) {
      const names = readDir(dir);
      if (!names) continue;
      for (const name of names.sort()) {
        if (!re.test(name)) continue;
        next.push(path.join(dir, name));
        if (next.length > MAX_GLOB_MATCHES) return { matches: [], tooMany: true };
      }
    }
    current = next;
    if (!current.length) return { matches: [], tooMany: false };
  }
  return { matches: current, tooMany: false };
}

function defaultReadDir(dir: string): string[] | null {
  try {
    return fs.readdirSync(dir);
  } catch {
    return null;
  }
}
