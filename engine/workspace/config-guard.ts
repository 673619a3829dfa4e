import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { WorkspaceError } from './errors';
import { runGit, splitNul, type GitOptions } from './git';
import { gitPath, type Repo } from './repo';
import { readState, type WorkspaceState } from './state';

/**
 * Code the agent runs may be able to write .git/config (the local sandbox; the agent's own `git config`),
 * and a config is a way to make THIS module's git calls run commands on the host: a `[filter "x"] clean =
 * <cmd>` with `*.py filter=x` in .gitattributes runs on the next `git add`, stash, reset or switch; a merge
 * driver runs in `stash apply`. Hooks, fsmonitor, pagers and editors are off for every call (git.ts). Here:
 *
 * - at open, the repository's own config files (`config`, and `config.worktree`, which git reads when
 *   `extensions.worktreeConfig` is on) are copied to .git/mle-beast/config/, together with the filter and
 *   merge drivers git sees at that moment from every source (system and global config, includes). Those
 *   are trusted: git-lfs and whatever else the user set up keeps working;
 * - before every begin, keep, revert and restore, a config file that differs from its copy is put back,
 *   and the changed one is kept beside the copy for the user to inspect; the result says so
 *   (`configRestored`). Putting it back rather than refusing keeps the run going, and hands the user back a
 *   repository whose config is theirs even when the run ends with restore;
 * - a filter or merge driver that is new or changed since open (set in a global config, or in a file that
 *   .git/config includes, both out of reach of the first point) is, for every git call of that operation,
 *   given back its settings from open with `-c`, which beats every config file, or switched off when it
 *   had none (a setting cannot be unset from the command line, only blanked: git then runs no command for
 *   it); its name is reported.
 *
 * Diff drivers (`diff.external`, `*.textconv`, `diff.*.command`) are not watched: this module never asks
 * git for a diff's text; every diff here is --quiet, --numstat or --name-only, with --no-ext-diff and
 * --no-textconv. Network settings (`core.sshCommand`, credential helpers) do not matter: nothing here talks
 * to a remote.
 */

export interface ConfigRestored {
  /**
   * Config files put back as they were at open. `keptAt`: where the changed (or added) file was moved for
   * inspection; null when the file had been deleted.
   */
  files: { path: string; keptAt: string | null }[];
  /** Filter and merge drivers (`filter.x`, `merge.y`) new or changed since open, which git did not run. */
  drivers: string[];
  /** For the user: what was found and where the changed config is. */
  message: string;
}

const WATCHED = ['config', 'config.worktree'];

/** filter.<name>.{clean,smudge,process,required}, merge.<name>.driver; the name may contain dots. */
const DRIVER_KEY = /^(filter\..+\.(clean|smudge|process|required)|merge\..+\.driver)$/;

/** What each watched setting of a driver nobody had at open is set to: no command, nothing required. */
const NEUTRAL: Record<string, Record<string, string>> = {
  filter: { clean: '', smudge: '', process: '', required: 'false' },
  // A merge driver that fails leaves the file as a conflict for the user; no command of the agent's runs.
  merge: { driver: 'false' },
};

const Baseline = z.object({
  version: z.literal(1),
  /** The run the copies belong to: a later run's restore never puts back an older run's config. */
  session: z.string(),
  /** Each watched file: where git reads it, and the name of its copy (null: it did not exist at open). */
  files: z.array(z.object({ live: z.string(), copy: z.string().nullable() })),
  /** Driver settings at open, `[key, value]` (value null for a bare boolean key), in git's order. */
  drivers: z.array(z.tuple([z.string(), z.string().nullable()])),
});
type Baseline = z.infer<typeof Baseline>;

const guardDir = (gitDir: string): string => path.join(gitDir, 'mle-beast', 'config');
const baselinePath = (gitDir: string): string => path.join(guardDir(gitDir), 'baseline.json');

/** Records the config as it is now, as the one this run trusts. Called at the end of opening. */
export async function saveConfigBaseline(
  repo: Repo,
  session: string,
  options: GitOptions = {},
): Promise<void> {
  const dir = guardDir(repo.gitDir);
  fs.mkdirSync(dir, { recursive: true });
  const files: Baseline['files'] = [];
  for (const name of WATCHED) {
    const live = await gitPath(repo, name, options);
    const content = readOrNull(live);
    const copy = content === null ? null : `${name}.at-open`;
    if (copy) writeAtomically(path.join(dir, copy), content!);
    files.push({ live, copy });
  }
  const drivers = [...(await readDrivers(repo.root, options))];
  const baseline: Baseline = { version: 1, session, files, drivers };
  // Written last: copies without a baseline naming them are never used.
  writeAtomically(baselinePath(repo.gitDir), JSON.stringify(baseline, null, 2));
}

/**
 * Puts back the config files of an open run that differ from their copies from open. Reads only files, no
 * git: a changed config can make git itself misbehave (core.worktree, core.bare), so this comes first.
 */
export function restoreConfigFiles(folder: string): ConfigRestored['files'] {
  const gitDir = gitDirOf(folder);
  if (!gitDir) return [];
  let state: WorkspaceState | null;
  try {
    state = readState({ root: folder, gitDir });
  } catch {
    return []; // a damaged state file: the operation itself reports it
  }
  // Only while a run holds the repository: after restore the config is the user's to change.
  if (!state || state.status === 'restored') return [];
  const baseline = readBaseline(gitDir, state.session);
  if (!baseline) return [];
  const dir = guardDir(gitDir);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const restored: ConfigRestored['files'] = [];
  for (const file of baseline.files) {
    const name = path.basename(file.live);
    // The baseline names the files to write; never anything but a git config file.
    if (!WATCHED.includes(name)) continue;
    const saved = file.copy ? readOrNull(path.join(dir, file.copy)) : null;
    if (file.copy && saved === null) continue; // our copy is gone: nothing to compare with
    const current = readOrNull(file.live);
    if (current === saved || (current && saved && current.equals(saved))) continue;
    let keptAt: string | null = null;
    if (current) {
      keptAt = path.join(dir, `${name}.changed-${stamp}`);
      writeAtomically(keptAt, current);
    }
    if (saved) writeAtomically(file.live, saved);
    else fs.rmSync(file.live, { force: true });
    restored.push({ path: file.live, keptAt });
  }
  return restored;
}

/**
 * `-c` settings that switch off (or give back their value from open) the filter and merge drivers that are
 * new or changed since the run opened, and those drivers' names. Nothing when the run has no baseline.
 */
export async function driverOverrides(
  repo: Repo,
  state: WorkspaceState | null,
  options: GitOptions = {},
): Promise<{ overrides: string[]; drivers: string[] }> {
  const baseline = state ? readBaseline(repo.gitDir, state.session) : null;
  if (!baseline) return { overrides: [], drivers: [] };
  const trusted = new Map(baseline.drivers);
  const current = await readDrivers(repo.root, options);
  const driverOf = (key: string) => key.slice(0, key.lastIndexOf('.'));
  const changed = new Set<string>();
  for (const [key, value] of current) {
    if (!trusted.has(key) || trusted.get(key) !== value) changed.add(driverOf(key));
  }
  const drivers = [...changed].sort();
  const overrides: string[] = [];
  for (const driver of drivers) {
    const section = driver.slice(0, driver.indexOf('.'));
    if (driver.includes('=')) {
      // git splits `-c name=value` at the first `=`: such a name cannot be overridden from the command line.
      throw new WorkspaceError(
        'unsafe_config',
        `The git config of ${repo.root} gained a ${section} driver "${driver.slice(section.length + 1)}" during the run, and its name (with "=") keeps mle-beast from switching it off, so nothing was done. Remove it (git config --show-origin --get-regexp '^${section}\\.' shows where it is), then try again.`,
      );
    }
    const known = [...trusted.keys()].some((key) => driverOf(key) === driver);
    for (const [variable, neutral] of Object.entries(NEUTRAL[section]!)) {
      const key = `${driver}.${variable}`;
      if (trusted.has(key)) {
        // Back to its value at open (null: a bare `required`, i.e. true).
        if (!current.has(key) || current.get(key) !== trusted.get(key)) {
          overrides.push(`${key}=${trusted.get(key) ?? 'true'}`);
        }
      } else if (!known || current.has(key)) {
        // A setting the driver did not have at open cannot be unset from the command line, only blanked.
        // git then runs no command for it: for a blanked `process`, not even the driver's own `clean`
        // (the driver is off: safe, if less useful than the user's setup).
        overrides.push(`${key}=${neutral}`);
      }
    }
  }
  return { overrides, drivers };
}

/** The report for a result, or null when the config was as at open. */
export function configNote(files: ConfigRestored['files'], drivers: string[]): ConfigRestored | null {
  if (files.length === 0 && drivers.length === 0) return null;
  const parts = files.map((f) =>
    f.keptAt === null
      ? `${f.path} had been deleted during the run and was put back.`
      : `${f.path} had been changed during the run (code the agent runs may write it): it was put back as it was when the run began, and the changed version is kept at ${f.keptAt} for you to look at.`,
  );
  if (drivers.length > 0) {
    parts.push(
      `git was told not to run ${drivers.join(', ')}: configured or changed during the run outside .git/config (a global config, or a file it includes). See where with git config --show-origin --get-regexp '^(filter|merge)\\.'.`,
    );
  }
  return { files, drivers, message: parts.join(' ') };
}

/** The filter and merge driver settings git sees now, from every config file; the last value of a key wins. */
async function readDrivers(root: string, options: GitOptions): Promise<Map<string, string | null>> {
  const { stdout } = await runGit(root, ['config', '-z', '--get-regexp', '^(filter|merge)\\.'], {
    ...options,
    okExitCodes: [1],
  });
  const drivers = new Map<string, string | null>();
  for (const entry of splitNul(stdout)) {
    // `key\nvalue`, or just `key` for a bare boolean.
    const newline = entry.indexOf('\n');
    const key = newline < 0 ? entry : entry.slice(0, newline);
    if (DRIVER_KEY.test(key)) drivers.set(key, newline < 0 ? null : entry.slice(newline + 1));
  }
  return drivers;
}

function readBaseline(gitDir: string, session: string): Baseline | null {
  const text = readOrNull(baselinePath(gitDir));
  if (!text) return null;
  try {
    const parsed = Baseline.safeParse(JSON.parse(text.toString('utf8')));
    return parsed.success && parsed.data.session === session ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The git directory of a working tree's top level, from `.git` alone (a folder, or a `gitdir:` file). */
export function gitDirOf(folder: string): string | null {
  const dotGit = path.join(folder, '.git');
  try {
    if (fs.statSync(dotGit).isDirectory()) return dotGit;
    const match = /^gitdir: *(.+?)\s*$/m.exec(fs.readFileSync(dotGit, 'utf8'));
    return match ? path.resolve(folder, match[1]!) : null;
  } catch {
    return null;
  }
}

function readOrNull(file: string): Buffer | null {
  try {
    return fs.readFileSync(file);
  } catch {
    return null;
  }
}

function writeAtomically(file: string, content: string | Uint8Array): void {
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, content);
  fs.renameSync(temp, file);
}
