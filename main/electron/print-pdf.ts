import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BrowserWindow } from 'electron';

/**
 * "Export PDF" of a run report: the report's HTML file opened in a hidden window and printed by Chromium's
 * `webContents.printToPDF`, the same engine a browser's Print uses, so the page's print styles apply. The window
 * runs no script (the report has none; JavaScript is off anyway), has no preload, and lives in its own
 * in-memory session, so nothing of the app's is reachable from the page.
 */
export async function printHtmlToPdf(
  htmlPath: string,
  pdfPath: string,
  options: { timeoutMs?: number } = {},
): Promise<{ path: string; bytes: number }> {
  if (!fs.statSync(htmlPath, { throwIfNoEntry: false })?.isFile()) {
    throw new Error(`${htmlPath} does not exist (any more): write the report again, then export it`);
  }
  if (!fs.existsSync(path.dirname(pdfPath))) {
    throw new Error(`the folder ${path.dirname(pdfPath)} does not exist: choose another place for the PDF`);
  }
  const window = new BrowserWindow({
    show: false,
    width: 1024,
    height: 1400,
    webPreferences: {
      javascript: false,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      partition: 'report-print',
    },
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    const work = (async () => {
      await window.loadURL(pathToFileURL(htmlPath).href);
      return window.webContents.printToPDF({
        printBackground: true,
        pageSize: 'A4',
        generateDocumentOutline: true,
      });
    })();
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error('printing the report took longer than a minute; try again')),
        options.timeoutMs ?? 60_000,
      );
    });
    const data = await Promise.race([work, timeout]);
    await fs.promises.writeFile(pdfPath, data);
    return { path: pdfPath, bytes: data.length };
  } finally {
    if (timer) clearTimeout(timer);
    window.destroy();
  }
}
