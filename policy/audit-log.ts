import fs from 'node:fs';
import path from 'node:path';
import type { PolicyVerdict } from './verdict';

// <workspace>/logs/safety.log keeps the original's format so users' greps and scripts keep working:
// one line per block, tab-separated: time, kind (shell | python_file), rule, and the first 200
// characters of the command or file with line breaks and tabs turned into spaces. The time is UTC
// to the second with a Z (the original wrote local time without a zone, which cannot be compared
// across machines); its first 19 characters have the original's layout.

export const SAFETY_LOG = path.join('logs', 'safety.log');
const SUBJECT_CHARS = 200;

/**
 * Appends a block to `<workspaceDir>/logs/safety.log`, creating logs/ when needed. Allowed verdicts are not
 * logged. The workspace is writable by the agent's code, so `logs/` or the log itself may be a symbolic link
 * planted to make this append (with text the agent chose) land in a file outside the workspace, such as a
 * shell start-up file: neither is followed, and anything but a plain folder and a regular file is refused
 * with an error the caller reports. The command stays blocked either way.
 */
export function recordBlock(
  workspaceDir: string,
  verdict: PolicyVerdict,
  subject: string,
  now: Date = new Date(),
): void {
  if (verdict.allowed) return;
  const dir = path.join(workspaceDir, path.dirname(SAFETY_LOG));
  const dirStat = lstatOrNull(dir);
  if (!dirStat) fs.mkdirSync(dir);
  else if (!dirStat.isDirectory()) {
    throw new Error(`${dir} is not a folder (a link or a file): the safety log was not written there`);
  }
  const file = path.join(workspaceDir, SAFETY_LOG);
  const { O_WRONLY, O_APPEND, O_CREAT, O_NOFOLLOW } = fs.constants;
  let fd: number;
  try {
    fd = fs.openSync(file, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW, 0o644);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') {
      throw new Error(`${file} is a symbolic link: the safety log was not written there`, { cause: error });
    }
    throw error;
  }
  try {
    if (!fs.fstatSync(fd).isFile())
      throw new Error(`${file} is not a regular file: the safety log was not written`);
    fs.writeSync(fd, formatLogLine(verdict, subject, now));
  } finally {
    fs.closeSync(fd);
  }
}

function lstatOrNull(target: string): fs.Stats | null {
  try {
    return fs.lstatSync(target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

export function formatLogLine(verdict: PolicyVerdict, subject: string, now: Date): string {
  const time = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const oneLine = (s: string) => s.replace(/[\r\n\t]/g, ' ');
  const rule = oneLine(verdict.rule ?? 'blocked');
  // Code points, as the original counted characters: a cut never splits a surrogate pair.
  const head = [...oneLine(subject)].slice(0, SUBJECT_CHARS).join('');
  return `${time}\t${verdict.kind}\t${rule}\t${head}\n`;
}
