import type { Command } from 'commander';
import { EXIT } from '../exit-codes';
import { ExitWith } from '../command-errors';

export function registerExamples(program: Command): void {
  const examples = program
    .command('examples')
    .description('example datasets, made on demand by seeded generators (nothing ships as data)');

  examples
    .command('list')
    .description('the examples, their size, task and target')
    .action(async () => {
      const { listExamples } = await import('../../../engine/examples/index');
      console.log(listExamples());
    });

  examples
    .command('create')
    .description('write an example dataset into a new or empty folder (never overwrites anything)')
    .argument('<name>', 'which example (see `mle-beast examples list`)')
    .argument('<dir>', 'the folder to create')
    .option('--seed <n>', 'the draw; the same seed gives byte-identical files')
    .option('--size <n>', 'rows, images or lines')
    .action(async (name: string, dir: string, opts: { seed?: string; size?: string }) => {
      const { createExample } = await import('../../../engine/examples/index');
      const created = await createExample(name, dir, opts);
      if (!created.ok) {
        console.error(`mle-beast: ${created.error.message}`);
        throw new ExitWith(created.error.code === 'unavailable' ? EXIT.failed : EXIT.badInput);
      }
      console.log(created.value.text);
    });
}
