import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { EXIT } from '../exit-codes';
import { ExitWith } from '../index';

// `mle-beast examples list | create`: the contract's examples.list and examples.create.

function wholeNumber(what: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError(`the ${what} must be a whole number`);
    return Number(value);
  };
}

export function registerExamples(program: Command): void {
  const examples = program
    .command('examples')
    .description('example datasets, made on demand by seeded generators (nothing ships as data)');

  examples
    .command('list')
    .description('the examples, their size, task and target')
    .action(async () => {
      const { call, withEngine } = await import('../engine-call');
      const listed = await withEngine((engine) => call(engine.handlers, 'examples.list', {}));
      if (!listed.ok) {
        console.error(`mle-beast: ${listed.error.message}`);
        throw new ExitWith(EXIT.failed);
      }
      console.log(listed.value.text);
    });

  examples
    .command('create')
    .description('write an example dataset into a new or empty folder (never overwrites anything)')
    .argument('<name>', 'which example (see `mle-beast examples list`)')
    .argument('<dir>', 'the folder to create')
    .option('--seed <n>', 'the draw; the same seed gives byte-identical files', wholeNumber('seed'))
    .option('--size <n>', 'rows, images or lines', wholeNumber('size'))
    .action(async (name: string, dir: string, opts: { seed?: number; size?: number }) => {
      const { call, withEngine } = await import('../engine-call');
      const created = await withEngine((engine) =>
        call(engine.handlers, 'examples.create', {
          name,
          folder: path.resolve(dir),
          ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
          ...(opts.size !== undefined ? { size: opts.size } : {}),
        }),
      );
      if (!created.ok) {
        console.error(`mle-beast: ${created.error.message}`);
        throw new ExitWith(
          ['unavailable', 'internal'].includes(created.error.code) ? EXIT.failed : EXIT.badInput,
        );
      }
      console.log(created.value.text);
    });
}
