import { describe, expect, it } from 'vitest';
import { readShell } from './parse';
import { otherOccurrences } from './variables';
import { type WordEnv, expandArgs } from './words';

const env: WordEnv = {
  home: '/home/u',
  pwd: '/ws',
  vars: new Map([
    ['FLAGS', { values: ['-rf /'], source: -1, from: 0 }],
    ['EMPTY', { values: [''], source: -1, from: 0 }],
    ['F', { values: ['a.log', 'b.log'], source: -1, from: 0 }],
  ]),
};

/** The argument vectors of the first command of `text`, unknown words as null. */
function args(text: string): (string | null)[][] {
  const cmd = readShell(text).items[0]!.pipelines[0]!.commands[0]!;
  if (cmd.type !== 'simple') throw new Error('not a simple command');
  return expandArgs(cmd.words, env).map((argv) => argv.map((a) => a.value));
}

describe('expandArgs', () => {
  it('removes quotes and decodes escapes as bash does', () => {
    expect(args(`e "a b" 'c' d\\ e $'\\t' "\\$x"`)).toEqual([['e', 'a b', 'c', 'd e', '\t', '$x']]);
  });

  it('expands ~ only unquoted and at the start', () => {
    expect(args('e ~ ~/x "~/y" a~ ~other/z')).toEqual([['e', '/home/u', '/home/u/x', '~/y', 'a~', null]]);
  });

  it('splits unquoted expansions and drops empty ones, as an `rm -rf $X/` accident needs', () => {
    expect(args('rm $FLAGS "$FLAGS" $EMPTY "$EMPTY" $EMPTY/')).toEqual([
      ['rm', '-rf', '/', '-rf /', '', '/'],
    ]);
  });

  it('does brace expansion, and gives up (unknown) on huge ones', () => {
    expect(args('e {a,b}/{1..3..2} {x} {} {1..100000}')).toEqual([
      ['e', 'a/1', 'a/3', 'b/1', 'b/3', '{x}', '{}', null],
    ]);
  });

  it('treats run-time values as unknown, and one argument vector per value of a command word', () => {
    expect(args('e $UNSET ${F:-x} $(date) $((1+1)) "$PWD" $(pwd)')).toEqual([
      ['e', null, null, null, null, '/ws', '/ws'],
    ]);
    expect(args('$F x')).toEqual([
      ['a.log', 'x'],
      ['b.log', 'x'],
    ]);
  });
});

describe('otherOccurrences', () => {
  it('counts places that can set a variable, not references, option letters or path parts', () => {
    expect(otherOccurrences('f=1; rm -f "$f" ${f} f.txt ./f', 'f')).toBe(1);
    expect(otherOccurrences('f=1; read f; unset f; ${f:=/}', 'f')).toBe(4);
    expect(otherOccurrences('f=ok; printf -vf /', 'f')).toBe(2);
  });
});
