// The errors a command throws to end the process its own way. Kept apart from index.ts (which registers the
// commands) so that the commands import them without importing the program that imports them: no cycle.

/** Thrown by a command for input the user must fix: exit 2, message printed as is. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Lets an action end the process with a specific exit code after it has printed its own output. */
export class ExitWith extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
    this.name = 'ExitWith';
  }
}
