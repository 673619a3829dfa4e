import { driverOverrides } from './config-guard';
import { runGit, splitNul, type GitOptions } from './git';
import { openRepo } from './repo';
import { readState } from './state';

/** The commit HEAD points at, or null on a branch with no commits. */
export async function currentSha(dir: string, options: GitOptions = {}): Promise<string | null> {
  const repo = await openRepo(dir, options);
  const { stdout } = await runGit(repo.root, ['rev-parse', '-q', '--verify', 'HEAD^{commit}'], {
    ...options,
    okExitCodes: [1],
  });
  return stdout.trim() || null;
}

export interface DiffStat {
  files: number;
  insertions: number;
  deletions: number;
  /** Per file; binary files count 0 lines. */
  changes: { path: string; insertions: number; deletions: number; binary: boolean }[];
}

/** What changed between two commits (or a commit and the working tree when `to` is omitted), for the UI. */
export async function diffStat(
  dir: string,
  from: string,
  to?: string,
  options: GitOptions = {},
): Promise<DiffStat> {
  const repo = await openRepo(dir, options);
  const args = ['diff', '--numstat', '-z', '--no-ext-diff', '--no-textconv', '--no-renames', from];
  if (to) args.push(to);
  // Against the working tree git runs clean filters: drivers the run did not have at open stay off here too.
  const state = to ? null : readState(repo);
  const { overrides } = await driverOverrides(repo, state?.status === 'active' ? state : null, options);
  const { stdout } = await runGit(repo.root, args, {
    ...options,
    configOverrides: [...(options.configOverrides ?? []), ...overrides],
  });
  const changes: DiffStat['changes'] = [];
  // With -z and no renames each record is "added<TAB>deleted<TAB>path\0"; binary files show "-" counts.
  for (const record of splitNul(stdout)) {
    const [added = '', deleted = '', ...rest] = record.split('\t');
    const binary = added === '-';
    changes.push({
      path: rest.join('\t'),
      insertions: binary ? 0 : Number(added),
      deletions: binary ? 0 : Number(deleted),
      binary,
    });
  }
  return {
    files: changes.length,
    insertions: changes.reduce((sum, c) => sum + c.insertions, 0),
    deletions: changes.reduce((sum, c) => sum + c.deletions, 0),
    changes,
  };
}
