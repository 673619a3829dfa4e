import { blockMessage, loadPolicy, PolicyFileError, recordBlock } from '../../policy/index';
import { CONTAINER_PATHS } from '../sandbox/docker-container';
import { startSandbox } from '../sandbox/index';
import { screenCommand } from '../sandbox/screen-command';
import type { NetworkMode, Sandbox } from '../sandbox/types';

/**
 * `mle-beast sandbox exec`: one command in a sandbox, exactly as the agent's run_shell_command runs it (the
 * safety policy first, read where the command runs), its output streamed to the caller. Not a contract command:
 * it streams a terminal's worth of output with backpressure and lives as long as its command, which is a
 * terminal's job; the CLI reaches it through the service entry (engine/service/index.ts).
 */
export interface SandboxExecRequest {
  command: string;
  workspaceDir: string;
  dataDir?: string;
  choice: 'docker' | 'local' | 'local-unisolated';
  network: NetworkMode;
  forceCpu: boolean;
  image?: string;
  python?: string;
  timeoutMs?: number;
  /** Aborting it cancels the command (and stops before starting it, when it comes first). */
  signal: AbortSignal;
  /** The command's output, as it comes; a promise pauses the command's output until it resolves. */
  onOutput(stream: 'stdout' | 'stderr', chunk: string): unknown;
  /** A note for the user; `loud` when the command runs without isolation. */
  onWarning(text: string, loud: boolean): void;
}

export type SandboxExecOutcome =
  /** The safety policy does not load (the user's policy file is malformed): nothing can be screened. */
  | { kind: 'policy_error'; message: string }
  /** The sandbox could not start; `badInput` when the request is at fault (a bad folder, a bad spec). */
  | { kind: 'refused'; message: string; badInput: boolean }
  /** The policy blocked it; nothing ran. `message` is what the agent would get. */
  | { kind: 'blocked'; message: string }
  | { kind: 'cancelled' }
  | { kind: 'ran'; exitCode: number | null; timedOut: boolean; droppedBytes: number };

export async function execInSandbox(request: SandboxExecRequest): Promise<SandboxExecOutcome> {
  const { workspaceDir } = request;
  let policy;
  try {
    policy = loadPolicy();
  } catch (error) {
    if (error instanceof PolicyFileError)
      return {
        kind: 'refused',
        message: `the safety policy does not load: ${error.message}`,
        badInput: true,
      };
    throw error;
  }
  const spec = {
    runId: `cli-exec-${Date.now().toString(36)}-${process.pid}`,
    workspaceDir,
    ...(request.dataDir ? { dataDir: request.dataDir } : {}),
    network: request.network,
    forceCpu: request.forceCpu,
    ...(request.image ? { image: request.image } : {}),
    ...(request.python ? { python: request.python } : {}),
  };
  const local = request.choice !== 'docker';
  let sandbox: Sandbox | null = null;
  const start = async (): Promise<SandboxExecOutcome | null> => {
    const started = await startSandbox(spec, request.choice);
    if (!started.ok)
      return {
        kind: 'refused',
        message: started.error.message,
        badInput: started.error.code === 'invalid_spec',
      };
    sandbox = started.value;
    return null;
  };
  try {
    // A local sandbox is started first to learn where the command's paths point (it starts nothing but a
    // probe); Docker's are always the sandbox's.
    if (local) {
      const refused = await start();
      if (refused) return refused;
    }
    const inSandboxPaths = !local || sandbox!.paths.workspace === CONTAINER_PATHS.workspace;
    const verdict = await screenCommand(policy, {
      command: request.command,
      workspaceDir,
      place: inSandboxPaths ? 'sandbox' : 'host',
    });
    if (!verdict.allowed) {
      try {
        recordBlock(workspaceDir, verdict, request.command);
      } catch (error) {
        request.onWarning(`warning: ${(error as Error).message}`, false);
      }
      return { kind: 'blocked', message: blockMessage(verdict) };
    }
    if (!sandbox) {
      const refused = await start();
      if (refused) return refused;
    }
    const box = sandbox!;
    for (const warning of box.warnings) request.onWarning(`warning: ${warning}`, box.isolation === 'none');
    if (request.signal.aborted) return { kind: 'cancelled' };
    const result = await box.exec({
      shell: request.command,
      signal: request.signal,
      onOutput: request.onOutput,
      ...(request.timeoutMs ? { timeoutMs: request.timeoutMs } : {}),
    });
    if (result.cancelled) return { kind: 'cancelled' };
    return {
      kind: 'ran',
      exitCode: result.exitCode,
      timedOut: result.timedOut,
      droppedBytes: result.stdoutDroppedBytes + result.stderrDroppedBytes,
    };
  } finally {
    await (sandbox as Sandbox | null)?.stop();
  }
}
