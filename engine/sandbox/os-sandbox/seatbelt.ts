import { REPORTS_FOLDER, REPORT_FILE_EXTENSIONS } from '../../api/report';
import type { NetworkMode } from '../types';

/**
 * The Seatbelt profile (macOS `sandbox-exec -p PROFILE`) of one local-sandbox command. Seatbelt cannot move
 * folders, so commands see host paths; it filters each file operation instead:
 * - writes only to the workspace (not its `.git`), the sandbox's private HOME and temp folder, and /dev/null;
 * - reads everywhere except the hidden paths (the engine's home with the runs' labels and the database, ~/.ssh,
 *   ~/.aws, keychains, the user's policy file), with the `readable` exceptions under them (the visible data and
 *   the one holdout split predict.py needs live in the run folder);
 * - nothing at all of the engine's run report files (`<workspace>/reports/report_<stamp>.html|pdf`, earlier
 *   runs' final-holdout scores), matched by name so one written while the sandbox lives is denied too; the
 *   rest of `reports/` is the workspace's like any folder;
 * - no network unless the run allows it (local Unix sockets stay usable: Python's multiprocessing needs them).
 * Later rules win in Seatbelt, so the order below is deliberate: allow, then deny, then the exceptions, then
 * the engine's report files.
 */

export interface SeatbeltPlan {
  /** Real host paths. */
  workspaceDir: string;
  homeDir: string;
  tmpDir: string;
  /** Never readable (folders or files). */
  hidden: readonly string[];
  /** Readable even though under a hidden folder: the visible data, transient mounts. */
  readable: readonly string[];
  network: NetworkMode;
}

/** A string literal in the profile language (a Scheme string). */
export function sbString(value: string): string {
  return `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

const subpath = (p: string) => `(subpath ${sbString(p)})`;

/** One character of a path as a regex that matches only it (brackets need no backslashes in the profile). */
function literalRegex(ch: string): string {
  if (/[A-Za-z0-9/_ -]/.test(ch)) return ch;
  if (ch === '^' || ch === '\\' || ch === ']') return `\\${ch}`;
  return `[${ch}]`;
}

/** A letter in either case: on a case-insensitive disk (macOS's default) `REPORT_….HTML` is the same file. */
const anyCase = (text: string) =>
  [...text]
    .map((ch) => (/[a-z]/i.test(ch) ? `[${ch.toLowerCase()}${ch.toUpperCase()}]` : literalRegex(ch)))
    .join('');

/**
 * The regexes (POSIX extended, one per extension, no `{n}` or `|`) of the engine's report files in a workspace:
 * `<workspace>/reports/report_<YYYYMMDD>T<HHMMSS>Z.<ext>`, the names of api/report.ts isEngineReportFile.
 */
export function reportFileRegexes(workspaceDir: string): string[] {
  const ws = [...workspaceDir.replace(/\/+$/, '')].map(literalRegex).join('');
  const digits = (n: number) => '[0-9]'.repeat(n);
  return REPORT_FILE_EXTENSIONS.map(
    (ext) =>
      `^${ws}/${anyCase(REPORTS_FOLDER)}/${anyCase('report_')}${digits(8)}${anyCase('t')}${digits(6)}${anyCase('z')}[.]${anyCase(ext)}$`,
  );
}

export function seatbeltProfile(plan: SeatbeltPlan): string {
  const lines = [
    '(version 1)',
    '(deny default)',
    '(allow process-exec process-fork)',
    '(allow signal (target same-sandbox))',
    '(allow sysctl-read)',
    '(allow mach-lookup)',
    '(allow ipc-posix-shm ipc-posix-sem)',
    '(allow file-read*)',
  ];
  if (plan.hidden.length > 0)
    lines.push(`(deny file-read* file-write* ${plan.hidden.map(subpath).join(' ')})`);
  if (plan.readable.length > 0) lines.push(`(allow file-read* ${plan.readable.map(subpath).join(' ')})`);
  lines.push(
    `(allow file-write* ${[plan.workspaceDir, plan.homeDir, plan.tmpDir].map(subpath).join(' ')} (literal "/dev/null") (literal "/dev/tty"))`,
    `(deny file-write* ${subpath(`${plan.workspaceDir}/.git`)})`,
  );
  // Last, so neither the workspace's read exception nor its write allowance reopens them.
  lines.push(
    `(deny file-read* file-write* ${reportFileRegexes(plan.workspaceDir)
      .map((r) => `(regex ${sbString(r)})`)
      .join(' ')})`,
  );
  if (plan.network === 'bridge') lines.push('(allow network*)');
  else lines.push('(allow network* (local unix-socket) (remote unix-socket))');
  return `${lines.join('\n')}\n`;
}
