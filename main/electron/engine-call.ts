import type { CommandInput, CommandName, CommandOutput } from '../../engine/api/contract';
import { dispatch } from '../../engine/api/dispatch';
import type { Result } from '../../engine/api/result';
import type { Engine } from '../../engine/service/index';

/**
 * The main process's own calls to the engine (tray, notifications, quitting), through `dispatch` like a
 * window's: inputs checked, outputs checked, failures as values. Typed by the command's name.
 */
export const callEngine = <K extends CommandName>(
  engine: Pick<Engine, 'handlers'>,
  name: K,
  input: CommandInput<K>,
): Promise<Result<CommandOutput<K>>> =>
  dispatch(engine.handlers, name, input) as Promise<Result<CommandOutput<K>>>;
