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

export interface GitAnalysis {
  /** The pushing subcommand, e.g. `push` or `subtree push`; null when none. */
  pushes: string | null;
  /** The subcommand is computed at run time. */
  unknownSubcommand: boolean;
  /** Commands git would run. */
  inner: Inner[];
}

export function analyseGit(args: readonly Arg[]): GitAnalysis {
  const inner: Inner[] = [];
  const aliases = new Map<string, string>();
  let i = 0;
  for (; i < args.length; i++) {
    const v = args[i]!.value;
    if (v === null || !v.startsWith('-')) break;
    const name = v.includes('=') ? v.slice(0, v.indexOf('=')) : v;
    let value: string | null | undefined;
    if (v.includes('=') && name.startsWith('--')) value = v.slice(v.indexOf('=') + 1);
    else if (VALUE_OPTIONS.has(name)) value = args[++i]?.value;
    if (name === '-c' && value !== undefined) configValue(value, args[i]!, aliases, inner);
  }
  const sub = args[i];
  if (!sub) return { pushes: null, unknownSubcommand: false, inner };
  if (sub.value === null) return { pushes: null, unknownSubcommand: true, inner };
  let words = [sub.value, ...args.slice(i + 1).map((a) => a.value)];
  const alias = aliases.get(sub.value);
  if (alias !== undefined) {
    if (alias.startsWith('!')) {
      inner.push({
        type: 'shell',
        code: { value: alias.slice(1), raw: sub.raw, word: null },
        via: 'git alias',
      });
      return { pushes: null, unknownSubcommand: false, inner };
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
  switch (first) {
    case 'config':
      configCommand(rest, inner);
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
  return { pushes, unknownSubcommand: false, inner };
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

/** `git config [scope options] KEY VALUE`: a persistent alias or command setting. */
function configCommand(rest: readonly Arg[], inner: Inner[]): void {
  const operands: Arg[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a.value !== null && CONFIG_VALUE_OPTIONS.has(a.value))
      i++; // `--file .git/config` is not the key
    else if (a.value === null || !a.value.startsWith('-')) operands.push(a);
  }
  // `git config set KEY VALUE` (git 2.46+) or `git config KEY VALUE`.
  const start = operands[0]?.value === 'set' ? 1 : 0;
  const key = operands[start];
  const value = operands[start + 1];
  if (!key || !value) return;
  if (key.value === null) {
    inner.push({ type: 'shell', code: value, via: 'git config' });
    return;
  }
  if (!COMMAND_KEY.test(key.value)) return;
  if (value.value === null) inner.push({ type: 'shell', code: value, via: 'git config' });
  else configCommandValue(key.value, value.value, value, inner);
}

function configCommandValue(key: string, value: string, arg: Arg, inner: Inner[]): void {
  const via = `git config ${key}`;
  if (/^alias\./i.test(key)) {
    // A non-shell alias runs git itself: `alias.p = push` is checked as `git push`.
    const code = value.startsWith('!') ? value.slice(1) : `git ${value}`;
    inner.push({ type: 'shell', code: { value: code, raw: arg.raw, word: null }, via });
  } else inner.push({ type: 'shell', code: { value, raw: arg.raw, word: null }, via });
}
