import type { Command } from 'commander';
import { EXIT } from '../exit-codes';
import { ExitWith } from '../command-errors';

// `mle-beast doctor`: setup.check (the same list the desktop wizard and Settings show), printed with the fix for
// each check that is not ok. Exit 0 when nothing failed (warnings allowed), 1 when something must be fixed.

interface DoctorOptions {
  json: boolean;
  validateKey: boolean;
}

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description(
      'check what runs need (provider and key, live model list, Docker and the sandbox image, OS sandbox, GPU, ' +
        'git, Python) and say how to fix each problem; exit 0 all good, 1 something to fix',
    )
    .option('--json', 'print the checks as JSON', false)
    .option('--no-validate-key', 'do not ask the provider for its model list (no network request)')
    .action(async (opts: DoctorOptions) => {
      throw new ExitWith(await doctorCommand(opts));
    });
}

async function doctorCommand(opts: DoctorOptions): Promise<number> {
  const { call, withEngine } = await import('../engine-call');
  const { checksSummary, dockerDownLine, formatChecks } = await import('../check-view');
  const result = await withEngine((engine) =>
    call(engine.handlers, 'setup.check', { liveCatalog: opts.validateKey }),
  );
  if (!result.ok) {
    console.error(`mle-beast: ${result.error.message}`);
    return EXIT.failed;
  }
  const r = result.value;
  if (opts.json) {
    console.log(JSON.stringify(r, null, 2));
  } else {
    console.log(formatChecks(r.checks));
    console.log(checksSummary(r));
  }
  const down = dockerDownLine(r.checks);
  if (down && !r.ok) console.error(down);
  return r.ok ? EXIT.ok : EXIT.checksFailed;
}
