import { z } from 'zod';
import { commands, isCommandName, type CommandInput, type CommandName, type CommandOutput } from './contract';
import { EngineError, describeIssues, issuesToText } from './errors';
import { fail, ok, type Result } from './result';

/** What the engine implements: one async function per command of the contract. */
export type CommandHandlers = {
  [K in CommandName]: (input: z.output<(typeof commands)[K]['input']>) => Promise<CommandOutput<K>>;
};

/**
 * The single entry every host uses: checks the command name and the input, runs the handler, checks the
 * output, and turns every failure into an error value. Never throws.
 */
export async function dispatch(
  handlers: CommandHandlers,
  name: unknown,
  rawInput: unknown,
): Promise<Result<unknown>> {
  if (!isCommandName(name)) {
    return fail({ code: 'unknown_command', message: `unknown command ${JSON.stringify(name)}` });
  }
  const spec = commands[name];
  const input = spec.input.safeParse(rawInput ?? {}, { reportInput: true });
  if (!input.success) {
    const issues = describeIssues(input.error);
    return fail({ code: 'invalid_input', message: `${name}: ${issuesToText(issues)}`, issues });
  }
  try {
    const handler = handlers[name] as (input: unknown) => Promise<unknown>;
    const output = spec.output.safeParse(await handler(input.data));
    if (!output.success) {
      const issues = describeIssues(output.error);
      return fail({ code: 'invalid_output', message: `${name} returned ${issuesToText(issues)}`, issues });
    }
    return ok(output.data);
  } catch (error) {
    if (error instanceof EngineError) {
      return fail({
        code: error.code,
        message: error.message,
        ...(error.issues ? { issues: error.issues } : {}),
      });
    }
    return fail({
      code: 'internal',
      message: `${name} failed: ${(error as Error)?.message ?? String(error)}`,
    });
  }
}

export type { CommandInput };
