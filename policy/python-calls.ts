// Finds the places in Python source that hand a command to the operating system: os.system("..."),
// subprocess.run([...]), os.execvp(...), asyncio.create_subprocess_shell(...), and the calls that
// delete paths (shutil.rmtree, os.remove). It reads the text with a small tokenizer (strings, names,
// brackets, imports and their aliases) and extracts the string literals passed to those calls.
//
// What a text scan cannot see, and does not pretend to: commands built at run time (a variable, a
// function's return value, getattr(os, "sys" + "tem"), __import__ with a computed name), code that is
// decoded or downloaded and then exec'd, a script the program writes and later runs, calls through
// ctypes or an extension module, and anything a library does on the program's behalf. Those are the
// container's job (ARCHITECTURE.md section 7); this scan catches the plain and the careless cases.

export interface PythonCall {
  /** 1-based line of the call. */
  line: number;
  /** The function as resolved through imports, e.g. `subprocess.run`. */
  callee: string;
  /** A shell command line given as a string (run-time parts replaced by an unknown variable). */
  shell: string | null;
  /** An argument vector given as a list or as separate arguments; null entries are not literals. */
  argv: (string | null)[] | null;
  /** Other string literals in the arguments (e.g. inside shlex.split("...")): checked as shell code. */
  loose: string[];
  /** Paths the call deletes (shutil.rmtree and friends), when literal. */
  removes: string[] | null;
}

/** Stands for a value only known when the program runs; the shell checker reads it as unknown. */
export const PYTHON_VALUE = '${__python_value__}';

interface Tok {
  t: 'name' | 'str' | 'op' | 'nl';
  v: string;
  pos: number;
  /** For strings: an f-string with replacement fields. */
  dynamic?: boolean;
}

const SHELL_STRING = new Set([
  'os.system',
  'os.popen',
  'subprocess.getoutput',
  'subprocess.getstatusoutput',
  'commands.getoutput',
  'commands.getstatusoutput',
  'asyncio.create_subprocess_shell',
]);
const FIRST_ARG_COMMAND = new Set([
  'subprocess.run',
  'subprocess.call',
  'subprocess.check_call',
  'subprocess.check_output',
  'subprocess.Popen',
  'pty.spawn',
]);
const REMOVES = new Set(['shutil.rmtree', 'os.remove', 'os.unlink', 'os.rmdir', 'os.removedirs']);
/** Attribute names distinctive enough to recognise without knowing the module (`__import__('os').system`). */
const DISTINCT = new Map([
  ['system', 'os.system'],
  ['popen', 'os.popen'],
  ['Popen', 'subprocess.Popen'],
  ['check_output', 'subprocess.check_output'],
  ['check_call', 'subprocess.check_call'],
  ['getoutput', 'subprocess.getoutput'],
  ['getstatusoutput', 'subprocess.getstatusoutput'],
  ['create_subprocess_shell', 'asyncio.create_subprocess_shell'],
  ['create_subprocess_exec', 'asyncio.create_subprocess_exec'],
  ['rmtree', 'shutil.rmtree'],
]);

export function findPythonCalls(source: string): PythonCall[] {
  const toks = tokenize(source);
  const { modules, names } = imports(toks);
  const calls: PythonCall[] = [];
  for (let i = 0; i < toks.length; i++) {
    if (toks[i]!.t !== 'name' || toks[i - 1]?.v === '.') continue;
    const chain = [toks[i]!.v];
    let j = i + 1;
    while (toks[j]?.v === '.' && toks[j + 1]?.t === 'name') {
      chain.push(toks[j + 1]!.v);
      j += 2;
    }
    if (toks[j]?.v !== '(') continue;
    const callee = resolve(chain, modules, names);
    const call = interpret(callee, toks, j, lineOf(source, toks[i]!.pos));
    if (call) calls.push(call);
  }
  // Calls on something that is not a plain name, e.g. __import__("os").system("...").
  for (let i = 1; i < toks.length; i++) {
    if (toks[i]!.v !== '.' || toks[i - 1]!.t === 'name' || toks[i + 2]?.v !== '(') continue;
    const callee = DISTINCT.get(toks[i + 1]?.v ?? '');
    const call = callee && interpret(callee, toks, i + 2, lineOf(source, toks[i]!.pos));
    if (call) calls.push(call);
  }
  return calls.sort((a, b) => a.line - b.line);
}

function resolve(chain: string[], modules: Map<string, string>, names: Map<string, string>): string {
  const [head, ...rest] = chain;
  const base = modules.get(head!) ?? names.get(head!) ?? head!;
  const full = [base, ...rest].join('.');
  const known = [SHELL_STRING, FIRST_ARG_COMMAND, REMOVES].some((s) => s.has(full)) || isExecFamily(full);
  if (known || rest.length === 0) return full;
  return DISTINCT.get(rest[rest.length - 1]!) ?? full;
}

function isExecFamily(callee: string): boolean {
  return (
    /^os\.(exec[lv]p?e?|spawn[lv]p?e?|posix_spawnp?)$/.test(callee) ||
    callee === 'asyncio.create_subprocess_exec'
  );
}

function interpret(callee: string, toks: Tok[], open: number, line: number): PythonCall | null {
  const exec = isExecFamily(callee);
  if (!SHELL_STRING.has(callee) && !FIRST_ARG_COMMAND.has(callee) && !REMOVES.has(callee) && !exec)
    return null;
  const args = positionalArgs(toks, open);
  const call: PythonCall = { line, callee, shell: null, argv: null, loose: [], removes: null };
  const first = args[0] ?? [];
  if (REMOVES.has(callee)) {
    const value = stringValue(first);
    call.removes = value === null ? null : [value];
    return call;
  }
  if (exec) {
    call.argv = execArgv(callee, args);
    return call;
  }
  const list = listValue(first);
  const text = stringValue(first);
  if (list) call.argv = list;
  else if (text !== null) call.shell = text;
  else call.loose = first.filter((t) => t.t === 'str' && !t.dynamic).map((t) => t.v);
  return call;
}

/** os.execvp(file, [argv0, ...]), os.execlp(file, argv0, ...), os.spawnv(mode, file, [...]), ... */
function execArgv(callee: string, args: Tok[][]): (string | null)[] {
  const values = args.map((a) => stringValue(a));
  if (callee === 'asyncio.create_subprocess_exec') return values;
  // spawn* take a mode first; the program comes next, then argv (whose argv[0] is only a name).
  const at = callee.startsWith('os.spawn') ? 1 : 0;
  const program = values[at] ?? null;
  const listForm = /^os\.(execv|spawnv|posix_spawn)/.test(callee);
  const argv = listForm ? (listValue(args[at + 1] ?? []) ?? [null, null]) : values.slice(at + 1);
  return [program, ...argv.slice(1)];
}

/** The value of an expression made of string literals joined by `+`; run-time parts become PYTHON_VALUE. */
function stringValue(range: Tok[]): string | null {
  if (!range.length) return null;
  const operands: Tok[][] = [[]];
  let depth = 0;
  for (const t of range) {
    if (t.t === 'op' && '([{'.includes(t.v)) depth++;
    if (t.t === 'op' && ')]}'.includes(t.v)) depth--;
    if (depth === 0 && t.v === '+' && t.t === 'op') operands.push([]);
    else operands[operands.length - 1]!.push(t);
  }
  let literal = false;
  let out = '';
  for (const operand of operands) {
    if (operand.length && operand.every((t) => t.t === 'str')) {
      literal = true;
      out += operand.map((t) => t.v).join('');
    } else out += PYTHON_VALUE;
  }
  return literal ? out : null;
}

/** `[...]` or `(...)` of elements: their string values (null for elements that are not literals). */
function listValue(range: Tok[]): (string | null)[] | null {
  const open = range[0]?.v;
  const close = range[range.length - 1]?.v;
  if (!((open === '[' && close === ']') || (open === '(' && close === ')'))) return null;
  const elements: Tok[][] = [[]];
  let depth = 0;
  for (const t of range.slice(1, -1)) {
    if (t.t === 'op' && '([{'.includes(t.v)) depth++;
    if (t.t === 'op' && ')]}'.includes(t.v)) depth--;
    if (depth === 0 && t.v === ',') elements.push([]);
    else elements[elements.length - 1]!.push(t);
  }
  const values = elements
    .filter((e) => e.length)
    .map((e) => (e.every((t) => t.t === 'str') ? stringValue(e) : null));
  // A tuple in parentheses needs a comma; `("ls -l")` is just a parenthesised string.
  if (open === '(' && elements.length === 1) return null;
  return values;
}

/** The positional arguments of the call whose `(` is at `open`, as token ranges. */
function positionalArgs(toks: Tok[], open: number): Tok[][] {
  const args: Tok[][] = [[]];
  let depth = 0;
  for (let i = open + 1; i < toks.length; i++) {
    const t = toks[i]!;
    if (t.t === 'nl') continue;
    if (t.t === 'op' && '([{'.includes(t.v)) depth++;
    if (t.t === 'op' && ')]}'.includes(t.v)) {
      if (depth === 0) break;
      depth--;
    }
    if (depth === 0 && t.v === ',') args.push([]);
    else args[args.length - 1]!.push(t);
  }
  return args.filter(
    (a) => a.length && !(a[0]!.t === 'name' && a[1]?.v === '=') && a[0]!.v !== '*' && a[0]!.v !== '**',
  );
}

function imports(toks: Tok[]): { modules: Map<string, string>; names: Map<string, string> } {
  const modules = new Map<string, string>();
  const names = new Map<string, string>();
  for (let i = 0; i < toks.length; i++) {
    const atStatement =
      i === 0 || toks[i - 1]!.t === 'nl' || toks[i - 1]!.v === ';' || toks[i - 1]!.v === ':';
    if (!atStatement) continue;
    if (toks[i]!.v === 'import') {
      let j = i + 1;
      while (j < toks.length && toks[j]!.t !== 'nl' && toks[j]!.v !== ';') {
        const { dotted, next } = readDotted(toks, j);
        let alias = dotted.split('.')[0]!;
        let full = alias;
        j = next;
        if (toks[j]?.v === 'as' && toks[j + 1]) {
          alias = toks[j + 1]!.v;
          full = dotted;
          j += 2;
        }
        modules.set(alias, full);
        if (toks[j]?.v === ',') j++;
        else break;
      }
    } else if (toks[i]!.v === 'from') {
      const { dotted: module, next } = readDotted(toks, i + 1);
      if (toks[next]?.v !== 'import') continue;
      let j = next + 1;
      if (toks[j]?.v === '(') j++;
      while (j < toks.length && toks[j]!.t === 'name') {
        const name = toks[j]!.v;
        let alias = name;
        j++;
        if (toks[j]?.v === 'as' && toks[j + 1]) {
          alias = toks[j + 1]!.v;
          j += 2;
        }
        names.set(alias, `${module}.${name}`);
        if (toks[j]?.v !== ',') break;
        j++;
      }
    }
  }
  return { modules, names };
}

function readDotted(toks: Tok[], start: number): { dotted: string; next: number } {
  const parts: string[] = [];
  let j = start;
  while (toks[j]?.t === 'name') {
    parts.push(toks[j]!.v);
    if (toks[j + 1]?.v !== '.') {
      j++;
      break;
    }
    j += 2;
  }
  return { dotted: parts.join('.'), next: j };
}

function lineOf(source: string, pos: number): number {
  let line = 1;
  for (let i = 0; i < pos; i++) if (source.charCodeAt(i) === 10) line++;
  return line;
}

// ---- tokenizer ----

const STRING_PREFIX = /^(r|u|b|f|br|rb|fr|rf)$/i;

function tokenize(src: string): Tok[] {
  const toks: Tok[] = [];
  let depth = 0;
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    if (c === '\\' && src[i + 1] === '\n') {
      i += 2;
      continue;
    }
    if (c === '\n') {
      if (depth === 0 && toks.length && toks[toks.length - 1]!.t !== 'nl')
        toks.push({ t: 'nl', v: '\n', pos: i });
      i++;
      continue;
    }
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      let j = i;
      while (j < src.length && /[A-Za-z0-9_]/.test(src[j]!)) j++;
      const word = src.slice(i, j);
      if ((src[j] === '"' || src[j] === "'") && STRING_PREFIX.test(word)) {
        const str = readString(src, j, word.toLowerCase());
        toks.push({ t: 'str', v: str.value, pos: i, dynamic: str.dynamic });
        i = str.end;
      } else {
        toks.push({ t: 'name', v: word, pos: i });
        i = j;
      }
      continue;
    }
    if (c === '"' || c === "'") {
      const str = readString(src, i, '');
      toks.push({ t: 'str', v: str.value, pos: i, dynamic: false });
      i = str.end;
      continue;
    }
    if (/[0-9]/.test(c)) {
      while (i < src.length && /[0-9A-Za-z_.]/.test(src[i]!)) i++;
      continue;
    }
    if ('([{'.includes(c)) depth++;
    if (')]}'.includes(c)) depth = Math.max(0, depth - 1);
    const two = src.slice(i, i + 2);
    const op = two === '**' ? two : c;
    toks.push({ t: 'op', v: op, pos: i });
    i += op.length;
  }
  return toks;
}

function readString(
  src: string,
  start: number,
  prefix: string,
): { value: string; end: number; dynamic: boolean } {
  const quote = src[start]!;
  const triple = src.startsWith(quote.repeat(3), start);
  const close = triple ? quote.repeat(3) : quote;
  const raw = prefix.includes('r');
  const fstring = prefix.includes('f');
  let i = start + close.length;
  let value = '';
  let dynamic = false;
  while (i < src.length) {
    if (src.startsWith(close, i)) return { value, end: i + close.length, dynamic };
    const c = src[i]!;
    if (!triple && c === '\n') break;
    if (c === '\\' && i + 1 < src.length) {
      if (raw) {
        value += c + src[i + 1];
        i += 2;
        continue;
      }
      const m = /\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{1,3}|N\{[^}]*\}|\n|.)/sy;
      m.lastIndex = i;
      const esc = m.exec(src)![1]!;
      value += pythonEscape(esc);
      i = m.lastIndex;
      continue;
    }
    if (fstring && c === '{') {
      if (src[i + 1] === '{') {
        value += '{';
        i += 2;
        continue;
      }
      i = skipReplacementField(src, i);
      value += PYTHON_VALUE;
      dynamic = true;
      continue;
    }
    if (fstring && c === '}' && src[i + 1] === '}') {
      value += '}';
      i += 2;
      continue;
    }
    value += c;
    i++;
  }
  return { value, end: i, dynamic };
}

function skipReplacementField(src: string, start: number): number {
  let depth = 0;
  for (let i = start; i < src.length; i++) {
    const c = src[i]!;
    if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i + 1;
    else if (c === '"' || c === "'") {
      const end = src.indexOf(c, i + 1);
      if (end < 0) return src.length;
      i = end;
    }
  }
  return src.length;
}

const PY_ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  '\n': '',
  '0': '\0',
};

function pythonEscape(esc: string): string {
  const head = esc[0]!;
  if (head === 'x' || head === 'u' || head === 'U') return String.fromCodePoint(parseInt(esc.slice(1), 16));
  if (/^[0-7]+$/.test(esc)) return String.fromCharCode(parseInt(esc, 8));
  if (head === 'N') return '?';
  return PY_ESCAPES[esc] ?? `\\${esc}`;
}
