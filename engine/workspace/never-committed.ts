import fs from 'node:fs';
import path from 'node:path';
import { SAFETY_LOG } from '../../policy';
import { isEngineReportFile } from '../api/report';
import { runGit, splitNul, type GitOptions } from './git';
import type { Repo } from './repo';

/**
 * Files in the workspace that the engine itself writes, relative to its root. They are outputs of one step
 * (the agent's own score, the predictions the engine scores, the consoles of the scripts the engine runs),
 * never code: committing them would record a stale score with the next step's code, and a brownfield user's
 * repository would fill with run debris. One list, used by the pipeline to write them and by the commit to
 * leave them out.
 */
export const ENGINE_OUTPUTS = {
  /** evaluate.py's own figure (the workspace contract). */
  evalResults: 'eval_results.json',
  /** predict.py's outputs on the hidden splits. */
  predictionsDir: 'logs/predictions',
  /** What train.py and evaluate.py printed, as the engine ran them. */
  trainConsole: 'logs/train_output.log',
  evalConsole: 'logs/eval_output.log',
  /** The policy's audit of blocked commands (policy/audit-log.ts). */
  safetyLog: SAFETY_LOG.split(path.sep).join('/'),
} as const;

function isEngineOutput(rel: string): boolean {
  return (
    // The engine's run report files (api/report.ts): kept out through .git/info/exclude, and never committed
    // even where those lines were removed, since the agent reads the branch's history through the workspace's
    // .git. The user's own files in reports/ (figures, notes) are committed as usual.
    isEngineReportFile(rel, { anyCase: false }) ||
    rel === ENGINE_OUTPUTS.evalResults ||
    rel === ENGINE_OUTPUTS.trainConsole ||
    rel === ENGINE_OUTPUTS.evalConsole ||
    rel === ENGINE_OUTPUTS.safetyLog ||
    rel.startsWith(`${ENGINE_OUTPUTS.predictionsDir}/`)
  );
}

export interface NeverCommitted {
  path: string;
  reason: string;
  /** Not in HEAD: a new file, to be excluded for the rest of the run so `git status` stays clean. */
  untracked: boolean;
}

/**
 * Takes back out of the index what `git add -A` staged but must never be committed: the engine's outputs
 * (above) and symbolic links whose target lies outside the workspace (a link to the host's data, to
 * /etc/passwd, or to a path that only exists inside the sandbox: in a commit it leaks a host path and points
 * nowhere for whoever checks the branch out). A new file leaves the index; a tracked one goes back to HEAD's
 * version there (the working tree keeps what is on disk). Returns what was taken out.
 */
export async function unstageNeverCommitted(repo: Repo, options: GitOptions = {}): Promise<NeverCommitted[]> {
  // Staged against HEAD (against the empty tree before the first commit), renames as delete + add.
  const { stdout } = await runGit(
    repo.root,
    ['diff', '--cached', '--name-status', '--no-renames', '-z'],
    options,
  );
  const fields = splitNul(stdout);
  const found: NeverCommitted[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const status = fields[i]!;
    const rel = fields[i + 1]!;
    const untracked = status === 'A';
    if (isEngineOutput(rel)) found.push({ path: rel, reason: 'written by the engine', untracked });
    else if (status !== 'D' && linksOutside(repo.root, rel)) {
      found.push({ path: rel, reason: 'a link to outside the workspace', untracked });
    }
  }
  if (found.length === 0) return [];
  const added = found.filter((f) => f.untracked).map((f) => f.path);
  const tracked = found.filter((f) => !f.untracked).map((f) => f.path);
  // Exact paths on stdin: no pathspec magic, no command line too long.
  if (added.length > 0) {
    await runGit(repo.root, ['update-index', '--force-remove', '-z', '--stdin'], {
      ...options,
      input: added.map((p) => `${p}\0`).join(''),
    });
  }
  // Back to HEAD's version in the index. Literal pathspecs on the command line, in batches: --pathspec-from-file
  // would need git 2.26, newer than the oldest git this module supports.
  for (let i = 0; i < tracked.length; i += 200) {
    const batch = tracked.slice(i, i + 200).map((p) => `:(literal)${p}`);
    await runGit(repo.root, ['reset', '-q', 'HEAD', '--', ...batch], options);
  }
  return found;
}

/** Whether `rel` is a symbolic link whose target (followed all the way) is outside the workspace root. */
export function linksOutside(root: string, rel: string): boolean {
  const full = path.join(root, rel);
  let target: string;
  try {
    if (!fs.lstatSync(full).isSymbolicLink()) return false;
    target = fs.readlinkSync(full);
  } catch {
    return false;
  }
  const realRoot = realOr(root);
  const inside = (p: string) => p === realRoot || p.startsWith(realRoot + path.sep);
  // Where it points as written (a dangling link too), then where it really leads (through other links).
  const lexical = path.resolve(path.dirname(path.join(realRoot, rel)), target);
  if (!inside(lexical)) return true;
  let real: string;
  try {
    real = fs.realpathSync(full);
  } catch {
    return false; // dangling, and its text names a path inside
  }
  return !inside(real);
}

function realOr(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}
