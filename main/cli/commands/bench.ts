import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { Scoreboard } from '../../../engine/api/agent-bench';
import { PROVIDER_NAMES, SANDBOX_CHOICES, type SandboxChoice } from '../../../engine/api/vocabulary';
import type { CliIO, EngineDeps } from '../engine-call';
import { EXIT } from '../exit-codes';
import { ExitWith, UsageError } from '../command-errors';
import { folderStamp } from './demo';

// `mle-beast bench`: the agent benchmark suite (engine/agent-bench), not the engine's speed benchmarks
// (`npm run bench`). Runs each task with the provider the engine resolves (as `mle-beast run` does), scores
// each run by its final-holdout score, prints the scoreboard and writes scoreboard.json and scoreboard.html.
// `mle-beast bench compare A.json B.json` prints the per-task differences of two scoreboards.

export interface BenchFlags {
  tasks?: string;
  seeds?: string;
  provider?: string;
  model?: string;
  parallel?: string;
  out?: string;
  sandbox?: string;
  python?: string;
  maxSteps?: string;
  json?: boolean;
}

export const BENCH_EXIT_HELP = `
Exit codes:
  0    every run ended with a final-holdout score (whatever its tier)
  2    bad input: an unknown task, a bad flag, an unreadable scoreboard
  3    a run failed or ended without a final score (counted as no tier; the scoreboard is still written)
  130  cancelled (Ctrl-C: the running runs are cancelled, the scoreboard holds the runs so far)
`;

function positiveInt(flag: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n < 1 || n > max) {
    throw new UsageError(`${flag} must be a whole number from 1 to ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}

export interface BenchEnv {
  env: Record<string, string | undefined>;
  cwd: string;
  now(): Date;
  /** Ctrl-C: returns the remover. */
  onInterrupt(handler: () => void): () => void;
}

/** The flags checked before anything starts (no database opened for a typo); bad input is a UsageError. */
export async function parseBenchFlags(flags: BenchFlags, cwd: string, now: Date) {
  const bench = await import('../../../engine/agent-bench/index');
  const selected = bench.selectTasks(flags.tasks);
  if (!selected.ok) throw new UsageError(selected.message);
  const seeds = positiveInt('--seeds', flags.seeds, 1, 100);
  const parallel = positiveInt('--parallel', flags.parallel, 1, 32);
  const maxSteps = flags.maxSteps === undefined ? null : positiveInt('--max-steps', flags.maxSteps, 1, 1000);
  const sandbox = (flags.sandbox ?? 'docker') as SandboxChoice;
  if (!(SANDBOX_CHOICES as readonly string[]).includes(sandbox)) {
    throw new UsageError(
      `--sandbox must be one of ${SANDBOX_CHOICES.join(', ')}, got ${JSON.stringify(flags.sandbox)}`,
    );
  }
  if (flags.provider !== undefined && !(PROVIDER_NAMES as readonly string[]).includes(flags.provider)) {
    throw new UsageError(
      `--provider must be one of ${PROVIDER_NAMES.join(', ')}, got ${JSON.stringify(flags.provider)}`,
    );
  }
  if (flags.model !== undefined && flags.model.trim() === '')
    throw new UsageError('--model is empty: name a model');
  const outDir = path.resolve(cwd, flags.out ?? `bench-${folderStamp(now)}`);
  if (fs.existsSync(outDir) && !fs.statSync(outDir).isDirectory()) {
    throw new UsageError(`--out ${flags.out}: is a file; give a folder`);
  }
  return { bench, tasks: selected.tasks, seeds, parallel, maxSteps, sandbox, outDir };
}

export async function benchCommand(
  deps: EngineDeps,
  flags: BenchFlags,
  benchEnv: BenchEnv,
  io: CliIO,
): Promise<number> {
  const { bench, tasks, seeds, parallel, maxSteps, sandbox, outDir } = await parseBenchFlags(
    flags,
    benchEnv.cwd,
    benchEnv.now(),
  );
  // With --json stdout carries the scoreboard only: progress goes to stderr.
  const note = (text: string): void => void (flags.json ? io.err : io.out).write(`${text}\n`);

  // The provider is resolved by the engine when each run starts, from the environment first (as for `mle-beast
  // run`): --provider and --model set the same variables a shell would, for this command only.
  const keys = ['MLE_BEAST_PROVIDER', 'MLE_BEAST_MODEL'] as const;
  const previous = Object.fromEntries(keys.map((k) => [k, benchEnv.env[k]]));
  if (flags.provider !== undefined) benchEnv.env.MLE_BEAST_PROVIDER = flags.provider;
  if (flags.model !== undefined) benchEnv.env.MLE_BEAST_MODEL = flags.model;
  const controller = new AbortController();
  const removeInterrupt = benchEnv.onInterrupt(() => {
    note('cancelling the running runs (Ctrl-C again quits at once)');
    controller.abort();
  });
  try {
    note(
      `Agent benchmark: ${tasks.map((t) => t.name).join(', ')}; ${seeds} seed${seeds === 1 ? '' : 's'}; ${sandbox} sandbox; output in ${outDir}`,
    );
    if (seeds === 1) note('  one seed: no standard error over seeds (use --seeds 3 for a figure to report)');
    const scoreboard = await bench.runSuite({
      handlers: deps.handlers,
      tasks,
      baselines: bench.BASELINES,
      seeds,
      parallel,
      outDir,
      sandbox,
      ...(flags.python ? { python: flags.python } : {}),
      maxSteps,
      provider: benchEnv.env.MLE_BEAST_PROVIDER ?? null,
      model: benchEnv.env.MLE_BEAST_MODEL ?? null,
      onProgress: note,
      signal: controller.signal,
      now: benchEnv.now,
    });
    const jsonPath = path.join(outDir, 'scoreboard.json');
    const htmlPath = path.join(outDir, 'scoreboard.html');
    fs.writeFileSync(jsonPath, `${JSON.stringify(scoreboard, null, 2)}\n`);
    fs.writeFileSync(htmlPath, bench.scoreboardHtml(scoreboard));
    if (flags.json) io.out.write(`${JSON.stringify(scoreboard, null, 2)}\n`);
    else io.out.write(`\n${bench.formatScoreboard(scoreboard)}`);
    note(`scoreboard: ${jsonPath}\n            ${htmlPath}`);
    if (controller.signal.aborted) return EXIT.cancelled;
    return scoreboard.runs.every((r) => r.finalScore !== null) ? EXIT.ok : EXIT.failed;
  } finally {
    removeInterrupt();
    for (const k of keys) {
      if (previous[k] === undefined) delete benchEnv.env[k];
      else benchEnv.env[k] = previous[k];
    }
  }
}

/** Reads a scoreboard file, or says what is wrong with it (bad input). */
export function readScoreboard(file: string, cwd: string): Scoreboard {
  const full = path.resolve(cwd, file);
  let text: string;
  try {
    text = fs.readFileSync(full, 'utf8');
  } catch {
    throw new UsageError(`${file}: no such file (give a scoreboard.json written by mle-beast bench)`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file}: not JSON (${(error as Error).message})`);
  }
  const version = (raw as { version?: unknown } | null)?.version;
  if (version !== undefined && version !== 1) {
    throw new UsageError(
      `${file}: scoreboard version ${JSON.stringify(version)}; this mle-beast reads version 1`,
    );
  }
  const parsed = Scoreboard.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new UsageError(
      `${file}: not a scoreboard: ${first ? `${first.path.join('.') || '(top)'}: ${first.message}` : 'invalid'}`,
    );
  }
  return parsed.data;
}

export async function compareCommand(
  a: string,
  b: string,
  cwd: string,
  io: CliIO,
  json = false,
): Promise<number> {
  const sa = readScoreboard(a, cwd);
  const sb = readScoreboard(b, cwd);
  const bench = await import('../../../engine/agent-bench/index');
  const comparison = bench.compareScoreboards(sa, sb);
  io.out.write(
    json ? `${JSON.stringify(comparison, null, 2)}\n` : bench.formatComparison(comparison, { a, b }),
  );
  return EXIT.ok;
}

export function registerBench(program: Command): void {
  const bench = program
    .command('bench')
    .description(
      'the agent benchmark suite: runs small offline ML tasks with the configured model and scores each run on its hidden final split (not `npm run bench`)',
    )
    .option('--tasks <a,b>', 'which tasks (default: all; see the README for the list)')
    .option('--seeds <n>', 'runs per task (default 1; 3 or more for a mean ± standard error)')
    .option(
      '--provider <name>',
      `the LLM provider: ${PROVIDER_NAMES.join(', ')} (default: as for mle-beast run)`,
    )
    .option('--model <name>', 'the model (default: as for mle-beast run)')
    .option('--parallel <n>', 'runs at the same time (default 1)')
    .option('--out <dir>', 'where the data, runs and scoreboard go (default: ./bench-<UTC time>)')
    .option('--sandbox <kind>', 'docker (default), local or local-unisolated')
    .option('--python <path>', 'local sandbox: the Python interpreter')
    .option('--max-steps <n>', "cap every task's step budget (a quick smoke run; recorded in the scoreboard)")
    .option('--json', 'print the scoreboard JSON on stdout (progress on stderr)', false)
    .addHelpText('after', BENCH_EXIT_HELP)
    .action(async (flags: BenchFlags) => {
      await parseBenchFlags(flags, process.cwd(), new Date());
      const { withEngine, processIO } = await import('../engine-call');
      const code = await withEngine((engine) =>
        benchCommand(
          engine,
          flags,
          {
            env: process.env,
            cwd: process.cwd(),
            now: () => new Date(),
            onInterrupt: (handler) => {
              let count = 0;
              const listener = () => {
                count += 1;
                if (count > 1) process.exit(EXIT.cancelled);
                handler();
              };
              process.on('SIGINT', listener);
              return () => process.off('SIGINT', listener);
            },
          },
          processIO(),
        ),
      );
      if (code !== EXIT.ok) throw new ExitWith(code);
    });
  bench
    .command('compare')
    .description('the per-task differences of two scoreboards (B − A)')
    .argument('<a>', 'scoreboard.json A (before)')
    .argument('<b>', 'scoreboard.json B (after)')
    .option('--json', 'print the comparison as JSON', false)
    .action(async (a: string, b: string, flags: { json?: boolean }) => {
      const { processIO } = await import('../engine-call');
      const code = await compareCommand(a, b, process.cwd(), processIO(), flags.json ?? false);
      if (code !== EXIT.ok) throw new ExitWith(code);
    });
}
