/**
 * The sandbox contract: where the agent's code runs. Two implementations (Docker via dockerode, local via
 * execa) behave the same from the outside; the pipeline, the tools and the CLI see only this interface.
 */

import type { NetworkMode, OutputStream, SandboxKind } from '../api/vocabulary';

// The sandbox kinds, choices and network modes are shared words, declared in engine/api/vocabulary.
export type { NetworkMode, SandboxChoice, SandboxKind } from '../api/vocabulary';
/** What confines commands: a container, an OS sandbox around each local command, or nothing. */
export type SandboxIsolation = 'container' | 'bubblewrap' | 'seatbelt' | 'none';

export interface SandboxLimits {
  /** Hard memory limit of the container (Docker); over it the kernel kills the process (an OOM). */
  memoryBytes: number;
  /** CPU share, in cores (Docker NanoCpus). */
  cpus: number;
  /** Maximum processes and threads at once: what stops a fork bomb. */
  pids: number;
  /** /dev/shm size: PyTorch data loaders need far more than Docker's 64 MB default. */
  shmBytes: number;
}

export interface SandboxSpec {
  /** Labels the container and names it; one sandbox per run. */
  runId: string;
  /** Absolute host path of the workspace: read-write (at /workspace in Docker). */
  workspaceDir: string;
  /** Absolute host path of the visible data: read-only (at /data in Docker). Never the hidden holdout. */
  dataDir?: string;
  limits?: Partial<SandboxLimits>;
  /** Default 'none'. */
  network?: NetworkMode;
  /** Never request a GPU, even where one exists. */
  forceCpu?: boolean;
  /** Docker only: the image (default: the product's sandbox image tag). */
  image?: string;
  /** Local only: the Python interpreter (a user's venv or the system's). */
  python?: string;
  env?: Record<string, string>;
  /**
   * Where a root host records the ACL entries it grants the sandbox uid (the run folder's), so they are taken
   * back at the run's end even when this process dies first (see access-record.ts). Default: in memory only.
   */
  accessRecord?: string;
}

/** A read-only mount that exists only for one command (e.g. holdout features while predict.py runs). */
export interface TransientMount {
  hostPath: string;
  /**
   * Where the command sees it: an absolute path in Docker and in the bubblewrap sandbox; Seatbelt and the
   * unisolated local sandbox cannot move folders, so there the command reads the host path (see mountPathOf).
   */
  sandboxPath: string;
}

export interface ExecRequest {
  /** Either argv (no shell) or a shell command line (bash -c); exactly one. */
  argv?: string[];
  shell?: string;
  /** Relative to the workspace root; default the root. */
  cwd?: string;
  env?: Record<string, string>;
  /** Wall-clock limit; on expiry the whole process tree is killed. */
  timeoutMs?: number;
  /** Abort = cancel: the whole process tree is killed at once. */
  signal?: AbortSignal;
  /**
   * Live output, as it arrives (already decoded, may split lines). Returning a promise says the consumer is
   * full: the Docker sandbox reads no more of the command's output until it settles (the command blocks on its
   * writes), so a slow reader costs no memory.
   */
  onOutput?: (stream: OutputStream, chunk: string) => unknown;
  /** Per stream: keep at most this many bytes (head and tail), counting what was dropped. */
  outputCapBytes?: number;
  /** Read-only mounts visible to this command only. */
  mounts?: TransientMount[];
}

export interface ExecResult {
  /** Null when the process was killed before it exited on its own. */
  exitCode: number | null;
  durationMs: number;
  timedOut: boolean;
  cancelled: boolean;
  /** The kernel killed it for exceeding the memory limit. */
  oomKilled: boolean;
  /** Head and tail of the output within the cap; a marker line stands where bytes were dropped. */
  stdout: string;
  stderr: string;
  stdoutDroppedBytes: number;
  stderrDroppedBytes: number;
}

export interface Sandbox {
  readonly kind: SandboxKind;
  readonly runId: string;
  /** Container id, or a local identifier. */
  readonly id: string;
  /** Paths as code inside the sandbox sees them. */
  readonly paths: { workspace: string; data: string | null };
  /** Whether a GPU was granted. */
  readonly gpu: boolean;
  /** What confines its commands ('none': the unisolated local sandbox, chosen on purpose). */
  readonly isolation: SandboxIsolation;
  /** Things the user should see (e.g. "GPU requested but the daemon refused it; running on CPU"). */
  readonly warnings: readonly string[];
  exec(request: ExecRequest): Promise<ExecResult>;
  /** Stops and removes everything the sandbox started. Safe to call twice. */
  stop(): Promise<void>;
}
