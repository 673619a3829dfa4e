/**
 * The names of the contract's commands and events, and nothing else: no zod, no schema, no import at all.
 * The preload checks names with these and must stay a small self-contained file (it bundles everything it
 * imports, and contract.ts would bring zod, ~200 KB, only to look a name up). contract.ts is checked against
 * these lists at compile time in both directions, so a command added there without its name here (or the
 * other way round) is a type error, not a silent refusal at the bridge. names.test.ts keeps zod out of the
 * preload's bundle.
 */

export const COMMAND_NAMES = [
  'app.info',
  'app.storage',
  'provider.status',
  'settings.get',
  'settings.update',
  'runs.start',
  'runs.list',
  'runs.get',
  'runs.cancel',
  'runs.pause',
  'runs.resume',
  'runs.delete',
  'runs.logs',
  'runs.log',
  'datasets.inspect',
  'workspace.inspect',
  'project.validate',
  'project.import',
  'project.export',
  'sandbox.status',
  'sandbox.build',
  'policy.check',
  'policy.get',
  'policy.update',
  'examples.list',
  'examples.create',
  'models.list',
  'models.suggest',
  'metrics.list',
  'runs.experiment',
  'runs.trace',
  'runs.documents',
  'runs.gitLog',
  'runs.safety',
  'setup.check',
  'secrets.status',
  'secrets.set',
  'secrets.delete',
] as const;

export const EVENT_NAMES = [
  'settings.changed',
  'run.event',
  'run.events',
  'sandbox.build.progress',
  'sandbox.build.finished',
  'runs.changed',
  'secrets.changed',
  'app.openRun',
  'app.openPage',
] as const;

export type DeclaredCommandName = (typeof COMMAND_NAMES)[number];
export type DeclaredEventName = (typeof EVENT_NAMES)[number];

const commandSet: ReadonlySet<string> = new Set(COMMAND_NAMES);
const eventSet: ReadonlySet<string> = new Set(EVENT_NAMES);

export const isCommandName = (name: unknown): name is DeclaredCommandName =>
  typeof name === 'string' && commandSet.has(name);
export const isEventName = (name: unknown): name is DeclaredEventName =>
  typeof name === 'string' && eventSet.has(name);
