import { parse } from 'sh-syntax';
import { describe, expect, it } from 'vitest';
import type { Command, Script, Word } from './ast';
import { readShell, scriptsOf } from './parse';
import { expandArgs } from './words';

/** The words of every simple command, in order, however deeply nested. */
function commands(script: Script): string[] {
  const out: string[] = [];
  const visitScript = (s: Script) =>
    s.items.forEach((i) => i.pipelines.forEach((p) => p.commands.forEach(visit)));
  const visitWordParts = (parts: Word['parts']) => scriptsOf(parts).forEach(visitScript);
  const visit = (cmd: Command): void => {
    if (cmd.type === 'function') return visit(cmd.body);
    if (cmd.type === 'compound') {
      cmd.words.forEach((w) => visitWordParts(w.parts));
      return cmd.bodies.forEach(visitScript);
    }
    cmd.assignments.forEach((a) =>
      [...(a.value ? [a.value] : []), ...(a.array ?? [])].forEach((w) => visitWordParts(w.parts)),
    );
    cmd.words.forEach((w) => visitWordParts(w.parts));
    cmd.redirects.forEach((r) => r.heredoc?.word && visitWordParts(r.heredoc.word.parts));
    const env = { home: '/home/u', pwd: '/ws', vars: new Map() };
    if (cmd.words.length)
      out.push(
        expandArgs(cmd.words, env)[0]!
          .map((a) => a.value ?? `?${a.raw}`)
          .join(' '),
      );
  };
  visitScript(script);
  return out;
}

// Valid bash the reader must follow, each with the commands that run.
const CASES: [string, string[]][] = [
  ['a; b && c || d & e', ['a', 'b', 'c', 'd', 'e']],
  ['a | b |& c', ['a', 'b', 'c']],
  ['(a; (b)) && { c; }', ['a', 'b', 'c']],
  ['echo $(a $(b)) `c` "$(d)" "`e`"', ['b', 'a ?$(b)', 'c', 'd', 'e', 'echo ?$(a $(b)) ?`c` ?"$(d)" ?"`e`"']],
  ['echo `echo \\`inner\\``', ['inner', 'echo ?`inner`', 'echo ?`echo \\`inner\\``']],
  ['diff <(a) >(b)', ['a', 'b', 'diff /dev/fd/63 /dev/fd/63']],
  ['if a; then b; elif c; then d; else e; fi', ['a', 'b', 'c', 'd', 'e']],
  ['while a; do b; done; until c; do d; done', ['a', 'b', 'c', 'd']],
  ['for x in 1 2; do a $x; done; for ((i=0;i<$(n);i++)); do b; done', ['a ?$x', 'n', 'b']],
  ['case $x in a|b) c;; (d) e;& *) f;;& esac', ['c', 'e', 'f']],
  ['f() { a; }; function g { b; }; function h() ( c )', ['a', 'b', 'c']],
  ['[[ -f $(a) && $x =~ ^(b|c)$ ]] && d', ['a', 'd']],
  ['(( x = $(a) + 1 )) && echo $(( $(b) * 2 ))', ['a', 'b', 'echo ?$(( $(b) * 2 ))']],
  ['x=$(a) z=$(b) c; y=(1 $(d))', ['a', 'b', 'c', 'd']],
  ['echo ${x:-$(a)} ${#y} ${z//\\//_}', ['a', 'echo ?${x:-$(a)} ?${#y} ?${z//\\//_}']],
  ['cat <<EOF | b\n$(a)\nEOF\n', ['a', 'cat', 'b']],
  ["cat <<'EOF'\n$(not run)\nEOF", ['cat']],
  ['cat <<-EOF\n\tx\n\tEOF\necho after', ['cat', 'echo after']],
  ['a \\\n  --flag # comment\nb', ['a --flag', 'b']],
  ["echo 'a b' \"c d\" e\\ f $'g\\th'", ['echo a b c d e f g\th']],
  ['echo {a,b}{1..2} ~/x ~+', ['echo a1 a2 b1 b2 /home/u/x /ws']],
  ['! a | b; time -p c; coproc d', ['a', 'b', 'c', 'd']],
  ['declare -A m=([k]=$(a)); export X=1 Y', ['a', 'declare -A ?m=([k]=$(a))', 'export X=1 Y']],
  ['ls !(x) @(a|b); echo done', ['ls !(x) @(a|b)', 'echo done']],
  ['a 2>&1 >/dev/null <in &>>log {fd}>x', ['a']],
  ['echo "$(echo ")")"', ['echo )', 'echo ?"$(echo ")")"']],
  ['case x in (a) echo $(case y in b) c;; esac);; esac', ['c', 'echo ?$(case y in b) c;; esac)']],
];

describe('readShell', () => {
  it.each(CASES)('%j', (text, expected) => {
    expect(commands(readShell(text))).toEqual(expected);
  });

  it('agrees with the bash grammar (sh-syntax) on where statements begin', async () => {
    for (const [text] of CASES) {
      const statements = (await parse(text)).Stmts.map((s) => text.slice(s.Pos.Offset, s.End.Offset));
      // The reader's text keeps a trailing comment; sh-syntax's statement does not.
      const items = readShell(text).items.map((i) =>
        i.text.replace(/\s*#[^\n]*$/, '').replace(/[;&\s]+$/, ''),
      );
      expect(items.length, text).toBe(statements.length);
      // sh-syntax's statement also spans its here-document bodies; the reader's ends at the command.
      items.forEach((item, k) => expect(statements[k]!.startsWith(item), `${text}: ${item}`).toBe(true));
    }
  });
});
