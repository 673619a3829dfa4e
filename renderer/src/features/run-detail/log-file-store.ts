import { create } from 'zustand';
import type { RunLogInfo } from '../../../../engine/api';
import { api } from '../../api';
import { messageOf } from '../../lib/format';

/**
 * One command's full log from the run folder (`runs.logs` / `runs.log`), for the console's "full log" source:
 * it opens on the log's tail and pages older output in, a chunk at a time, in front of what is shown.
 */

/** Lines read when a log opens; bytes per older page. */
const TAIL_LINES = 5000;
const OLDER_BYTES = 256 * 1024;

interface LogFileState {
  runId: string | null;
  logs: RunLogInfo[];
  name: string | null;
  lines: string[];
  /** The number of the first line shown, counted from the first line read (keys stay stable as pages come). */
  firstLine: number;
  /** Byte offset of the first line shown: 0 when the whole log is in. */
  offset: number;
  busy: boolean;
  error: string | null;
  reset(runId: string): void;
  list(runId: string): Promise<void>;
  open(runId: string, name: string): Promise<void>;
  older(runId: string): Promise<void>;
  leave(): void;
}

const split = (text: string) => text.replace(/\n$/, '').split('\n');

export const useLogFileStore = create<LogFileState>((set, get) => ({
  runId: null,
  logs: [],
  name: null,
  lines: [],
  firstLine: 0,
  offset: 0,
  busy: false,
  error: null,

  reset(runId) {
    set({ runId, logs: [], name: null, lines: [], firstLine: 0, offset: 0, busy: false, error: null });
    void get().list(runId);
  },

  async list(runId) {
    try {
      const { logs } = await api.call('runs.logs', { id: runId });
      if (get().runId === runId) set({ logs });
    } catch (error) {
      if (get().runId === runId)
        set({ error: `The run's log files could not be listed: ${messageOf(error)}` });
    }
  },

  async open(runId, name) {
    set({ name, lines: [], firstLine: 0, offset: 0, busy: true, error: null });
    try {
      const page = await api.call('runs.log', { id: runId, name, tail: TAIL_LINES });
      if (get().runId !== runId || get().name !== name) return;
      set({ lines: page.text ? split(page.text) : [], offset: page.offset, busy: false });
    } catch (error) {
      if (get().name === name) set({ busy: false, error: `${name} could not be read: ${messageOf(error)}` });
    }
  },

  async older(runId) {
    const { name, offset, busy } = get();
    if (!name || offset === 0 || busy) return;
    set({ busy: true, error: null });
    try {
      const from = Math.max(0, offset - OLDER_BYTES);
      const page = await api.call('runs.log', { id: runId, name, offset: from, maxBytes: offset - from });
      if (get().name !== name || get().offset !== offset) return;
      let text = page.text;
      let start = from;
      // A page that starts mid-line: its first, partial line is read with the next older page.
      if (from > 0) {
        const cut = text.indexOf('\n');
        start = from + (cut < 0 ? text.length : new TextEncoder().encode(text.slice(0, cut + 1)).length);
        text = cut < 0 ? '' : text.slice(cut + 1);
      }
      const more = text ? split(text) : [];
      set((s) => ({
        lines: [...more, ...s.lines],
        firstLine: s.firstLine - more.length,
        offset: start,
        busy: false,
      }));
    } catch (error) {
      set({ busy: false, error: `Older output could not be read: ${messageOf(error)}` });
    }
  },

  leave() {
    set({ name: null, lines: [], firstLine: 0, offset: 0, error: null });
  },
}));
