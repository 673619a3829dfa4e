import { randomBytes } from 'node:crypto';
import { DEFAULT_OUTPUT_CAP_BYTES, StreamCapture } from './output-buffer';
import { requestArgv, requestCwd, requestEnv, requestTimeout } from './spec';
import type { ExecRequest } from './types';

/** A request checked and made ready to run: what both sandboxes need before they start a process. */
export interface PreparedExec {
  argv: string[];
  /** Relative to the workspace root; '' is the root. */
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number | null;
  stdout: StreamCapture;
  stderr: StreamCapture;
  /** performance.now() when preparation ended, for the result's duration. */
  started: number;
  /** Marks every process of this command (in its environment), so a kill can find escapees. */
  token: string;
}

/** Checks a request (throws `invalid_spec` on a malformed one) and sets up its capped output. */
export function prepareExec(request: ExecRequest): PreparedExec {
  const argv = requestArgv(request);
  const cwd = requestCwd(request);
  const env = requestEnv(request);
  const timeoutMs = requestTimeout(request);
  const cap = request.outputCapBytes ?? DEFAULT_OUTPUT_CAP_BYTES;
  return {
    argv,
    cwd,
    env,
    timeoutMs,
    stdout: new StreamCapture('stdout', cap, request.onOutput),
    stderr: new StreamCapture('stderr', cap, request.onOutput),
    started: performance.now(),
    token: randomBytes(12).toString('hex'),
  };
}
