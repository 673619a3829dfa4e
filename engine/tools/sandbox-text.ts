import fs from 'node:fs';
import path from 'node:path';

/**
 * Text for the model speaks in the paths the sandbox sees, never the host's: the agent's code runs in the
 * sandbox, where a host path does not exist (it would write it into model.py and fail), and a host path tells
 * it where the engine keeps what it must not see (the run folder: hidden labels, the database beside it).
 *
 * One function, applied where text leaves for the model (RunSession.chat: prompts, tool results, critic
 * feedback, test-failure explanations, tool errors alike), whatever produced the text and whatever the
 * sandbox: a mapping whose host path equals its sandbox path (a local sandbox without a mount namespace) is
 * simply the identity, and the same code maps a bubblewrap or Docker sandbox's `/workspace`.
 */
export interface PathMapping {
  /** An absolute host path. */
  host: string;
  /** What the model is told instead: a sandbox path, or a placeholder for what it has no path to. */
  sandbox: string;
}

/** What the model is told instead of the run folder's host path (outside any mount it can see). */
export const RUN_FOLDER_PLACEHOLDER = '<the engine run folder>';

export interface SandboxPathsInput {
  workspaceDir: string;
  dataDir: string | null;
  sandboxPaths: { workspace: string; data: string | null };
  /** The run's own folder (hidden splits, predictions it scores); shown as a placeholder. */
  runDir?: string | null;
  /** Hidden splits mounted for predict.py, with their mount points (`/holdout/<split>`). */
  mounts?: readonly PathMapping[];
}

/** The mappings of a run, each host path in both its given and its real (links resolved) spelling. */
export function sandboxPathMappings(input: SandboxPathsInput): PathMapping[] {
  const pairs: PathMapping[] = [
    { host: input.workspaceDir, sandbox: input.sandboxPaths.workspace },
    ...(input.mounts ?? []),
  ];
  if (input.dataDir) {
    pairs.push({ host: input.dataDir, sandbox: input.sandboxPaths.data ?? input.dataDir });
  }
  if (input.runDir) pairs.push({ host: input.runDir, sandbox: RUN_FOLDER_PLACEHOLDER });
  const out: PathMapping[] = [];
  for (const pair of pairs) {
    for (const host of new Set([path.resolve(pair.host), realOr(pair.host)])) {
      if (host !== pair.sandbox && host !== path.parse(host).root) out.push({ host, sandbox: pair.sandbox });
    }
  }
  return out;
}

// A path character: a host path matches only as a whole path, never as the start of a longer name
// (/tmp/ws in /tmp/ws2) or the end of one (/tmp/ws in /x/tmp/ws).
const PATH_CHAR = '[A-Za-z0-9._~+\\-]';

/** Replaces every host path of `mappings` in `text` by its sandbox path; the longest (most specific) first. */
export function toSandboxText(text: string, mappings: readonly PathMapping[]): string {
  if (mappings.length === 0 || !text) return text;
  const sorted = [...mappings].sort((a, b) => b.host.length - a.host.length);
  const byHost = new Map(sorted.map((m) => [m.host, m.sandbox]));
  const pattern = new RegExp(
    `(?<!${PATH_CHAR}|/)(${sorted.map((m) => escape(m.host)).join('|')})(?!${PATH_CHAR})`,
    'g',
  );
  return text.replace(pattern, (host: string) => byHost.get(host) ?? host);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function realOr(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}
