import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { NetworkMode, Sandbox } from '../../../engine/sandbox/types';
import { EXIT } from '../exit-codes';
import { writeWithFlow } from '../write-flow';
import { ExitWith, UsageError } from '../command-errors';

// `mle-beast sandbox build | status | exec`. The engine modules load inside each action (Docker's client
// and execa are not needed for --help).

/** Exit codes of `sandbox exec` beyond the command's own: what `timeout(1)` and shells use. */
const EXEC_EXIT = { blocked: 126, timedOut: 124, killed: 137, cancelled: EXIT.cancelled } as const;

function parseNetwork(value: string): NetworkMode {
  if (value !== 'none' && value !== 'bridge') throw new InvalidArgumentError('expected none or bridge');
  return value;
}

function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new InvalidArgumentError('expected a positive number of seconds');
  return seconds;
}

export function registerSandbox(program: Command): void {
  const sandbox = program
    .command('sandbox')
    .description(
      "the sandbox where the agent's code runs: build its image, check Docker, run a command in it",
    )
    .enablePositionalOptions();

  sandbox
    .command('build')
    .description(
      'build the sandbox image: GPU-capable PyTorch (needs internet), or --offline a CPU image from Debian packages',
    )
    .option(
      '--offline',
      'build the CPU image with debootstrap + docker import (needs root; no registry)',
      false,
    )
    .option('--tag <tag>', 'image tag (default: the one the sandbox uses)')
    .option('--base-image <image>', 'online build only: another PyTorch/CUDA base image')
    .option('--if-missing', 'do nothing when the image is already on the daemon', false)
    .action(async (opts: BuildOptions) => {
      await buildCommand(opts);
    });

  sandbox
    .command('status')
    .description('check Docker (daemon, version, endpoint, GPU runtime) and the sandbox images')
    .option('--json', 'print JSON', false)
    .action(async (opts: { json: boolean }) => {
      await statusCommand(opts);
    });

  sandbox
    .command('exec')
    .description(
      'run a command in a sandbox exactly as the agent would (safety policy first); exits with its exit code, ' +
        '126 when the policy blocks it, 124 on timeout',
    )
    .argument(
      '<command...>',
      'the command: one argument is a shell command line; several are quoted and joined',
    )
    .option('--workspace <dir>', 'workspace folder, mounted read-write (default: the current folder)')
    .option('--data <dir>', 'data folder, mounted read-only at /data')
    .option(
      '--local',
      'run on this machine instead of Docker, inside an OS sandbox (bubblewrap on Linux, Seatbelt on macOS)',
      false,
    )
    .option('--unisolated', 'with --local: run without an OS sandbox, on purpose (not isolated)', false)
    .option(
      '--python <path>',
      'local only: the Python interpreter (default: the first python3 with the packages)',
    )
    .option('--network <mode>', 'none or bridge', parseNetwork, 'none' as NetworkMode)
    .option('--force-cpu', 'do not request a GPU', false)
    .option('--image <tag>', 'Docker image (default: the sandbox image)')
    .option('--timeout <seconds>', 'kill the command and all its processes after this long', parseSeconds)
    .passThroughOptions()
    .action(async (command: string[], opts: ExecOptions) => {
      throw new ExitWith(await execCommand(command, opts));
    });
}

interface BuildOptions {
  offline: boolean;
  tag?: string;
  baseImage?: string;
  ifMissing: boolean;
}

async function buildCommand(opts: BuildOptions): Promise<void> {
  const { buildOfflineImage, buildOnlineImage } = await import('../../../engine/sandbox/image-build');
  if (opts.offline && opts.baseImage) throw new UsageError('--base-image applies to the online build only');
  if (opts.ifMissing) {
    const { connectDocker } = await import('../../../engine/sandbox/docker-probe');
    const { inspectImage, offlineImageTag, sandboxImageTag } = await import('../../../engine/sandbox/images');
    const tag = opts.tag ?? (opts.offline ? offlineImageTag() : sandboxImageTag());
    const connection = await connectDocker();
    if (!connection.ok) {
      console.error(`mle-beast: ${connection.error.message}`);
      throw new ExitWith(EXIT.failed);
    }
    const found = await inspectImage(connection.value.docker, tag);
    if (found.ok && found.value) {
      console.log(
        `mle-beast: ${tag} is already built (${(found.value.sizeBytes / 1024 ** 3).toFixed(2)} GiB)`,
      );
      return;
    }
  }
  const onLine = (line: string) => console.log(line);
  const built = opts.offline
    ? await buildOfflineImage({ onLine, ...(opts.tag ? { tag: opts.tag } : {}) })
    : await buildOnlineImage({
        onLine,
        ...(opts.tag ? { tag: opts.tag } : {}),
        ...(opts.baseImage ? { baseImage: opts.baseImage } : {}),
      });
  if (!built.ok) {
    console.error(`mle-beast: ${built.error.message}`);
    throw new ExitWith(EXIT.failed);
  }
  const gib = (built.value.sizeBytes / 1024 ** 3).toFixed(2);
  console.log(`mle-beast: built ${built.value.tag} (${gib} GiB) in ${built.value.seconds} s`);
}

async function statusCommand(opts: { json: boolean }): Promise<void> {
  const { sandboxStatus } = await import('../../../engine/sandbox/sandbox-status');
  const status = await sandboxStatus();
  if (opts.json) {
    console.log(JSON.stringify(status, null, 2));
  } else {
    const d = status.docker;
    const gib = (bytes: number | null) => (bytes === null ? '?' : `${(bytes / 1024 ** 3).toFixed(1)} GiB`);
    const lines = [
      `Docker:   ${d.available ? `${d.version} (API ${d.apiVersion})` : 'not available'} at ${d.endpoint}`,
    ];
    if (d.problem) lines.push(`Problem:  ${d.problem.message}`);
    if (d.available) {
      lines.push(
        `Host:     ${d.os ?? '?'}, ${d.cpus ?? '?'} CPUs, ${gib(d.memoryBytes)}, cgroup v${d.cgroupVersion ?? '?'}`,
        `GPU:      ${d.nvidiaRuntime ? 'NVIDIA runtime configured' : 'no NVIDIA runtime (runs use the CPU)'}`,
        'Images:',
        ...status.images.map(
          (i) =>
            `  ${i.tag.padEnd(36)} ${(i.present ? gib(i.sizeBytes) : 'missing').padEnd(9)} build: ${i.build}`,
        ),
        `Default:  ${status.defaultImage ?? 'none'}`,
      );
    }
    for (const advice of status.advice) lines.push(`Advice:   ${advice}`);
    console.log(lines.join('\n'));
  }
  if (!status.ready) throw new ExitWith(EXIT.failed);
}

interface ExecOptions {
  workspace?: string;
  data?: string;
  local: boolean;
  unisolated: boolean;
  python?: string;
  network: NetworkMode;
  forceCpu: boolean;
  image?: string;
  timeout?: number;
}

/** One argument is a command line as is (pipes and all); several are shell-quoted and joined. */
export function commandLine(words: string[]): string {
  if (words.length === 1) return words[0]!;
  return words.map((w) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replaceAll("'", `'\\''`)}'`)).join(' ');
}

async function execCommand(words: string[], opts: ExecOptions): Promise<number> {
  if (opts.local && (opts.image || opts.forceCpu))
    throw new UsageError('--image and --force-cpu apply to Docker, not --local');
  if (!opts.local && opts.python) throw new UsageError('--python applies to --local only');
  if (!opts.local && opts.unisolated) throw new UsageError('--unisolated applies to --local only');
  const workspaceDir = path.resolve(opts.workspace ?? process.cwd());
  const dataDir = opts.data ? path.resolve(opts.data) : undefined;
  const line = commandLine(words);

  // The policy first, exactly as for the agent's run_shell_command. The command line is read where it runs:
  // in Docker and in the bubblewrap sandbox its paths are the sandbox's (/workspace, HOME /home/sandbox),
  // otherwise the host's. A local sandbox is started first to learn which (it starts nothing but a probe).
  const { blockMessage, checkShellCommand, loadPolicy, recordBlock, PolicyFileError } =
    await import('../../../policy/index');
  let policy;
  try {
    policy = loadPolicy();
  } catch (error) {
    if (error instanceof PolicyFileError)
      throw new UsageError(`the safety policy does not load: ${error.message}`);
    throw error;
  }
  const { startSandbox } = await import('../../../engine/sandbox/index');
  const spec = {
    runId: `cli-exec-${Date.now().toString(36)}-${process.pid}`,
    workspaceDir,
    ...(dataDir ? { dataDir } : {}),
    network: opts.network,
    forceCpu: opts.forceCpu,
    ...(opts.image ? { image: opts.image } : {}),
    ...(opts.python ? { python: opts.python } : {}),
  };
  const choice = opts.local ? (opts.unisolated ? 'local-unisolated' : 'local') : 'docker';
  const { CONTAINER_PATHS } = await import('../../../engine/sandbox/docker-container');
  const controller = new AbortController();
  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let sandbox: Sandbox | null = null;
  try {
    if (opts.local) {
      const started = await startSandbox(spec, choice);
      if (!started.ok) {
        console.error(`mle-beast: ${started.error.message}`);
        return started.error.code === 'invalid_spec' ? EXIT.badInput : EXIT.failed;
      }
      sandbox = started.value;
    }
    const inSandboxPaths = !opts.local || sandbox?.paths.workspace === CONTAINER_PATHS.workspace;
    const verdict = !inSandboxPaths
      ? await checkShellCommand(policy, line, { workspaceDir })
      : await checkShellCommand(
          // In the sandbox, HOME is the run's own, thrown away with it: writing there harms nothing.
          {
            ...policy,
            allowPathsOutsideWorkspace: [...policy.allowPathsOutsideWorkspace, CONTAINER_PATHS.home],
          },
          line,
          {
            workspaceDir: CONTAINER_PATHS.workspace,
            homeDir: CONTAINER_PATHS.home,
            // The sandbox's /tmp is its own (a tmpfs in Docker, a private folder under bubblewrap).
            tempDir: CONTAINER_PATHS.tmp,
            // The command names files as the sandbox sees them; the scripts it runs are read from this machine.
            hostPathOf: (p) =>
              p === CONTAINER_PATHS.workspace || p.startsWith(`${CONTAINER_PATHS.workspace}/`)
                ? path.join(workspaceDir, p.slice(CONTAINER_PATHS.workspace.length))
                : p,
          },
        );
    if (!verdict.allowed) {
      try {
        recordBlock(workspaceDir, verdict, line);
      } catch (error) {
        console.error(`mle-beast: warning: ${(error as Error).message}`);
      }
      console.error(blockMessage(verdict));
      return EXEC_EXIT.blocked;
    }
    if (!sandbox) {
      const started = await startSandbox(spec, choice);
      if (!started.ok) {
        console.error(`mle-beast: ${started.error.message}`);
        return started.error.code === 'invalid_spec' ? EXIT.badInput : EXIT.failed;
      }
      sandbox = started.value;
    }
    for (const warning of sandbox.warnings) {
      const text = `mle-beast: warning: ${warning}`;
      console.error(sandbox.isolation === 'none' && process.stderr.isTTY ? `\x1b[31m${text}\x1b[0m` : text);
    }
    if (interrupted) return EXEC_EXIT.cancelled;
    const result = await sandbox.exec({
      shell: line,
      signal: controller.signal,
      // Honours backpressure: a reader that falls behind pauses the command's output, not our memory.
      onOutput: (stream, chunk) =>
        writeWithFlow(stream === 'stdout' ? process.stdout : process.stderr, chunk),
      ...(opts.timeout ? { timeoutMs: opts.timeout * 1000 } : {}),
    });
    const dropped = result.stdoutDroppedBytes + result.stderrDroppedBytes;
    if (dropped > 0) {
      console.error(`mle-beast: the agent would see ${dropped} fewer bytes of this output (output cap)`);
    }
    if (result.cancelled) return EXEC_EXIT.cancelled;
    if (result.timedOut) return EXEC_EXIT.timedOut;
    return result.exitCode ?? EXEC_EXIT.killed;
  } finally {
    await sandbox?.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
