import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { SetupCheckResult } from '../../../engine/api/setup-check';
import { CREDENTIAL_VARIABLE, PROVIDER_NAMES, type ProviderName } from '../../../engine/api/vocabulary';
import { EXIT } from '../exit-codes';
import { ExitWith, UsageError } from '../command-errors';
import type { EngineDeps } from '../engine-call';
import type { Prompter } from '../init/prompt';

// `mle-beast init`, in the original's shape: the prerequisites (setup.check, the same list as `doctor`), the
// provider detected from the environment, the live model list with the model name corrected, then `.env`,
// `.gitignore` and AGENTS.md. Questions only on a terminal; `--yes` or no terminal takes every default, so nothing
// waits on standard input. A key reaches `.env` only when it was typed here, never copied from the shell.

export interface InitOptions {
  check: boolean;
  yes: boolean;
  validateKey: boolean;
  cwd?: string;
}

export interface InitIO {
  out(line: string): void;
  err(line: string): void;
  prompter: Prompter;
  /** The environment providers are detected in (a copy: a typed key is added to it for the checks). */
  env: NodeJS.ProcessEnv;
  /** Whether this build has `mle-beast report` (AGENTS.md names only commands that exist). */
  hasReport: boolean;
  /** Runs `fn` with an engine that reads `.env` in `dir` and resolves providers from `env`. */
  withEngine<T>(dir: string, env: NodeJS.ProcessEnv, fn: (engine: EngineDeps) => Promise<T>): Promise<T>;
}

export function registerInit(program: Command): void {
  program
    .command('init')
    .description(
      'set up a folder for mle-beast: check the prerequisites, choose the provider and model (checked against the ' +
        "provider's live list), write .env, .gitignore and AGENTS.md; exit 0 all good, 1 something to fix",
    )
    .option(
      '--check',
      'only check (as `mle-beast doctor`), write nothing; exit 0 all good, 1 something to fix',
      false,
    )
    .option(
      '-y, --yes',
      'take every default, ask nothing (also when standard input is not a terminal)',
      false,
    )
    .option('--no-validate-key', 'do not ask the provider for its model list (no network request)')
    .option('--cwd <path>', 'the folder to set up (created if missing; default: the current folder)')
    .action(async (opts: InitOptions, command: Command) => {
      const { defaultAnswers, terminalPrompter } = await import('../init/prompt');
      const { withEngine } = await import('../engine-call');
      const terminal = Boolean(process.stdin.isTTY && process.stdout.isTTY);
      const prompter =
        terminal && !opts.yes && !opts.check
          ? terminalPrompter(process.stdin, process.stdout)
          : defaultAnswers();
      try {
        const code = await initCommand(opts, {
          out: (line) => console.log(line),
          err: (line) => console.error(line),
          prompter,
          env: { ...process.env },
          hasReport: command.parent?.commands.some((c) => c.name() === 'report') ?? false,
          withEngine: (dir, env, fn) => withEngine(fn, { setupCheck: { cwd: dir }, runs: { env } }),
        });
        if (code !== EXIT.ok) throw new ExitWith(code);
      } finally {
        prompter.close();
      }
    });
}

const nonEmpty = (value: string | undefined): value is string => value !== undefined && value.trim() !== '';
const LOCAL_DEFAULT_URL = 'http://localhost:8000/v1';

export async function initCommand(opts: InitOptions, io: InitIO): Promise<number> {
  const { call } = await import('../engine-call');
  const { checksSummary, dockerDownLine, formatChecks } = await import('../check-view');
  const dir = path.resolve(opts.cwd ?? process.cwd());
  if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory())
    throw new UsageError(`--cwd ${dir} is a file, not a folder`);
  if (!opts.check) fs.mkdirSync(dir, { recursive: true });
  const env = io.env;
  const ask = io.prompter;

  return io.withEngine(dir, env, async (engine) => {
    const setupCheck = async (
      input: Parameters<typeof call<'setup.check'>>[2],
    ): Promise<SetupCheckResult> => {
      const r = await call(engine.handlers, 'setup.check', input);
      if (!r.ok) throw new UsageError(r.error.message);
      return r.value;
    };

    // --check: the doctor's list, nothing written.
    if (opts.check) {
      const all = await setupCheck({ liveCatalog: opts.validateKey });
      io.out(formatChecks(all.checks));
      io.out(checksSummary(all));
      const down = dockerDownLine(all.checks);
      if (down && !all.ok) io.err(down);
      return all.ok ? EXIT.ok : EXIT.checksFailed;
    }

    // 1. Prerequisites.
    io.out(`Setting up ${dir}\n\n1. Prerequisites`);
    const pre = await setupCheck({ groups: ['sandbox', 'tools'] });
    io.out(formatChecks(pre.checks));
    let problems = !pre.ok;
    const down = dockerDownLine(pre.checks);
    if (down && !pre.ok) io.err(down);

    // 2. The provider: what resolution finds now (shell > .env > saved keys > settings), and every provider whose
    // variable the shell sets. One: confirm it; several: pick one (pinned in .env); none: choose and type a key.
    io.out('\n2. LLM provider');
    const now = await setupCheck({ groups: ['provider'], liveCatalog: false });
    const resolved = now.provider?.provider ?? null;
    const inShell = PROVIDER_NAMES.filter((p) => nonEmpty(env[CREDENTIAL_VARIABLE[p]]));
    const found = [...new Set([...(resolved ? [resolved] : []), ...inShell])];
    const keyText = (p: ProviderName) =>
      p === resolved
        ? (now.checks.find((c) => c.id === 'key')?.detail ?? '')
        : `${CREDENTIAL_VARIABLE[p]} is set (shell)`;
    let typed: { variable: string; value: string } | null = null;
    let provider: ProviderName | null = null;

    const manual = async (): Promise<ProviderName> => {
      const p = await ask.choose(
        '  Which LLM provider?',
        ['openrouter', 'openai', 'local'] as const,
        'openrouter',
      );
      if (p === 'local') {
        const url = await ask.ask("  The local server's OpenAI-compatible URL", LOCAL_DEFAULT_URL);
        typed = { variable: CREDENTIAL_VARIABLE.local, value: url };
      } else {
        const key = await ask.secret(
          `  Paste your ${CREDENTIAL_VARIABLE[p]} (it is not shown; Enter to skip): `,
        );
        if (nonEmpty(key)) typed = { variable: CREDENTIAL_VARIABLE[p], value: key.trim() };
      }
      return p;
    };

    if (found.length === 1) {
      const only = found[0]!;
      io.out(`  Found ${only}: ${keyText(only)}`);
      provider = (await ask.confirm(`  Use ${only}?`, true)) ? only : await manual();
    } else if (found.length > 1) {
      io.out(`  Found ${found.length} providers:\n${found.map((p) => `    ${p}: ${keyText(p)}`).join('\n')}`);
      provider = await ask.choose('  Which one should runs use?', found, resolved ?? found[0]!);
      io.out(`  Using ${provider} (pinned with MLE_BEAST_PROVIDER in .env).`);
    } else {
      provider = await manual();
    }
    // A provider without its key (none typed, none set) is not pinned: .env would name a provider runs cannot use.
    if (provider && !typed && !found.includes(provider)) {
      io.out(
        `  No key for ${provider}. Set ${CREDENTIAL_VARIABLE[provider]} in the shell or .env (or save it in the desktop app), ` +
          'or run `mle-beast init` in a terminal to type it.',
      );
      problems = true;
      provider = null;
    }
    const t = typed as { variable: string; value: string } | null;
    if (t) env[t.variable] = t.value;

    // 3. The model, checked against the provider's live list; a near miss is corrected.
    let model: string | null = null;
    if (provider) {
      io.out('\n3. Model');
      const baseUrl =
        provider === 'local' ? (env[CREDENTIAL_VARIABLE.local] ?? now.provider?.baseUrl) : undefined;
      const candidate = (m?: string) => ({
        provider: provider!,
        ...(baseUrl ? { baseUrl } : {}),
        ...(m ? { model: m } : {}),
      });
      const offline = await setupCheck({ groups: ['provider'], candidate: candidate(), liveCatalog: false });
      const suggested = offline.provider?.model ?? '';
      const chosen = await ask.ask('  Model', suggested);
      const live = await setupCheck({
        groups: ['provider'],
        candidate: candidate(chosen || undefined),
        liveCatalog: opts.validateKey,
      });
      model = live.provider?.model ?? (chosen || null);
      const catalog = live.checks.find((c) => c.id === 'catalog');
      const modelCheck = live.checks.find((c) => c.id === 'model');
      if (model) io.out(`  Using ${model}${model === suggested ? ` (the default for ${provider})` : ''}`);
      // A typed key reaches the engine as a variable of its environment: say where it really came from.
      const shown = live.checks
        .filter((c) => c.id !== 'provider')
        .map((c) =>
          c.id === 'key' && t ? { ...c, detail: c.detail.replace(/\(shell\)$/, '(typed here)') } : c,
        );
      io.out(formatChecks(shown));
      if (catalog?.status === 'fail') {
        if (!(await ask.confirm('  The model list could not be fetched. Write the files anyway?', true))) {
          io.out('Nothing written.');
          return EXIT.checksFailed;
        }
        problems = true;
      } else if (modelCheck?.status === 'fail' && model) {
        const s = await call(engine.handlers, 'models.suggest', { name: model, provider });
        const best = s.ok ? (s.value.match ?? s.value.suggestions[0] ?? null) : null;
        if (best && best !== model && (await ask.confirm(`  Use ${best} instead of ${model}?`, true))) {
          io.out(`  Model: ${best} (corrected from ${model})`);
          model = best;
        } else if (!(await ask.confirm(`  Save ${model} anyway?`, false))) {
          io.out(
            `  ${model} is not listed by the provider, so it is not written: choose another with \`mle-beast init\` or MLE_BEAST_MODEL.`,
          );
          model = null;
          problems = true;
        } else problems = true;
      } else if (live.checks.some((c) => c.status === 'fail')) {
        problems = true;
      }
    }

    // 4. The files.
    io.out('\n4. Files');
    const { agentsSection } = await import('../init/agents-md');
    const { ensureGitignored, writeAgentsMd, writeDotenv } = await import('../init/scaffold');
    const managed: Record<string, string> = {};
    if (provider) managed.MLE_BEAST_PROVIDER = provider;
    if (provider && model) managed.MLE_BEAST_MODEL = model;
    if (t) managed[t.variable] = t.value;
    const dotenv = writeDotenv(dir, managed, t !== null && t.variable !== CREDENTIAL_VARIABLE.local);
    const fromShell = inShell
      .filter((p) => CREDENTIAL_VARIABLE[p] !== t?.variable)
      .map((p) => CREDENTIAL_VARIABLE[p]);
    io.out(
      `  .env: ${dotenv}${Object.keys(managed).length ? ` (${Object.keys(managed).join(', ')})` : ''}` +
        (fromShell.length ? `; ${fromShell.join(', ')} stays in your shell, not copied` : ''),
    );
    io.out(`  .gitignore: ${ensureGitignored(dir) === 'unchanged' ? 'already ignores .env' : '.env added'}`);
    const agents = writeAgentsMd(dir, agentsSection({ report: io.hasReport }));
    io.out(
      `  AGENTS.md: ${
        {
          created: 'created',
          updated: "mle-beast's section refreshed (the rest left as it was)",
          appended: "mle-beast's section appended (your text left as it was)",
          unchanged: 'up to date',
        }[agents]
      }`,
    );

    io.out(
      `\n${problems ? 'Something still needs fixing (above); `mle-beast doctor` checks again.' : 'Ready.'}\n` +
        'Next: `mle-beast doctor` checks everything again; `mle-beast demo` shows a run with no API key; ' +
        '`mle-beast run <data folder> "<goal>" --metric NAME --target X` starts one; `mle-beast serve` opens the dashboard.',
    );
    return problems ? EXIT.checksFailed : EXIT.ok;
  });
}
