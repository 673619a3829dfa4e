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

/** Appends a block to `<workspaceDir>/logs/safety.log`, creating logs/ when needed. Allowed verdicts are not logged. */
export function recordBlock(
  workspaceDir: string,
  verdict: PolicyVerdict,
  subject: string,
  now: Date = new Date(),
): void {
  if (verdict.allowed) return;
  const file = path.join(workspaceDir, SAFETY_LOG);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.appendFileSync(file, formatLogLine(verdict, subject, now), 'utf8');
}

export function formatLogLine(verdict: PolicyVerdict, subject: string, now: Date): string {
  const time = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const oneLine = (s: string) => s.replace(/[\r\n\t]/g, ' ');
  const rule = oneLine(verdict.rule ?? 'blocked');
  // Code points, as the original counted characters: a cut never splits a surrogate pair.
  const head = [...oneLine(subject)].slice(0, SUBJECT_CHARS).join('');
  return `${time}\t${verdict.kind}\t${rule}\t${head}\n`;
}
