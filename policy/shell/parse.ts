import type {
  AndOr,
  Assignment,
  Command,
  CompoundCommand,
  CompoundKind,
  Pipeline,
  Redirect,
  Script,
  Word,
  WordPart,
} from './ast';

// A structural reader for bash. The policy first validates every command with the real bash grammar
// (mvdan/sh through sh-syntax, see syntax.ts); sh-syntax's WASM build returns only statement offsets,
// not the command tree, so this reader walks the already-validated text to find every command that
// would run (lists, pipelines, subshells, groups, control flow, function bodies, $( ), backticks,
// process substitution, here-documents) and every word with its quoting. It does not need to reject
// bad syntax (sh-syntax does that), but it must never misread valid syntax in a way that hides a
// command, so where it is unsure it fails and the command is blocked.

export class ShellReadError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'ShellReadError';
  }
}

/** Reads a whole script. Throws ShellReadError on text it cannot follow. */
export function readShell(text: string): Script {
  return new Parser(text).parseAll();
}

const RESERVED = new Set([
  'if',
  'then',
  'elif',
  'else',
  'fi',
  'do',
  'done',
  'while',
  'until',
  'for',
  'in',
  'case',
  'esac',
  'select',
  'function',
  '{',
  '}',
  '!',
  '[[',
  ']]',
  'time',
  'coproc',
]);

/** Characters that end an unquoted word. */
const META = ' \t\n;&|<>()';
const REDIRECT_OPS = ['&>>', '&>', '<<<', '<<-', '<<', '<>', '<&', '>>', '>|', '>&', '<', '>'];
const ASSIGNMENT = /([A-Za-z_][A-Za-z0-9_]*)(\[[^\]]*\])?\+?=/y;

let nextSourceId = 1;

interface PendingHereDoc {
  redirect: Redirect;
  delimiter: string;
  stripTabs: boolean;
  quoted: boolean;
}

class Parser {
  pos = 0;
  readonly id = nextSourceId++;
  private pending: PendingHereDoc[] = [];

  constructor(readonly src: string) {}

  parseAll(): Script {
    const script = this.parseList(new Set());
    this.skipLinebreaks();
    if (!this.eof()) this.fail(`unexpected ${this.describe()}`);
    return script;
  }

  // ---- characters ----

  private peek(n = 0): string {
    return this.src[this.pos + n] ?? '';
  }

  private startsWith(s: string): boolean {
    return this.src.startsWith(s, this.pos);
  }

  private eof(): boolean {
    return this.pos >= this.src.length;
  }

  private describe(): string {
    return this.eof() ? 'end of input' : `\`${this.peek()}\``;
  }

  private fail(message: string): never {
    throw new ShellReadError(message, this.pos);
  }

  private expect(s: string): void {
    if (!this.startsWith(s)) this.fail(`expected \`${s}\`, found ${this.describe()}`);
    this.pos += s.length;
  }

  /** Skips spaces, tabs, line continuations and comments; stops at a newline. */
  private skipBlanks(): void {
    for (;;) {
      const c = this.peek();
      if (c === ' ' || c === '\t') this.pos++;
      else if (c === '\\' && this.peek(1) === '\n') this.pos += 2;
      else if (c === '#') while (!this.eof() && this.peek() !== '\n') this.pos++;
      else return;
    }
  }

  /** Skips blanks and newlines, reading the bodies of pending here-documents after each newline. */
  private skipLinebreaks(): void {
    for (;;) {
      this.skipBlanks();
      if (this.peek() !== '\n') return;
      this.pos++;
      this.readHereDocs();
    }
  }

  /** The reserved word at the current position, if the next word is one. */
  private peekReserved(): string | null {
    let i = this.pos;
    while (i < this.src.length && !META.includes(this.src[i]!) && !`'"\\$\``.includes(this.src[i]!)) i++;
    const word = this.src.slice(this.pos, i);
    const next = this.src[i] ?? '';
    if (next !== '' && !META.includes(next)) return null;
    return RESERVED.has(word) ? word : null;
  }

  private expectReserved(word: string): void {
    if (this.peekReserved() !== word) this.fail(`expected \`${word}\`, found ${this.describe()}`);
    this.pos += word.length;
  }

  // ---- lists, pipelines, commands ----

  /** Commands up to the end of input or one of `terms` (reserved words, `)`, or `;;` for case arms). */
  private parseList(terms: ReadonlySet<string>): Script {
    const start = this.pos;
    const items: AndOr[] = [];
    for (;;) {
      this.skipLinebreaks();
      if (this.eof() || this.atTerminator(terms)) break;
      const item = this.parseAndOr();
      items.push(item);
      this.skipBlanks();
      const c = this.peek();
      if (c === ';') {
        if (this.startsWith(';;') || this.startsWith(';&')) break;
        this.pos++;
        continue;
      }
      if (c === '&') {
        item.background = true;
        this.pos++;
        continue;
      }
      if (c === '\n') continue;
      break;
    }
    return { items, text: this.src.slice(start, this.pos) };
  }

  private atTerminator(terms: ReadonlySet<string>): boolean {
    if (this.peek() === ')' && terms.has(')')) return true;
    if (terms.has(';;') && (this.startsWith(';;') || this.startsWith(';&'))) return true;
    const word = this.peekReserved();
    return word !== null && terms.has(word);
  }

  private parseAndOr(): AndOr {
    const start = this.pos;
    const pipelines = [this.parsePipeline()];
    const ops: ('&&' | '||')[] = [];
    for (;;) {
      this.skipBlanks();
      if (!this.startsWith('&&') && !this.startsWith('||')) break;
      ops.push(this.startsWith('&&') ? '&&' : '||');
      this.pos += 2;
      this.skipLinebreaks();
      pipelines.push(this.parsePipeline());
    }
    return { pipelines, ops, background: false, text: this.src.slice(start, this.pos) };
  }

  private parsePipeline(): Pipeline {
    const start = this.pos;
    let negated = false;
    for (;;) {
      this.skipBlanks();
      const word = this.peekReserved();
      if (word === '!') {
        negated = !negated;
        this.pos++;
      } else if (word === 'time') {
        this.pos += 4;
        this.skipBlanks();
        if (this.startsWith('-p') && META.includes(this.peek(2) || ' ')) this.pos += 2;
      } else break;
    }
    const commands = [this.parseCommand()];
    for (;;) {
      this.skipBlanks();
      if (this.peek() !== '|' || this.peek(1) === '|') break;
      this.pos += this.peek(1) === '&' ? 2 : 1;
      this.skipLinebreaks();
      commands.push(this.parseCommand());
    }
    return { negated, commands, text: this.src.slice(start, this.pos) };
  }

  private parseCommand(): Command {
    this.skipBlanks();
    const start = this.pos;
    if (this.startsWith('((')) {
      const nested = this.tryArithmetic(2, '))');
      if (nested) return this.finishCompound('arith', nested, [], null, start);
    }
    if (this.peek() === '(') {
      this.pos++;
      const body = this.parseList(new Set([')']));
      this.expect(')');
      return this.finishCompound('subshell', [body], [], null, start);
    }
    switch (this.peekReserved()) {
      case '{': {
        this.pos++;
        const body = this.parseList(new Set(['}']));
        this.expectReserved('}');
        return this.finishCompound('group', [body], [], null, start);
      }
      case 'if':
        return this.parseIf(start);
      case 'while':
      case 'until': {
        const kind = this.peekReserved() as 'while' | 'until';
        this.pos += kind.length;
        const condition = this.parseList(new Set(['do']));
        this.expectReserved('do');
        const body = this.parseList(new Set(['done']));
        this.expectReserved('done');
        return this.finishCompound(kind, [condition, body], [], null, start);
      }
      case 'for':
      case 'select':
        return this.parseFor(start);
      case 'case':
        return this.parseCase(start);
      case 'function': {
        this.pos += 'function'.length;
        this.skipBlanks();
        const name = this.readWord();
        if (!name) this.fail('expected a function name');
        this.skipBlanks();
        if (this.peek() === '(') {
          this.pos++;
          this.skipBlanks();
          this.expect(')');
        }
        this.skipLinebreaks();
        const body = this.parseCommand();
        return { type: 'function', name: name.raw, body, text: this.src.slice(start, this.pos) };
      }
      case '[[':
        return this.parseCond(start);
      case 'coproc': {
        this.pos += 'coproc'.length;
        this.skipBlanks();
        // `coproc NAME { ...; }` names the coprocess; `coproc cmd args` runs cmd.
        const m = /[A-Za-z_][A-Za-z0-9_]*[ \t]+(?=[{(])/y;
        m.lastIndex = this.pos;
        if (m.test(this.src)) this.pos = m.lastIndex;
        return this.parseCommand();
      }
    }
    return this.parseSimple(start);
  }

  private finishCompound(
    kind: CompoundKind,
    bodies: Script[],
    words: Word[],
    loopVar: string | null,
    start: number,
  ): CompoundCommand {
    const redirects: Redirect[] = [];
    for (;;) {
      this.skipBlanks();
      if (!this.atRedirect()) break;
      redirects.push(this.parseRedirect());
    }
    return {
      type: 'compound',
      kind,
      bodies,
      words,
      loopVar,
      redirects,
      text: this.src.slice(start, this.pos),
    };
  }

  private parseIf(start: number): CompoundCommand {
    this.pos += 2;
    const bodies: Script[] = [];
    bodies.push(this.parseList(new Set(['then'])));
    this.expectReserved('then');
    bodies.push(this.parseList(new Set(['elif', 'else', 'fi'])));
    for (;;) {
      const word = this.peekReserved();
      if (word === 'elif') {
        this.pos += 4;
        bodies.push(this.parseList(new Set(['then'])));
        this.expectReserved('then');
        bodies.push(this.parseList(new Set(['elif', 'else', 'fi'])));
      } else if (word === 'else') {
        this.pos += 4;
        bodies.push(this.parseList(new Set(['fi'])));
        this.expectReserved('fi');
        break;
      } else {
        this.expectReserved('fi');
        break;
      }
    }
    return this.finishCompound('if', bodies, [], null, start);
  }

  private parseFor(start: number): CompoundCommand {
    this.pos += this.startsWith('for') ? 3 : 6;
    this.skipBlanks();
    const bodies: Script[] = [];
    const words: Word[] = [];
    let loopVar: string | null = null;
    if (this.startsWith('((')) {
      const nested = this.tryArithmetic(2, '))');
      if (!nested) this.fail('unreadable `for ((...))` header');
      bodies.push(...nested);
      this.skipBlanks();
      if (this.peek() === ';') this.pos++;
    } else {
      const name = this.readWord();
      if (!name) this.fail('expected a loop variable');
      loopVar = name.raw;
      this.skipLinebreaks();
      if (this.peekReserved() === 'in') {
        this.pos += 2;
        for (;;) {
          this.skipBlanks();
          const c = this.peek();
          if (c === ';' || c === '\n' || c === '') break;
          const word = this.readWord();
          if (!word) this.fail(`unexpected ${this.describe()} in the loop's word list`);
          words.push(word);
        }
      }
      this.skipBlanks();
      if (this.peek() === ';') this.pos++;
    }
    this.skipLinebreaks();
    if (this.peekReserved() === '{') {
      this.pos++;
      bodies.push(this.parseList(new Set(['}'])));
      this.expectReserved('}');
    } else {
      this.expectReserved('do');
      bodies.push(this.parseList(new Set(['done'])));
      this.expectReserved('done');
    }
    return this.finishCompound('for', bodies, words, loopVar, start);
  }

  private parseCase(start: number): CompoundCommand {
    this.pos += 4;
    this.skipBlanks();
    const subject = this.readWord();
    if (!subject) this.fail('expected a word after `case`');
    const words = [subject];
    const bodies: Script[] = [];
    this.skipLinebreaks();
    this.expectReserved('in');
    for (;;) {
      this.skipLinebreaks();
      if (this.peekReserved() === 'esac') {
        this.pos += 4;
        break;
      }
      if (this.peek() === '(') this.pos++;
      for (;;) {
        this.skipBlanks();
        const pattern = this.readWord();
        if (!pattern) this.fail(`expected a case pattern, found ${this.describe()}`);
        words.push(pattern);
        this.skipBlanks();
        if (this.peek() !== '|') break;
        this.pos++;
      }
      this.expect(')');
      bodies.push(this.parseList(new Set([';;', 'esac'])));
      this.skipBlanks();
      if (this.startsWith(';;&')) this.pos += 3;
      else if (this.startsWith(';;') || this.startsWith(';&')) this.pos += 2;
    }
    return this.finishCompound('case', bodies, words, null, start);
  }

  private parseCond(start: number): CompoundCommand {
    this.pos += 2;
    const words: Word[] = [];
    for (;;) {
      this.skipLinebreaks();
      if (this.eof()) this.fail('unterminated `[[`');
      if (this.peekReserved() === ']]') {
        this.pos += 2;
        break;
      }
      if (this.startsWith('&&') || this.startsWith('||')) {
        this.pos += 2;
        continue;
      }
      const c = this.peek();
      if ('()<>'.includes(c) || (c === '!' && ' \t\n'.includes(this.peek(1)))) {
        this.pos++;
        continue;
      }
      const word = this.readWord();
      if (!word) this.fail(`unexpected ${this.describe()} inside [[ ]]`);
      words.push(word);
      if (word.raw === '=~') {
        this.skipBlanks();
        const regex = this.readWord(true);
        if (regex) words.push(regex);
      }
    }
    return this.finishCompound('cond', [], words, null, start);
  }

  private parseSimple(start: number): Command {
    const assignments: Assignment[] = [];
    const words: Word[] = [];
    const redirects: Redirect[] = [];
    for (;;) {
      this.skipBlanks();
      if (this.atRedirect()) {
        redirects.push(this.parseRedirect());
        continue;
      }
      const c = this.peek();
      const procSubst = (c === '<' || c === '>') && this.peek(1) === '(';
      if (c === '' || (META.includes(c) && !procSubst)) {
        if (c === '(' && words.length === 1 && !assignments.length && !redirects.length) {
          // `name() body`: a function definition.
          const save = this.pos;
          this.pos++;
          this.skipBlanks();
          if (this.peek() === ')') {
            this.pos++;
            this.skipLinebreaks();
            const body = this.parseCommand();
            return { type: 'function', name: words[0]!.raw, body, text: this.src.slice(start, this.pos) };
          }
          this.pos = save;
        }
        break;
      }
      if (!words.length) {
        const assignment = this.tryAssignment();
        if (assignment) {
          assignments.push(assignment);
          continue;
        }
      }
      const word = this.readWord();
      if (!word) break;
      words.push(word);
    }
    if (!words.length && !assignments.length && !redirects.length) this.fail(`unexpected ${this.describe()}`);
    return {
      type: 'simple',
      assignments,
      words,
      redirects,
      text: this.src.slice(start, this.pos).trimEnd(),
      at: { source: this.id, offset: start },
    };
  }

  private tryAssignment(): Assignment | null {
    ASSIGNMENT.lastIndex = this.pos;
    const m = ASSIGNMENT.exec(this.src);
    if (!m) return null;
    const start = this.pos;
    this.pos = ASSIGNMENT.lastIndex;
    let value: Word | null = null;
    let array: Word[] | null = null;
    if (this.peek() === '(') array = this.readArray();
    else value = this.readWord() ?? { parts: [], raw: '' };
    return {
      name: m[1]!,
      value,
      array,
      raw: this.src.slice(start, this.pos),
      at: { source: this.id, offset: start },
    };
  }

  private readArray(): Word[] {
    this.pos++;
    const words: Word[] = [];
    for (;;) {
      this.skipLinebreaks();
      if (this.peek() === ')') {
        this.pos++;
        return words;
      }
      const word = this.readWord();
      if (!word) this.fail(`unexpected ${this.describe()} in an array`);
      words.push(word);
    }
  }

  // ---- redirects and here-documents ----

  private atRedirect(): boolean {
    let i = this.pos;
    while (/[0-9]/.test(this.src[i] ?? '')) i++;
    const c = this.src[i] ?? '';
    if (c === '<' || c === '>') return this.src[i + 1] !== '(' || i > this.pos;
    if (i === this.pos && this.startsWith('&>')) return true;
    return i === this.pos && /^\{[A-Za-z_][A-Za-z0-9_]*\}[<>]/.test(this.src.slice(this.pos, this.pos + 40));
  }

  private parseRedirect(): Redirect {
    let fd: string | null = null;
    const m = /[0-9]+|\{[A-Za-z_][A-Za-z0-9_]*\}/y;
    m.lastIndex = this.pos;
    const fdMatch = m.exec(this.src);
    if (fdMatch) {
      fd = fdMatch[0];
      this.pos = m.lastIndex;
    }
    const op = REDIRECT_OPS.find((o) => this.startsWith(o));
    if (!op) this.fail(`expected a redirection, found ${this.describe()}`);
    this.pos += op.length;
    this.skipBlanks();
    const target = this.readWord();
    if (!target) this.fail(`expected a file name after \`${op}\`, found ${this.describe()}`);
    const redirect: Redirect = { op, fd, target, heredoc: null };
    if (op === '<<' || op === '<<-') {
      const quoted = target.parts.some((p) => p.type === 'lit' && p.quoted);
      const delimiter = target.parts.map((p) => (p.type === 'lit' ? p.value : '')).join('');
      this.pending.push({ redirect, delimiter, stripTabs: op === '<<-', quoted });
    }
    return redirect;
  }

  private readHereDocs(): void {
    const pending = this.pending;
    this.pending = [];
    for (const doc of pending) {
      const lines: string[] = [];
      while (!this.eof()) {
        let end = this.src.indexOf('\n', this.pos);
        if (end < 0) end = this.src.length;
        let line = this.src.slice(this.pos, end);
        this.pos = Math.min(end + 1, this.src.length);
        if (doc.stripTabs) line = line.replace(/^\t+/, '');
        if (line === doc.delimiter) break;
        lines.push(line);
      }
      const body = lines.length ? lines.join('\n') + '\n' : '';
      doc.redirect.heredoc = { body, quoted: doc.quoted, word: doc.quoted ? null : readHereDocBody(body) };
    }
  }

  // ---- words ----

  /** One word at the current position, or null at an operator or the end. */
  readWord(regex = false): Word | null {
    const start = this.pos;
    const parts: WordPart[] = [];
    const lit = (value: string, quoted: boolean) => {
      const last = parts[parts.length - 1];
      if (last?.type === 'lit' && last.quoted === quoted) last.value += value;
      else parts.push({ type: 'lit', value, quoted });
    };
    let depth = 0;
    while (!this.eof()) {
      const c = this.peek();
      if (regex) {
        // After `=~` bash reads a regular expression: parentheses and `|` are part of it.
        if (c === '(' || (c === ')' && depth > 0)) {
          depth += c === '(' ? 1 : -1;
          lit(c, false);
          this.pos++;
          continue;
        }
        if (depth > 0 && '|<>&;'.includes(c)) {
          lit(c, false);
          this.pos++;
          continue;
        }
      }
      if (c === '\\') {
        const next = this.peek(1);
        if (next === '\n') this.pos += 2;
        else if (next === '') {
          lit('\\', false);
          this.pos++;
        } else {
          lit(next, true);
          this.pos += 2;
        }
        continue;
      }
      if (c === "'") {
        const end = this.src.indexOf("'", this.pos + 1);
        if (end < 0) this.fail('unterminated single quote');
        lit(this.src.slice(this.pos + 1, end), true);
        this.pos = end + 1;
        continue;
      }
      if (c === '"') {
        this.pos++;
        this.readDoubleQuoted(parts, false);
        continue;
      }
      if (c === '$') {
        const next = this.peek(1);
        if (next === "'") {
          this.pos += 2;
          lit(this.readAnsiC(), true);
          continue;
        }
        if (next === '"') {
          this.pos += 2;
          this.readDoubleQuoted(parts, false);
          continue;
        }
        const part = this.readDollar(false);
        if (part) parts.push(part);
        else {
          lit('$', false);
          this.pos++;
        }
        continue;
      }
      if (c === '`') {
        parts.push(this.readBackquote(false));
        continue;
      }
      if ((c === '<' || c === '>') && this.peek(1) === '(') {
        this.pos += 2;
        const script = this.parseList(new Set([')']));
        this.expect(')');
        parts.push({ type: 'procsubst', op: c, script });
        continue;
      }
      if ('@!+*?'.includes(c) && this.peek(1) === '(') {
        lit(this.readBalanced(), false);
        continue;
      }
      if (c === '(' && parts.length === 1 && parts[0]!.type === 'lit' && !parts[0]!.quoted) {
        if (/^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=$/.test(parts[0]!.value)) {
          parts.push({ type: 'array', words: this.readArray() });
          continue;
        }
      }
      if (META.includes(c)) break;
      lit(c, false);
      this.pos++;
    }
    if (this.pos === start) return null;
    return { parts, raw: this.src.slice(start, this.pos) };
  }

  /** An extglob group such as `@(a|b)`, read as literal text. */
  private readBalanced(): string {
    const start = this.pos;
    this.pos += 2;
    let depth = 1;
    while (depth > 0) {
      if (this.eof()) this.fail('unterminated pattern group');
      const c = this.peek();
      if (c === '\\') this.pos++;
      else if (c === '(') depth++;
      else if (c === ')') depth--;
      this.pos++;
    }
    return this.src.slice(start, this.pos);
  }

  /**
   * The inside of "..." (after the opening quote, consuming the closing one), or of a here-document
   * body when `hereDoc` (then `"` is an ordinary character and the end of input closes it).
   */
  readDoubleQuoted(parts: WordPart[], hereDoc: boolean): void {
    const lit = (value: string) => {
      const last = parts[parts.length - 1];
      if (last?.type === 'lit' && last.quoted) last.value += value;
      else parts.push({ type: 'lit', value, quoted: true });
    };
    lit('');
    for (;;) {
      if (this.eof()) {
        if (hereDoc) return;
        this.fail('unterminated double quote');
      }
      const c = this.peek();
      if (c === '"' && !hereDoc) {
        this.pos++;
        return;
      }
      if (c === '\\') {
        const next = this.peek(1);
        if (next === '\n') this.pos += 2;
        else if ('$`\\'.includes(next) || (next === '"' && !hereDoc)) {
          lit(next);
          this.pos += 2;
        } else {
          lit('\\');
          this.pos++;
        }
        continue;
      }
      if (c === '$') {
        const part = this.readDollar(true);
        if (part) parts.push(part);
        else {
          lit('$');
          this.pos++;
        }
        continue;
      }
      if (c === '`') {
        parts.push(this.readBackquote(true));
        continue;
      }
      lit(c);
      this.pos++;
    }
  }

  /** `$...` expansions; null when the `$` is a literal dollar sign. */
  private readDollar(quoted: boolean): WordPart | null {
    const next = this.peek(1);
    const at = { source: this.id, offset: this.pos };
    if (next === '(') {
      if (this.peek(2) === '(') {
        const nested = this.tryArithmetic(3, '))');
        if (nested) return { type: 'arith', nested, quoted };
      }
      this.pos += 2;
      const script = this.parseList(new Set([')']));
      this.expect(')');
      return { type: 'cmdsubst', script, quoted };
    }
    if (next === '[') {
      const nested = this.tryArithmetic(2, ']');
      if (!nested) this.fail('unterminated $[ ]');
      return { type: 'arith', nested, quoted };
    }
    if (next === '{') return this.readBraceParam(quoted, at);
    const m = /[A-Za-z_][A-Za-z0-9_]*|[0-9@*#?$!-]/y;
    m.lastIndex = this.pos + 1;
    const name = m.exec(this.src);
    if (!name) return null;
    this.pos = m.lastIndex;
    return { type: 'param', name: name[0], simple: true, quoted, at, nested: [] };
  }

  private readBraceParam(quoted: boolean, at: { source: number; offset: number }): WordPart {
    this.pos += 2;
    const start = this.pos;
    const nested: WordPart[] = [];
    for (;;) {
      if (this.eof()) this.fail('unterminated ${');
      const c = this.peek();
      if (c === '}') break;
      if (c === '\\') this.pos += 2;
      else if (c === "'" && !quoted) {
        const end = this.src.indexOf("'", this.pos + 1);
        if (end < 0) this.fail('unterminated single quote');
        this.pos = end + 1;
      } else if (c === '"') {
        this.pos++;
        this.readDoubleQuoted(nested, false);
      } else if (c === '$') {
        const part = this.readDollar(true);
        if (part) nested.push(part);
        else this.pos++;
      } else if (c === '`') nested.push(this.readBackquote(true));
      else this.pos++;
    }
    const body = this.src.slice(start, this.pos);
    this.pos++;
    const simple = /^([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*#?$!-])$/.test(body);
    const name = /^[#!]?([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*#?$!-])/.exec(body)?.[1] ?? '';
    return { type: 'param', name, simple, quoted, at, nested: scriptsOf(nested) };
  }

  /**
   * Arithmetic from the current position: skips `skip` opening characters and reads to `close` at
   * depth zero, returning the command substitutions inside. Returns null (position restored) when the
   * text is not arithmetic after all, e.g. `$( (cd x) )`.
   */
  private tryArithmetic(skip: number, close: string): Script[] | null {
    const save = this.pos;
    this.pos += skip;
    const nested: WordPart[] = [];
    let depth = 0;
    for (;;) {
      if (this.eof()) {
        this.pos = save;
        return null;
      }
      const c = this.peek();
      if (depth === 0 && this.startsWith(close)) {
        this.pos += close.length;
        return scriptsOf(nested);
      }
      if (c === '(') depth++;
      else if (c === ')') {
        if (depth === 0) {
          this.pos = save;
          return null;
        }
        depth--;
      }
      if (c === '$') {
        const part = this.readDollar(true);
        if (part) nested.push(part);
        else this.pos++;
      } else if (c === '`') nested.push(this.readBackquote(true));
      else if (c === '"') {
        this.pos++;
        this.readDoubleQuoted(nested, false);
      } else if (c === "'") {
        const end = this.src.indexOf("'", this.pos + 1);
        if (end < 0) {
          this.pos = save;
          return null;
        }
        this.pos = end + 1;
      } else this.pos++;
    }
  }

  private readBackquote(quoted: boolean): WordPart {
    this.pos++;
    let inner = '';
    for (;;) {
      if (this.eof()) this.fail('unterminated backquote');
      const c = this.peek();
      if (c === '`') {
        this.pos++;
        break;
      }
      if (c === '\\') {
        const next = this.peek(1);
        // Inside backquotes a backslash escapes only $, ` and \ (and " within double quotes).
        if ('$`\\'.includes(next) || (quoted && next === '"')) {
          inner += next;
          this.pos += 2;
          continue;
        }
      }
      inner += c;
      this.pos++;
    }
    return { type: 'cmdsubst', script: new Parser(inner).parseAll(), quoted };
  }

  private readAnsiC(): string {
    let out = '';
    for (;;) {
      if (this.eof()) this.fail("unterminated $'...'");
      const c = this.peek();
      if (c === "'") {
        this.pos++;
        return out;
      }
      if (c !== '\\') {
        out += c;
        this.pos++;
        continue;
      }
      const m = /\\(x[0-9a-fA-F]{1,2}|u[0-9a-fA-F]{1,4}|U[0-9a-fA-F]{1,8}|[0-7]{1,3}|c.|.)/sy;
      m.lastIndex = this.pos;
      const esc = m.exec(this.src)![1]!;
      this.pos = m.lastIndex;
      out += decodeAnsiC(esc);
    }
  }
}

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  e: '\x1b',
  E: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '?': '?',
};

/** Decodes one `$'...'` escape (without its backslash), so `$'\x73udo'` reads as `sudo`. */
function decodeAnsiC(esc: string): string {
  const head = esc[0]!;
  if (head === 'x' || head === 'u' || head === 'U') return String.fromCodePoint(parseInt(esc.slice(1), 16));
  if (/[0-7]/.test(head)) return String.fromCharCode(parseInt(esc, 8) & 0xff);
  if (head === 'c') return String.fromCharCode(esc.charCodeAt(1) & 0x1f);
  return SIMPLE_ESCAPES[head] ?? `\\${esc}`;
}

/** The scripts that run inside expansion parts (for collecting nested commands). */
export function scriptsOf(parts: readonly WordPart[]): Script[] {
  const out: Script[] = [];
  for (const part of parts) {
    if (part.type === 'cmdsubst' || part.type === 'procsubst') out.push(part.script);
    else if (part.type === 'param' || part.type === 'arith') out.push(...part.nested);
    else if (part.type === 'array') for (const word of part.words) out.push(...scriptsOf(word.parts));
  }
  return out;
}

/** An unquoted here-document body as a word: parameter and command substitutions run in it. */
function readHereDocBody(body: string): Word {
  const parser = new Parser(body);
  const parts: WordPart[] = [];
  parser.readDoubleQuoted(parts, true);
  return { parts, raw: body };
}
