import fs from 'node:fs';
import path from 'node:path';

/**
 * A `.env` reader that behaves like the files people write for python-dotenv and docker compose:
 *
 *   # a comment
 *   export OPENROUTER_API_KEY=sk-or-...      (an `export ` prefix is allowed)
 *   MLE_BEAST_MODEL = deepseek/deepseek-v4-flash   # a comment after a space
 *   NAME='literal $text, no escapes'
 *   NAME="escapes \n \t \" \\ and ${OTHER} are expanded; may span lines"
 *   NAME=${OTHER:-fallback}
 *
 * Unquoted and double-quoted values expand `${NAME}` and `${NAME:-default}` (shell variables first, then the
 * names defined earlier in the file, as python-dotenv does when the shell wins); single-quoted values are
 * literal. A later definition of the same name replaces an earlier one. A line that is not `NAME=value` is
 * reported with its line number and skipped; messages never quote a line's text, since it may hold a secret.
 * No package is used: the format is small, and a parser here is one thing fewer to trust with API keys.
 */

export interface DotenvIssue {
  line: number;
  message: string;
}

export interface DotenvParse {
  values: Record<string, string>;
  issues: DotenvIssue[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

export function parseDotenv(
  text: string,
  shell: Readonly<Record<string, string | undefined>> = {},
): DotenvParse {
  const values: Record<string, string> = Object.create(null) as Record<string, string>;
  const issues: DotenvIssue[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  const lookup = (name: string): string | undefined => {
    const fromShell = shell[name];
    if (fromShell !== undefined && fromShell !== '') return fromShell;
    return values[name];
  };

  for (let i = 0; i < lines.length; i += 1) {
    const lineNo = i + 1;
    let line = (lines[i] as string).trim();
    if (line === '' || line.startsWith('#')) continue;
    if (/^export\s/.test(line)) line = line.replace(/^export\s+/, '');
    const eq = line.indexOf('=');
    if (eq <= 0) {
      issues.push({ line: lineNo, message: 'expected NAME=value; line skipped' });
      continue;
    }
    const name = line.slice(0, eq).trim();
    if (!NAME.test(name)) {
      issues.push({ line: lineNo, message: 'the name before "=" is not a variable name; line skipped' });
      continue;
    }
    let rest = line.slice(eq + 1).trimStart();
    const quote = rest[0];
    if (quote === '"' || quote === "'") {
      // A quoted value ends at the first unescaped matching quote, possibly on a later line.
      let body = '';
      let closed = false;
      let j = i;
      rest = rest.slice(1);
      for (;;) {
        const end = findClosingQuote(rest, quote);
        if (end >= 0) {
          body += rest.slice(0, end);
          const after = rest.slice(end + 1).trim();
          if (after !== '' && !after.startsWith('#')) {
            issues.push({ line: j + 1, message: `text after the closing quote of ${name}; it is ignored` });
          }
          closed = true;
          break;
        }
        body += rest;
        j += 1;
        if (j >= lines.length) break;
        body += '\n';
        rest = lines[j] as string;
      }
      if (!closed) {
        issues.push({
          line: lineNo,
          message: `${name}: the ${quote === '"' ? 'double' : 'single'} quote is never closed; line skipped`,
        });
        continue;
      }
      i = j;
      values[name] = quote === '"' ? substitute(body, lookup, true) : body;
      continue;
    }
    // Unquoted: a # after whitespace starts a comment; surrounding spaces are not part of the value.
    const comment = rest.search(/\s#/);
    const raw = (comment >= 0 ? rest.slice(0, comment) : rest).trim();
    values[name] = substitute(raw, lookup, false);
  }
  return { values: { ...values }, issues };
}

export interface DotenvFile extends DotenvParse {
  /** Absolute path of the file looked for. */
  path: string;
  found: boolean;
}

/** `<dir>/.env`, parsed; a missing file is no error (`found: false`, no values). */
export function readDotenvFile(
  dir: string,
  shell: Readonly<Record<string, string | undefined>> = process.env,
): DotenvFile {
  const file = path.join(dir, '.env');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { path: file, found: false, values: {}, issues: [] };
    return {
      path: file,
      found: true,
      values: {},
      issues: [{ line: 0, message: `cannot read the file (${code ?? 'error'})` }],
    };
  }
  return { path: file, found: true, ...parseDotenv(text, shell) };
}

/** `.env:3: expected NAME=value; line skipped`. */
export function formatDotenvIssue(file: string, issue: DotenvIssue): string {
  return issue.line > 0 ? `${file}:${issue.line}: ${issue.message}` : `${file}: ${issue.message}`;
}

function findClosingQuote(text: string, quote: string): number {
  for (let k = 0; k < text.length; k += 1) {
    if (quote === '"' && text[k] === '\\') {
      k += 1;
      continue;
    }
    if (text[k] === quote) return k;
  }
  return -1;
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\', $: '$' };

/**
 * One pass over a value: `${NAME}` / `${NAME:-default}` are expanded; with `escapes` (double quotes), a
 * backslash escape is replaced first, so `\${NAME}` stays literal.
 */
function substitute(text: string, lookup: (name: string) => string | undefined, escapes: boolean): string {
  let out = '';
  for (let k = 0; k < text.length; k += 1) {
    const c = text[k] as string;
    if (escapes && c === '\\' && k + 1 < text.length && (text[k + 1] as string) in ESCAPES) {
      out += ESCAPES[text[k + 1] as string];
      k += 1;
      continue;
    }
    if (c === '$' && text[k + 1] === '{') {
      const end = text.indexOf('}', k + 2);
      const m = end > 0 ? /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s.exec(text.slice(k + 2, end)) : null;
      if (m) {
        const value = lookup(m[1] as string);
        out += value !== undefined && value !== '' ? value : (m[2] ?? '');
        k = end;
        continue;
      }
    }
    out += c;
  }
  return out;
}
