/**
 * The desktop host's own capabilities: native dialogs, the file manager, links and dropped paths. They are not
 * engine commands (a browser tab has none of them, and the engine never shows a dialog), so they have their own
 * short list beside the contract. Names and plain values only, without zod: the preload checks the names and
 * must stay small, and the drop layer on the renderer's first screen uses the values.
 */
export const HOST_CAPABILITY_NAMES = [
  'pickFolder',
  'pickSavePath',
  'showItemInFolder',
  'openExternal',
  'checkDroppedPath',
  'printToPdf',
] as const;
export type HostCapabilityName = (typeof HOST_CAPABILITY_NAMES)[number];

export const isHostCapabilityName = (name: unknown): name is HostCapabilityName =>
  typeof name === 'string' && (HOST_CAPABILITY_NAMES as readonly string[]).includes(name);

/** What a user can drop on the window, said wherever a drop is refused (desktop and browser alike). */
export const DROP_HINT = 'Drop a dataset folder, or a project.yaml file to fill the New run form.';

/** A project.yaml is a page of settings: anything larger is not one, and is not read into memory. */
export const PROJECT_FILE_MAX_BYTES = 256 * 1024;

/** A project file by its name: `project.yaml`, `my-run.yml`... (its content is checked by `project.import`). */
export const isProjectFileName = (name: string): boolean => /\.ya?ml$/i.test(name);
