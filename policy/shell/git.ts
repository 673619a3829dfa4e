import path from 'node:path';
import type { Inner } from './commands';
import type { Arg } from './words';

// Git: the hill-climb loop needs every local operation (commit, checkout, diff, log, reset, stash),
// and the original blocked `git push` in any form. A regular expression sees `git push` but not
// `git -C repo push`, `git --git-dir=x push`, `git -c alias.p=push p`, or `git subtree push`, so the
// command line is read the way git reads it. Config values that git runs as commands (aliases
// starting with `!`, core.pager, core.sshCommand, ...) are checked as shell code.

/** Subcommands that write to another repository or send commits away. */
const PUSHING = new Set([
  'push',
  'send-pack',
  'http-push',
  'send-email',
  'subtree push',
  'lfs push',
  'svn dcommit',
  'p4 submit',
]);

/** `git config` options that take a separate value (which is not the key). */
const CONFIG_VALUE_OPTIONS = new Set([
  '-f',
  '--file',
  '--blob',
  '--type',
  '--default',
  '--comment',
  '--value',
]);

/** Global options that take a separate value. */
const VALUE_OPTIONS = new Set([
  '-C',
  '-c',
  '--git-dir',
  '--work-tree',
  '--namespace',
  '--super-prefix',
  '--config-env',
]);

/** Config keys whose values git runs as shell commands. */
const COMMAND_KEY =
  /^(alias\..+|core\.(pager|editor|sshcommand|fsmonitor)|sequence\.editor|diff\.external|credential\.helper|gpg(\..+)?\.program|pager\..+|.+\.(textconv|clean|smudge|process|command|cmd|tool))$/i;

/**
 * Config keys that make git run or read code or settings from elsewhere: a hooks folder outside the
 * repository's read-only .git (its hooks then run on the engine's own commits), or another config file.
 */
const FOREIGN_KEY = /^(core\.hookspath|include\.path|includeif\..+\.path)$/i;

/**
 * Environment variables that point git at another repository, work tree, object store or config. A command
 * may not set them (reading them is fine).
 */
export const GIT_LOCATION_VARIABLES = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_COMMON_DIR',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_CONFIG',
  'GIT_CONFIG_GLOBAL',
  'GIT_CONFIG_SYSTEM',
  'GIT_CONFIG_PARAMETERS',
  'GIT_CONFIG_COUNT',
  'GIT_EXEC_PATH',
  'GIT_TEMPLATE_DIR',
];

export interface GitAnalysis {
  /** The pushing subcommand, e.g. `push` or `subtree push`; null when none. */
  pushes: string | null;
  /** The subcommand is computed at run time. */
  unknownSubcommand: boolean;
  /** Commands git would run. */
  inner: Inner[];
  /** `-C DIR` in order (each relative to the one before): where git runs, and so the repository it changes. */
  dirs: Arg[];
  /** `--git-dir`, `--work-tree`, `--exec-path=DIR`: another repository, tree or git. Relative to the last -C. */
  locations: { option: string; path: Arg }[];
  /** Why the command acts on configuration outside this repository, or sets a hooks path; null: it does not. */
  foreignConfig: string | null;
  /** `git config --file FILE` (written when the command sets a value): relative to the last -C. */
  configFile: { file: Arg; writes: boolean } | null;
  /** Paths git itself creates: clone's and worktree add's folder, init's, archive -o, bundle create. */
  writes: Arg[];
}

export function analyseGit(args: readonly Arg[]): GitAnalysis {
  const inner: Inner[] = [];
  const aliases = new Map<string, string>();
  const dirs: Arg[] = [];
  const locations: GitAnalysis['locations'] = [];
  let foreignConfig: string | null = null;
  let i = 0;
  for (; i < args.length; i++) {
    const arg = args[i]!;
    const v = arg.value;
    if (v === null || !v.startsWith('-')) break;
    const name = v.includes('=') ? v.slice(0, v.indexOf('=')) : v;
    let value: string | null | undefined;
    if (v.includes('=') && name.startsWith('--')) value = v.slice(v.indexOf('=') + 1);
    else if (VALUE_OPTIONS.has(name)) value = args[++i]?.value;
    if (name === '-c' && value !== undefined) {
      configValue(value, args[i]!, aliases, inner);
      const key = value === null ? null : value.split('=')[0]!;
      if (key === null || FOREIGN_KEY.test(key)) foreignConfig ??= `-c ${key ?? args[i]!.raw}`;
    }
    if (name === '--config-env') {
      const key = value?.split('=')[0] ?? null;
      if (key === null || FOREIGN_KEY.test(key) || COMMAND_KEY.test(key))
        foreignConfig ??= `--config-env ${key ?? args[i]!.raw}`;
    }
    const given = (value === undefined ? null : value) as string | null;
    const valueArg: Arg = { value: given, raw: args[i]!.raw, word: args[i]!.word };
    if (name === '-C') dirs.push(valueArg);
    if (name === '--git-dir' || name === '--work-tree') locations.push({ option: name, path: valueArg });
    if (name === '--exec-path' && v.includes('=')) locations.push({ option: name, path: valueArg });
  }
  const base = { dirs, locations, foreignConfig, configFile: null, writes: [] as Arg[] };
  const sub = args[i];
  if (!sub) return { ...base, pushes: null, unknownSubcommand: false, inner };
  if (sub.value === null) return { ...base, pushes: null, unknownSubcommand: true, inner };
  let words = [sub.value, ...args.slice(i + 1).map((a) => a.value)];
  const alias = aliases.get(sub.value);
  if (alias !== undefined) {
    if (alias.startsWith('!')) {
      inner.push({
        type: 'shell',
        code: { value: alias.slice(1), raw: sub.raw, word: null },
        via: 'git alias',
      });
      return { ...base, pushes: null, unknownSubcommand: false, inner };
    }
    words = [...alias.split(/\s+/).filter(Boolean), ...words.slice(1)];
  }
  const [first, second] = words;
  const pushes = PUSHING.has(`${first} ${second}`)
    ? `${first} ${second}`
    : PUSHING.has(first ?? '')
      ? first!
      : null;
  const rest = args.slice(i + 1);
  const result: GitAnalysis = { ...base, pushes, unknownSubcommand: false, inner };
  switch (first) {
    case 'config': {
      const config = configCommand(rest, inner);
      result.foreignConfig ??= config.foreign;
      result.configFile = config.file;
      break;
    }
    case 'clone': {
      const operands = gitOperands(rest, [
        '-o',
        '--origin',
        '-b',
        '--branch',
        '-u',
        '--upload-pack',
        '--reference',
        '--separate-git-dir',
        '--depth',
        '-c',
        '--config',
        '-j',
        '--jobs',
        '--template',
        '--filter',
      ]);
      const source = operands[0];
      if (operands[1]) result.writes.push(operands[1]);
      else if (source?.value) {
        const name = path.posix.basename(source.value.replace(/\/+$/, '').replace(/\.git$/, ''));
        result.writes.push({ value: name || null, raw: source.raw, word: null });
      } else if (source) result.writes.push({ value: null, raw: source.raw, word: null });
      result.writes.push(...optionArgs(rest, ['--separate-git-dir', '--template']));
      break;
    }
    case 'init':
      result.writes.push(
        ...gitOperands(rest, [
          '-b',
          '--initial-branch',
          '--template',
          '--separate-git-dir',
          '--object-format',
          '--shared',
        ]).slice(0, 1),
      );
      result.writes.push(...optionArgs(rest, ['--separate-git-dir', '--template']));
      break;
    case 'worktree':
      if (rest[0]?.value === 'add' || rest[0]?.value === 'move') {
        const operands = gitOperands(rest.slice(1), ['-b', '-B', '--reason']);
        const target = rest[0].value === 'add' ? operands[0] : operands[1];
        if (target) result.writes.push(target);
      }
      break;
    case 'archive':
      result.writes.push(...optionArgs(rest, ['-o', '--output']));
      break;
    case 'bundle':
      if (rest[0]?.value === 'create' && rest[1]) result.writes.push(rest[1]);
      break;
    case 'format-patch':
      result.writes.push(...optionArgs(rest, ['-o', '--output-directory']));
      break;
    case 'submodule': {
      const at = rest.findIndex((a) => a.value === 'foreach');
      const code = rest
        .slice(at + 1)
        .filter((a) => a.value !== '--recursive' && a.value !== '-q' && a.value !== '--quiet');
      if (at >= 0 && code.length)
        inner.push({ type: 'shell', code: joinArgs(code), via: 'git submodule foreach' });
      break;
    }
    case 'rebase':
      for (let k = 0; k < rest.length; k++) {
        const v = rest[k]!.value;
        if (v === '-x' || v === '--exec') {
          if (rest[k + 1]) inner.push({ type: 'shell', code: rest[++k]!, via: 'git rebase --exec' });
        } else if (v?.startsWith('--exec=')) {
          inner.push({ type: 'shell', code: { ...rest[k]!, value: v.slice(7) }, via: 'git rebase --exec' });
        }
      }
      break;
    case 'bisect':
      if (rest[0]?.value === 'run' && rest.length > 1) {
        inner.push({ type: 'argv', argv: rest.slice(1), via: 'git bisect run' });
      }
      break;
    case 'filter-branch':
      for (let k = 0; k < rest.length; k++) {
        if (/^--[a-z-]+-filter$/.test(rest[k]!.value ?? '') && rest[k + 1]) {
          inner.push({ type: 'shell', code: rest[++k]!, via: 'git filter-branch' });
        }
      }
      break;
  }
  return result;
}

/** Values of options that take one (`-o X`, `--output X`, `--output=X`). */
function optionArgs(rest: readonly Arg[], names: readonly string[]): Arg[] {
  const out: Arg[] = [];
  for (let k = 0; k < rest.length; k++) {
    const v = rest[k]!.value;
    if (v === null) continue;
    if (names.includes(v) && rest[k + 1]) out.push(rest[++k]!);
    const eq = v.indexOf('=');
    if (eq > 0 && names.includes(v.slice(0, eq)))
      out.push({ value: v.slice(eq + 1), raw: rest[k]!.raw, word: rest[k]!.word });
  }
  return out;
}

/** Operands of a subcommand: arguments that are not options or the values of `valued` options. */
function gitOperands(rest: readonly Arg[], valued: readonly string[]): Arg[] {
  const out: Arg[] = [];
  for (let k = 0; k < rest.length; k++) {
    const v = rest[k]!.value;
    if (v === '--') {
      out.push(...rest.slice(k + 1));
      break;
    }
    if (v !== null && v.startsWith('-')) {
      if (valued.includes(v)) k++;
      continue;
    }
    out.push(rest[k]!);
  }
  return out;
}

function joinArgs(args: readonly Arg[]): Arg {
  const unknown = args.some((a) => a.value === null);
  return {
    value: unknown ? null : args.map((a) => a.value).join(' '),
    raw: args.map((a) => a.raw).join(' '),
    word: null,
  };
}

/** `-c key=value`: remembers aliases and checks values git would run. */
function configValue(setting: string | null, arg: Arg, aliases: Map<string, string>, inner: Inner[]): void {
  if (setting === null) {
    // An unknown `-c` could define an alias or a pager command: treat its text as code to be checked.
    inner.push({ type: 'shell', code: { value: null, raw: arg.raw, word: null }, via: 'git -c' });
    return;
  }
  const eq = setting.indexOf('=');
  if (eq < 0) return;
  const key = setting.slice(0, eq);
  const value = setting.slice(eq + 1);
  if (/^alias\./i.test(key)) aliases.set(key.slice(6), value);
  if (COMMAND_KEY.test(key)) configCommandValue(key, value, arg, inner);
}

/** `git config` options that change the configuration (with a key, and without, like --edit). */
const CONFIG_WRITE_OPTIONS = new Set([
  '--add',
  '--replace-all',
  '--unset',
  '--unset-all',
  '--rename-section',
  '--remove-section',
  '--edit',
  '-e',
]);
const CONFIG_SUBCOMMANDS_WRITING = new Set(['set', 'unset', 'rename-section', 'remove-section', 'edit']);

/**
 * `git config [scope options] KEY VALUE`: a persistent alias or command setting, a hooks path, or a change
 * to the user's or the system's configuration (outside the workspace).
 */
function configCommand(
  rest: readonly Arg[],
  inner: Inner[],
): { foreign: string | null; file: { file: Arg; writes: boolean } | null } {
  const operands: Arg[] = [];
  let scope: string | null = null;
  let file: Arg | null = null;
  let writeOption = false;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    const v = a.value;
    if (v === '--global' || v === '--system') scope = v;
    else if (v === '-f' || v === '--file') file = rest[++i] ?? { value: null, raw: v, word: null };
    else if (v?.startsWith('--file=')) file = { value: v.slice(7), raw: a.raw, word: a.word };
    else if (v !== null && CONFIG_VALUE_OPTIONS.has(v))
      i++; // `--type bool` is not the key
    else if (v !== null && CONFIG_WRITE_OPTIONS.has(v)) writeOption = true;
    else if (v === null || !v.startsWith('-')) operands.push(a);
  }
  // `git config set KEY VALUE` (git 2.46+) or `git config KEY VALUE`.
  const verb = operands[0]?.value ?? null;
  const hasVerb = verb !== null && /^(set|get|unset|list|edit|rename-section|remove-section)$/.test(verb);
  const start = hasVerb ? 1 : 0;
  const key = operands[start];
  const value = operands[start + 1];
  const writes =
    writeOption ||
    (hasVerb ? CONFIG_SUBCOMMANDS_WRITING.has(verb) : value !== undefined) ||
    key?.value === null;
  let foreign: string | null = null;
  if (scope && writes) foreign = `git config ${scope}`;
  if (key && (key.value === null || FOREIGN_KEY.test(key.value)) && writes)
    foreign ??= `git config ${key.value ?? key.raw}`;
  const result = { foreign, file: file && { file, writes } };
  if (!key || !value) return result;
  if (key.value === null) {
    inner.push({ type: 'shell', code: value, via: 'git config' });
    return result;
  }
  if (!COMMAND_KEY.test(key.value)) return result;
  if (value.value === null) inner.push({ type: 'shell', code: value, via: 'git config' });
  else configCommandValue(key.value, value.value, value, inner);
  return result;
}

function configCommandValue(key: string, value: string, arg: Arg, inner: Inner[]): void {
  const via = `git config ${key}`;
  if (/^alias\./i.test(key)) {
    // A non-shell alias runs git itself: `alias.p = push` is checked as `git push`.
    const code = value.startsWith('!') ? value.slice(1) : `git ${value}`;
    inner.push({ type: 'shell', code: { value: code, raw: arg.raw, word: null }, via });
  } else inner.push({ type: 'shell', code: { value, raw: arg.raw, word: null }, via });
}
