import { randomUUID } from 'node:crypto';
import type {
  SandboxBuildFinished,
  SandboxBuildInput,
  SandboxBuildPhase,
  SandboxBuildProgress,
  SandboxBuildStarted,
  SandboxBuildState,
} from '../api/sandbox';
import { EngineError } from '../api/errors';
import { connectDocker } from './docker-probe';
import { buildOfflineImage, buildOnlineImage } from './image-build';
import { inspectImage, offlineImageTag, sandboxImageTag } from './images';

/**
 * Image builds as jobs: `start` answers at once with a build id, the build's lines go out as progress events
 * (with a phase and, where the build can tell, a percentage), and a finished event closes it. One build at a
 * time: two builds of the same image would race for its tag, and each one is minutes of CPU and gigabytes.
 */

export interface BuildEmitter {
  progress(payload: SandboxBuildProgress): void;
  finished(payload: SandboxBuildFinished): void;
}

/** What a line says of the build's phase and progress; null: it says nothing new. */
export interface LineReading {
  phase: SandboxBuildPhase;
  percent: number | null;
}

/** The Dockerfile build (dockerode's stream): `Step 3/12 : RUN ...`, layer pulls, `Successfully tagged`. */
export function readOnlineLine(line: string): LineReading | null {
  const step = /^Step (\d+)\/(\d+) :/.exec(line);
  if (step) {
    const [n, total] = [Number(step[1]), Number(step[2])];
    const percent = total > 0 ? Math.min(99, Math.round(((n - 1) / total) * 100)) : null;
    return { phase: /^Step \d+\/\d+ : FROM /i.test(line) ? 'downloading' : 'building', percent };
  }
  if (/: (Pulling fs layer|Downloading|Extracting|Download complete|Pull complete|Waiting)$/.test(line))
    return { phase: 'downloading', percent: null };
  if (/^Successfully (built|tagged)/.test(line)) return { phase: 'finishing', percent: 100 };
  return null;
}

/** build-offline.sh's step lines: `offline image: [ 12s] debootstrap ...`. */
const OFFLINE_STEPS: Array<[RegExp, SandboxBuildPhase, number]> = [
  [/^debootstrap /, 'downloading', 5],
  [/^configuring apt/, 'building', 25],
  [/^apt-get update/, 'downloading', 30],
  [/^installing /, 'downloading', 40],
  [/^adding the sandbox user/, 'building', 80],
  [/^cleaning up/, 'building', 85],
  [/^docker import/, 'exporting', 90],
  [/^done: /, 'finishing', 100],
];

export function readOfflineLine(line: string): LineReading | null {
  const step = /^offline image: \[\s*\d+s\] (.*)$/.exec(line);
  if (!step) return null;
  for (const [pattern, phase, percent] of OFFLINE_STEPS)
    if (pattern.test(step[1]!)) return { phase, percent };
  return null;
}

export class SandboxBuilds {
  private running: (SandboxBuildState & { done: Promise<void> }) | null = null;

  constructor(
    private readonly emit: BuildEmitter,
    private readonly env: () => NodeJS.ProcessEnv = () => process.env,
  ) {}

  /** The build going on, or null. */
  current(): SandboxBuildState | null {
    if (!this.running) return null;
    const { done: _done, ...state } = this.running;
    return state;
  }

  /** Resolves when the running build (if any) has finished and sent its finished event. */
  async idle(): Promise<void> {
    await this.running?.done;
  }

  async start(input: SandboxBuildInput): Promise<SandboxBuildStarted> {
    const variant = input.variant;
    const tag = input.tag ?? (variant === 'offline' ? offlineImageTag() : sandboxImageTag());
    if (this.running) {
      if (this.running.variant === variant && this.running.tag === tag) {
        return { status: 'running', buildId: this.running.buildId, variant, tag, sizeBytes: null };
      }
      throw new EngineError(
        'conflict',
        `another image build is running (${this.running.tag}, build ${this.running.buildId}): wait for it to ` +
          'finish, then start this one',
      );
    }
    const env = this.env();
    if (input.ifMissing) {
      const connection = await connectDocker({ env });
      if (!connection.ok) throw new EngineError('unavailable', connection.error.message);
      const found = await inspectImage(connection.value.docker, tag);
      if (!found.ok) throw new EngineError('unavailable', found.error.message);
      if (found.value)
        return { status: 'present', buildId: null, variant, tag, sizeBytes: found.value.sizeBytes };
      // The await above left room for another start: only one goes on.
      if (this.running) return this.start({ ...input, ifMissing: false });
    }

    const buildId = `build-${Date.now().toString(36)}-${randomUUID().slice(0, 8)}`;
    const state: SandboxBuildState = {
      buildId,
      variant,
      tag,
      startedAt: new Date().toISOString(),
      phase: 'starting',
      percent: variant === 'offline' ? 0 : null,
      lastLine: null,
    };
    const read = variant === 'offline' ? readOfflineLine : readOnlineLine;
    const onLine = (line: string) => {
      const reading = read(line);
      if (reading) {
        state.phase = reading.phase;
        if (reading.percent !== null) state.percent = reading.percent;
      }
      state.lastLine = line;
      this.emit.progress({ buildId, phase: state.phase, percent: state.percent, line });
    };
    const started = performance.now();
    const done = (async () => {
      const built =
        variant === 'offline'
          ? await buildOfflineImage({ onLine, tag, env })
          : await buildOnlineImage({
              onLine,
              tag,
              env,
              ...(input.baseImage ? { baseImage: input.baseImage } : {}),
            });
      const seconds = Math.round((performance.now() - started) / 100) / 10;
      this.running = null;
      this.emit.finished(
        built.ok
          ? { buildId, ok: true, error: null, tag, sizeBytes: built.value.sizeBytes, seconds }
          : { buildId, ok: false, error: built.error.message, tag, sizeBytes: null, seconds },
      );
    })().catch((error: unknown) => {
      // The builders return their failures as values; this is a fault in the plumbing, still reported.
      this.running = null;
      this.emit.finished({
        buildId,
        ok: false,
        error: `building ${tag} failed: ${(error as Error)?.message ?? String(error)}`,
        tag,
        sizeBytes: null,
        seconds: Math.round((performance.now() - started) / 100) / 10,
      });
    });
    this.running = Object.assign(state, { done });
    return { status: 'started', buildId, variant, tag, sizeBytes: null };
  }
}
