import fs from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { RunOverrides, RunStartInput } from '../../../engine/api/runs';
import type { CliIO, EngineDeps } from '../engine-call';
import type { FollowOptions } from '../follow-run';
import { ExitWith, UsageError } from '../command-errors';
import { RUN_EXIT_HELP } from '../run-exit';

// `mle-beast run <project.yaml | folder> [task]`: starts a run and follows it to its end. The engine checks
// the config and the flags (it names the file:line:column or the flag in its errors); this file only decides
// which kind of run the user asked for.

export interface RunFlags {
  dataset?: string;
  workspace?: string;
  sandbox?: string;
  maxSteps?: string;
  maxCost?: string;
  forceCpu?: boolean;
  network?: string;
  python?: string;
  metric?: string;
  target?: number;
  json?: boolean;
  verbose?: boolean;
}

export const TASK_MISSING = 'give the task in one sentence: mle-beast run ./data "predict churn"';

function parseTarget(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n))
    throw new InvalidArgumentError('expected a number, e.g. 0.85');
  return n;
}

/** The flags every run-starting command shares, as raw text for the engine to check. */
export function overridesFrom(flags: RunFlags): RunOverrides {
  const overrides: RunOverrides = {};
  if (flags.dataset !== undefined) overrides.dataset = flags.dataset;
  if (flags.workspace !== undefined) overrides.workspace = flags.workspace;
  if (flags.sandbox !== undefined) overrides.sandbox = flags.sandbox;
  if (flags.maxSteps !== undefined) overrides.maxSteps = flags.maxSteps;
  if (flags.maxCost !== undefined) overrides.maxCost = flags.maxCost;
  if (flags.forceCpu) overrides.forceCpu = true;
  if (flags.network !== undefined) overrides.network = flags.network;
  if (flags.python !== undefined) overrides.python = flags.python;
  return overrides;
}

/** What `runs.start` gets for the arguments: a project.yaml run, or a folder run with its task. */
export function buildRunInput(
  target: string,
  task: string | undefined,
  flags: RunFlags,
  cwd: string,
): RunStartInput {
  const full = path.resolve(cwd, target);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(full);
  } catch {
    throw new UsageError(`no such file or folder: ${target} (give a project.yaml or a dataset folder)`);
  }
  const overrides = overridesFrom(flags);
  // A data file (a CSV, a JSONL) is a dataset like a folder; any other file is read as a project.yaml.
  const dataFile = stat.isFile() && /\.(csv|tsv|jsonl|ndjson)$/i.test(full);
  if (stat.isFile() && !dataFile) {
    if (task !== undefined) {
      throw new UsageError(
        `unexpected argument ${JSON.stringify(task)}: with a project file the task comes from its goals.task_description`,
      );
    }
    if (flags.metric !== undefined || flags.target !== undefined) {
      throw new UsageError(
        '--metric and --target go with a dataset folder; with a project file set goals.target_metric in it',
      );
    }
    return { project: target, overrides, cwd };
  }
  if (!stat.isDirectory() && !dataFile) throw new UsageError(`${target} is neither a file nor a folder`);
  if (task === undefined || task.trim() === '') throw new UsageError(TASK_MISSING);
  if (flags.target !== undefined && flags.metric === undefined) {
    throw new UsageError(
      '--target needs --metric: say which metric the target is for (e.g. --metric accuracy)',
    );
  }
  return {
    folder: target,
    task,
    ...(flags.metric !== undefined
      ? {
          metric: {
            name: flags.metric,
            ...(flags.target !== undefined ? { target_value: flags.target } : {}),
          },
        }
      : {}),
    overrides,
    cwd,
  };
}

export async function runCommand(
  deps: EngineDeps,
  input: RunStartInput,
  flags: RunFlags,
  follow: Omit<FollowOptions, 'json' | 'verbose'> & { io?: CliIO } = {},
): Promise<number> {
  const { startAndFollow } = await import('../follow-run');
  const { call } = await import('../engine-call');
  return startAndFollow(deps, () => call(deps.handlers, 'runs.start', input), {
    fromSeq: 0,
    ...follow,
    json: flags.json ?? false,
    verbose: flags.verbose ?? false,
  });
}

/** Options of the commands that follow a run (run, resume, demo). */
export function addFollowOptions(command: Command): Command {
  return command
    .option('--json', 'print nothing while it runs, then one JSON document: { run, experiments }', false)
    .option('--verbose', 'also show training and evaluation logs, tool calls and LLM calls', false)
    .addHelpText('after', RUN_EXIT_HELP);
}

export function registerRun(program: Command): void {
  const run = program
    .command('run')
    .description(
      'start a run, from a project.yaml or from a dataset folder and a one-sentence task, and follow it to its end',
    )
    .argument('<project-or-folder>', 'a project.yaml, or a dataset folder')
    .argument('[task]', 'with a folder: the goal in one sentence, quoted')
    .option('--dataset <path>', 'the dataset (overrides project.yaml)')
    .option('--workspace <dir>', 'where the code goes: a new folder, or an existing repository to improve')
    .option(
      '--sandbox <kind>',
      'docker, local (in an OS sandbox: bubblewrap or Seatbelt) or local-unisolated (default: docker)',
    )
    .option(
      '--python <path>',
      'local sandbox: the Python interpreter (default: the first python3 with the packages)',
    )
    .option('--max-steps <n>', 'experiments to try at most (default 30)')
    .option('--max-cost <usd>', 'stop when the LLM calls have cost this many dollars')
    .option('--force-cpu', 'do not ask for a GPU')
    .option('--network <mode>', 'the sandbox network: none or bridge')
    .option('--metric <name>', 'with a folder: the metric (default: chosen from the task and the data)')
    .option('--target <x>', 'with a folder and --metric: the value to reach', parseTarget);
  addFollowOptions(run).action(async (target: string, task: string | undefined, flags: RunFlags) => {
    const input = buildRunInput(target, task, flags, process.cwd());
    const { withEngine } = await import('../engine-call');
    const code = await withEngine((engine) => runCommand(engine, input, flags));
    if (code !== 0) throw new ExitWith(code);
  });
}
