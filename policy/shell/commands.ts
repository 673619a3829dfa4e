import path from 'node:path';
import type { Arg } from './words';

// What the policy knows about particular commands: which arguments they write to, which commands
// they run in turn (wrappers such as env, timeout, xargs, find -exec), and which take a program as
// an argument (bash -c, eval, python -c). Option tables follow GNU coreutils and the tools' manuals;
// an argument the tables do not recognise is treated as an operand, which errs towards checking it.

/** The command name a word runs: its last path component, lower case (`/usr/bin/SUDO` -> `sudo`). */
export function commandName(value: string): string {
  return path.posix.basename(value).toLowerCase();
}

interface OptionSpec {
  /** Short options that take a value, as one string of letters. */
  short?: string;
  /** Short options whose value may only be attached (`-i.bak`, `xargs -l5`). */
  attached?: string;
  /** Long options that take a value (as `--name value` or `--name=value`). */
  long?: readonly string[];
  /** Stop at the first operand: what follows is another command's arguments. */
  stopAtOperand?: boolean;
}

interface Parsed {
  options: { name: string; value: Arg | null }[];
  operands: Arg[];
  /** Index in the input of the first operand when stopAtOperand (the command that follows). */
  rest: number;
}

const synthetic = (value: string | null, raw: string): Arg => ({ value, raw, word: null });

export function parseOptions(args: readonly Arg[], spec: OptionSpec = {}): Parsed {
  const options: Parsed['options'] = [];
  const operands: Arg[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const v = arg.value;
    if (v === '--') {
      if (spec.stopAtOperand) return { options, operands, rest: i + 1 };
      operands.push(...args.slice(i + 1));
      break;
    }
    if (v === null || v === '-' || !v.startsWith('-')) {
      if (spec.stopAtOperand) return { options, operands, rest: i };
      operands.push(arg);
      continue;
    }
    if (v.startsWith('--')) {
      const eq = v.indexOf('=');
      const name = eq < 0 ? v : v.slice(0, eq);
      if (eq >= 0) options.push({ name, value: synthetic(v.slice(eq + 1), arg.raw) });
      else if (spec.long?.includes(name)) options.push({ name, value: args[++i] ?? null });
      else options.push({ name, value: null });
      continue;
    }
    for (let k = 1; k < v.length; k++) {
      const letter = v[k]!;
      const name = `-${letter}`;
      if (spec.short?.includes(letter)) {
        const attachedValue = v.slice(k + 1);
        options.push({
          name,
          value: attachedValue ? synthetic(attachedValue, arg.raw) : (args[++i] ?? null),
        });
        break;
      }
      if (spec.attached?.includes(letter)) {
        options.push({ name, value: synthetic(v.slice(k + 1), arg.raw) });
        break;
      }
      options.push({ name, value: null });
    }
  }
  return { options, operands, rest: args.length };
}

const optionValues = (parsed: Parsed, ...names: string[]) =>
  parsed.options.filter((o) => names.includes(o.name)).map((o) => o.value ?? synthetic(null, names[0]!));
const hasOption = (parsed: Parsed, ...names: string[]) => parsed.options.some((o) => names.includes(o.name));

// ---- writes ----

export interface Writes {
  targets: Arg[];
  /**
   * The command deletes or moves the paths themselves (it may not take the workspace away, and a final
   * symlink is not followed: `rm link` removes the link).
   */
  removes: boolean;
  /** Where a move lands (mv's destination): written into, following links. */
  into?: Arg[];
}

const lastOperandOrTarget = (parsed: Parsed): Arg[] => {
  const t = optionValues(parsed, '-t', '--target-directory');
  if (t.length) return t;
  return parsed.operands.length >= 2 ? [parsed.operands[parsed.operands.length - 1]!] : [];
};

/** The paths a command writes, deletes or changes; null when it writes none by its arguments. */
export function writeTargets(name: string, args: readonly Arg[]): Writes | null {
  switch (name) {
    case 'rm':
    case 'rmdir':
    case 'unlink':
      return { targets: parseOptions(args).operands, removes: true };
    case 'shred':
      // shred overwrites what a link points to, so it is a write that follows links, not a removal.
      return {
        targets: parseOptions(args, { short: 'ns', long: ['--iterations', '--size', '--random-source'] })
          .operands,
        removes: false,
      };
    case 'truncate':
      return {
        targets: parseOptions(args, { short: 'sr', long: ['--size', '--reference'] }).operands,
        removes: false,
      };
    case 'touch':
      return {
        targets: parseOptions(args, { short: 'dtr', long: ['--date', '--reference', '--time'] }).operands,
        removes: false,
      };
    case 'mkdir':
      return { targets: parseOptions(args, { short: 'm', long: ['--mode'] }).operands, removes: false };
    case 'tee':
      return { targets: parseOptions(args).operands, removes: false };
    case 'mv': {
      const parsed = parseOptions(args, { short: 'tS', long: ['--target-directory', '--suffix'] });
      const t = optionValues(parsed, '-t', '--target-directory');
      const sources = t.length ? parsed.operands : parsed.operands.slice(0, -1);
      const into = t.length ? t : parsed.operands.slice(-1);
      // `mv x` alone fails; its operand is still checked as a source.
      return parsed.operands.length === 1 && !t.length
        ? { targets: parsed.operands, removes: true }
        : { targets: sources, removes: true, into };
    }
    case 'cp':
    case 'ln':
    case 'install': {
      const parsed = parseOptions(args, {
        short: name === 'install' ? 'tSmog' : 'tS',
        long: ['--target-directory', '--suffix', '--mode', '--owner', '--group', '--strip-program'],
      });
      if (name === 'install' && hasOption(parsed, '-d', '--directory'))
        return { targets: parsed.operands, removes: false };
      if (name === 'ln' && parsed.operands.length === 1 && !hasOption(parsed, '-t', '--target-directory')) {
        // `ln -s TARGET` makes a link named after TARGET in the current directory.
        const only = parsed.operands[0]!.value;
        return {
          targets: [synthetic(only === null ? '.' : path.posix.basename(only) || '.', '.')],
          removes: false,
        };
      }
      return { targets: lastOperandOrTarget(parsed), removes: false };
    }
    case 'chmod':
      return { targets: chmodTargets(args), removes: false };
    case 'chown':
    case 'chgrp': {
      const parsed = parseOptions(args, { long: ['--from'] });
      const byReference = hasOption(parsed, '--reference');
      return { targets: byReference ? parsed.operands : parsed.operands.slice(1), removes: false };
    }
    case 'dd':
      return {
        targets: args
          .filter((a) => a.value === null || a.value.startsWith('of='))
          .map((a) => (a.value === null ? a : synthetic(a.value.slice(3), a.raw))),
        removes: false,
      };
    case 'sed':
      return sedTargets(args);
    case 'curl': {
      const parsed = parseOptions(args, {
        short: 'AbcCdDeEFHKmoPQrTtuUwxXyYz',
        long: [
          '--output',
          '--output-dir',
          '--dump-header',
          '--cookie-jar',
          '--data',
          '--header',
          '--user',
          '--url',
        ],
      });
      const targets = optionValues(
        parsed,
        '-o',
        '--output',
        '--output-dir',
        '-D',
        '--dump-header',
        '-c',
        '--cookie-jar',
      );
      return { targets: targets.filter((t) => t.value !== '-'), removes: false };
    }
    case 'wget': {
      const parsed = parseOptions(args, {
        short: 'eoaiBtOTwQPUlARDIX',
        long: ['--output-document', '--directory-prefix', '--output-file', '--append-output'],
      });
      const targets = optionValues(
        parsed,
        '-O',
        '--output-document',
        '-P',
        '--directory-prefix',
        '-o',
        '--output-file',
        '-a',
        '--append-output',
      );
      return { targets: targets.filter((t) => t.value !== '-'), removes: false };
    }
    case 'tar':
      return tarTargets(args);
    case 'unzip': {
      const i = args.findIndex((a) => a.value?.startsWith('-d'));
      if (i < 0) return null;
      const a = args[i]!;
      if (a.value === '-d') return { targets: args[i + 1] ? [args[i + 1]!] : [], removes: false };
      return { targets: [synthetic(a.value!.slice(2), a.raw)], removes: false };
    }
    case 'rsync': {
      const parsed = parseOptions(args, { short: 'eBfTM' });
      const dest = parsed.operands.length >= 2 ? parsed.operands[parsed.operands.length - 1]! : null;
      const remote =
        dest?.value !== null && dest?.value !== undefined && /^[^/]*:|^rsync:\/\//.test(dest.value);
      return { targets: dest && !remote ? [dest] : [], removes: false };
    }
  }
  return null;
}

function chmodTargets(args: readonly Arg[]): Arg[] {
  // A mode can look like an option (`chmod -w file`); chmod's own flags are c, f, v and R.
  const targets: Arg[] = [];
  let mode = false;
  let byReference = false;
  let options = true;
  for (const arg of args) {
    const v = arg.value;
    if (options && v === '--') options = false;
    else if (options && v?.startsWith('--')) byReference ||= v.startsWith('--reference');
    else if (options && v !== null && /^-[cfvR]+$/.test(v)) continue;
    else if (!mode && !byReference) mode = true;
    else targets.push(arg);
  }
  return targets;
}

function sedTargets(args: readonly Arg[]): Writes | null {
  const parsed = parseOptions(args, {
    short: 'efl',
    attached: 'i',
    long: ['--expression', '--file', '--line-length'],
  });
  if (!hasOption(parsed, '-i', '--in-place')) return null;
  const scriptGiven = hasOption(parsed, '-e', '--expression', '-f', '--file');
  return { targets: scriptGiven ? parsed.operands : parsed.operands.slice(1), removes: false };
}

function parseTar(args: readonly Arg[]): Parsed {
  let list = [...args];
  // Old style: `tar xzf a.tgz -C dir` bundles the letters in the first argument without a dash.
  const first = list[0]?.value;
  if (first && /^[A-Za-z]+$/.test(first)) list = [synthetic(`-${first}`, first), ...list.slice(1)];
  return parseOptions(list, {
    short: 'fCTXbHgLNVK',
    long: ['--file', '--directory', '--files-from'],
  });
}

function tarTargets(args: readonly Arg[]): Writes | null {
  const parsed = parseTar(args);
  const letters = parsed.options.map((o) => o.name);
  const extract = letters.some((n) => ['-x', '--extract', '--get'].includes(n));
  const create = letters.some((n) =>
    ['-c', '-r', '-u', '-A', '--create', '--append', '--update'].includes(n),
  );
  const targets: Arg[] = [];
  if (extract) targets.push(...optionValues(parsed, '-C', '--directory'));
  if (create) targets.push(...optionValues(parsed, '-f', '--file').filter((f) => f.value !== '-'));
  return targets.length ? { targets, removes: false } : null;
}

/** An archive a command unpacks: tar -x, unzip. */
export interface Extraction {
  tool: 'tar' | 'unzip';
  /** The archive; null when it comes from standard input (`tar -x` without -f, `-f -`). */
  archive: Arg | null;
  /** Where members land (-C, -d); null: the working directory. */
  dir: Arg | null;
  /** tar -P / --absolute-names: members keep a leading `/` and `..`, so they land anywhere. */
  absoluteNames: boolean;
}

export function extraction(name: string, args: readonly Arg[]): Extraction | null {
  if (name === 'tar') {
    const parsed = parseTar(args);
    const letters = parsed.options.map((o) => o.name);
    if (!letters.some((n) => ['-x', '--extract', '--get'].includes(n))) return null;
    const file = optionValues(parsed, '-f', '--file').at(-1) ?? null;
    return {
      tool: 'tar',
      archive: file === null || file.value === '-' ? null : file,
      dir: optionValues(parsed, '-C', '--directory').at(-1) ?? null,
      absoluteNames: hasOption(parsed, '-P', '--absolute-names'),
    };
  }
  if (name === 'unzip') {
    let archive: Arg | null = null;
    let dir: Arg | null = null;
    for (let i = 0; i < args.length; i++) {
      const v = args[i]!.value;
      if (v === '-d') dir = args[++i] ?? null;
      else if (v?.startsWith('-d') && v.length > 2) dir = synthetic(v.slice(2), args[i]!.raw);
      else if (v === '-x') break;
      else if (v?.startsWith('-') && archive === null) {
        if (/^-[lvtzZ]/.test(v)) return null; // listing, testing, comments: nothing lands
      } else if (archive === null) archive = args[i]!;
    }
    return archive ? { tool: 'unzip', archive, dir, absoluteNames: false } : null;
  }
  return null;
}

// ---- links ----

/** The links a command makes or carries along, so a path through them later in the same command is caught. */
export interface LinkPlan {
  /** Names the command makes into links (ln, cp -s, cp -l): each path it may create. */
  links: Arg[];
  /** What hard links point to (ln without -s, cp -l): a hard link to a file outside lets later writes change it. */
  hardTargets: Arg[];
  /** Copies and moves that keep links as links (mv, cp -a/-r/-P/-d, rsync): the sources, and where they land. */
  carries: { sources: Arg[]; landing: Arg[] } | null;
}

const join = (dir: Arg, name: Arg): Arg =>
  synthetic(
    dir.value === null || name.value === null
      ? null
      : path.posix.join(dir.value, path.posix.basename(name.value.replace(/\/+$/, '')) || '.'),
    `${dir.raw}/${name.raw}`,
  );

/** Each path `ln` or `cp` may create for its sources: DEST, DEST/basename(SOURCE), DIR/basename(SOURCE). */
function landings(parsed: Parsed, singleMeansHere: boolean): { sources: Arg[]; landing: Arg[] } {
  const t = optionValues(parsed, '-t', '--target-directory');
  if (t.length) {
    return {
      sources: parsed.operands,
      landing: t.flatMap((dir) => parsed.operands.map((s) => join(dir, s))),
    };
  }
  if (parsed.operands.length === 1 && singleMeansHere) {
    const only = parsed.operands[0]!;
    return { sources: [only], landing: [join(synthetic('.', '.'), only)] };
  }
  if (parsed.operands.length < 2) return { sources: [], landing: [] };
  const dest = parsed.operands[parsed.operands.length - 1]!;
  const sources = parsed.operands.slice(0, -1);
  const intoOnly = hasOption(parsed, '-T', '--no-target-directory');
  return {
    sources,
    landing: intoOnly ? [dest] : [dest, ...sources.map((s) => join(dest, s))],
  };
}

const LINK_OPTIONS: OptionSpec = {
  short: 'tS',
  long: ['--target-directory', '--suffix', '--backup'],
};

export function linkPlan(name: string, args: readonly Arg[]): LinkPlan | null {
  if (name === 'ln') {
    const parsed = parseOptions(args, LINK_OPTIONS);
    const { sources, landing } = landings(parsed, true);
    const symbolic = hasOption(parsed, '-s', '--symbolic');
    return { links: landing, hardTargets: symbolic ? [] : sources, carries: null };
  }
  if (name === 'cp') {
    const parsed = parseOptions(args, LINK_OPTIONS);
    const { sources, landing } = landings(parsed, false);
    if (hasOption(parsed, '-s', '--symbolic-link')) return { links: landing, hardTargets: [], carries: null };
    if (hasOption(parsed, '-l', '--link')) return { links: landing, hardTargets: sources, carries: null };
    const keepsLinks = hasOption(
      parsed,
      '-a',
      '-r',
      '-R',
      '-d',
      '-P',
      '--archive',
      '--recursive',
      '--no-dereference',
    );
    return keepsLinks ? { links: [], hardTargets: [], carries: { sources, landing } } : null;
  }
  if (name === 'mv') {
    return { links: [], hardTargets: [], carries: landings(parseOptions(args, LINK_OPTIONS), false) };
  }
  if (name === 'rsync') {
    const parsed = parseOptions(args, { short: 'eBfTM' });
    return { links: [], hardTargets: [], carries: landings(parsed, false) };
  }
  return null;
}

// ---- commands that run other commands or programs ----

export type Inner =
  /** Another command, run by a wrapper. */
  | { type: 'argv'; argv: Arg[]; via: string }
  /** Shell code given as an argument (bash -c, eval, trap, alias, watch). */
  | { type: 'shell'; code: Arg; via: string }
  /** Python code given as an argument (python -c). */
  | { type: 'python'; code: Arg; via: string }
  /** Code for another interpreter (perl -e, node -e, ruby -e, php -r): scanned for blocked tokens. */
  | { type: 'inline'; code: Arg; via: string }
  /** A script file run by a shell (bash FILE, source FILE). */
  | { type: 'shell-file'; file: Arg; via: string }
  /** A Python file (python FILE). */
  | { type: 'python-file'; file: Arg; via: string }
  /** The program comes from standard input (bash with no script, python -). */
  | { type: 'stdin'; language: 'shell' | 'python'; via: string };

/** Wrappers: commands whose arguments end with another command they run. */
const WRAPPER_OPTIONS: Record<string, OptionSpec> = {
  nohup: {},
  setsid: {},
  nice: { short: 'n', long: ['--adjustment'] },
  ionice: { short: 'cnpPu', long: ['--class', '--classdata', '--pid', '--pgid', '--uid'] },
  stdbuf: { short: 'ioe', long: ['--input', '--output', '--error'] },
  timeout: { short: 'sk', long: ['--signal', '--kill-after'] },
  time: { short: 'fo', long: ['--format', '--output'] },
  chrt: { short: 'TPD', long: ['--sched-runtime', '--sched-period', '--sched-deadline'] },
  taskset: {},
  numactl: { short: 'NmCipP' },
  xargs: {
    short: 'aEdILnPs',
    attached: 'eil',
    long: [
      '--arg-file',
      '--delimiter',
      '--max-args',
      '--max-procs',
      '--max-chars',
      '--max-lines',
      '--process-slot-var',
    ],
  },
  strace: { short: 'oeEpPsSuIXa' },
  ltrace: { short: 'oeEpPsSuIXa' },
  exec: { short: 'a' },
  command: {},
  builtin: {},
  unbuffer: {},
  torsocks: {},
  proxychains: { short: 'f' },
  proxychains4: { short: 'f' },
  firejail: {},
  caffeinate: { short: 'tw' },
  valgrind: {},
  busybox: {},
  catchsegv: {},
};
/** Wrappers whose first operand is not the command (timeout's duration, chrt's priority, taskset's mask). */
const SKIP_FIRST_OPERAND = new Set(['timeout', 'chrt', 'taskset']);

export const WRAPPERS = new Set([
  ...Object.keys(WRAPPER_OPTIONS),
  'env',
  'flock',
  'watch',
  'find',
  'script',
  'sg',
]);

const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'mksh', 'ash', 'yash', 'fish', 'rbash']);
const PYTHON = /^(python|pypy)[0-9.]*$/;
const STDIN_FILES = new Set(['/dev/stdin', '/dev/fd/0', '/proc/self/fd/0']);

/** What else a command runs. `name` is commandName(argv[0]). */
export function innerCommands(name: string, args: readonly Arg[]): Inner[] {
  const via = name;
  if (name in WRAPPER_OPTIONS) {
    if (name === 'command' && args.some((a) => a.value === '-v' || a.value === '-V')) return [];
    const parsed = parseOptions(args, { ...WRAPPER_OPTIONS[name], stopAtOperand: true });
    let rest = args.slice(parsed.rest);
    if (SKIP_FIRST_OPERAND.has(name) && !hasOption(parsed, '-p', '--pid')) rest = rest.slice(1);
    if (name === 'xargs' && !rest.length) return [];
    return rest.length ? [{ type: 'argv', argv: rest, via }] : [];
  }
  if (SHELLS.has(name)) return shellInner(args, via);
  if (PYTHON.test(name)) return pythonInner(args, via);
  switch (name) {
    case 'env':
      return envInner(args);
    case 'eval':
      return args.length ? [{ type: 'shell', code: joined(args), via }] : [];
    case 'source':
    case '.':
      return args[0] ? [fileOrStdin('shell-file', args[0], via)] : [];
    case 'trap': {
      const rest = args[0]?.value === '--' ? args.slice(1) : args;
      const code = rest[0];
      if (!code || rest.length < 2 || code.value === '-' || code.value?.startsWith('-')) return [];
      return [{ type: 'shell', code, via }];
    }
    case 'alias':
      return args
        .filter((a) => a.value === null || a.value.includes('='))
        .map((a) => ({
          type: 'shell' as const,
          code: synthetic(a.value === null ? null : a.value.slice(a.value.indexOf('=') + 1), a.raw),
          via,
        }));
    case 'watch': {
      const parsed = parseOptions(args, { short: 'n', long: ['--interval'], stopAtOperand: true });
      const rest = args.slice(parsed.rest);
      if (!rest.length) return [];
      return hasOption(parsed, '-x', '--exec')
        ? [{ type: 'argv', argv: rest, via }]
        : [{ type: 'shell', code: joined(rest), via }];
    }
    case 'flock': {
      const parsed = parseOptions(args, {
        short: 'wEc',
        long: ['--timeout', '--conflict-exit-code', '--command'],
      });
      const code = optionValues(parsed, '-c', '--command');
      if (code.length) return code.map((c) => ({ type: 'shell' as const, code: c, via }));
      const start = args.findIndex((a) => a === parsed.operands[0]);
      const rest = start < 0 ? [] : args.slice(start + 1);
      if (rest[0]?.value === '-c' || rest[0]?.value === '--command') {
        return rest[1] ? [{ type: 'shell', code: rest[1], via }] : [];
      }
      return rest.length ? [{ type: 'argv', argv: rest, via }] : [];
    }
    case 'script': {
      const parsed = parseOptions(args, {
        short: 'cEIOBTm',
        long: ['--command', '--log-io', '--log-timing'],
      });
      return optionValues(parsed, '-c', '--command').map((code) => ({ type: 'shell' as const, code, via }));
    }
    case 'sg': {
      // sg GROUP [-c] COMMAND: the command is run by a shell.
      const rest = args.slice(1).filter((a) => a.value !== '-c');
      return rest.length ? [{ type: 'shell', code: joined(rest), via }] : [];
    }
    case 'find':
      return findInner(args);
    case 'perl':
    case 'ruby':
    case 'node':
    case 'nodejs':
    case 'deno':
    case 'bun':
    case 'php':
      return inlineCode(args, via);
  }
  return [];
}

function joined(args: readonly Arg[]): Arg {
  const unknown = args.some((a) => a.value === null);
  return synthetic(unknown ? null : args.map((a) => a.value).join(' '), args.map((a) => a.raw).join(' '));
}

function fileOrStdin(type: 'shell-file' | 'python-file', file: Arg, via: string): Inner {
  if (file.value !== null && STDIN_FILES.has(file.value)) {
    return { type: 'stdin', language: type === 'shell-file' ? 'shell' : 'python', via };
  }
  return { type, file, via };
}

function shellInner(args: readonly Arg[], via: string): Inner[] {
  let command = false;
  let stdin = false;
  const out: Inner[] = [];
  let i = 0;
  for (; i < args.length; i++) {
    const v = args[i]!.value;
    if (v === null) break;
    if (v === '--' || v === '-') {
      i++;
      break;
    }
    if (v === '--rcfile' || v === '--init-file') {
      const file = args[++i];
      if (file) out.push({ type: 'shell-file', file, via });
      continue;
    }
    if (v.startsWith('--')) continue;
    if (!/^[-+][A-Za-z]+$/.test(v)) break;
    for (const letter of v.slice(1)) {
      if (letter === 'c') command = true;
      else if (letter === 's') stdin = true;
      else if (letter === 'o' || letter === 'O') i++;
    }
  }
  const first = args[i];
  if (command) return first ? [...out, { type: 'shell', code: first, via }] : out;
  if (first && !stdin) return [...out, fileOrStdin('shell-file', first, via)];
  return [...out, { type: 'stdin', language: 'shell', via }];
}

function pythonInner(args: readonly Arg[], via: string): Inner[] {
  for (let i = 0; i < args.length; i++) {
    const v = args[i]!.value;
    if (v === null) return [{ type: 'python-file', file: args[i]!, via }];
    if (v === '-') return [{ type: 'stdin', language: 'python', via }];
    if (v === '--') return args[i + 1] ? [fileOrStdin('python-file', args[i + 1]!, via)] : [];
    if (v.startsWith('--')) {
      if (v === '--check-hash-based-pycs') i++;
      continue;
    }
    if (!v.startsWith('-')) return [fileOrStdin('python-file', args[i]!, via)];
    for (let k = 1; k < v.length; k++) {
      const letter = v[k]!;
      const attached = v.slice(k + 1);
      if (letter === 'c') {
        const code = attached ? synthetic(attached, args[i]!.raw) : args[i + 1];
        return code ? [{ type: 'python', code, via }] : [];
      }
      if (letter === 'm') return [];
      if (letter === 'W' || letter === 'X') {
        if (!attached) i++;
        break;
      }
    }
  }
  return [{ type: 'stdin', language: 'python', via }];
}

function envInner(args: readonly Arg[]): Inner[] {
  const via = 'env';
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const v = a.value;
    if (v === null) return [{ type: 'argv', argv: args.slice(i), via }];
    if (v === '--') return args[i + 1] ? [{ type: 'argv', argv: args.slice(i + 1), via }] : [];
    // -S / --split-string: the string holds the command and its arguments.
    const split = /^(?:-S|--split-string=?)(.*)$/s.exec(v);
    if (split) {
      const text = split[1] ? split[1] : (args[++i]?.value ?? null);
      const head: Arg[] =
        text === null
          ? [synthetic(null, a.raw)]
          : text
              .split(/\s+/)
              .filter(Boolean)
              .map((w) => synthetic(w, w));
      return [{ type: 'argv', argv: [...head, ...args.slice(i + 1)], via }];
    }
    if (v === '-u' || v === '-C' || v === '--unset' || v === '--chdir') {
      i++;
      continue;
    }
    if (v.startsWith('-') || /^[A-Za-z_][A-Za-z0-9_]*=/.test(v)) continue;
    return [{ type: 'argv', argv: args.slice(i), via }];
  }
  return [];
}

function findInner(args: readonly Arg[]): Inner[] {
  const out: Inner[] = [];
  for (let i = 0; i < args.length; i++) {
    const v = args[i]!.value;
    if (v !== '-exec' && v !== '-execdir' && v !== '-ok' && v !== '-okdir') continue;
    const end = args.findIndex((a, k) => k > i && (a.value === ';' || a.value === '+'));
    const argv = args.slice(i + 1, end < 0 ? args.length : end);
    if (argv.length) out.push({ type: 'argv', argv, via: `find ${v}` });
    i = end < 0 ? args.length : end;
  }
  return out;
}

/** Where find starts, and whether it deletes or writes: -delete, -exec with a writing command, -fprint. */
export function findWrites(args: readonly Arg[]): Writes | null {
  let i = 0;
  // Global options before the starting points.
  while (i < args.length && /^-(H|L|P|D|O\d*)$/.test(args[i]!.value ?? ''))
    i += args[i]!.value === '-D' ? 2 : 1;
  const roots: Arg[] = [];
  while (i < args.length && args[i]!.value !== null && !/^[-(!]/.test(args[i]!.value!))
    roots.push(args[i++]!);
  if (i < args.length && args[i]!.value === null) roots.push(args[i]!);
  const startPoints = roots.length ? roots : [synthetic('.', '.')];
  const targets: Arg[] = [];
  let destructive = false;
  for (let k = i; k < args.length; k++) {
    const v = args[k]!.value;
    if (v === '-delete') destructive = true;
    if (v === '-fprint' || v === '-fprint0' || v === '-fprintf' || v === '-fls') {
      if (args[k + 1]) targets.push(args[k + 1]!);
    }
  }
  for (const inner of findInner(args)) {
    const head = inner.type === 'argv' ? inner.argv[0]?.value : null;
    if (head && writeTargets(commandName(head), inner.type === 'argv' ? inner.argv.slice(1) : []))
      destructive = true;
  }
  if (destructive) targets.push(...startPoints);
  // removes: false because find never deletes its starting point `.`; the paths below it are checked.
  return targets.length ? { targets, removes: false } : null;
}

function inlineCode(args: readonly Arg[], via: string): Inner[] {
  const flags = via === 'php' ? ['-r'] : via === 'perl' ? ['-e', '-E'] : ['-e', '--eval', '-p', '--print'];
  const out: Inner[] = [];
  for (let i = 0; i < args.length; i++) {
    const v = args[i]!.value;
    if (v !== null && flags.includes(v) && args[i + 1]) out.push({ type: 'inline', code: args[++i]!, via });
  }
  return out;
}

/** Commands that fetch from the network: their output must not be run as code. */
export const FETCHERS = new Set([
  'curl',
  'wget',
  'fetch',
  'aria2c',
  'http',
  'https',
  'xh',
  'nc',
  'ncat',
  'socat',
]);
