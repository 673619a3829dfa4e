import { create } from 'zustand';
import { DROP_HINT, isProjectFileName, PROJECT_FILE_MAX_BYTES } from '../../../../engine/api/host-names';
import { host, pathForFile } from '../../host';
import { messageOf } from '../../lib/format';

/**
 * The New run form's store, loaded on a drop: it builds the form's schema when it loads, and the drop layer is
 * on the first screen, which loads no schema.
 */
const newRunForm = async () => (await import('../new-run/store')).useNewRunStore.getState();

/** One dropped thing, read while the drop event lasts (a DataTransfer is emptied once it ends). */
export interface DroppedItem {
  file: File;
  /** Whether the browser says it is a folder (webkitGetAsEntry); false where it cannot tell. */
  isDirectory: boolean;
}

export interface DropNotice {
  kind: 'error' | 'info';
  text: string;
}

export interface DropState {
  /** Files are being dragged over the window: the overlay shows. */
  dragging: boolean;
  /** What the last drop did, where it needs saying (a refusal, or what to do next). */
  notice: DropNotice | null;
  setDragging(dragging: boolean): void;
  dismiss(): void;
  drop(items: DroppedItem[]): Promise<void>;
}

const NEW_RUN = '#/new';
const goToNewRun = () => {
  if (location.hash !== NEW_RUN) location.hash = NEW_RUN;
};
const quoted = (name: string) => `“${name}”`;
const NO_PATH = 'a browser does not tell the page where a file lives. Type or paste its path below.';

/** Reads the items of a drop event, in the event itself (the browser empties the DataTransfer afterwards). */
export function droppedItems(transfer: DataTransfer | null): DroppedItem[] {
  if (!transfer) return [];
  const items = Array.from(transfer.items ?? []).filter((i) => i.kind === 'file');
  if (items.length === 0)
    return Array.from(transfer.files ?? []).map((file) => ({ file, isDirectory: false }));
  return items.flatMap((item) => {
    const file = item.getAsFile();
    return file ? [{ file, isDirectory: item.webkitGetAsEntry?.()?.isDirectory === true }] : [];
  });
}

/**
 * A drop anywhere on the window. The desktop app knows where a dropped thing lives (the preload asks Electron) and
 * main checks it: a dataset folder opens New run with the path filled and its preview; a project file fills the
 * form through `project.import`. A browser knows only names and contents: a project file is read and imported; a
 * folder can only be typed. Anything else is refused, saying what to drop.
 */
export const useDropStore = create<DropState>((set) => {
  const say = (kind: DropNotice['kind'], text: string) => set({ notice: { kind, text } });

  async function importText(file: File): Promise<void> {
    if (file.size > PROJECT_FILE_MAX_BYTES) {
      say(
        'error',
        `${quoted(file.name)} is ${Math.round(file.size / 1024)} KB: a project.yaml is at most ` +
          `${PROJECT_FILE_MAX_BYTES / 1024} KB. ${DROP_HINT}`,
      );
      return;
    }
    goToNewRun();
    const text = await file.text();
    await (await newRunForm()).importYaml(text);
  }

  return {
    dragging: false,
    notice: null,
    setDragging: (dragging) => set({ dragging }),
    dismiss: () => set({ notice: null }),

    async drop(items) {
      set({ dragging: false, notice: null });
      if (items.length > 1) {
        say('error', `${items.length} items were dropped: drop one folder or one project.yaml at a time.`);
        return;
      }
      const item = items[0];
      const path = item && host ? pathForFile(item.file) : null;
      if (item && path && host) {
        const checked = await host.call('checkDroppedPath', { path });
        if (!checked.ok) return say('error', checked.error.message);
        const found = checked.value;
        if (found.kind === 'refused') return say('error', found.message);
        goToNewRun();
        const form = await newRunForm();
        if (found.kind === 'folder') form.set('dataset', found.path);
        else await form.importYaml(found.yaml);
        return;
      }
      if (!item) {
        if (host) return say('error', `Nothing that mle-beast can use was dropped. ${DROP_HINT}`);
        goToNewRun();
        (await newRunForm()).dropWithoutPath();
        return say('info', `Something was dropped, but ${NO_PATH}`);
      }
      const { file, isDirectory } = item;
      if (!isDirectory && isProjectFileName(file.name)) {
        try {
          await importText(file);
        } catch (error) {
          say('error', `${quoted(file.name)} cannot be read: ${messageOf(error)}`);
        }
        return;
      }
      if (isDirectory) {
        goToNewRun();
        (await newRunForm()).dropWithoutPath();
        return say('info', `${quoted(file.name)} is a folder, but ${NO_PATH}`);
      }
      say('error', `${quoted(file.name)} is not a dataset folder or a project.yaml. ${DROP_HINT}`);
    },
  };
});
