import fs from 'node:fs';
import path from 'node:path';

/**
 * The files `mle-beast init` writes, with the original's rules: `.env` keeps every line it does not manage and is
 * created readable by its owner only (it may hold a key); `.gitignore` gains `.env` once; `AGENTS.md` is never
 * overwritten: mle-beast's part sits between two marker comments, written, refreshed or appended there, and the
 * rest of a file the user (or another tool) wrote stays as it was.
 */

/** The variables init manages in `.env`; any other line is the user's and is kept as is. */
export type ManagedValues = Record<string, string>;

const ASSIGNMENT = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=/;

/**
 * A value as a `.env` line writes it, to read back as is (engine/config/dotenv.ts): bare when it has no special
 * character; else single-quoted, which is literal (no `${...}` expansion, no escapes); refused on a single quote or
 * a line break, which no quoting keeps literal (no key, model name or URL has either).
 */
export function dotenvValue(value: string): string {
  if (/^[A-Za-z0-9_./:@+-]*$/.test(value)) return value;
  if (/['\r\n]/.test(value))
    throw new Error('a value for .env may not contain a single quote or a line break');
  return `'${value}'`;
}

/**
 * `text` with each managed variable set: its first line rewritten in place (later duplicates dropped, since the
 * last definition would win and undo it), new ones appended; every other line, comment and blank kept.
 */
export function updateDotenv(text: string, managed: ManagedValues): string {
  const lines = text === '' ? [] : text.replace(/\r?\n$/, '').split(/\r?\n/);
  const done = new Set<string>();
  const out: string[] = [];
  for (const line of lines) {
    const name = ASSIGNMENT.exec(line)?.[1];
    if (name === undefined || !(name in managed)) {
      out.push(line);
      continue;
    }
    if (done.has(name)) continue;
    done.add(name);
    out.push(`${name}=${dotenvValue(managed[name]!)}`);
  }
  for (const [name, value] of Object.entries(managed)) {
    if (!done.has(name)) out.push(`${name}=${dotenvValue(value)}`);
  }
  return out.length ? `${out.join('\n')}\n` : '';
}

const DOTENV_HEADER = [
  '# mle-beast settings for this folder (written by `mle-beast init`; edit freely).',
  '# Shell variables win over these lines. Keep this file out of git: it may hold an API key.',
];

export type FileChange = 'created' | 'updated' | 'unchanged';

/**
 * Writes `<dir>/.env` with the managed values. A new file is created 0600 (no one else may read a key); an
 * existing one keeps its other lines and, when a secret is written into it, is narrowed to 0600 too. Written to
 * a temporary file and renamed, so a crash never leaves half a file.
 */
export function writeDotenv(dir: string, managed: ManagedValues, holdsSecret: boolean): FileChange {
  const file = path.join(dir, '.env');
  const before = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null;
  const after = updateDotenv(before ?? `${DOTENV_HEADER.join('\n')}\n`, managed);
  if (before === after) return 'unchanged';
  const mode = before === null || holdsSecret ? 0o600 : fs.statSync(file).mode & 0o777;
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, after, { mode: 0o600 });
  fs.chmodSync(temporary, mode);
  fs.renameSync(temporary, file);
  return before === null ? 'created' : 'updated';
}

/** Adds `.env` to `<dir>/.gitignore` (creating the file) unless a line already ignores it. */
export function ensureGitignored(dir: string): FileChange {
  const file = path.join(dir, '.gitignore');
  const before = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null;
  const covered = (before ?? '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .some((l) => l === '.env' || l === '/.env' || l === '.env*' || l === '*.env');
  if (covered) return 'unchanged';
  const prefix = before === null || before === '' || before.endsWith('\n') ? (before ?? '') : `${before}\n`;
  fs.writeFileSync(file, `${prefix}.env\n`);
  return before === null ? 'created' : 'updated';
}

export const AGENTS_START =
  '<!-- mle-beast:start (written by `mle-beast init`; refreshed there, the rest is yours) -->';
export const AGENTS_END = '<!-- mle-beast:end -->';

/**
 * Writes mle-beast's section of `<dir>/AGENTS.md`: the whole file when there is none; between the markers when a
 * previous init left them (refreshed); appended after the user's text otherwise. Nothing outside the markers is
 * ever changed, so no flag is needed to protect an existing file.
 */
export function writeAgentsMd(dir: string, section: string): FileChange | 'appended' {
  const file = path.join(dir, 'AGENTS.md');
  const block = `${AGENTS_START}\n${section.trim()}\n${AGENTS_END}\n`;
  if (!fs.existsSync(file)) {
    fs.writeFileSync(file, block);
    return 'created';
  }
  const before = fs.readFileSync(file, 'utf8');
  const start = before.indexOf(AGENTS_START);
  const end = before.indexOf(AGENTS_END, start);
  if (start >= 0 && end > start) {
    const after =
      before.slice(0, start) + block + before.slice(end + AGENTS_END.length).replace(/^\r?\n/, '');
    if (after === before) return 'unchanged';
    fs.writeFileSync(file, after);
    return 'updated';
  }
  fs.writeFileSync(file, `${before}${before.endsWith('\n') ? '' : '\n'}\n${block}`);
  return 'appended';
}
