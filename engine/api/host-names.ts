/**
 * The desktop host's own capabilities: native dialogs, the file manager, links and dropped paths. They are not
 * engine commands (a browser tab has none of them, and the engine never shows a dialog), so they have their own
 * short list beside the contract. Names only, without zod: the preload checks them and must stay small.
 */
export const HOST_CAPABILITY_NAMES = [
  'pickFolder',
  'pickSavePath',
  'showItemInFolder',
  'openExternal',
  'checkDroppedPath',
] as const;
export type HostCapabilityName = (typeof HOST_CAPABILITY_NAMES)[number];

export const isHostCapabilityName = (name: unknown): name is HostCapabilityName =>
  typeof name === 'string' && (HOST_CAPABILITY_NAMES as readonly string[]).includes(name);
