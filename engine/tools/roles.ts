import { z } from 'zod';
import type { ToolSet } from '../llm/tools';
import { TOOL_SPECS, type ToolName } from './schemas';

/** Which actor is asking: each gets its own tools (inventory 3.1, role unions). */
export type Role = 'coding' | 'data_analysis' | 'proposal';
export const ROLES: readonly Role[] = ['coding', 'data_analysis', 'proposal'];

const ROLE_TOOL_NAMES: Record<Role, readonly ToolName[]> = {
  coding: [
    'write_file',
    'read_file',
    'edit_file',
    'list_files',
    'create_directory',
    'run_shell_command',
    'run_python_file',
    'run_tests',
    'launch_training',
    'launch_evaluate',
    'download_url',
    'mark_complete',
  ],
  data_analysis: [
    'read_file',
    'write_file',
    'list_files',
    'run_python_file',
    'run_shell_command',
    'mark_complete',
  ],
  proposal: ['read_file', 'list_files', 'run_shell_command', 'mark_complete'],
};

/** Tools that exist only where the run allows the network. */
const NETWORK_TOOLS: ReadonlySet<ToolName> = new Set(['download_url']);

function pick(names: readonly ToolName[]): ToolSet {
  const set: ToolSet = {};
  for (const name of names) set[name] = TOOL_SPECS[name];
  return set;
}

/** A role's tools with the network allowed (download_url included where the role has it). */
export const ROLE_TOOLS: Record<Role, ToolSet> = {
  coding: pick(ROLE_TOOL_NAMES.coding),
  data_analysis: pick(ROLE_TOOL_NAMES.data_analysis),
  proposal: pick(ROLE_TOOL_NAMES.proposal),
};

/** A role's tools for a run: without the network, download_url is left out. */
export function toolsFor(role: Role, options: { network: boolean }): ToolSet {
  const names = ROLE_TOOL_NAMES[role];
  if (!names) throw new Error(`unknown role ${JSON.stringify(role)}`);
  return pick(options.network ? names : names.filter((n) => !NETWORK_TOOLS.has(n)));
}

/**
 * The tool set as one zod discriminated union on `tool`: `{tool: 'write_file', args: {...}}`, for JSON-object
 * answers. Generated from the ToolSet, which stays the one source of names and argument schemas.
 */
export function toolCallUnion(tools: ToolSet) {
  const options = Object.entries(tools).map(([name, spec]) =>
    z.object({ tool: z.literal(name), args: spec.args.prefault({}) }),
  );
  if (options.length === 0) throw new Error('a tool set needs at least one tool');
  return z.discriminatedUnion('tool', options as [(typeof options)[number], ...(typeof options)[number][]]);
}

export type ToolCallUnion = ReturnType<typeof toolCallUnion>;

/** One discriminated union per role (network allowed; use toolCallUnion(toolsFor(role, ...)) otherwise). */
export const ROLE_CALL_UNIONS: Record<Role, ToolCallUnion> = {
  coding: toolCallUnion(ROLE_TOOLS.coding),
  data_analysis: toolCallUnion(ROLE_TOOLS.data_analysis),
  proposal: toolCallUnion(ROLE_TOOLS.proposal),
};

/** A role's union for a run (download_url only with the network). */
export function roleCallUnion(role: Role, options: { network: boolean }): ToolCallUnion {
  return toolCallUnion(toolsFor(role, options));
}
