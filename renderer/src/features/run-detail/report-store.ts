import { create } from 'zustand';
import { api } from '../../api';
import { host } from '../../host';
import { messageOf } from '../../lib/format';

/**
 * The run report from the Run detail header (issue 11): "Show report" and "Export". The desktop app writes the
 * file with the engine (`runs.report`), shows it in the file manager, and exports HTML or PDF (the app's own
 * Chromium prints it) to a place the save dialog gives; a browser tab, which cannot reach the engine's files,
 * gets the page's text (`runs.reportHtml`) and opens or downloads it.
 */

type Busy = 'show' | 'export' | null;

interface ReportState {
  busy: Busy;
  /** What the last action did (a live region says it), or why it did nothing. */
  message: string | null;
  error: string | null;
  show(runId: string): Promise<void>;
  exportReport(runId: string): Promise<void>;
  reset(): void;
}

const shortId = (id: string) => id.slice(0, 8);

/** A browser download of text: a Blob behind an `a[download]`, clicked and taken away again. */
function download(text: string, fileName: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/html' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  // The download has its own copy once clicked; a little later the URL can go.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export const useReportStore = create<ReportState>((set, get) => ({
  busy: null,
  message: null,
  error: null,
  reset: () => set({ busy: null, message: null, error: null }),

  async show(runId) {
    if (get().busy) return;
    set({ busy: 'show', message: null, error: null });
    try {
      if (host) {
        const written = await api.call('runs.report', { id: runId });
        const shown = await host.call('showItemInFolder', { path: written.path });
        if (!shown.ok) throw new Error(shown.error.message);
        set({ busy: null, message: `Report written: ${written.path}` });
      } else {
        const { html } = await api.call('runs.reportHtml', { id: runId });
        const url = URL.createObjectURL(new Blob([html], { type: 'text/html' }));
        const opened = window.open(url, '_blank', 'noopener');
        setTimeout(() => URL.revokeObjectURL(url), 60_000);
        set({
          busy: null,
          message: opened === null ? null : 'The report opened in a new tab.',
          error:
            opened === null ? 'The browser blocked the new tab: use Export to download the report.' : null,
        });
      }
    } catch (error) {
      set({ busy: null, error: `No report: ${messageOf(error)}` });
    }
  },

  async exportReport(runId) {
    if (get().busy) return;
    set({ busy: 'export', message: null, error: null });
    try {
      if (!host) {
        const { html, fileName } = await api.call('runs.reportHtml', { id: runId });
        download(html, fileName.replace(/^report_/, `report_${shortId(runId)}_`));
        set({ busy: null, message: 'The report was downloaded (HTML; your browser can print it to a PDF).' });
        return;
      }
      const picked = await host.call('pickSavePath', {
        title: 'Export the run report',
        defaultName: `report_${shortId(runId)}.html`,
        filters: [
          { name: 'HTML page', extensions: ['html'] },
          { name: 'PDF', extensions: ['pdf'] },
        ],
      });
      if (!picked.ok) throw new Error(picked.error.message);
      const target = picked.value.path;
      if (!target) {
        set({ busy: null });
        return;
      }
      if (/\.pdf$/i.test(target)) {
        // The engine writes the HTML (into the workspace's reports folder), the app's Chromium prints it.
        const written = await api.call('runs.report', { id: runId });
        const printed = await host.call('printToPdf', { htmlPath: written.path, pdfPath: target });
        if (!printed.ok) throw new Error(printed.error.message);
        set({ busy: null, message: `PDF exported: ${printed.value.path}` });
      } else {
        const out = /\.html?$/i.test(target) ? target : `${target}.html`;
        const written = await api.call('runs.report', { id: runId, out });
        set({ busy: null, message: `Report exported: ${written.path}` });
      }
    } catch (error) {
      set({ busy: null, error: `The report was not exported: ${messageOf(error)}` });
    }
  },
}));
