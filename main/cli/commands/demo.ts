import path from 'node:path';
import type { Command } from 'commander';
import type { ApiError } from '../../../engine/api/errors';
import type { RunStartInput } from '../../../engine/api/runs';
import type { EngineDeps } from '../engine-call';
import { EXIT } from '../exit-codes';
import type { FollowOptions } from '../follow-run';
import { ExitWith, UsageError } from '../index';
import { addFollowOptions } from './run';

// `mle-beast demo [example]`: a whole run offline. A seeded example dataset is generated under the engine's
// home, a scripted model answers on loopback in this process (no API key, no network), and the run is
// followed like `mle-beast run`.

export const DEMO_EXAMPLES = ['churn', 'house-prices'] as const;
export type DemoExample = (typeof DEMO_EXAMPLES)[number];

export interface DemoFlags {
  sandbox?: string;
  workspace?: string;
  maxSteps?: string;
  json?: boolean;
  verbose?: boolean;
}

export interface ScriptedModel {
  baseURL: string;
  model: string;
  close(): Promise<void>;
}

/** What the demo needs besides the engine; the action passes the real pieces, tests fakes. */
export interface DemoEnv {
  /** The engine's home: the folder of the database. */
  home: string;
  createExample(
    name: DemoExample,
    dir: string,
  ): Promise<{ ok: true; value: { dir: string; dataPath: string } } | { ok: false; error: ApiError }>;
  example(name: DemoExample): {
    taskText: string;
    metric: { name: string; direction: 'higher' | 'lower'; target: number };
  };
  startModel(name: DemoExample): Promise<ScriptedModel>;
  /** Whether a Docker sandbox can start now (daemon answers and an image is built), and if not, why. */
  probeDocker(): Promise<{ available: boolean; error: string | null }>;
  /** Whether the local sandbox can be isolated by the OS (bubblewrap, Seatbelt), and if not, why. */
  probeOsSandbox(): Promise<{ isolated: boolean; reason: string | null }>;
  /** The environment the provider is resolved from (process.env). */
  env: Record<string, string | undefined>;
  now(): Date;
}

export const DEMO_MODEL_NAME = 'scripted model';

/** `20261126T171219Z`: sortable, and safe in a folder name on every system. */
export const folderStamp = (date: Date): string =>
  date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');

export async function demoCommand(
  deps: EngineDeps,
  exampleName: string,
  flags: DemoFlags,
  env: DemoEnv,
  follow: Omit<FollowOptions, 'json' | 'verbose'> = {},
): Promise<number> {
  if (!(DEMO_EXAMPLES as readonly string[]).includes(exampleName)) {
    throw new UsageError(`unknown demo '${exampleName}': choose ${DEMO_EXAMPLES.join(' or ')}`);
  }
  const name = exampleName as DemoExample;
  const { call, exitForError, processIO } = await import('../engine-call');
  const { startAndFollow } = await import('../follow-run');
  const io = follow.io ?? processIO();
  // With --json stdout carries the JSON document only: the notes go to stderr.
  const note = (text: string): void => void (flags.json ? io.err : io.out).write(`${text}\n`);

  const dir = path.join(env.home, 'demo', `${name}-${folderStamp(env.now())}`);
  const dataDir = path.join(dir, 'data');
  const created = await env.createExample(name, dataDir);
  if (!created.ok) {
    io.err.write(`mle-beast: could not create the demo data: ${created.error.message}\n`);
    return exitForError(created.error);
  }

  let sandbox = flags.sandbox;
  let sandboxNote: string | null = null;
  if (sandbox === undefined) {
    const docker = await env.probeDocker();
    if (docker.available) sandbox = 'docker';
    else {
      const why = docker.error?.split('\n')[0] ?? 'Docker does not answer';
      const os = await env.probeOsSandbox();
      // The demo runs only the scripted model's own code, so without any OS sandbox it may run unisolated, and
      // says so; a real run must choose `local-unisolated` itself.
      sandbox = os.isolated ? 'local' : 'local-unisolated';
      sandboxNote = os.isolated
        ? `no Docker sandbox (${why}): using the local sandbox (isolated by the OS) instead.`
        : `no Docker sandbox (${why}) and no OS sandbox (${os.reason}): running the demo's scripted code NOT isolated.`;
    }
  }

  const model = await env.startModel(name);
  const previous = Object.fromEntries(
    ['MLE_BEAST_PROVIDER', 'LOCAL_LLM_BASE_URL', 'LOCAL_LLM_API_KEY', 'MLE_BEAST_MODEL'].map((k) => [
      k,
      env.env[k],
    ]),
  );
  try {
    // The provider is resolved when the run starts: point it at the scripted model first.
    env.env.MLE_BEAST_PROVIDER = 'local';
    env.env.LOCAL_LLM_BASE_URL = model.baseURL;
    env.env.LOCAL_LLM_API_KEY = 'scripted';
    env.env.MLE_BEAST_MODEL = model.model || DEMO_MODEL_NAME;

    const example = env.example(name);
    const workspace = flags.workspace ?? path.join(dir, 'workspace');
    note('Offline demo: scripted model on loopback, no API key needed');
    note(`  data:      ${created.value.dataPath}`);
    note(`  workspace: ${path.resolve(workspace)}`);
    if (sandboxNote) note(`  ${sandboxNote}`);

    const input: RunStartInput = {
      folder: dataDir,
      task: example.taskText,
      metric: {
        name: example.metric.name,
        target_value: example.metric.target,
        comparison: example.metric.direction === 'higher' ? '>=' : '<=',
      },
      overrides: { sandbox, workspace, maxSteps: flags.maxSteps ?? '6' },
      cwd: process.cwd(),
    };
    return await startAndFollow(deps, () => call(deps.handlers, 'runs.start', input), {
      fromSeq: 0,
      ...follow,
      io,
      json: flags.json ?? false,
      verbose: flags.verbose ?? false,
    });
  } finally {
    for (const [k, v] of Object.entries(previous)) {
      if (v === undefined) delete env.env[k];
      else env.env[k] = v;
    }
    await model.close().catch(() => undefined);
  }
}

/**
 * The real pieces: the examples and the sandbox probes are contract commands (examples.*, sandbox.status); the
 * scripted model is a server in this process, from the service entry.
 */
async function realDemoEnv(engine: EngineDeps & { storePath: string }): Promise<DemoEnv> {
  const { call } = await import('../engine-call');
  const { startDemoModel } = await import('../../../engine/service/index');
  const listed = await call(engine.handlers, 'examples.list', {});
  if (!listed.ok) throw new Error(`the example catalog did not load: ${listed.error.message}`);
  const catalog = listed.value.examples;
  // One status answers both probes; asked only when the demo needs to choose a sandbox.
  let status: ReturnType<typeof sandboxStatus> | null = null;
  const sandboxStatus = async () => {
    const result = await call(engine.handlers, 'sandbox.status', {});
    if (!result.ok) throw new Error(`the sandbox status did not come: ${result.error.message}`);
    return result.value;
  };
  const probe = () => (status ??= sandboxStatus());
  return {
    home: path.dirname(engine.storePath),
    createExample: (name, dir) =>
      call(engine.handlers, 'examples.create', { name, folder: path.resolve(dir) }),
    example: (name) => {
      const found = catalog.find((e) => e.name === name);
      if (!found) throw new Error(`example ${name} is missing from the catalog`);
      return found;
    },
    startModel: (name) => startDemoModel(name, DEMO_MODEL_NAME),
    // Docker only when a sandbox can really start there: a daemon that answers without an image would fail
    // the run at set-up, so the demo says why and uses the local sandbox.
    probeDocker: async () => {
      const found = await probe();
      if (found.ready) return { available: true, error: null };
      return { available: false, error: found.docker.problem?.message ?? found.advice[0] ?? null };
    },
    probeOsSandbox: async () => {
      const { osSandbox } = await probe();
      return osSandbox.available
        ? { isolated: true, reason: null }
        : { isolated: false, reason: osSandbox.reason };
    },
    env: process.env,
    now: () => new Date(),
  };
}

export function registerDemo(program: Command): void {
  const demo = program
    .command('demo')
    .description(
      'a whole run offline: a generated example dataset and a scripted model on loopback (no API key needed)',
    )
    .argument('[example]', `which example: ${DEMO_EXAMPLES.join(' or ')}`, 'churn')
    .option(
      '--sandbox <kind>',
      'docker, local or local-unisolated (default: docker when a sandbox can start there, else local)',
    )
    .option('--workspace <dir>', 'where the code goes (default: a new folder beside the demo data)')
    .option('--max-steps <n>', 'experiments to try at most', '6');
  addFollowOptions(demo).action(async (example: string, flags: DemoFlags) => {
    if (!(DEMO_EXAMPLES as readonly string[]).includes(example)) {
      throw new UsageError(`unknown demo '${example}': choose ${DEMO_EXAMPLES.join(' or ')}`);
    }
    const { withEngine } = await import('../engine-call');
    const code = await withEngine(async (engine) =>
      demoCommand(engine, example, flags, await realDemoEnv(engine)),
    );
    if (code !== EXIT.ok) throw new ExitWith(code);
  });
}
