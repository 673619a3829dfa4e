import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Tests only: builds repositories the way a user would (plain git with a user's identity, not this
 * module's runner) and takes fingerprints to compare "exactly as before".
 */

function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('GIT_')) env[key] = value;
  return { ...env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', LC_ALL: 'C' };
}

/** Runs git as "the user"; returns stdout. Throws on a non-zero exit. */
export function userGit(cwd: string, ...args: string[]): string {
  return execFileSync(
    'git',
    [
      '-c',
      'user.name=Test User',
      '-c',
      'user.email=user@example.com',
      '-c',
      'init.defaultBranch=main',
      '-c',
      'core.quotePath=false',
      ...args,
    ],
    { cwd, env: cleanEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
}

export function write(root: string, rel: string, content: string | Buffer): void {
  const full = path.join(root, rel);
  fs.mkdirSync(path.dirname(full), { recursive: true });
  fs.writeFileSync(full, content);
}

export function read(root: string, rel: string): string {
  return fs.readFileSync(path.join(root, rel), 'utf8');
}

export function exists(root: string, rel: string): boolean {
  try {
    fs.lstatSync(path.join(root, rel));
    return true;
  } catch {
    return false;
  }
}

/** A user's repository: README.md and src/app.py committed on main, data/ ignored. */
export function userRepo(root: string): void {
  userGit(root, 'init', '-q');
  write(root, '.gitignore', 'data/\n*.log\n');
  write(root, 'README.md', '# project\n');
  write(root, 'src/app.py', 'print("v1")\n');
  write(root, 'src/util.py', 'X = 1\n');
  userGit(root, 'add', '-A');
  userGit(root, 'commit', '-q', '-m', 'first');
}

/** Every path under root except .git: file content hash, link target, or folder; compares trees exactly. */
export function fingerprint(
  root: string,
  skip: (rel: string) => boolean = () => false,
): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (child === '.git' || skip(child)) continue;
      const full = path.join(root, child);
      if (entry.isSymbolicLink()) out[child] = `link:${fs.readlinkSync(full)}`;
      else if (entry.isDirectory()) {
        out[child] = 'dir';
        visit(child);
      } else {
        const stat = fs.statSync(full);
        const hash = createHash('sha1').update(fs.readFileSync(full)).digest('hex');
        out[child] = `file:${(stat.mode & 0o777).toString(8)}:${hash}`;
      }
    }
  };
  visit('');
  return out;
}

/** What git says about the repository: HEAD, branch, index entries, status (all kinds), stash list, branches. */
export interface GitSnapshot {
  head: string;
  symbolic: string;
  index: string;
  status: string;
  stash: string;
  userBranches: string;
}

export function gitSnapshot(root: string): GitSnapshot {
  const tryGit = (...args: string[]) => {
    try {
      return userGit(root, ...args);
    } catch {
      return '<error>';
    }
  };
  return {
    head: tryGit('rev-parse', '-q', '--verify', 'HEAD'),
    symbolic: tryGit('symbolic-ref', '-q', 'HEAD'),
    index: tryGit('ls-files', '-s', '-z'),
    status: tryGit('status', '--porcelain=v2', '-z', '--untracked-files=all', '--ignored'),
    stash: tryGit('stash', 'list', '--format=%H %gs'),
    userBranches: tryGit('for-each-ref', '--format=%(refname) %(objectname)', 'refs/heads/')
      .split('\n')
      .filter((line) => !line.startsWith('refs/heads/mle-beast-'))
      .join('\n'),
  };
}
