import fs from 'node:fs';
import path from 'node:path';
import { EngineError } from '../api/errors';
import {
  REPORTS_FOLDER,
  REPORT_EXCLUDE_PATTERNS,
  reportFileName,
  type ReportHtml,
  type ReportQuery,
  type ReportWritten,
} from '../api/report';
import type { RunDetails } from '../runs/run-details';
import type { RunRepository } from '../store/run-repository';
import { gatherReportData } from './data';
import { renderReport } from './html';

export interface ReportDeps {
  repo: RunRepository;
  details: RunDetails;
  /** Where a relative `out` is resolved (the engine's working folder). */
  cwd?: string;
  now?: () => Date;
}

/** The report's page and the name it has in the workspace's reports folder. */
export async function runReportHtml(deps: ReportDeps, id: string): Promise<ReportHtml> {
  const now = deps.now?.() ?? new Date();
  const data = await gatherReportData(deps.repo, deps.details, id, now);
  return { html: renderReport(data), fileName: reportFileName(now) };
}

/**
 * Writes a run's report: to `out`, or to `<workspace>/reports/report_<UTC timestamp>.html` (to the run's own
 * folder's `reports/` while another run of that workspace is going on; prepareReportsFolder says why). The
 * engine's report files are kept out of git (`.git/info/exclude`, a file of the repository's own that is never committed), so
 * writing one leaves the run's git state as it was.
 */
export async function writeRunReport(deps: ReportDeps, query: ReportQuery): Promise<ReportWritten> {
  const record = deps.repo.get(query.id);
  if (!record) throw new EngineError('not_found', `no run ${query.id}: list runs with \`mle-beast runs\``);
  const { html, fileName } = await runReportHtml(deps, query.id);
  let file: string;
  if (query.out) {
    file = path.resolve(deps.cwd ?? process.cwd(), query.out);
    const dir = path.dirname(file);
    if (!fs.existsSync(dir)) {
      throw new EngineError(
        'invalid_input',
        `cannot write ${file}: the folder ${dir} does not exist; create it or choose another path`,
      );
    }
    if (fs.statSync(file, { throwIfNoEntry: false })?.isDirectory()) {
      throw new EngineError(
        'invalid_input',
        `${file} is a folder: give a file name, e.g. ${path.join(file, fileName)}`,
      );
    }
  } else {
    const workspace = record.summary.workspace;
    if (!fs.existsSync(workspace)) {
      throw new EngineError(
        'not_found',
        `the run's workspace ${workspace} is gone: write the report elsewhere with --out FILE`,
      );
    }
    const busy = otherLiveRunIn(deps.repo, workspace, query.id);
    if (busy) {
      // Another run of this workspace is going on: its Docker container's covers were fixed at its start, so
      // a report written into the workspace now would be readable there. The report goes to this run's own
      // folder in the engine's home instead (never in any sandbox); the path returned says where.
      const dir = path.join(record.runDir, REPORTS_FOLDER);
      fs.mkdirSync(dir, { recursive: true });
      file = path.join(dir, fileName);
    } else file = path.join(prepareReportsFolder(workspace), fileName);
  }
  const fd = fs.openSync(
    file,
    fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC | fs.constants.O_NOFOLLOW,
    0o644,
  );
  try {
    fs.writeSync(fd, html);
  } finally {
    fs.closeSync(fd);
  }
  return { path: file, bytes: Buffer.byteLength(html) };
}

/**
 * The workspace's reports folder, made if missing (given to the workspace's owner when the engine runs as root),
 * with the engine's report files kept out of git. Throws EngineError when `reports` is a link or a file.
 *
 * The sandboxes cover each engine report file (engine/sandbox/engine-only.ts), not the folder, which may be
 * the user's (cookiecutter-data-science's `reports/figures/`). A Docker container's mounts are fixed when it is
 * made, so writeRunReport writes no report here while another run of this workspace is going on (`mle-beast
 * report`, the dashboard's "Show report" of an earlier run): it goes to the run's own folder instead. What
 * stays open: a run started by an engine that does not share this one's database. A run's own report is
 * written after its sandbox is gone.
 */
export function prepareReportsFolder(workspace: string): string {
  const dir = path.join(workspace, REPORTS_FOLDER);
  // The workspace is written by the agent's code: a `reports` that is a link could point anywhere.
  const stat = fs.lstatSync(dir, { throwIfNoEntry: false });
  if (stat && !stat.isDirectory()) {
    throw new EngineError(
      'conflict',
      `${dir} is not a folder (${stat.isSymbolicLink() ? 'a symbolic link' : 'a file'}): remove it, or write the report elsewhere with --out FILE`,
    );
  }
  if (!stat) {
    fs.mkdirSync(dir);
    giveToWorkspaceOwner(workspace, dir);
  }
  excludeFromGit(workspace);
  return dir;
}

/** An engine running as root makes the folder the workspace owner's, so the user can still tidy it. */
function giveToWorkspaceOwner(workspace: string, dir: string): void {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return;
  try {
    const owner = fs.statSync(workspace);
    if (owner.uid !== 0) fs.lchownSync(dir, owner.uid, owner.gid);
  } catch {
    // best effort: a root-owned folder only keeps the user from deleting reports without sudo
  }
}

/** The id of another run that is pending, running or paused in the same workspace, else null. */
function otherLiveRunIn(repo: RunRepository, workspace: string, id: string): string | null {
  const real = realOrSelf(workspace);
  const other = repo.liveRuns().find((r) => r.summary.id !== id && realOrSelf(r.summary.workspace) === real);
  return other?.summary.id ?? null;
}

function realOrSelf(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

const EXCLUDE_HEADER = '# mle-beast run reports';

/**
 * Adds the engine's report files (REPORT_EXCLUDE_PATTERNS: `/reports/report_<stamp>.html|pdf`) to the
 * repository's own ignore list (never committed, unlike .gitignore), so a written report leaves `git status`
 * as it was while a user's own files in `reports/` (a brownfield repository's figures) are still committed.
 *
 * Earlier versions listed the whole folder (`/reports/` under the same header line): that block is replaced,
 * since it kept the user's own `reports/` files out of every commit. A `/reports/` line without the header is
 * the user's own and is left as it is.
 */
export function excludeFromGit(workspace: string): void {
  const gitDir = path.join(workspace, '.git');
  if (!fs.lstatSync(gitDir, { throwIfNoEntry: false })?.isDirectory()) return;
  const info = path.join(gitDir, 'info');
  const exclude = path.join(info, 'exclude');
  const current = fs.existsSync(exclude) ? fs.readFileSync(exclude, 'utf8') : '';
  const lines = current.split(/\r?\n/);
  const old = lines.findIndex((line, i) => line === `/${REPORTS_FOLDER}/` && lines[i - 1] === EXCLUDE_HEADER);
  if (old === -1 && REPORT_EXCLUDE_PATTERNS.every((p) => lines.includes(p))) return;
  fs.mkdirSync(info, { recursive: true });
  const block = [EXCLUDE_HEADER, ...REPORT_EXCLUDE_PATTERNS];
  if (old !== -1) {
    lines.splice(old - 1, 2, ...block);
    fs.writeFileSync(exclude, lines.join('\n'));
    return;
  }
  const sep = current === '' || current.endsWith('\n') ? '' : '\n';
  fs.appendFileSync(exclude, `${sep}${block.join('\n')}\n`);
}
