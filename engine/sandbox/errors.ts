/**
 * The sandbox's error model, one rule for the whole folder:
 *
 * - Failures a caller must expect and handle (Docker missing or stopped, no permission on its socket, the image
 *   not built, a bad spec, a Python that does not run) come back as VALUES: `SandboxResult<T>`, whose error is a
 *   `SandboxError` with a `code` and a message that says what to do. Start, status and clean-up functions never
 *   throw for them.
 * - What a command does (a non-zero exit, a timeout, a cancel, an out-of-memory kill) is never an error: it is
 *   an `ExecResult`.
 * - `Sandbox.exec` and `Sandbox.stop` have fixed return types (types.ts), so the rare infrastructure fault in
 *   the middle of a run (the daemon went away, the container was removed from outside) and a malformed request
 *   (both argv and shell, a cwd outside the workspace) REJECT with a `SandboxError`; nothing else is thrown.
 */

export type SandboxErrorCode =
  /** No Docker client or daemon socket on this machine. */
  | 'docker_not_installed'
  /** Docker is installed but its daemon does not answer. */
  | 'docker_not_running'
  /** The daemon's socket exists but this user may not open it. */
  | 'docker_permission_denied'
  /** Any other failure to reach the daemon (remote host down, TLS, ssh, timeout, malformed DOCKER_HOST). */
  | 'docker_unreachable'
  /** The sandbox image is not on the daemon. */
  | 'image_missing'
  /** The spec or the request is malformed (relative path, missing folder, bad limits). */
  | 'invalid_spec'
  /** No OS sandbox (bubblewrap, Seatbelt) for the local sandbox, and the run did not choose local-unisolated. */
  | 'isolation_unavailable'
  /** The local sandbox's Python interpreter is missing or does not run. */
  | 'python_unavailable'
  /** The container could not be created or started, or the image lacks what the sandbox needs. */
  | 'start_failed'
  /** The sandbox was stopped, or its container disappeared. */
  | 'sandbox_gone'
  /** The daemon failed in the middle of an operation. */
  | 'docker_failed'
  /** Building an image failed. */
  | 'build_failed';

export class SandboxError extends Error {
  override name = 'SandboxError';
  constructor(
    readonly code: SandboxErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export type SandboxResult<T> = { ok: true; value: T } | { ok: false; error: SandboxError };

export const succeed = <T>(value: T): SandboxResult<T> => ({ ok: true, value });
export const failWith = (code: SandboxErrorCode, message: string, cause?: unknown): SandboxResult<never> => ({
  ok: false,
  error: new SandboxError(code, message, cause === undefined ? undefined : { cause }),
});

/** A short text for any thrown value. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
