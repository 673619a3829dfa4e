import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { EXIT } from '../exit-codes';
import { ExitWith, UsageError } from '../command-errors';

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
      const { PolicyFileError, checkPythonFile, checkShellCommand, loadPolicy } =
        await import('../../../policy/index');
      let loaded;
      try {
        loaded = loadPolicy(opts.policy === undefined ? {} : { userPolicyPath: opts.policy });
      } catch (error) {
        if (error instanceof PolicyFileError) throw new UsageError(error.message);
        throw error;
      }
      const verdict = opts.pythonFile
        ? await checkPythonFile(loaded, opts.pythonFile, { workspaceDir })
        : await checkShellCommand(loaded, command, { workspaceDir });
      const { allowed, kind, rule, reason } = verdict;
      process.stdout.write(`${JSON.stringify({ allowed, kind, rule, reason })}\n`);
      if (!allowed) throw new ExitWith(EXIT.blocked);
    });
}
