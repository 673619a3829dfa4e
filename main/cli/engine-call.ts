import type { CommandHandlers } from '../../engine/api/dispatch';
import { dispatch } from '../../engine/api/dispatch';
import type { CommandInput, CommandName, CommandOutput } from '../../engine/api/contract';
import type { ApiError } from '../../engine/api/errors';
import type { Result } from '../../engine/api/result';
import type { EventBus } from '../../engine/api/event-bus';
import { EXIT } from './exit-codes';

/**
 * What the run commands need of the engine: its command handlers and its event bus. The actions pass the real
 * engine (createEngine); tests pass a fake one driven by scripted events.
 */
export interface EngineDeps {
  handlers: CommandHandlers;
  events: EventBus;
}

/** A typed `dispatch`: checks the input and output against the contract, never throws. */
export async function call<K extends CommandName>(
  handlers: CommandHandlers,
  name: K,
  input: CommandInput<K>,
): Promise<Result<CommandOutput<K>>> {
  return (await dispatch(handlers, name, input)) as Result<CommandOutput<K>>;
}

/** Bad input (a config error, an unknown id) is exit 2; anything else the engine failed at is exit 3. */
export function exitForError(error: Pick<ApiError, 'code'> | { code: string }): number {
  return ['invalid_input', 'bad_input', 'not_found'].includes(error.code) ? EXIT.badInput : EXIT.failed;
}

/** Where the run commands write: stdout for results, stderr for errors and notes. */
export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}
export interface CliIO {
  out: Output;
  err: Output;
}

export const processIO = (): CliIO => ({ out: process.stdout, err: process.stderr });

/** Runs `fn` with the real engine (loaded here, so --help does not open the database) and closes it after. */
export async function withEngine<T>(
  fn: (engine: EngineDeps & { storePath: string }) => Promise<T>,
): Promise<T> {
  const { createEngine } = await import('../../engine/service/index');
  // Keys saved through the browser host on loopback (a 0600 file beside the database) serve terminal runs too,
  // beneath the shell and .env; the desktop app's keychain needs Electron and is not read here.
  const engine = createEngine({ host: 'cli', secrets: 'user-file' });
  for (const note of engine.store.notes) process.stderr.write(`database: ${note}\n`);
  // A terminal closed (SIGHUP) or a `kill` (SIGTERM) while a run goes: the run stops as interrupted, its
  // sandbox removed, resumable with `mle-beast resume`, rather than left for the next start to find.
  const onSignal = (signal: NodeJS.Signals) => {
    process.stderr.write(
      `mle-beast: ${signal}: stopping; the run can be resumed with \`mle-beast resume <id>\`\n`,
    );
    void engine.close().finally(() => process.exit(EXIT.failed));
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGHUP', onSignal);
  try {
    return await fn({ handlers: engine.handlers, events: engine.events, storePath: engine.store.path });
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
    // Stops what this process still runs (those runs become interrupted, resumable) and closes the store.
    await engine.close();
  }
}
