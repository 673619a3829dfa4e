import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { EXIT } from '../exit-codes';
import { ExitWith, UsageError } from '../index';

interface CheckOptions {
  workspace?: string;
  pythonFile?: string;
  policy?: string;
}

export function registerPolicy(program: Command): void {
  const policy = program.command('policy').description('the safety policy that screens what the agent runs');
  policy
    .command('check')
    .description(
      'say whether the safety policy allows a shell command (or a Python file); a dry check: ' +
        'nothing runs and logs/safety.log is not written',
    )
    .argument('[command...]', 'the shell command, after -- (quote it; several words are joined with spaces)')
    .option('--workspace <dir>', 'the workspace the command would run in (default: the current directory)')
    .option(
      '--python-file <file>',
      'screen this Python file instead of a command (absolute or workspace-relative)',
    )
    .option(
      '--policy <file>',
      'the user policy file merged on the shipped one (default: ~/.mle-beast/policy.json)',
    )
    .addHelpText(
      'after',
      '\nPrints {"allowed","kind","rule","reason"} as JSON.\n' +
        'Exit status: 0 allowed, 3 blocked, 2 bad input (no command, no such workspace, malformed policy file).\n' +
        '\nExample:\n  mle-beast policy check --workspace ~/runs/iris -- "rm -rf checkpoints/old"',
    )
    .action(async (words: string[], opts: CheckOptions) => {
      const command = words.join(' ');
      if (opts.pythonFile && command.trim())
        throw new UsageError('give either a command or --python-file, not both');
      if (!opts.pythonFile && !command.trim()) {
        throw new UsageError(
          'give the command to check after --, e.g. mle-beast policy check -- "rm -rf build"',
        );
      }
      const workspaceDir = path.resolve(opts.workspace ?? process.cwd());
      if (!fs.statSync(workspaceDir, { throwIfNoEntry: false })?.isDirectory()) {
        throw new UsageError(`--workspace ${workspaceDir}: no such directory`);
      }
      const { call, withEngine } = await import('../engine-call');
      const checked = await withEngine((engine) =>
        call(engine.handlers, 'policy.check', {
          ...(opts.pythonFile ? { pythonFile: opts.pythonFile } : { command }),
          workspace: workspaceDir,
          ...(opts.policy === undefined ? {} : { policyFile: path.resolve(opts.policy) }),
        }),
      );
      if (!checked.ok) {
        if (checked.error.code === 'invalid_input') throw new UsageError(checked.error.message);
        console.error(`mle-beast: ${checked.error.message}`);
        throw new ExitWith(EXIT.failed);
      }
      const { allowed, kind, rule, reason } = checked.value;
      process.stdout.write(`${JSON.stringify({ allowed, kind, rule, reason })}\n`);
      if (!allowed) throw new ExitWith(EXIT.blocked);
    });
}
