import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { PRODUCT } from '../../engine/version';
import { EXIT } from './exit-codes';

// Heavy modules (SQLite, the server, the engine) load inside each command's action, so
// `mle-beast --version` and `--help` start fast.

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidArgumentError('expected a whole number from 0 to 65535 (0 picks a free port)');
  }
  return port;
}

export function buildProgram(): Command {
  const program = new Command('mle-beast')
    .description('An ML engineering agent: writes, tests, trains and improves models in a sandbox.')
    .version(PRODUCT.version, '-V, --version', 'print the version')
    .showHelpAfterError('(run mle-beast --help for usage)')
    .exitOverride();

  program
    .command('serve')
    .description('serve the dashboard and the engine API to a browser, on loopback by default')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 picks a free one)', parsePort, 8000)
    .option('--no-browser', 'do not open a browser')
    .option('--allow-remote', 'allow a --host that is not loopback (prints a warning)', false)
    .action(async (opts: { host: string; port: number; browser: boolean; allowRemote: boolean }) => {
      const { serve } = await import('./serve');
      await serve(opts);
    });

  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here with exit code 0; usage errors are bad input.
      return error.exitCode === 0 ? EXIT.ok : EXIT.badInput;
    }
    const e = error as Error;
    console.error(`mle-beast: ${e.message}`);
    return e.name === 'RemoteHostRefused' ? EXIT.badInput : EXIT.failed;
  }
}
