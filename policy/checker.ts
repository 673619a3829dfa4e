import fs from 'node:fs';
import path from 'node:path';
import { type Policy, displayPath } from './load-policy';
import {
  classifyRead,
  classifyReadBelow,
  classifyWrite,
  isWithin,
  resolveReal,
  type WriteScope,
} from './paths';
import { findPythonCalls } from './python-calls';
import type { Command, Redirect, Script, SimpleCommand, Word } from './shell/ast';
import {
  type Extraction,
  FETCHERS,
  type Inner,
  WRAPPERS,
  commandName,
  extraction,
  findWrites,
  innerCommands,
  linkPlan,
  writeTargets,
} from './shell/commands';
import { GIT_LOCATION_VARIABLES, analyseGit } from './shell/git';
import { type ArchiveListing, listArchiveMembers } from './shell/archives';
import { expandGlob } from './shell/glob';
import { ShellReadError, readShell, scriptsOf } from './shell/parse';
import { bashSyntaxProblem } from './shell/syntax';
import { knownVariables, otherOccurrences } from './shell/variables';
import {
  type Arg,
  type KnownVariable,
  type WordEnv,
  expandArgs,
  expandFields,
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
  /** Links made by the command line so far (shared with the code it runs: `bash -c`, `python -c`). */
  links?: NewLinks;
}

/**
 * Links the command line itself creates (ln, cp -s, a link carried by mv or cp -a, an archive's link
 * members): a path through them cannot be resolved before it runs, since they do not exist yet.
 */
interface NewLinks {
  entries: NewLink[];
  /** A link whose name is only known when it runs. */
  unknown: boolean;
}

interface NewLink {
  /** Absolute, lexical. */
  path: string;
  /** false: `path` itself may be a link; true: anything below `path` may be (an extracted archive, a copied tree). */
  below: boolean;
  /** The command word of the command that makes it: its own arguments may name it. */
  creator: Word | null;
}

type StdinSource =
  | { kind: 'pipe'; producers: Command[] }
  | { kind: 'file'; file: Arg }
  | { kind: 'text'; text: string | null; raw: string };

const MAX_DEPTH = 8;
const MAX_SCREENED_FILE = 5 * 1024 * 1024;
/** Entries looked at when checking whether a copied or moved folder holds links; past it, assume it does. */
const MAX_TREE_ENTRIES = 5000;
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
  const mention = privateMention(code, options);
  if (mention) return mention;
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
 * A Python program (or shell text) that names a path in the app's data folder: its database, the run folders
 * with the hidden labels, other workspaces. A text scan, since Python builds paths in ways no checker can
 * follow: the folder's absolute path, `~/...`, or (for a hidden folder under home such as `.mle-beast`) its
 * name. Mentions of the workspace and of the visible data inside the folder are fine.
 */
export function privateMention(code: string, options: CheckOptions): Violation | null {
  const { scope, home } = options;
  for (const dir of scope.privateDirs) {
    const forms: { text: string; base: string }[] = [{ text: dir, base: '/' }];
    const rel = path.relative(home, dir);
    if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) {
      forms.push({ text: `~/${rel}`, base: home });
      if (rel.startsWith('.')) forms.push({ text: rel, base: home });
    }
    for (const form of forms) {
      for (let at = code.indexOf(form.text); at >= 0; at = code.indexOf(form.text, at + 1)) {
        if (form.base === home && form.text === rel && /[\w.-]/.test(code[at - 1] ?? '')) continue;
        const token = /^[^\s'"`,;()<>|&{}[\]]*/.exec(code.slice(at))![0];
        const full = token.startsWith('~/')
          ? path.join(home, token.slice(2))
          : token.startsWith('/')
            ? token
            : path.join(form.base, token);
        const read = classifyRead(scope, '/', full);
        if (read.ok) continue;
        const line = code.slice(0, at).split('\n').length;
        return {
          rule: 'private-path',
          reason:
            `line ${line} names ${displayPath(read.resolved, home)}, in the app's data folder (its database, the runs' ` +
            'hidden labels and other workspaces), which code run by the agent may not read or write; use the ' +
            'workspace and the visible data',
        };
      }
    }
  }
  return null;
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
  private readonly links: NewLinks;
  private readonly tokens: ReadonlySet<string>;
  private readonly archives = new Map<string, Promise<ArchiveListing | null>>();

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
    this.links = inherited.links ?? { entries: [], unknown: false };
    this.place = { cwds: [...inherited.cwds], cwdUnknown: inherited.cwdUnknown, links: this.links };
    this.collectPlaces(script);
    if (this.place.cwdUnknown || this.place.cwds.length !== 1) this.env.pwd = null;
  }

  async run(): Promise<Violation | null> {
    const setting = settingViolation(this.text);
    if (setting) return setting;
    await this.collectLinks();
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
    for (const cmd of simpleCommands(script)) {
      for (const argv of expandArgs(cmd.words, this.env)) {
        const name = argv[0]?.value ? commandName(argv[0].value) : null;
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
  }

  /** Every link the script may create, wherever it stands (also behind wrappers: `timeout 5 ln -s ...`). */
  private async collectLinks(): Promise<void> {
    const visit = async (argv: Arg[], depth: number): Promise<void> => {
      const name = argv[0]?.value ? commandName(argv[0].value) : null;
      if (!name || depth > MAX_DEPTH) return;
      const creator = argv[0]!.word;
      const args = argv.slice(1);
      const plan = linkPlan(name, args);
      for (const link of plan?.links ?? []) this.addLink(link.value, false, creator);
      if (plan?.carries) {
        const { sources, landing } = plan.carries;
        const carried = sources.map((s) => this.carriesLinks(s));
        const asLink = carried.some((c) => c === 'link' || c === 'unknown');
        const inside = carried.some((c) => c === 'tree' || c === 'unknown');
        for (const l of landing) {
          if (asLink) this.addLink(l.value, false, creator);
          if (inside) this.addLink(l.value, true, creator);
        }
      }
      const unpack = extraction(name, args);
      if (unpack) {
        const listing = await this.listArchive(unpack);
        const dir = unpack.dir?.value === undefined ? '.' : unpack.dir.value;
        if (listing === null || dir === null) this.addLink(dir, true, creator);
        else for (const member of listing.links) this.addLink(path.posix.join(dir, member), false, creator);
      }
      for (const inner of innerCommands(name, args))
        if (inner.type === 'argv') await visit(inner.argv, depth + 1);
    };
    for (const cmd of simpleCommands(this.script)) {
      for (const argv of expandArgs(cmd.words, this.env)) await visit(argv, 0);
    }
  }

  private addLink(value: string | null, below: boolean, creator: Word | null): void {
    if (value === null) {
      this.links.unknown = true;
      return;
    }
    for (const cwd of value.startsWith('/') ? ['/'] : this.place.cwds)
      this.links.entries.push({ path: path.resolve(cwd, value), below, creator });
  }

  /** Whether a source of mv / cp -a / rsync is a link, or a folder holding one, now or made by this command. */
  private carriesLinks(source: Arg): 'link' | 'tree' | 'unknown' | null {
    if (source.value === null || source.glob) return 'unknown';
    for (const cwd of source.value.startsWith('/') ? ['/'] : this.place.cwds) {
      const lexical = path.resolve(cwd, source.value);
      if (this.links.entries.some((l) => isWithin(lexical, l.path) || isWithin(l.path, lexical)))
        return 'unknown';
      const host = this.options.hostPathOf(lexical);
      let stat: fs.Stats;
      try {
        stat = fs.lstatSync(host);
      } catch {
        continue;
      }
      if (stat.isSymbolicLink()) return 'link';
      if (stat.isDirectory() && treeHoldsLink(host)) return 'tree';
    }
    return null;
  }

  /** The members of an archive a command extracts, or null when they cannot be listed (stdin, missing, unreadable). */
  private listArchive(unpack: Extraction): Promise<ArchiveListing | null> {
    const file = unpack.archive?.value ?? null;
    if (file === null || unpack.archive?.glob) return Promise.resolve(null);
    const cwd = file.startsWith('/') ? '/' : this.place.cwds[0]!;
    const host = this.options.hostPathOf(path.resolve(cwd, file));
    const key = `${unpack.tool}\0${host}`;
    let listing = this.archives.get(key);
    if (!listing) {
      listing = listArchiveMembers(unpack.tool, host);
      this.archives.set(key, listing);
    }
    return listing;
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
      if (r.op === '<<' || r.op === '<<-' || r.op === '<<<') continue;
      // A loop variable with several known values gives several alternatives: each is checked.
      for (const target of this.redirectTargets(r)) {
        const value = target.value;
        const duplicate =
          (r.op === '>&' || r.op === '<&') && (value === null ? false : /^(\d+-?|-)$/.test(value));
        if (duplicate) continue;
        // `>&word` is a redirection to a file unless the word is a descriptor number or `-`.
        if (r.op === '>&' || WRITE_REDIRECTS.has(r.op)) {
          const v = this.checkWrite(target, r.op, false);
          if (v) return v;
        }
        if (r.op === '<' || r.op === '<>' || r.op === '<&') {
          const v = this.checkRead(target, r.op);
          if (v) return v;
        }
      }
    }
    return null;
  }

  private redirectTargets(r: Redirect): Arg[] {
    const alternatives = expandFields(r.target, this.env);
    if (alternatives === null || !alternatives.length)
      return [{ value: null, raw: r.target.raw, word: r.target }];
    return alternatives.map((fields) => {
      // Several fields make an "ambiguous redirect" that bash refuses; as one word it writes nothing.
      if (fields.length !== 1) return { value: null, raw: r.target.raw, word: r.target };
      const arg: Arg = { value: fields[0]!.value, raw: r.target.raw, word: r.target };
      if (fields[0]!.glob !== null) arg.glob = fields[0]!.glob;
      return arg;
    });
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
      const v = this.checkGitScope(git);
      if (v) return v;
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
    const creator = head.word;
    const writes = name === 'find' ? findWrites(args) : writeTargets(name, args);
    for (const target of writes?.targets ?? []) {
      const v = this.checkWrite(target, name, writes!.removes, creator);
      if (v) return v;
    }
    for (const target of writes?.into ?? []) {
      const v = this.checkWrite(target, name, false, creator);
      if (v) return v;
    }
    const links = linkPlan(name, args);
    for (const target of links?.links ?? []) {
      const v = this.checkWrite(target, name, false, creator);
      if (v) return v;
    }
    for (const source of links?.hardTargets ?? []) {
      const v = this.checkHardLink(source, name);
      if (v) return v;
    }
    const unpack = extraction(name, args);
    if (unpack) {
      const v = await this.checkExtraction(unpack);
      if (v) return v;
    }
    for (const arg of argv) {
      const v = this.checkRead(arg, name);
      if (v) return v;
    }
    return null;
  }

  /** git may only act on the workspace's repository, with its own configuration. */
  private checkGitScope(git: ReturnType<typeof analyseGit>): Violation | null {
    if (git.foreignConfig) {
      return {
        rule: 'git-scope',
        reason:
          `\`${git.foreignConfig}\` is blocked: it changes git's configuration outside this repository or points ` +
          "git at hooks or settings elsewhere, which git would also apply to the engine's own commits; use " +
          '`git -c key=value <command>` for one command instead',
      };
    }
    // -C, --git-dir and --work-tree: each relative to the -C before it.
    let base = '.';
    let baseUnknown = false;
    for (const dir of git.dirs) {
      if (dir.value === null) baseUnknown = true;
      else base = dir.value.startsWith('/') ? dir.value : path.posix.join(base, dir.value);
      const v = this.checkGitPath(baseUnknown ? null : base, dir.raw, 'git -C');
      if (v) return v;
    }
    const under = (p: Arg): string | null =>
      baseUnknown || p.value === null
        ? null
        : p.value.startsWith('/')
          ? p.value
          : path.posix.join(base, p.value);
    for (const { option, path: p } of git.locations) {
      const v = this.checkGitPath(under(p), p.raw, `git ${option}`);
      if (v) return v;
    }
    if (git.configFile) {
      const file: Arg = { value: under(git.configFile.file), raw: git.configFile.file.raw, word: null };
      const v = git.configFile.writes
        ? this.checkWrite(file, 'git config --file', false)
        : this.checkRead(file, 'git config --file');
      if (v) return v;
    }
    for (const target of git.writes) {
      const v = this.checkWrite({ value: under(target), raw: target.raw, word: null }, 'git', false);
      if (v) return v;
    }
    return null;
  }

  /** A folder git is pointed at: it may change anything there, so it must be a place commands may write. */
  private checkGitPath(value: string | null, raw: string, via: string): Violation | null {
    const v = this.checkWrite({ value, raw, word: null }, via, false);
    return (
      v && {
        rule: v.rule,
        reason: `${v.reason} (git run there may change that repository: use git in the workspace)`,
      }
    );
  }

  /** A hard link to a file outside the workspace would let a later write to the link change that file. */
  private checkHardLink(source: Arg, verb: string): Violation | null {
    if (source.value === null) {
      if (this.options.lenient) return null;
      return {
        rule: 'path-containment',
        reason: `\`${verb}\` makes a hard link to \`${source.raw}\`, which is only known when it runs; write the path literally`,
      };
    }
    const targets = source.glob ? this.globMatches(source.glob) : null;
    if (targets === 'too-many') return tooManyMatches(source, verb);
    for (const value of targets?.length ? targets : [source.value]) {
      for (const cwd of value.startsWith('/') ? ['/'] : this.place.cwds) {
        const c = classifyWrite(this.options.scope, cwd, value, false);
        if (c.ok && c.where !== 'sink') continue;
        return {
          rule: 'path-containment',
          reason:
            `\`${verb}\` would make a hard link to ${displayPath(c.resolved, this.options.home)}, outside the ` +
            'workspace: writing to the link later would change that file. Copy it instead (cp), or use a symbolic ' +
            'link (ln -s) to read it',
        };
      }
    }
    return null;
  }

  /** tar -x, unzip: no absolute names, no members that land outside the folder or links leading out of it. */
  private async checkExtraction(unpack: Extraction): Promise<Violation | null> {
    if (unpack.absoluteNames) {
      return {
        rule: 'path-containment',
        reason:
          '`tar -P` / `--absolute-names` extracts members to absolute paths and through `..`, anywhere on the ' +
          'machine; extract without it (tar then keeps every member under the target folder)',
      };
    }
    const listing = await this.listArchive(unpack);
    if (listing?.unsafe.length) {
      return {
        rule: 'path-containment',
        reason:
          `the archive \`${unpack.archive!.raw}\` holds members that would land outside the extraction folder or ` +
          `links that lead out of it (${listing.unsafe.slice(0, 3).join(', ')}${listing.unsafe.length > 3 ? ', ...' : ''}); ` +
          'extract only the members you need, by name',
      };
    }
    return null;
  }

  /** Reads are free, except in the app's data folder (database, hidden labels, other runs' workspaces). */
  checkRead(arg: Arg, verb: string): Violation | null {
    if (arg.value === null || arg.value === '') return null;
    const candidates = [arg.value];
    // `--input=/x/y`, `key=/x/y`: the value after `=` is a path too.
    const eq = /^(?:-{1,2}[A-Za-z0-9][\w.-]*|[A-Za-z_][\w.-]*)=(.+)$/s.exec(arg.value);
    if (eq) candidates.push(eq[1]!);
    const { scope } = this.options;
    if (!scope.privateDirs.length) return null;
    for (const candidate of candidates) {
      const matches = arg.glob && candidate === arg.value ? this.globMatches(arg.glob) : null;
      // Too many matches to check one by one: judge the folder the pattern starts from instead, and refuse when
      // it is private or holds a private folder (`cat ~/.mle-beast/runs/*/*/*`); a big visible dataset stays readable.
      const values = matches === 'too-many' ? [globRoot(arg.glob!)] : matches?.length ? matches : [candidate];
      for (const value of values) {
        for (const cwd of value.startsWith('/') ? ['/'] : this.place.cwds) {
          const read =
            matches === 'too-many' ? classifyReadBelow(scope, cwd, value) : classifyRead(scope, cwd, value);
          if (read.ok) continue;
          return {
            rule: 'private-path',
            reason:
              `\`${verb}\` names ${displayPath(read.resolved, this.options.home)}, in the app's data folder (its ` +
              "database, the runs' hidden labels and other workspaces), which commands may not read or write; use " +
              'the workspace and the visible data',
          };
        }
      }
    }
    return null;
  }

  /**
   * What a glob matches now, from every directory the script may be in (the links it makes count as
   * entries). Matches of a relative pattern stay relative, so each is checked from every directory.
   */
  private globMatches(pattern: string): string[] | 'too-many' {
    const out: string[] = [];
    const readDir = (dir: string): string[] | null => {
      let names: string[] = [];
      try {
        names = fs.readdirSync(this.options.hostPathOf(dir));
      } catch {
        // a folder that does not exist yet, or a link made by this command
      }
      for (const l of this.links.entries)
        if (!l.below && path.dirname(l.path) === dir) names.push(path.basename(l.path));
      return [...new Set(names)];
    };
    for (const cwd of pattern.startsWith('/') ? ['/'] : this.place.cwds) {
      const result = expandGlob(pattern, cwd, readDir);
      if (result.tooMany) return 'too-many';
      for (const match of result.matches) {
        if (pattern.startsWith('/')) out.push(match);
        else out.push((path.relative(cwd, match) || '.') + (match.endsWith('/') ? '/' : ''));
      }
    }
    return [...new Set(out)];
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

  /**
   * Does writing `value` go through a link this command line creates? A component below a new link is
   * followed; so is the link itself unless the verb acts on the path itself (rm, mv's sources) and the path
   * does not end with `/`. `link/..` is followed too, to the parent of wherever the link leads.
   */
  private throughNewLink(target: Arg, removes: boolean, creator: Word | null): Violation | null {
    const entries = this.links.entries.filter((l) => creator === null || l.creator !== creator);
    if (!entries.length && !this.links.unknown) return null;
    const reason = (link: string) =>
      `\`${target.raw}\` goes through ${link}, a link this same command creates (or may create: an archive's ` +
      'members, a copied or moved link), so where it leads cannot be checked in advance; create the link in one ' +
      'command and use it in the next';
    if (this.links.unknown && !this.options.lenient) {
      return { rule: 'path-containment', reason: reason('a link whose name is only known when it runs') };
    }
    const value = target.value!;
    const followsLast = !removes || /(^|\/)\.{0,2}$/.test(value);
    const trailing = /(^|\/)\.{0,2}$/.test(value);
    for (const cwd of value.startsWith('/') ? ['/'] : this.place.cwds) {
      // The prefixes of the path followed as folders (before a further component, before `..`, before a
      // trailing slash), and the path itself when the verb follows it.
      const through: string[] = [];
      let last: string | null = null;
      let current = cwd;
      const parts = value.split('/').filter((p) => p !== '' && p !== '.');
      parts.forEach((part, i) => {
        if (part === '..') {
          through.push(current);
          current = path.dirname(current);
          return;
        }
        current = path.join(current, part);
        if (i < parts.length - 1 || trailing) through.push(current);
        else if (followsLast) last = current;
      });
      const followed = last === null ? through : [...through, last];
      for (const l of entries) {
        // Below an extracted archive or a copied tree, only a path going through a member as a folder counts:
        // `curl -o data/x.zip ... && unzip data/x.zip -d data` must pass.
        const hit = l.below
          ? through.some((p) => p !== l.path && isWithin(p, l.path))
          : followed.some((p) => isWithin(p, l.path));
        if (hit) return { rule: 'path-containment', reason: reason(l.path) };
      }
    }
    return null;
  }

  checkWrite(target: Arg, verb: string, removes: boolean, creator: Word | null = null): Violation | null {
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
    if (target.glob) {
      // The shell expands the pattern first: check what it matches (`etc_lin?/x` through a link to /etc).
      const matches = this.globMatches(target.glob);
      if (matches === 'too-many') return tooManyMatches(target, verb);
      for (const match of matches) {
        const v = this.checkWrite(
          { value: match, raw: target.raw, word: target.word },
          verb,
          removes,
          creator,
        );
        if (v) return v;
      }
    }
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
    const throughLink = this.throughNewLink(target, removes, creator);
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
      if (c.why === 'private') {
        return {
          rule: 'path-containment',
          reason:
            `\`${verb}\` would change ${shown}${via}, in the app's data folder (its database, the runs' hidden labels ` +
            'and other workspaces), which commands may not read or write; write inside the workspace instead',
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
      if (c.why === 'allowed-root') {
        return {
          rule: 'path-containment',
          reason:
            `\`${verb}\` would remove or move ${shown}${via}, a shared folder (or one holding it) that other ` +
            'programs use; remove only the files this command made, by name',
        };
      }
      return {
        rule: 'path-containment',
        reason:
          `\`${verb}\` would write to ${shown}${via}, outside the workspace (${scope.workspace}) and the ` +
          `allowed paths (${this.allowedShown()}); write inside the workspace instead`,
      };
    }
    return null;
  }

  private allowedShown(): string {
    const listed = this.options.policy.allowPathsOutsideWorkspace;
    const temp = this.options.scope.allowed.slice(listed.length);
    return [...listed, ...temp.map((t) => `${t} (private temp folder)`)].join(', ');
  }
}

/** The fixed folder a glob pattern starts from: its path up to the first segment with a wildcard. */
function globRoot(glob: string): string {
  const segments = glob.split('/');
  const fixed = segments.slice(
    0,
    segments.findIndex((s) => /(?<!\\)[*?[]/.test(s)),
  );
  const root = fixed.join('/').replace(/\\(.)/g, '$1');
  return root === '' ? (glob.startsWith('/') ? '/' : '.') : root;
}

function tooManyMatches(target: Arg, verb: string): Violation {
  return {
    rule: 'path-containment',
    reason:
      `\`${verb}\`: \`${target.raw}\` matches too many files for the safety policy to check each one; ` +
      'narrow the pattern or name a folder inside the workspace',
  };
}

/**
 * Variables a command may not set: CDPATH (a relative `cd` could then leave the workspace: `CDPATH=..;
 * cd other`) and those that point git at another repository or configuration. Reading them is fine;
 * so is `unset`. A text check: any spelling that could set one (assignment, export, declare, read, env).
 */
function settingViolation(text: string): Violation | null {
  const names = ['CDPATH', ...GIT_LOCATION_VARIABLES];
  for (const name of names) {
    const unsets = [...text.matchAll(new RegExp(`\\bunset\\s+(-v\\s+)?${name}(?![A-Za-z0-9_])`, 'g'))].length;
    if (otherOccurrences(text, name) - unsets <= 0) continue;
    return name === 'CDPATH'
      ? {
          rule: 'path-containment',
          reason:
            'setting CDPATH is blocked: it makes a relative `cd` go to folders outside the workspace, where the ' +
            'safety policy would check the wrong place; use `cd ./dir` or a path inside the workspace',
        }
      : {
          rule: 'git-scope',
          reason:
            `setting ${name} is blocked: it points git at another repository, work tree or configuration; run git ` +
            'in the workspace without it',
        };
  }
  const indexed = /(?<![$A-Za-z0-9_{])GIT_CONFIG_(KEY|VALUE)_\d+/.exec(text);
  if (indexed) {
    return {
      rule: 'git-scope',
      reason: `setting ${indexed[0]} is blocked: it changes git's configuration; use \`git -c key=value\` for one command`,
    };
  }
  return null;
}

/** Whether a folder holds a symbolic link (bounded: a huge tree counts as holding one). */
function treeHoldsLink(dir: string): boolean {
  let seen = 0;
  const stack = [dir];
  while (stack.length) {
    const current = stack.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(current, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      if (++seen > MAX_TREE_ENTRIES) return true;
      if (e.isSymbolicLink()) return true;
      if (e.isDirectory()) stack.push(path.join(current, e.name));
    }
  }
  return false;
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
