import fs from 'node:fs';
import path from 'node:path';
import { type Policy, displayPath } from './load-policy';
import { classifyWrite, isWithin, resolveReal, type WriteScope } from './paths';
import { findPythonCalls } from './python-calls';
import type { Command, Redirect, Script, SimpleCommand, Word } from './shell/ast';
import {
  FETCHERS,
  type Inner,
  WRAPPERS,
  commandName,
  findWrites,
  innerCommands,
  writeTargets,
} from './shell/commands';
import { analyseGit } from './shell/git';
import { ShellReadError, readShell, scriptsOf } from './shell/parse';
import { bashSyntaxProblem } from './shell/syntax';
import { knownVariables, otherOccurrences } from './shell/variables';
import {
  type Arg,
  type KnownVariable,
  type WordEnv,
  expandArgs,
  expandWord,
  staticValue,
} from './shell/words';
import type { Violation } from './verdict';

// The checker proper. A command is checked in this order, and the first problem found is the answer:
//   1. syntax (sh-syntax; a command bash would reject is blocked, the agent can fix its quoting);
//   2. every simple command, in the order they appear, including those inside substitutions,
//      subshells, groups, control flow and function bodies, those run by wrappers (env, timeout,
//      xargs, find -exec, ...) and the scripts of bash -c / eval / python -c, recursively:
//      blocked tokens on the command name, then blocked patterns on the re-printed command, then
//      git pushes, then code fed to a shell or Python from the network or from run-time values,
//      then where it writes;
//   3. blocked patterns on the whole command text, as the original matched them.
// A structural finding (2, after tokens) gives way to a pattern that matches the whole text, so the
// original's rule names still appear in safety.log for the commands the original caught.

export interface CheckOptions {
  policy: Policy;
  scope: WriteScope;
  home: string;
  /**
   * Code found in Python source: what is only known at run time is allowed there, because a text scan
   * cannot evaluate Python (blocking every subprocess.run(cmd) would block ordinary programs).
   */
  lenient: boolean;
  depth: number;
  /** Maps a path as the command sees it to where it is on this machine (see CheckContext.hostPathOf). */
  hostPathOf: (sandboxPath: string) => string;
}

/** The directories a script may be in when a command runs. */
interface Place {
  cwds: string[];
  /** A `cd` to a directory only known at run time. */
  cwdUnknown: boolean;
}

/** Symlinks the script itself creates (ln): a path through them cannot be resolved before it runs. */
interface NewLinks {
  paths: string[];
  unknown: boolean;
}

type StdinSource =
  | { kind: 'pipe'; producers: Command[] }
  | { kind: 'file'; file: Arg }
  | { kind: 'text'; text: string | null; raw: string };

const MAX_DEPTH = 8;
const MAX_SCREENED_FILE = 5 * 1024 * 1024;
const MAX_DIRECTORIES = 16;
const PRIVILEGE = new Set(['sudo', 'su', 'doas', 'pkexec', 'sudoedit', 'run0']);
const WRITE_REDIRECTS = new Set(['>', '>>', '>|', '&>', '&>>', '<>']);

/** Checks shell code; null when it may run. */
export async function checkScript(
  text: string,
  options: CheckOptions,
  place: Place,
): Promise<Violation | null> {
  if (options.depth > MAX_DEPTH) {
    return {
      rule: 'parse-error',
      reason: `commands nested more than ${MAX_DEPTH} levels deep (bash -c inside eval inside ...) are not checked; run them directly`,
    };
  }
  const problem = await bashSyntaxProblem(text);
  // A string from Python that is not valid shell fails when it runs; nothing there to screen but patterns.
  if (problem && options.lenient) return matchPatterns(options.policy, text);
  if (problem) {
    const where = problem.line === null ? '' : ` (line ${problem.line}, column ${problem.column})`;
    return (
      matchPatterns(options.policy, text) ?? {
        rule: 'parse-error',
        reason: `cannot parse the command as bash${where}: ${problem.message}; fix the quoting or syntax and try again`,
      }
    );
  }
  let script: Script;
  try {
    script = readShell(text);
  } catch (error) {
    if (!(error instanceof ShellReadError)) throw error;
    return {
      rule: 'parse-error',
      reason: `the safety policy cannot follow this command's structure (${error.message}); split it into simpler commands`,
    };
  }
  const found = await new ScriptCheck(text, script, options, place).run();
  if (found && !found.rule.startsWith('token:') && !found.rule.startsWith('pattern:')) {
    return matchPatterns(options.policy, text) ?? found;
  }
  return found ?? matchPatterns(options.policy, text);
}

/** Screens Python source: commands in os.system / subprocess calls, deleted paths, then the plain token scan. */
export async function screenPython(
  code: string,
  options: CheckOptions,
  place: Place,
): Promise<Violation | null> {
  const lenient: CheckOptions = { ...options, lenient: true, depth: options.depth + 1 };
  const check = new ScriptCheck('', { items: [], text: '' }, lenient, place);
  for (const call of findPythonCalls(code)) {
    const at = `line ${call.line}: ${call.callee}(...)`;
    const prefix = (v: Violation | null, what: string) =>
      v && { rule: v.rule, reason: `${at} runs \`${short(what)}\`: ${v.reason}` };
    if (call.shell !== null) {
      const v = prefix(await checkScript(call.shell, lenient, place), call.shell);
      if (v) return v;
    }
    if (call.argv) {
      const argv: Arg[] = call.argv.map((value) => ({ value, raw: value ?? '<expression>', word: null }));
      const v = prefix(await check.checkArgv(argv, null), call.argv.map((a) => a ?? '…').join(' '));
      if (v) return v;
    }
    for (const text of call.loose) {
      const v = prefix(await checkScript(text, lenient, place), text);
      if (v) return v;
    }
    for (const target of call.removes ?? []) {
      const v = check.checkWrite({ value: target, raw: target, word: null }, call.callee, true);
      if (v) return { rule: v.rule, reason: `${at}: ${v.reason}` };
    }
  }
  return scanTokens(options.policy, code);
}

/**
 * The original's Python screen: any blocked token as a whole word anywhere in the text. It cannot
 * tell a call from a comment or a string, so it also blocks files that merely mention the word.
 */
export function scanTokens(policy: Policy, code: string): Violation | null {
  for (const token of policy.blockedTokens) {
    const m = new RegExp(`\\b${escapeRegex(token)}\\b`, 'i').exec(code);
    if (!m) continue;
    const line = code.slice(0, m.index).split('\n').length;
    return {
      rule: `token:${token}`,
      reason:
        `line ${line} mentions \`${m[0]}\`, a blocked command (blocked_tokens); code run by the agent may not ` +
        `mention blocked commands at all, even in comments or strings, so remove or rename it`,
    };
  }
  return null;
}

export function matchPatterns(policy: Policy, text: string): Violation | null {
  for (const pattern of policy.blockedPatterns) {
    const m = pattern.regex.exec(text);
    if (m) {
      return {
        rule: `pattern:${pattern.source}`,
        reason: `\`${short(m[0].trim() || text)}\` matches the blocked pattern ${pattern.source} (blocked_patterns)`,
      };
    }
  }
  return null;
}

class ScriptCheck {
  private readonly env: WordEnv & { vars: Map<string, KnownVariable> };
  private readonly place: Place;
  private readonly links: NewLinks = { paths: [], unknown: false };
  private readonly tokens: ReadonlySet<string>;

  constructor(
    private readonly text: string,
    private readonly script: Script,
    private readonly options: CheckOptions,
    inherited: Place,
  ) {
    this.tokens = new Set(options.policy.blockedTokens);
    // A script that sets HOME or PWD itself makes ~ and $PWD unknowable in advance.
    const home = otherOccurrences(text, 'HOME') ? null : options.home;
    const single = !inherited.cwdUnknown && inherited.cwds.length === 1 ? inherited.cwds[0]! : null;
    // $PWD is only known in a script that never changes directory: `cd /; X=$PWD/etc` is not <workspace>/etc.
    const pwd = otherOccurrences(text, 'PWD') || changesDirectory(script) ? null : single;
    const base = { home, pwd, vars: new Map<string, KnownVariable>() };
    this.env = { ...base, vars: knownVariables(script, text, base) };
    this.place = { cwds: [...inherited.cwds], cwdUnknown: inherited.cwdUnknown };
    this.collectPlaces(script);
    if (this.place.cwdUnknown || this.place.cwds.length !== 1) this.env.pwd = null;
  }

  run(): Promise<Violation | null> {
    return this.visitScript(this.script, null);
  }

  // ---- where the script can be (cd, pushd, env -C) and the links it makes (ln) ----

  /**
   * Every directory the script may change to, whatever the order: a relative path is checked from
   * each of them (`rm -rf build; cd /` checks `build` and `/build`). Simple and never too lenient.
   * Likewise every symlink it creates: `ln -s /etc l && rm -rf l/passwd` must not pass because l
   * does not exist yet when the command is checked.
   */
  private collectPlaces(script: Script): void {
    const linkNames: (string | null)[] = [];
    for (const cmd of simpleCommands(script)) {
      for (const argv of expandArgs(cmd.words, this.env)) {
        const name = argv[0]?.value ? commandName(argv[0].value) : null;
        if (name === 'ln')
          linkNames.push(...(writeTargets('ln', argv.slice(1))?.targets ?? []).map((t) => t.value));
        let targets: (string | null)[] = [];
        if (name === 'cd' || name === 'pushd') {
          const operands = argv
            .slice(1)
            .filter((a) => a.value === null || !/^-[LPe@]*$|^[+-]\d+$/.test(a.value));
          const first = operands[0];
          if (!first)
            targets = name === 'cd' && !argv.slice(1).some((a) => a.value === '-') ? [this.env.home] : [];
          else targets = [first.value];
        } else if (name === 'env') {
          for (let i = 1; i < argv.length; i++) {
            const v = argv[i]!.value;
            if (v === '-C' || v === '--chdir') targets.push(argv[++i]?.value ?? null);
            else if (v?.startsWith('--chdir=')) targets.push(v.slice(8));
            else if (v?.startsWith('-C') && v.length > 2) targets.push(v.slice(2));
          }
        }
        for (const target of targets) this.addDirectory(target);
      }
    }
    for (const link of linkNames) {
      if (link === null) this.links.unknown = true;
      else for (const cwd of this.place.cwds) this.links.paths.push(path.resolve(cwd, link));
    }
  }

  private addDirectory(target: string | null): void {
    if (target === null) {
      this.place.cwdUnknown = true;
      return;
    }
    for (const cwd of [...this.place.cwds]) {
      const next = resolveReal(cwd, target);
      if (!this.place.cwds.includes(next)) this.place.cwds.push(next);
    }
    if (this.place.cwds.length > MAX_DIRECTORIES) this.place.cwdUnknown = true;
  }

  // ---- walking ----

  private async visitScript(script: Script, stdin: StdinSource | null): Promise<Violation | null> {
    for (const item of script.items) {
      for (const pipeline of item.pipelines) {
        for (let i = 0; i < pipeline.commands.length; i++) {
          const source: StdinSource | null =
            i > 0 ? { kind: 'pipe', producers: pipeline.commands.slice(0, i) } : stdin;
          const v = await this.visitCommand(pipeline.commands[i]!, source);
          if (v) return v;
        }
      }
    }
    return null;
  }

  private async visitCommand(cmd: Command, stdin: StdinSource | null): Promise<Violation | null> {
    if (cmd.type === 'function') return this.visitCommand(cmd.body, null);
    if (cmd.type === 'simple') return this.visitSimple(cmd, stdin);
    for (const word of cmd.words) {
      const v = await this.visitNested(scriptsOf(word.parts));
      if (v) return v;
    }
    const v = await this.checkRedirects(cmd.redirects);
    if (v) return v;
    const restore = cmd.kind === 'for' && cmd.loopVar ? this.enterLoop(cmd.loopVar, cmd.words) : null;
    try {
      for (const body of cmd.bodies) {
        const found = await this.visitScript(body, stdin);
        if (found) return found;
      }
    } finally {
      restore?.();
    }
    return null;
  }

  /** Inside `for NAME in a b c`, NAME is one of the items when they are all known. */
  private enterLoop(name: string, words: Word[]): (() => void) | null {
    const values: string[] = [];
    for (const word of words) {
      const expanded = expandWord(word, this.env);
      if (expanded === null) return null;
      values.push(...expanded.flat());
    }
    if (!values.length || otherOccurrences(this.text, name) !== 1) return null;
    const previous = this.env.vars.get(name);
    this.env.vars.set(name, { values, source: -1, from: 0 });
    return () => {
      if (previous) this.env.vars.set(name, previous);
      else this.env.vars.delete(name);
    };
  }

  private async visitNested(scripts: Script[]): Promise<Violation | null> {
    for (const script of scripts) {
      const v = await this.visitScript(script, null);
      if (v) return v;
    }
    return null;
  }

  private async visitSimple(cmd: SimpleCommand, stdin: StdinSource | null): Promise<Violation | null> {
    // Substitutions run before the command itself.
    const v = (await this.visitNested(nestedScripts(cmd))) ?? (await this.checkRedirects(cmd.redirects));
    if (v) return v;
    const source = stdinOf(cmd.redirects, this.env) ?? stdin;
    for (const argv of expandArgs(cmd.words, this.env)) {
      const found = await this.checkArgv(argv, source);
      if (found) return found;
    }
    return null;
  }

  private async checkRedirects(redirects: Redirect[]): Promise<Violation | null> {
    for (const r of redirects) {
      const value = staticValue(r.target, this.env);
      const duplicate =
        (r.op === '>&' || r.op === '<&') && (value === null ? false : /^(\d+-?|-)$/.test(value));
      // `>&word` is a redirection to a file unless the word is a descriptor number or `-`.
      if (r.op === '>&' && !duplicate) {
        const v = this.checkWrite({ value, raw: r.target.raw, word: r.target }, `>&`, false);
        if (v) return v;
      }
      if (!WRITE_REDIRECTS.has(r.op)) continue;
      const v = this.checkWrite({ value, raw: r.target.raw, word: r.target }, r.op, false);
      if (v) return v;
    }
    return null;
  }

  // ---- one command ----

  async checkArgv(argv: Arg[], stdin: StdinSource | null): Promise<Violation | null> {
    const head = argv[0];
    if (!head || head.value === '') return null;
    if (head.value === null) {
      if (this.options.lenient) return null;
      return {
        rule: 'dynamic-command',
        reason:
          `the command name \`${head.raw}\` is only known when it runs, so the safety policy cannot check it; ` +
          'write the command name literally',
      };
    }
    const name = commandName(head.value);
    const args = argv.slice(1);
    if (this.tokens.has(name)) return tokenViolation(name);
    const printed = this.matchPrinted(argv, name);
    if (printed) return printed;
    if (name === 'git') {
      const git = analyseGit(args);
      if (git.pushes) {
        return {
          rule: 'git-push',
          reason:
            `\`git ${git.pushes}\` is blocked: the agent keeps its work in local commits and never changes a ` +
            'remote repository (the user pushes when they choose)',
        };
      }
      if (git.unknownSubcommand && !this.options.lenient) {
        return {
          rule: 'dynamic-command',
          reason:
            'the git subcommand is only known when it runs, so the safety policy cannot check it; write it literally',
        };
      }
      for (const inner of git.inner) {
        const v = await this.checkInner(inner, stdin);
        if (v) return v;
      }
    }
    if (WRAPPERS.has(name) && name !== 'find' && name !== 'xargs') {
      // Backstop for options the wrapper tables do not know (`ionice --new-option X sudo ...`): a blocked
      // command anywhere in a wrapper's arguments. find and xargs are parsed completely and often take
      // search words (`xargs grep -l sudo`), so they are left out.
      const hidden = args.find((a) => a.value !== null && this.tokens.has(commandName(a.value)));
      if (hidden) return tokenViolation(commandName(hidden.value!));
    }
    for (const inner of innerCommands(name, args)) {
      const v = await this.checkInner(inner, stdin);
      if (v) return v;
    }
    const writes = name === 'find' ? findWrites(args) : writeTargets(name, args);
    for (const target of writes?.targets ?? []) {
      const v = this.checkWrite(target, name, writes!.removes);
      if (v) return v;
    }
    return null;
  }

  /** Blocked patterns on the command as it will run: quotes removed, known variables expanded. */
  private matchPrinted(argv: Arg[], name: string): Violation | null {
    const words = argv.map((a) => a.value ?? a.raw);
    const forms = [words.join(' '), [name, ...words.slice(1)].join(' ')];
    for (const form of forms) {
      const v = matchPatterns(this.options.policy, form);
      if (v) return v;
    }
    return null;
  }

  private async checkInner(inner: Inner, stdin: StdinSource | null): Promise<Violation | null> {
    switch (inner.type) {
      case 'argv':
        return this.checkArgv(inner.argv, stdin);
      case 'shell':
      case 'python':
      case 'inline': {
        const code = inner.code.value;
        if (code === null) return this.dynamicCode(inner.via, inner.code);
        const v =
          inner.type === 'shell'
            ? await checkScript(code, this.nestedOptions(), this.place)
            : inner.type === 'python'
              ? await screenPython(code, this.nestedOptions(), this.place)
              : scanTokens(this.options.policy, code);
        return v && { rule: v.rule, reason: `in the code run by \`${inner.via}\`: ${v.reason}` };
      }
      case 'shell-file':
      case 'python-file':
        return this.checkFile(inner.file, inner.type === 'shell-file' ? 'shell' : 'python', inner.via);
      case 'stdin':
        return this.checkStdin(inner.language, stdin, inner.via);
    }
  }

  private nestedOptions(): CheckOptions {
    return { ...this.options, depth: this.options.depth + 1 };
  }

  private dynamicCode(via: string, code: Arg): Violation | null {
    if (code.word && scriptsOf(code.word.parts).some(fetches)) return pipeToShell(via);
    if (this.options.lenient) return null;
    return {
      rule: 'dynamic-script',
      reason:
        `\`${via}\` runs code that is only known when it runs (\`${short(code.raw)}\`), so the safety policy ` +
        'cannot check it; run the commands directly',
    };
  }

  /** A script file run by a shell or Python, screened when it exists now. */
  private async checkFile(file: Arg, language: 'shell' | 'python', via: string): Promise<Violation | null> {
    const substituted = file.word?.parts.find((p) => p.type === 'procsubst');
    if (substituted?.type === 'procsubst') {
      return this.checkProducedCode(language, [{ kind: 'script', script: substituted.script }], via);
    }
    if (file.value === null) return this.dynamicCode(via, file);
    const content = this.readScreenable(file.value);
    if (content === undefined) return null; // not there (yet): nothing to screen, the run will fail or use what the same command writes
    if (content === null) {
      return {
        rule: 'unscreenable-file',
        reason: `\`${file.raw}\` is larger than ${MAX_SCREENED_FILE >> 20} MB or unreadable, so the safety policy cannot screen it`,
      };
    }
    const v =
      language === 'shell'
        ? await checkScript(content, this.nestedOptions(), this.place)
        : await screenPython(content, this.nestedOptions(), this.place);
    return v && { rule: v.rule, reason: `in ${file.value} (run by \`${via}\`): ${v.reason}` };
  }

  /** The text of a file, undefined when it does not exist, null when too large or unreadable. */
  private readScreenable(file: string): string | null | undefined {
    for (const cwd of path.isAbsolute(file) ? ['/'] : this.place.cwds) {
      const full = this.options.hostPathOf(path.resolve(cwd, file));
      let stat: fs.Stats;
      try {
        stat = fs.statSync(full);
      } catch {
        continue;
      }
      if (!stat.isFile() || stat.size > MAX_SCREENED_FILE) return null;
      try {
        return fs.readFileSync(full, 'utf8');
      } catch {
        return null;
      }
    }
    return undefined;
  }

  /** A shell or Python reading its program from standard input. */
  private async checkStdin(
    language: 'shell' | 'python',
    stdin: StdinSource | null,
    via: string,
  ): Promise<Violation | null> {
    if (!stdin) return null;
    if (stdin.kind === 'file') return this.checkFile(stdin.file, language, via);
    if (stdin.kind === 'text') {
      if (stdin.text === null) return this.dynamicCode(via, { value: null, raw: stdin.raw, word: null });
      return this.checkCode(language, stdin.text, via);
    }
    return this.checkProducedCode(
      language,
      stdin.producers.map((cmd) => ({ kind: 'command' as const, cmd })),
      via,
    );
  }

  private async checkProducedCode(
    language: 'shell' | 'python',
    producers: ({ kind: 'command'; cmd: Command } | { kind: 'script'; script: Script })[],
    via: string,
  ): Promise<Violation | null> {
    const scripts = producers.map((p) => (p.kind === 'script' ? p.script : wrapCommand(p.cmd)));
    if (scripts.some(fetches)) return pipeToShell(via);
    const last = scripts[scripts.length - 1]!;
    const produced = producedText(last, this.env);
    if (produced && 'file' in produced) return this.checkFile(produced.file, language, via);
    if (produced) return this.checkCode(language, produced.text, via);
    return this.dynamicCode(via, { value: null, raw: last.text, word: null });
  }

  private async checkCode(
    language: 'shell' | 'python',
    code: string,
    via: string,
  ): Promise<Violation | null> {
    const v =
      language === 'shell'
        ? await checkScript(code, this.nestedOptions(), this.place)
        : await screenPython(code, this.nestedOptions(), this.place);
    return v && { rule: v.rule, reason: `in the code fed to \`${via}\`: ${v.reason}` };
  }

  // ---- writes ----

  private throughNewLink(target: Arg): Violation | null {
    if (!this.links.paths.length && !this.links.unknown) return null;
    const reason = (link: string) =>
      `\`${target.raw}\` goes through ${link}, a symlink this same command creates, so where it leads cannot be ` +
      'checked in advance; create the link in one command and use it in the next';
    if (this.links.unknown && !this.options.lenient) {
      return { rule: 'path-containment', reason: reason('a symlink whose name is only known when it runs') };
    }
    for (const cwd of this.place.cwds) {
      const lexical = path.resolve(cwd, target.value!);
      const link = this.links.paths.find((l) => lexical !== l && isWithin(lexical, l));
      if (link) return { rule: 'path-containment', reason: reason(link) };
    }
    return null;
  }

  checkWrite(target: Arg, verb: string, removes: boolean): Violation | null {
    const { scope } = this.options;
    if (target.value === null) {
      if (this.options.lenient) return null;
      return {
        rule: 'path-containment',
        reason:
          `\`${verb}\` writes to \`${target.raw}\`, which is only known when it runs (a variable or command ` +
          'substitution), so the safety policy cannot check that it stays in the workspace; write the path literally',
      };
    }
    if (target.value === '') return null;
    const absolute = target.value.startsWith('/');
    if (!absolute && this.place.cwdUnknown) {
      if (this.options.lenient) return null;
      return {
        rule: 'path-containment',
        reason:
          `\`${verb}\` writes to the relative path \`${target.raw}\` after a \`cd\` to a directory only known when ` +
          'it runs; use a path inside the workspace without cd, or an absolute path',
      };
    }
    const throughLink = this.throughNewLink(target);
    if (throughLink) return throughLink;
    for (const cwd of absolute ? ['/'] : this.place.cwds) {
      const c = classifyWrite(scope, cwd, target.value, removes);
      if (c.ok) continue;
      const shown = displayPath(c.resolved, this.options.home);
      const via =
        cwd !== this.place.cwds[0] && !absolute ? ` (from ${cwd}, where a cd in the command leads)` : '';
      if (c.why === 'protected') {
        return {
          rule: 'path-containment',
          reason: `\`${verb}\` would change ${shown}, which holds the user's safety policy; commands may not write it`,
        };
      }
      if (c.why === 'workspace-root') {
        const what =
          c.resolved === scope.workspace
            ? `the workspace itself (${shown})`
            : `${shown}, which holds the workspace`;
        return {
          rule: 'path-containment',
          reason: `\`${verb}\` would remove or move ${what}${via}; remove the files inside the workspace instead`,
        };
      }
      const allowed = this.options.policy.allowPathsOutsideWorkspace.join(', ');
      return {
        rule: 'path-containment',
        reason:
          `\`${verb}\` would write to ${shown}${via}, outside the workspace (${scope.workspace}) and the ` +
          `allowed paths (${allowed}); write inside the workspace instead`,
      };
    }
    return null;
  }
}

function tokenViolation(name: string): Violation {
  const why = PRIVILEGE.has(name)
    ? 'commands run as an unprivileged user; install packages into the project environment (pip install ...) instead'
    : 'the safety policy does not allow it';
  return { rule: `token:${name}`, reason: `\`${name}\` is a blocked command (blocked_tokens): ${why}` };
}

function pipeToShell(via: string): Violation {
  return {
    rule: 'pipe-to-shell',
    reason:
      `\`${via}\` would run code downloaded from the network; download it to a file in the workspace, read it, ` +
      'and run it as a separate step (the file is screened then)',
  };
}

/** Does the script cd (or pushd, popd, env -C) anywhere? */
function changesDirectory(script: Script): boolean {
  const env: WordEnv = { home: null, pwd: null, vars: new Map() };
  for (const cmd of simpleCommands(script)) {
    for (const argv of expandArgs(cmd.words, env)) {
      const name = argv[0]?.value ? commandName(argv[0].value) : null;
      if (name === 'cd' || name === 'pushd' || name === 'popd') return true;
      if (name === 'env' && argv.some((a) => a.value === null || /^(-C|--chdir)/.test(a.value))) return true;
    }
  }
  return false;
}

/** Does running this script fetch from the network (curl, wget, ...), directly or through a wrapper? */
function fetches(script: Script): boolean {
  const env: WordEnv = { home: null, pwd: null, vars: new Map() };
  const runsFetcher = (argv: Arg[]): boolean => {
    const name = argv[0]?.value ? commandName(argv[0].value) : null;
    if (!name) return false;
    if (FETCHERS.has(name)) return true;
    return innerCommands(name, argv.slice(1)).some(
      (inner) => inner.type === 'argv' && runsFetcher(inner.argv),
    );
  };
  for (const cmd of simpleCommands(script)) {
    if (expandArgs(cmd.words, env).some(runsFetcher)) return true;
  }
  return false;
}

function wrapCommand(cmd: Command): Script {
  return {
    items: [
      {
        pipelines: [{ negated: false, commands: [cmd], text: cmd.text }],
        ops: [],
        background: false,
        text: cmd.text,
      },
    ],
    text: cmd.text,
  };
}

/** The text a producer writes to its output, when it is known: echo, printf, cat FILE, cat <<EOF. */
function producedText(script: Script, env: WordEnv): { text: string } | { file: Arg } | null {
  const only =
    script.items.length === 1 && script.items[0]!.pipelines.length === 1
      ? script.items[0]!.pipelines[0]!
      : null;
  const cmd = only?.commands.length === 1 ? only.commands[0] : null;
  if (cmd?.type !== 'simple') return null;
  const argv = expandArgs(cmd.words, env);
  if (argv.length !== 1) return null;
  const [head, ...args] = argv[0]!;
  if (!head?.value || args.some((a) => a.value === null)) return null;
  const values = args.map((a) => a.value!);
  switch (commandName(head.value)) {
    case 'echo': {
      let i = 0;
      let escapes = false;
      while (i < values.length && /^-[neE]+$/.test(values[i]!)) escapes ||= values[i++]!.includes('e');
      const text = values.slice(i).join(' ');
      return escapes && text.includes('\\') ? null : { text: `${text}\n` };
    }
    case 'printf': {
      const [format, ...rest] = values;
      if (format === undefined) return null;
      if (format === '%s\\n' || format === '%s')
        return { text: rest.join(format === '%s' ? '' : '\n') + '\n' };
      if (/[%]/.test(format) || /\\(?!n)/.test(format)) return null;
      return { text: format.replace(/\\n/g, '\n') };
    }
    case 'cat': {
      if (values.length === 1 && args[0]) return { file: args[0] };
      if (values.length) return null;
      const fed = stdinOf(cmd.redirects, env);
      if (fed?.kind === 'text' && fed.text !== null) return { text: fed.text };
      if (fed?.kind === 'file') return { file: fed.file };
      return null;
    }
  }
  return null;
}

/** Standard input given by the command's own redirections (the last one wins, as in bash). */
function stdinOf(redirects: Redirect[], env: WordEnv): StdinSource | null {
  let source: StdinSource | null = null;
  for (const r of redirects) {
    if (r.fd !== null && r.fd !== '0') continue;
    if (r.op === '<')
      source = {
        kind: 'file',
        file: { value: staticValue(r.target, env), raw: r.target.raw, word: r.target },
      };
    else if ((r.op === '<<' || r.op === '<<-') && r.heredoc)
      source = { kind: 'text', text: r.heredoc.body, raw: r.heredoc.body };
    else if (r.op === '<<<') {
      const value = staticValue(r.target, env);
      source = { kind: 'text', text: value === null ? null : `${value}\n`, raw: r.target.raw };
    }
  }
  return source;
}

/** Scripts that run inside a simple command's words, assignments and redirections. */
function nestedScripts(cmd: SimpleCommand): Script[] {
  const words: Word[] = [...cmd.words];
  for (const a of cmd.assignments) {
    if (a.value) words.push(a.value);
    if (a.array) words.push(...a.array);
  }
  for (const r of cmd.redirects) {
    words.push(r.target);
    if (r.heredoc?.word) words.push(r.heredoc.word);
  }
  return words.flatMap((w) => scriptsOf(w.parts));
}

/** Every simple command in a script, however deeply nested. */
function* simpleCommands(script: Script): Generator<SimpleCommand> {
  for (const item of script.items) {
    for (const pipeline of item.pipelines) {
      for (const cmd of pipeline.commands) yield* commandsIn(cmd);
    }
  }
}

function* commandsIn(cmd: Command): Generator<SimpleCommand> {
  if (cmd.type === 'function') {
    yield* commandsIn(cmd.body);
    return;
  }
  if (cmd.type === 'simple') {
    yield cmd;
    for (const nested of nestedScripts(cmd)) yield* simpleCommands(nested);
    return;
  }
  for (const word of cmd.words) for (const nested of scriptsOf(word.parts)) yield* simpleCommands(nested);
  for (const r of cmd.redirects)
    for (const nested of scriptsOf(r.target.parts)) yield* simpleCommands(nested);
  for (const body of cmd.bodies) yield* simpleCommands(body);
}

function short(text: string, max = 120): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
