import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { EventMessage } from '../../../engine/api/contract';
import type { SandboxBuildFinished } from '../../../engine/api/sandbox';
import type { Settings } from '../../../engine/api/settings';
import { EXIT } from '../exit-codes';
import { writeWithFlow } from '../write-flow';
import { ExitWith, UsageError } from '../index';

// `mle-beast sandbox build | status | exec`. build and status are contract commands (sandbox.build, whose
// progress events are printed as they come, and sandbox.status); exec runs in this process through the service
// entry. The engine loads inside each action (SQLite, Docker's client and execa are not needed for --help).

type NetworkMode = Settings['defaultNetwork'];

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
  if (opts.offline && opts.baseImage) throw new UsageError('--base-image applies to the online build only');
  const { call, withEngine } = await import('../engine-call');
  const code = await withEngine(async (engine) => {
    // Subscribed before the build starts: its first lines may come before its id does.
    const seen: EventMessage[] = [];
    let buildId: string | null = null;
    let finish: ((event: SandboxBuildFinished) => void) | null = null;
    const finished = new Promise<SandboxBuildFinished>((resolve) => (finish = resolve));
    const show = (message: EventMessage) => {
      if (message.name === 'sandbox.build.progress' && message.payload.buildId === buildId)
        console.log(message.payload.line);
      if (message.name === 'sandbox.build.finished' && message.payload.buildId === buildId)
        finish!(message.payload);
    };
    const unsubscribe = engine.events.subscribe((message) => {
      if (buildId === null) seen.push(message);
      else show(message);
    });
    try {
      const started = await call(engine.handlers, 'sandbox.build', {
        variant: opts.offline ? 'offline' : 'online',
        ...(opts.tag ? { tag: opts.tag } : {}),
        ...(opts.baseImage ? { baseImage: opts.baseImage } : {}),
        ...(opts.ifMissing ? { ifMissing: true } : {}),
      });
      if (!started.ok) {
        console.error(`mle-beast: ${started.error.message}`);
        return EXIT.failed;
      }
      const build = started.value;
      if (build.status === 'present') {
        console.log(`mle-beast: ${build.tag} is already built (${gib(build.sizeBytes, 2)})`);
        return EXIT.ok;
      }
      buildId = build.buildId;
      for (const message of seen.splice(0)) show(message);
      const result = await finished;
      if (!result.ok) {
        console.error(`mle-beast: ${result.error}`);
        return EXIT.failed;
      }
      console.log(
        `mle-beast: built ${result.tag} (${gib(result.sizeBytes, 2)}) in ${Math.round(result.seconds)} s`,
      );
      return EXIT.ok;
    } finally {
      unsubscribe();
    }
  });
  if (code !== EXIT.ok) throw new ExitWith(code);
}

const gib = (bytes: number | null, digits = 1) =>
  bytes === null ? '?' : `${(bytes / 1024 ** 3).toFixed(digits)} GiB`;

async function statusCommand(opts: { json: boolean }): Promise<void> {
  const { call, withEngine } = await import('../engine-call');
  const result = await withEngine((engine) => call(engine.handlers, 'sandbox.status', {}));
  if (!result.ok) {
    console.error(`mle-beast: ${result.error.message}`);
    throw new ExitWith(EXIT.failed);
  }
  const status = result.value;
  if (opts.json) {
    console.log(JSON.stringify(status, null, 2));
  } else {
    const d = status.docker;
    const lines = [
      `Docker:   ${d.available ? `${d.version} (API ${d.apiVersion})` : 'not available'} at ${d.endpoint}`,
    ];
    if (d.problem) lines.push(`Problem:  ${d.problem.message}`);
    if (d.available) {
      lines.push(
        `Host:     ${d.os ?? '?'}, ${d.cpus ?? '?'} CPUs, ${gib(d.memoryBytes)}, cgroup v${d.cgroupVersion ?? '?'}`,
        `Runtime:  ${d.nvidiaRuntime ? 'NVIDIA runtime configured' : 'no NVIDIA runtime (runs use the CPU)'}`,
        'Images:',
        ...status.images.map(
          (i) =>
            `  ${i.tag.padEnd(36)} ${(i.present ? gib(i.sizeBytes) : 'missing').padEnd(9)} build: ${i.build}`,
        ),
        `Default:  ${status.defaultImage ?? 'none'}`,
      );
    }
    const os = status.osSandbox;
    lines.push(
      `Local:    ${os.available ? `${os.kind} (${os.program})` : `no OS sandbox: ${os.reason}`}`,
      `GPU:      ${status.gpu.detected ? `${status.gpu.devices.join(', ')}: ` : ''}${status.gpu.note}`,
    );
    if (status.build)
      lines.push(`Building: ${status.build.tag} (${status.build.buildId}, ${status.build.phase})`);
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
  const { execInSandbox } = await import('../../../engine/service/index');
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const outcome = await execInSandbox({
      command: commandLine(words),
      workspaceDir,
      ...(dataDir ? { dataDir } : {}),
      choice: opts.local ? (opts.unisolated ? 'local-unisolated' : 'local') : 'docker',
      network: opts.network,
      forceCpu: opts.forceCpu,
      ...(opts.image ? { image: opts.image } : {}),
      ...(opts.python ? { python: opts.python } : {}),
      ...(opts.timeout ? { timeoutMs: opts.timeout * 1000 } : {}),
      signal: controller.signal,
      // Honours backpressure: a reader that falls behind pauses the command's output, not our memory.
      onOutput: (stream, chunk) =>
        writeWithFlow(stream === 'stdout' ? process.stdout : process.stderr, chunk),
      onWarning: (warning, loud) => {
        const text = `mle-beast: ${warning}`;
        console.error(loud && process.stderr.isTTY ? `\x1b[31m${text}\x1b[0m` : text);
      },
    });
    switch (outcome.kind) {
      case 'policy_error':
        throw new UsageError(outcome.message);
      case 'refused':
        console.error(`mle-beast: ${outcome.message}`);
        return outcome.badInput ? EXIT.badInput : EXIT.failed;
      case 'blocked':
        console.error(outcome.message);
        return EXEC_EXIT.blocked;
      case 'cancelled':
        return EXEC_EXIT.cancelled;
      case 'ran':
        if (outcome.droppedBytes > 0) {
          console.error(
            `mle-beast: the agent would see ${outcome.droppedBytes} fewer bytes of this output (output cap)`,
          );
        }
        if (outcome.timedOut) return EXEC_EXIT.timedOut;
        return outcome.exitCode ?? EXEC_EXIT.killed;
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
