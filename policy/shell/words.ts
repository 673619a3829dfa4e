import type { Word, WordPart } from './ast';

// What a word will be when the shell runs it, when that can be known before it runs: quotes removed,
// escapes and $'...' decoded, ~ and $HOME expanded, brace expansion done, unquoted expansions split.
// A word whose value depends on something only known at run time (an unknown variable, a command
// substitution, arithmetic) has the value null, and callers decide what null means where it stands.

/** One argument of a command after expansion. */
export interface Arg {
  /** The expanded text, or null when it is only known at run time. */
  value: string | null;
  /** The word as written, for messages. */
  raw: string;
  /** The word it came from (null for synthetic arguments such as split strings). */
  word: Word | null;
  /**
   * The value as a glob pattern when it holds unquoted `*`, `?` or `[` that the shell would expand against
   * the filesystem (quoted ones escaped with `\\`); absent when the shell does not glob it.
   */
  glob?: string;
}

/** A variable whose value is known: for `from` on in `source`, or anywhere when source is -1. */
export interface KnownVariable {
  values: string[];
  source: number;
  from: number;
}

export interface WordEnv {
  /** The home directory, or null when the script changes HOME. */
  home: string | null;
  /** The working directory when it is the only one the script can be in, else null. */
  pwd: string | null;
  vars: ReadonlyMap<string, KnownVariable>;
}

/** The most alternatives one word may expand to before it counts as unknown. */
const MAX_EXPANSIONS = 256;

interface Char {
  c: string;
  /** An unquoted literal character: brace expansion and globbing apply. */
  active: boolean;
  /** From an unquoted expansion: whitespace here splits fields. */
  splits: boolean;
}

/**
 * The values of a word: one list of fields per alternative (a loop variable with several values gives
 * several alternatives; brace expansion and splitting give several fields). Null when unknown.
 */
export function expandWord(word: Word, env: WordEnv): string[][] | null {
  return expandFields(word, env)?.map((fields) => fields.map((f) => f.value)) ?? null;
}

/** One field of an expanded word, with its glob pattern when the shell would glob it. */
export interface Field {
  value: string;
  glob: string | null;
}

/** expandWord, keeping which characters the shell would treat as glob characters. */
export function expandFields(word: Word, env: WordEnv): Field[][] | null {
  let alternatives: Char[][] = [[]];
  for (let i = 0; i < word.parts.length; i++) {
    const part = word.parts[i]!;
    const values = partValues(part, env, i === 0);
    if (values === null) return null;
    const next: Char[][] = [];
    for (const prefix of alternatives) for (const value of values) next.push([...prefix, ...value]);
    if (next.length > MAX_EXPANSIONS) return null;
    alternatives = next;
  }
  const quoted = word.parts.some((p) => 'quoted' in p && p.quoted);
  const out: Field[][] = [];
  for (const chars of alternatives) {
    const braced = expandBraces(chars, 0);
    if (braced === null) return null;
    out.push(braced.flatMap((b) => splitFields(b, quoted)).map(toField));
  }
  return out;
}

const GLOB_CHARS = new Set(['*', '?', '[']);

/** Unquoted literal characters and unquoted expansions are globbed by the shell; quoted ones are not. */
function toField(chars: Char[]): Field {
  let value = '';
  let glob = '';
  let globbed = false;
  for (const ch of chars) {
    value += ch.c;
    const active = ch.active || ch.splits;
    if (active && GLOB_CHARS.has(ch.c)) globbed = true;
    glob += !active && (GLOB_CHARS.has(ch.c) || ch.c === '\\') ? `\\${ch.c}` : ch.c;
  }
  return { value, glob: globbed ? glob : null };
}

/** The single value of a word, or null when unknown or when it expands to several fields. */
export function staticValue(word: Word, env: WordEnv): string | null {
  const values = expandWord(word, env);
  if (!values || values.length !== 1 || values[0]!.length !== 1) return null;
  return values[0]![0]!;
}

/** Arguments for a list of words: alternatives of the first word give separate argument vectors. */
export function expandArgs(words: readonly Word[], env: WordEnv): Arg[][] {
  if (!words.length) return [[]];
  const rest: Arg[] = [];
  for (const word of words.slice(1)) {
    const values = expandFields(word, env);
    if (values === null) rest.push({ value: null, raw: word.raw, word });
    else for (const field of values.flat()) rest.push(fieldArg(field, word));
  }
  const first = words[0]!;
  const heads = expandFields(first, env);
  if (heads === null) return [[{ value: null, raw: first.raw, word: first }, ...rest]];
  return heads.map((fields) => [...fields.map((f) => fieldArg(f, first)), ...rest]);
}

function fieldArg(field: Field, word: Word): Arg {
  const arg: Arg = { value: field.value, raw: word.raw, word };
  if (field.glob !== null) arg.glob = field.glob;
  return arg;
}

function lit(text: string, active: boolean, splits = false): Char[] {
  return [...text].map((c) => ({ c, active, splits }));
}

function partValues(part: WordPart, env: WordEnv, first: boolean): Char[][] | null {
  switch (part.type) {
    case 'lit': {
      if (!part.quoted && first && part.value.startsWith('~')) return tilde(part.value, env);
      return [lit(part.value, !part.quoted)];
    }
    case 'param': {
      if (!part.simple) return null;
      const known = variable(part.name, part.at, env);
      return known === null ? null : known.map((v) => lit(v, false, !part.quoted));
    }
    case 'cmdsubst':
      // `$(pwd)` is common in paths and as good as $PWD.
      if (/^\s*pwd\s*$/.test(part.script.text) && env.pwd !== null) return [lit(env.pwd, false)];
      return null;
    case 'procsubst':
      return [lit('/dev/fd/63', false)];
    case 'arith':
    case 'array':
      return null;
  }
}

function variable(name: string, at: { source: number; offset: number }, env: WordEnv): string[] | null {
  const known = env.vars.get(name);
  if (known && (known.source === -1 || (known.source === at.source && at.offset >= known.from))) {
    return known.values;
  }
  if (name === 'HOME') return env.home === null ? null : [env.home];
  if (name === 'PWD') return env.pwd === null ? null : [env.pwd];
  return null;
}

function tilde(text: string, env: WordEnv): Char[][] | null {
  const slash = text.indexOf('/');
  const prefix = slash < 0 ? text : text.slice(0, slash);
  const rest = slash < 0 ? '' : text.slice(slash);
  let base: string | null;
  if (prefix === '~') base = env.home;
  else if (prefix === '~+') base = env.pwd;
  else base = null; // ~user, ~-: another user's home or the previous directory
  if (base === null) return null;
  return [[...lit(base, false), ...lit(rest, true)]];
}

/** Bash brace expansion on active characters: `{a,b}` and `{1..3}`. Null when too large. */
function expandBraces(chars: Char[], depth: number): Char[][] | null {
  if (depth > 16) return null;
  for (let open = 0; open < chars.length; open++) {
    if (chars[open]!.c !== '{' || !chars[open]!.active) continue;
    let level = 0;
    const commas: number[] = [];
    let close = -1;
    for (let i = open + 1; i < chars.length; i++) {
      const ch = chars[i]!;
      if (!ch.active) continue;
      if (ch.c === '{') level++;
      else if (ch.c === '}') {
        if (level === 0) {
          close = i;
          break;
        }
        level--;
      } else if (ch.c === ',' && level === 0) commas.push(i);
    }
    if (close < 0) return [chars];
    const prefix = chars.slice(0, open);
    const suffix = chars.slice(close + 1);
    let bodies: Char[][];
    if (commas.length) {
      const bounds = [open, ...commas, close];
      bodies = bounds.slice(0, -1).map((b, k) => chars.slice(b + 1, bounds[k + 1]));
    } else {
      const sequence = braceSequence(
        chars
          .slice(open + 1, close)
          .map((ch) => ch.c)
          .join(''),
      );
      if (sequence === undefined) continue; // not a brace expression, e.g. `{}` or `{x}`
      if (sequence === null) return null;
      bodies = sequence.map((s) => lit(s, false));
    }
    const out: Char[][] = [];
    for (const body of bodies) {
      const expanded = expandBraces([...prefix, ...body, ...suffix], depth + 1);
      if (expanded === null) return null;
      out.push(...expanded);
      if (out.length > MAX_EXPANSIONS) return null;
    }
    return out;
  }
  return [chars];
}

/** `1..5`, `a..e`, `0..10..2`: the items, undefined when not a sequence, null when too long. */
function braceSequence(body: string): string[] | null | undefined {
  const numeric = /^(-?\d+)\.\.(-?\d+)(?:\.\.(-?\d+))?$/.exec(body);
  const alpha = /^([A-Za-z])\.\.([A-Za-z])(?:\.\.(-?\d+))?$/.exec(body);
  const m = numeric ?? alpha;
  if (!m) return undefined;
  const from = numeric ? Number(m[1]) : m[1]!.charCodeAt(0);
  const to = numeric ? Number(m[2]) : m[2]!.charCodeAt(0);
  const step = Math.abs(Number(m[3] ?? 1)) || 1;
  if (Math.abs(to - from) / step > MAX_EXPANSIONS) return null;
  const width = numeric && /^-?0\d/.test(m[1]!) ? m[1]!.length : 0;
  const out: string[] = [];
  for (let v = from; from <= to ? v <= to : v >= to; v += from <= to ? step : -step) {
    out.push(numeric ? String(v).padStart(width, '0') : String.fromCharCode(v));
  }
  return out;
}

/** Splits on whitespace that came from unquoted expansions; drops a field that expanded to nothing. */
function splitFields(chars: Char[], quoted: boolean): Char[][] {
  const fields: Char[][] = [];
  let current: Char[] = [];
  let hasContent = false;
  for (const ch of chars) {
    if (ch.splits && /\s/.test(ch.c)) {
      if (hasContent) fields.push(current);
      current = [];
      hasContent = false;
      continue;
    }
    current.push(ch);
    hasContent = true;
  }
  if (hasContent) fields.push(current);
  // A quoted empty string ("") is an argument; an unquoted expansion to nothing is not.
  if (!fields.length && chars.length === 0 && quoted) return [[]];
  return fields;
}
