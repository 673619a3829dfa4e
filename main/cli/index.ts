import { Command, CommanderError } from 'commander';
import { PRODUCT } from '../../engine/version';
import { registerPolicy } from './commands/policy';
import { registerSandbox } from './commands/sandbox';
import { registerExamples } from './commands/examples';
import { registerServe } from './commands/serve';
import { registerRun } from './commands/run';
import { registerRuns } from './commands/runs';
import { registerShow } from './commands/show';
import { registerReport } from './commands/report';
import { registerCancel } from './commands/cancel';
import { registerResume } from './commands/resume';
import { registerDemo } from './commands/demo';
import { registerDoctor } from './commands/doctor';
import { registerInit } from './commands/init';
import { registerBench } from './commands/bench';
import { ExitWith } from './command-errors';
import { EXIT } from './exit-codes';

// One file per command in ./commands. Heavy modules (SQLite, the server, Docker) load inside each
// command's action, so `mle-beast --version` and `--help` start fast.

// Commands import these from ./command-errors (importing them from here would be a cycle).
export { ExitWith, UsageError } from './command-errors';

export function buildProgram(): Command {
  const program = new Command('mle-beast')
    .description('An ML engineering agent: writes, tests, trains and improves models in a sandbox.')
    .version(PRODUCT.version, '-V, --version', 'print the version')
    .showHelpAfterError('(run mle-beast --help for usage)')
    .exitOverride();
  registerRun(program);
  registerDemo(program);
  registerRuns(program);
  registerShow(program);
  registerReport(program);
  registerCancel(program);
  registerResume(program);
  registerServe(program);
  registerExamples(program);
  registerSandbox(program);
  registerPolicy(program);
  registerInit(program);
  registerDoctor(program);
  registerBench(program);
  return program;
}

const BAD_INPUT_ERRORS = new Set(['UsageError', 'RemoteHostRefused']);

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof ExitWith) return error.code;
    if (error instanceof CommanderError) {
      // --help and --version end through here with exit code 0; usage errors are bad input.
      return error.exitCode === 0 ? EXIT.ok : EXIT.badInput;
    }
    const e = error as Error;
    console.error(`mle-beast: ${e.message}`);
    return BAD_INPUT_ERRORS.has(e.name) ? EXIT.badInput : EXIT.failed;
  }
}
