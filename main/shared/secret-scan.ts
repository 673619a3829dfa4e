import { fail, type Result } from '../../engine/api/result';

/**
 * The hosts' last check before a reply or an event leaves the main process: no saved API key in it, anywhere.
 * The contract has no command that returns a key, and the engine masks keys in every message; this is the
 * defence in depth against a bug that would (a key in an error message, a stack, a run's log line, a setting
 * the user pasted a key into). A reply that holds one is replaced by an error saying so; an event is dropped.
 *
 * It walks the value's strings instead of serialising it (no copy of a large reply); values shorter than a
 * real key are not looked for (they would match by chance and are refused on input anyway).
 */
const MIN_SCANNED_LENGTH = 16;

/** Whether any string inside `value` (keys of objects included) contains one of `secrets`. */
export function containsSecret(value: unknown, secrets: readonly string[]): boolean {
  const wanted = secrets.filter((s) => s.length >= MIN_SCANNED_LENGTH);
  if (wanted.length === 0) return false;
  const seen = new Set<object>();
  const visit = (v: unknown): boolean => {
    if (typeof v === 'string') return v.length >= MIN_SCANNED_LENGTH && wanted.some((s) => v.includes(s));
    if (typeof v !== 'object' || v === null || seen.has(v)) return false;
    seen.add(v);
    if (Array.isArray(v)) return v.some(visit);
    for (const [key, inner] of Object.entries(v)) {
      if (visit(key) || visit(inner)) return true;
    }
    return false;
  };
  return visit(value);
}

/** The reply, or an `internal` error in its place when it holds a saved key (logged without the key). */
export function withoutSecrets(
  name: string,
  reply: Result<unknown>,
  secrets: readonly string[],
  log: (line: string) => void = (line) => console.error(line),
): Result<unknown> {
  if (!containsSecret(reply, secrets)) return reply;
  log(`${name}: a reply held a saved API key and was withheld (a bug: please report it)`);
  return fail({
    code: 'internal',
    message: `${name}: the reply was withheld because it contained a saved API key (a bug: please report it)`,
  });
}
