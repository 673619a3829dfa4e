import type { Script, SimpleCommand } from './ast';
import { type KnownVariable, type WordEnv, staticValue } from './words';

// Variables whose value the checker may rely on. Agents write `OUT=checkpoints/old; rm -rf "$OUT"`,
// so a plain assignment is followed; but `false && X=/ok; rm -rf "$X"/` or `X=ok; unset X; rm -rf
// $X/` must not be read as `rm -rf ok/`. So a variable counts as known only when it is assigned
// exactly once, by a statement that always runs (a top-level statement, first in its && / || chain),
// to a value known before it runs, and its name appears nowhere else in the text except as a plain
// `$NAME` / `${NAME}` reference after that statement. Anything else (read, for, unset, ${X:=...},
// a second assignment, an export elsewhere) makes it unknown, which is the conservative answer.

/**
 * How often `name` appears where it could be set (an assignment, read, for, unset, ${name:=...},
 * printf -v name, a nameref...): every occurrence except plain `$name` / `${name}` references and
 * places that cannot set a variable (an option letter such as the f of `rm -f`, part of a path).
 */
export function otherOccurrences(text: string, name: string): number {
  const re = new RegExp(`(?<![A-Za-z0-9_])${name}(?![A-Za-z0-9_])`, 'g');
  let count = 0;
  for (const m of text.matchAll(re)) {
    const i = m.index;
    const before = text[i - 1] ?? '';
    const after = text[i + name.length] ?? '';
    if (before === '$') continue;
    if (text.slice(i - 2, i) === '${' && after === '}') continue;
    if (before !== '' && '-./'.includes(before)) continue;
    if (after === '.' || after === '/') continue;
    count++;
  }
  // `printf -vNAME value` sets NAME with the name glued to the option.
  count += [...text.matchAll(new RegExp(`-v${name}(?![A-Za-z0-9_])`, 'g'))].length;
  return count;
}

/** Known variables of one script (the top level of the text given to the checker). */
export function knownVariables(script: Script, text: string, env: WordEnv): Map<string, KnownVariable> {
  const statements: SimpleCommand[] = [];
  for (const item of script.items) {
    const first = item.pipelines[0]!;
    const cmd = first.commands[0];
    if (item.background || first.negated || first.commands.length !== 1 || cmd?.type !== 'simple') continue;
    statements.push(cmd);
  }
  const count = new Map<string, number>();
  for (const cmd of statements) {
    for (const [name] of plainAssignments(cmd, env)) count.set(name, (count.get(name) ?? 0) + 1);
  }
  // In order, so `A=/x; B=$A/y` works, and a value built from an unknown variable stays unknown.
  const known = new Map<string, KnownVariable>();
  const scratch: WordEnv = { ...env, vars: known };
  for (const cmd of statements) {
    for (const [name, value, end] of plainAssignments(cmd, scratch)) {
      if (value === null || count.get(name) !== 1 || otherOccurrences(text, name) !== 1) continue;
      known.set(name, { values: [value], source: cmd.at.source, from: end });
    }
  }
  return known;
}

/** `NAME=value` assignments of a statement that is only assignments, or `export NAME=value ...`. */
function plainAssignments(cmd: SimpleCommand, env: WordEnv): [string, string | null, number][] {
  const out: [string, string | null, number][] = [];
  if (!cmd.words.length) {
    for (const a of cmd.assignments) {
      const empty = !a.value || a.value.parts.length === 0;
      const value = a.array ? null : empty ? '' : staticValue(a.value!, env);
      out.push([a.name, value, a.at.offset + a.raw.length]);
    }
    return out;
  }
  const head = cmd.words[0]!;
  if (cmd.assignments.length || head.raw !== 'export') return out;
  for (const word of cmd.words.slice(1)) {
    const value = staticValue(word, env);
    const m = value === null ? null : /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(value);
    if (m) out.push([m[1]!, m[2]!, cmd.at.offset + cmd.text.length]);
  }
  return out;
}
