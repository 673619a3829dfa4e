import fs from 'node:fs';
import path from 'node:path';
import { runGit, splitNul, type GitOptions } from './git';
import { gitPath, type Repo } from './repo';

/**
 * Bulky untracked files — a dataset nobody listed in .gitignore, a virtualenv, a 2 GB checkpoint — must go
 * neither into the stash that saves the user's changes (it would copy them into .git and take them away
 * from the working tree while the run needs them) nor into an experiment's commit. They are listed in a
 * marked block of .git/info/exclude for the run's duration: git then treats them as ignored, so they stay
 * where they are, untouched, and revert keeps them as pre-existing files. Restore removes the block, so the
 * user's `git status` reads as before. Nothing in the working tree changes.
 */

export interface BulkLimits {
  /** An untracked file larger than this is kept out (default 50 MiB, GitHub's warning size). */
  fileBytes: number;
  /** An untracked folder holding more than this in total is kept out (default 100 MiB). */
  dirBytes: number;
  /** ... or more files than this (default 2000). */
  dirFiles: number;
}

export const DEFAULT_BULK_LIMITS: BulkLimits = {
  fileBytes: 50 * 1024 * 1024,
  dirBytes: 100 * 1024 * 1024,
  dirFiles: 2000,
};

export interface KeptOut {
  /** Relative path; folders end with `/`. */
  path: string;
  /** Why, for the user: "1.2 GB", "3,456 files", "a Python environment". */
  reason: string;
}

const BEGIN = '# >>> mle-beast: kept out of git while a run works here; removed when the run ends';
const END = '# <<< mle-beast';

/**
 * Untracked, not-ignored entries too bulky for a stash or a commit, and nested repositories at any depth
 * below an untracked folder (`git add -A` would commit one as an embedded gitlink, the stash cannot take it,
 * and it would then block restore). Reads only; changes nothing.
 */
export async function findBulkyUntracked(
  root: string,
  limits: BulkLimits = DEFAULT_BULK_LIMITS,
  options: GitOptions = {},
): Promise<KeptOut[]> {
  // --directory collapses a wholly untracked folder into one `dir/` entry, so a new 100,000-file folder
  // costs one line here and one bounded walk below.
  const { stdout } = await runGit(
    root,
    ['ls-files', '-z', '--others', '--exclude-standard', '--directory'],
    options,
  );
  const found: KeptOut[] = [];
  for (const entry of splitNul(stdout)) {
    const full = path.join(root, entry);
    if (entry.endsWith('/')) {
      const scan = scanFolder(full, limits);
      if (scan.bulky) found.push({ path: entry, reason: scan.bulky });
      else for (const nested of scan.repositories) found.push({ path: `${entry}${nested}`, reason: NESTED });
      continue;
    }
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(full);
    } catch {
      continue; // gone since git listed it
    }
    if (stat.isFile() && stat.size > limits.fileBytes)
      found.push({ path: entry, reason: formatBytes(stat.size) });
  }
  return found;
}

const NESTED = 'another git repository';

/**
 * Why a folder is too bulky to commit (null if it is not), and the nested repositories inside it (paths
 * relative to it, ending with `/`; not walked into). Stops as soon as a limit is passed, so the walk is
 * bounded: at most `dirFiles` files and as many folders.
 */
function scanFolder(dir: string, limits: BulkLimits): { bulky: string | null; repositories: string[] } {
  const repositories: string[] = [];
  if (fs.existsSync(path.join(dir, 'pyvenv.cfg'))) return { bulky: 'a Python environment', repositories };
  if (fs.existsSync(path.join(dir, '.git'))) return { bulky: NESTED, repositories };
  let files = 0;
  let folders = 0;
  let bytes = 0;
  const stack = [''];
  while (stack.length > 0) {
    const rel = stack.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(dir, rel), { withFileTypes: true });
    } catch {
      continue;
    }
    // `.git` as a folder or as a `gitdir:` file (a submodule's or worktree's checkout) alike.
    if (rel && entries.some((e) => e.name === '.git')) {
      repositories.push(`${rel}/`);
      continue;
    }
    for (const entry of entries) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        stack.push(child);
        if (++folders > limits.dirFiles) {
          return { bulky: `more than ${limits.dirFiles.toLocaleString('en-US')} folders`, repositories };
        }
        continue;
      }
      files++;
      if (entry.isFile()) {
        try {
          bytes += fs.lstatSync(path.join(dir, child)).size;
        } catch {
          // gone meanwhile
        }
      }
      if (files > limits.dirFiles) {
        return { bulky: `more than ${limits.dirFiles.toLocaleString('en-US')} files`, repositories };
      }
      if (bytes > limits.dirBytes)
        return { bulky: `more than ${formatBytes(limits.dirBytes)}`, repositories };
    }
  }
  return { bulky: null, repositories: repositories.sort() };
}

export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}

/**
 * A gitignore pattern matching exactly this path from the top: anchored with `/`, glob characters and a
 * trailing space escaped. Null for a name with a newline, which no gitignore line can express.
 */
export function exactIgnorePattern(relative: string): string | null {
  if (relative.includes('\n') || relative.includes('\r')) return null;
  const escaped = relative.replace(/[\\*?[\]!#]/g, (c) => `\\${c}`).replace(/ $/, '\\ ');
  return `/${escaped}`;
}

/** Adds patterns to this run's block in .git/info/exclude (created if missing). */
export async function addSessionExcludes(
  repo: Repo,
  patterns: readonly string[],
  options: GitOptions = {},
): Promise<void> {
  if (patterns.length === 0) return;
  const file = await gitPath(repo, 'info/exclude', options);
  const text = readOrEmpty(file);
  const { before, block, after } = splitBlock(text);
  const merged = [...block];
  for (const p of patterns) if (!merged.includes(p)) merged.push(p);
  const head = before.length === 0 || before.endsWith('\n') ? before : `${before}\n`;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${head}${BEGIN}\n${merged.map((p) => `${p}\n`).join('')}${END}\n${after}`);
}

/** Removes this module's block from .git/info/exclude; the rest of the file stays as it was. */
export async function removeSessionExcludes(repo: Repo, options: GitOptions = {}): Promise<void> {
  const file = await gitPath(repo, 'info/exclude', options);
  const text = readOrEmpty(file);
  if (!text.includes(BEGIN)) return;
  const { before, after } = splitBlock(text);
  fs.writeFileSync(file, before + after);
}

/** Appends lines to .git/info/exclude for good (a repository this run created has no .gitignore of its own). */
export async function appendPermanentExcludes(
  repo: Repo,
  text: string,
  options: GitOptions = {},
): Promise<void> {
  const file = await gitPath(repo, 'info/exclude', options);
  const current = readOrEmpty(file);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${current}${current && !current.endsWith('\n') ? '\n' : ''}${text}`);
}

function readOrEmpty(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}

function splitBlock(text: string): { before: string; block: string[]; after: string } {
  const start = text.indexOf(`${BEGIN}\n`);
  if (start < 0) return { before: text, block: [], after: '' };
  const bodyStart = start + BEGIN.length + 1;
  const end = text.indexOf(`${END}\n`, bodyStart);
  // A block cut short (a crash mid-write) runs to the end of the file.
  const bodyEnd = end < 0 ? text.length : end;
  const after = end < 0 ? '' : text.slice(end + END.length + 1);
  const block = text.slice(bodyStart, bodyEnd).split('\n').filter(Boolean);
  return { before: text.slice(0, start), block, after };
}
