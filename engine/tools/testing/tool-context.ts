import fs from 'node:fs';
import { loadPolicy } from '../../../policy';
import type { Sandbox } from '../../sandbox/types';
import type { ToolContext } from '../context';

/** Tests only: a tool context over a sandbox (or a stand-in that has only paths). */
export function makeToolContext(
  workspaceDir: string,
  options: {
    sandbox?: Sandbox;
    sandboxPaths?: { workspace: string; data: string | null };
    dataDir?: string | null;
    network?: boolean;
    signal?: AbortSignal;
    outputCapChars?: number;
    onLog?: ToolContext['onLog'];
    onMetrics?: ToolContext['onMetrics'];
  } = {},
): ToolContext {
  const ws = fs.realpathSync(workspaceDir);
  const dataDir = options.dataDir ? fs.realpathSync(options.dataDir) : null;
  const sandbox =
    options.sandbox ??
    ({
      kind: 'local',
      isolation: 'none',
      runId: 'test',
      id: 'fake',
      paths: options.sandboxPaths ?? { workspace: ws, data: dataDir },
      gpu: false,
      warnings: [],
      exec: () => Promise.reject(new Error('this test sandbox runs nothing')),
      stop: () => Promise.resolve(),
    } satisfies Sandbox);
  return {
    sandbox,
    policy: loadPolicy({ userPolicyPath: null }),
    workspaceDir: ws,
    dataDir,
    timeouts: { shellMs: 30_000, pythonMs: 30_000, testsMs: 60_000, trainingMs: 60_000, evaluateMs: 60_000 },
    outputCapChars: options.outputCapChars ?? 4000,
    network: options.network ?? false,
    signal: options.signal ?? new AbortController().signal,
    onLog: options.onLog,
    onMetrics: options.onMetrics,
  };
}
