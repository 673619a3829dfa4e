import {
  commands,
  events,
  isEventName,
  runEventsOf,
  type CommandName,
  type CommandOutput,
  type EventMessage,
} from './contract';
import { describeIssues, issuesToText, type ApiError } from './errors';
import { ResultEnvelope } from './result';

/**
 * The contract's checks of what a client receives: a command's reply and an event. The zod side of the
 * client (client-core.ts holds the rest): a client that loads it lazily keeps zod and every schema out of its
 * start-up (the renderer builds them on its first reply, not before its first request).
 */
export interface ContractValidator {
  /** A command's raw reply: its value, parsed, or the error it carries or that it is. */
  result<K extends CommandName>(
    name: K,
    raw: unknown,
  ): { ok: true; value: CommandOutput<K> } | { ok: false; error: ApiError };
  /**
   * An event as the transport gave it: its messages, parsed (none for a name the contract does not know), or
   * why it is dropped.
   */
  event(
    name: string,
    payload: unknown,
  ): { ok: true; message: EventMessage | null } | { ok: false; problem: string };
  /** The run events a message carries (contract.ts). */
  runEventsOf: typeof runEventsOf;
}

export const contractValidator: ContractValidator = {
  result(name, raw) {
    const envelope = ResultEnvelope.safeParse(raw);
    if (!envelope.success) {
      return { ok: false, error: { code: 'invalid_output', message: `${name}: malformed reply from host` } };
    }
    if (!envelope.data.ok) return { ok: false, error: envelope.data.error };
    const output = commands[name].output.safeParse(envelope.data.value);
    if (!output.success) {
      const issues = describeIssues(output.error);
      return {
        ok: false,
        error: { code: 'invalid_output', message: `${name}: ${issuesToText(issues)}`, issues },
      };
    }
    return { ok: true, value: output.data as CommandOutput<typeof name> };
  },
  event(name, payload) {
    if (!isEventName(name)) return { ok: true, message: null };
    const parsed = events[name].safeParse(payload);
    if (!parsed.success) {
      return {
        ok: false,
        problem: `dropped malformed ${name} event: ${issuesToText(describeIssues(parsed.error))}`,
      };
    }
    return { ok: true, message: { name, payload: parsed.data } as EventMessage };
  },
  runEventsOf,
};
