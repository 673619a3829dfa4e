import os from 'node:os';
import type { RunStatus, RunSummary } from '../api/runs';
import type { ProjectConfig, ResolvedProvider } from '../config';
import type { PreparedRunData } from '../datasets';
import { createLlmClient, type PriceTable } from '../llm';
import {
  DEFAULT_TUNING,
  INITIAL_STATE,
  runPipeline,
  StopRun,
  type PipelineState,
  type RunLedger,
  type RunMetric,
  type RunTuning,
} from '../pipeline';
import { appDataPaths, defaultPrivateDirs, loadPolicy, type Policy } from '../../policy';
import path from 'node:path';
import {
  IMPORT_CHECK_SCRIPT,
  LocalSandbox,
  missingModulesMessage,
  parseImportCheck,
  startSandbox,
  WORKSPACE_MODULES,
  type DockerSandboxOptions,
  type LocalSandboxOptions,
  type Sandbox,
} from '../sandbox';
import type { RunRepository } from '../store/run-repository';
import { storeLedger } from './ledger';
import type { OutputBounds } from './command-log';
import type { EventPublisher } from './publisher';
import { accessRecordPath, removeDeadSandboxes, revokeSandboxAccess, settleWorkspace } from './settle';

/** What a run needs to execute, whether it was just started or is being resumed. */
export interface LaunchContext {
  config: ProjectConfig;
  provider: ResolvedProvider;
  models: { actor: string; critic: string };
  jsonMode: boolean;
  prices: PriceTable | undefined;
  workspaceDir: string;
  runDir: string;
  runData: PreparedRunData | null;
  metric: RunMetric;
  /** Shown to the user in the run's log when it starts. */
  notes: { text: string; stream: 'info' | 'warning' }[];
  resumed: boolean;
}

export interface ExecuteDeps {
  repo: RunRepository;
  publisher: EventPublisher;
  /**
   * The engine's home (the database's folder, with runs/ and workspaces/): the safety policy lets no command
   * read or write it, except the run's own workspace and visible data.
   */
  home: string;
  /** Tests: the policy (default: the shipped one merged with ~/.mle-beast/policy.json). */
  policy?: Policy;
  tuning?: Partial<RunTuning>;
  sandboxOptions?: { docker?: DockerSandboxOptions; local?: LocalSandboxOptions };
  /** What the database keeps of each command's output (default DEFAULT_OUTPUT_BOUNDS). */
  outputBounds?: OutputBounds;
}

interface Control {
  signal: AbortSignal;
  abort(reason: StopRun): void;
  whilePaused(): Promise<void>;
  setStatus(status: RunStatus, message: string | null): void;
  finish(status: RunStatus, reason: RunSummary['endReason'], message: string): void;
}

/** Starts the sandbox, runs the pipeline, stops the sandbox, records how the run ended. Never throws. */
export async function executeRun(
  id: string,
  ctx: LaunchContext,
  savedState: unknown,
  deps: ExecuteDeps & Control,
): Promise<void> {
  const ledger = storeLedger(id, deps.repo, deps.publisher, ctx.runDir, deps.outputBounds);
  const state: PipelineState = { ...INITIAL_STATE, ...(isState(savedState) ? savedState : {}) };
  if (ctx.resumed && state.phase === 'loop') {
    // The step under way when the run stopped left no record and was reverted: it is done again.
    state.step = Math.max(0, ...deps.repo.experiments(id).map((e) => e.step));
  }
  deps.setStatus('running', ctx.resumed ? `resumed at step ${state.step} from the best commit` : null);
  for (const note of ctx.notes) ledger.emit({ type: 'log', stage: 'setup', source: 'engine', ...note });
  const { limits } = ctx.config;
  const setup = await setUp(id, ctx, ledger, deps);
  if (!setup.ok) {
    const stop = deps.signal.aborted && deps.signal.reason instanceof StopRun ? deps.signal.reason : null;
    if (stop?.reason === 'interrupted' || (!stop && ctx.resumed)) {
      // Still resumable: a resume that could not set up (Docker down, say) leaves the run as it was.
      const message = stop ? stop.message : `could not resume: ${setup.message}`;
      return deps.finish('interrupted', 'interrupted', message);
    }
    await settle(ctx, ledger);
    return stop
      ? deps.finish('cancelled', 'cancelled', stop.message)
      : deps.finish('failed', 'error', setup.message);
  }
  const { sandbox, policy } = setup;
  const tuning: RunTuning = { ...DEFAULT_TUNING, ...deps.tuning };
  // The clients' DEFAULT_RETRY (engine/llm/client.ts): past its attempts the stage fails, the run goes on.
  const options = { prices: ctx.prices };
  let outcome;
  try {
    outcome = await runPipeline({
      runId: id,
      config: ctx.config,
      workspaceDir: ctx.workspaceDir,
      runDir: ctx.runDir,
      runData: ctx.runData,
      dataDir: visibleData(ctx),
      // The engine's home, and ~/.mle-beast (with MLE_BEAST_DB_PATH's folder) when the home is elsewhere.
      privateDirs: [
        ...new Set([...appDataPaths(deps.home, os.homedir()), ...defaultPrivateDirs(os.homedir())]),
      ],
      metric: ctx.metric,
      sandbox,
      policy,
      llm: {
        actor: createLlmClient({ ...ctx.provider, model: ctx.models.actor }, options),
        critic: createLlmClient({ ...ctx.provider, model: ctx.models.critic }, options),
        jsonMode: ctx.jsonMode,
      },
      ledger,
      limits: {
        maxSteps: limits.maxSteps,
        maxConsecutiveFailures: limits.maxConsecutiveFailures,
        maxCostUsd: limits.maxCostUsd,
        maxWallMinutes: limits.maxWallMinutes,
      },
      tuning,
      signal: deps.signal,
      whilePaused: deps.whilePaused,
      stop: deps.abort,
      state,
    });
  } finally {
    await sandbox.stop().catch(() => undefined);
    await ledger.closeLogs();
  }
  if (outcome.status !== 'interrupted') await settle(ctx, ledger);
  deps.finish(outcome.status, outcome.reason, outcome.message);
}

/**
 * The workspace as an ended run leaves it (see settle.ts), with what happened in the run's log; any access
 * still granted to the sandbox uid (a start that failed half-way) is taken back first.
 */
const settle = async (ctx: LaunchContext, ledger: RunLedger) => {
  await revokeSandboxAccess(ctx.runDir, ledger.emit);
  await settleWorkspace(ctx.workspaceDir, ctx.config.mode, ledger.emit);
};

/**
 * What the sandbox mounts read-only as the data: the prepared visible part; or, for a dataset of kind `other`
 * (nothing is held out, nothing scored by the engine), the user's dataset itself.
 */
export function visibleData(ctx: Pick<LaunchContext, 'runData' | 'config'>): string | null {
  if (ctx.runData) return ctx.runData.paths.visible;
  return ctx.config.dataset?.kind === 'other' ? ctx.config.dataset.trainPath : null;
}

type SetUp = { ok: true; sandbox: Sandbox; policy: Policy } | { ok: false; message: string };

async function setUp(
  id: string,
  ctx: LaunchContext,
  ledger: RunLedger,
  deps: ExecuteDeps & Control,
): Promise<SetUp> {
  const started = new Date().toISOString();
  ledger.stage('setup', {
    status: 'active',
    attempt: 0,
    step: 0,
    startedAt: started,
    endedAt: null,
    message: null,
  });
  ledger.emit({ type: 'stage.started', stage: 'setup', step: 0, attempt: 0 });
  const fail = (message: string): SetUp => {
    ledger.stage('setup', { status: 'fail', endedAt: new Date().toISOString(), message });
    ledger.emit({ type: 'stage.finished', stage: 'setup', step: 0, outcome: 'fail', message });
    return { ok: false, message };
  };
  let policy: Policy;
  try {
    policy = deps.policy ?? loadPolicy();
  } catch (error) {
    return fail((error as Error).message);
  }
  const { config } = ctx;
  // The container of a process that died may still be there under this run's name.
  if (config.sandbox.kind === 'docker' && ctx.resumed) await removeDeadSandboxes([]);
  const started2 = await startSandbox(
    {
      runId: id,
      workspaceDir: ctx.workspaceDir,
      ...(visibleData(ctx) ? { dataDir: visibleData(ctx) as string } : {}),
      network: config.sandbox.network,
      forceCpu: config.sandbox.forceCpu,
      ...(config.sandbox.image ? { image: config.sandbox.image } : {}),
      ...(localPython(config) ? { python: localPython(config) as string } : {}),
      env: { MPLBACKEND: 'Agg', PYTHONUNBUFFERED: '1' },
      accessRecord: accessRecordPath(ctx.runDir),
    },
    config.sandbox.kind,
    {
      ...deps.sandboxOptions,
      // The engine's home holds every run's hidden labels and the database: never visible to the sandbox.
      local: {
        ...deps.sandboxOptions?.local,
        hiddenPaths: [
          ...(deps.sandboxOptions?.local?.hiddenPaths ?? []),
          path.dirname(path.dirname(ctx.runDir)),
        ],
      },
    },
  );
  if (!started2.ok)
    return fail(`the ${config.sandbox.kind} sandbox did not start: ${started2.error.message}`);
  const sandbox = started2.value;
  for (const w of sandbox.warnings)
    ledger.emit({ type: 'log', stage: 'setup', source: 'engine', stream: 'warning', text: w });
  const local = sandbox instanceof LocalSandbox;
  const notes = local ? sandbox.python.notes : [];
  for (const text of notes)
    ledger.emit({ type: 'log', stage: 'setup', source: 'engine', stream: 'info', text });
  // The workspace contract's packages, imported for real where the agent's code will run: a missing one fails
  // the run here, before any model call, naming the interpreter and the real import error.
  const probe = await sandbox.exec({
    argv: ['python3', '-c', IMPORT_CHECK_SCRIPT],
    timeoutMs: 120_000,
    signal: deps.signal,
  });
  const check = probe.exitCode === 0 ? parseImportCheck(probe.stdout) : null;
  if (!check || Object.keys(check.errors).length > 0) {
    await sandbox.stop().catch(() => undefined);
    if (deps.signal.aborted) return { ok: false, message: 'cancelled during setup' };
    if (check) return fail(missingModulesMessage(check, local, notes));
    const said = (probe.stderr || probe.stdout).trim().split('\n').at(-1) || 'no output';
    return fail(
      `the sandbox has no working python3 (${said}). ${local ? 'Install Python 3, or choose an interpreter with --python PATH (project.yaml: sandbox.python).' : 'Rebuild the image: mle-beast sandbox build.'}`,
    );
  }
  const isolation =
    sandbox.isolation === 'none'
      ? 'NOT ISOLATED'
      : sandbox.isolation === 'container'
        ? null
        : sandbox.isolation;
  // The libraries' versions go in the line the store keeps: the report's environment section reads them there.
  const libraries = WORKSPACE_MODULES.filter((m) => m.module !== 'pytest' && check.versions?.[m.module])
    .map((m) => `${m.package} ${check.versions?.[m.module]}`)
    .join(', ');
  const image = 'image' in sandbox && typeof sandbox.image === 'string' ? ` image ${sandbox.image}` : '';
  const message = `${sandbox.kind} sandbox ${sandbox.id.slice(0, 12)}${image}${isolation ? ` (${isolation})` : ''}: python ${check.version}${local ? ` (${check.executable})` : ''}, ${libraries ? `${libraries}, ` : ''}pytest ${check.pytest ?? '?'}, ${sandbox.gpu ? 'GPU' : 'CPU only'}`;
  ledger.stage('setup', { status: 'pass', endedAt: new Date().toISOString(), message });
  ledger.emit({ type: 'stage.finished', stage: 'setup', step: 0, outcome: 'pass', message });
  return { ok: true, sandbox, policy };
}

/** The local sandbox's interpreter the run names: sandbox.python (--python), else workspace.environment's. */
function localPython(config: ProjectConfig): string | null {
  return config.sandbox.python ?? config.workspace.environment?.python ?? null;
}

function isState(value: unknown): value is PipelineState {
  return typeof value === 'object' && value !== null && 'phase' in value && 'step' in value;
}
